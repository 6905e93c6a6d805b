// Folders the supervisor makes for itself in the temp directory (serve's job folders, the egress
// CA bundle, the install snapshot, image build work) were made in os.tmpdir() unchecked. Under
// `sudo -E` with a user's TMPDIR, that user owns the folder they sit in and can rename root's
// 0700 folder away and put a symlink at its name: serve then made its job folder (FIFOs, and
// later the job script, written as root) wherever the symlink led, and gave Docker that path to
// mount as /job. Now such a TMPDIR is refused before anything is made.
// Real root, a real uid-1000 process doing the swap, real folders; the container client is never
// reached when the guard holds (it only records what it would have mounted).

import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { snapshotTree } from "../../src/gate/snapshot.js";
import type { ContainerClient, ContainerSpec } from "../../src/run/container-client.js";
import { prepareCaBundle } from "../../src/run/egress-step.js";
import { createBuildLog } from "../../src/run/image.js";
import { sandboxDefaults } from "../../src/limits.js";
import { ContainerPool } from "../../src/serve/pool.js";

const attacker = { uid: 1000, gid: 1000 };
const savedTmp = process.env["TMPDIR"];
let base = "";
let userTmp = "";

/** Runs a shell command as uid 1000 (the user whose TMPDIR `sudo -E` kept). */
function asAttacker(script: string): void {
  execFileSync("sh", ["-c", script], { ...attacker, stdio: "ignore" });
}

beforeEach(() => {
  if (process.getuid?.() !== 0) throw new Error("this test reproduces a root supervisor: run it as root");
  // Built under the real temp directory before TMPDIR is pointed at the user's folder.
  base = fs.mkdtempSync(path.join(os.tmpdir(), "sw-privtmp-"));
  fs.chmodSync(base, 0o755);
  userTmp = path.join(base, "user-tmp");
  fs.mkdirSync(userTmp, { mode: 0o700 });
  fs.chownSync(userTmp, attacker.uid, attacker.gid);
  process.env["TMPDIR"] = userTmp;
});

afterEach(() => {
  if (savedTmp === undefined) delete process.env["TMPDIR"];
  else process.env["TMPDIR"] = savedTmp;
  fs.rmSync(base, { recursive: true, force: true });
});

describe("the supervisor's own temp folders under a TMPDIR another user owns", () => {
  it("control: that user can rename root's 0700 folder there and plant a symlink at its name", () => {
    const rootOwned = fs.mkdtempSync(path.join(userTmp, "skillwall-x-"));
    asAttacker(`mv "${rootOwned}" "${rootOwned}.gone" && ln -s /etc "${rootOwned}"`);
    expect(fs.realpathSync(rootOwned)).toBe("/etc");
  });

  it("serve: no job folder is made, so none can be swapped for the user's own", async () => {
    const victim = path.join(base, "victim");
    fs.mkdirSync(victim, { mode: 0o755 });
    const mounted: string[] = [];
    const client = {
      create: (spec: ContainerSpec) => {
        for (const m of spec.HostConfig.Mounts) if (m.Target === "/job") mounted.push(m.Source);
        return Promise.resolve("id");
      },
      start: () => Promise.resolve(),
      remove: () => Promise.resolve(),
    } as unknown as ContainerClient;
    let refusal: unknown;
    let pool: ContainerPool | undefined;
    try {
      pool = new ContainerPool({
        client,
        image: "none",
        seccompJson: "{}",
        limits: { ...sandboxDefaults },
        workspaceHostDir: base,
        workspaceContainerDir: "/workspace",
        user: attacker,
        size: 1,
      });
    } catch (err) {
      refusal = err;
    }
    if (pool !== undefined) {
      // The attack, when a job root was made: swap it for a link to the user's own folder.
      const jobs = fs.readdirSync(userTmp).find((n) => n.startsWith("skillwall-serve-jobs-"));
      const root = path.join(userTmp, jobs ?? "missing");
      asAttacker(`mv "${root}" "${root}.gone" && ln -s "${victim}" "${root}"`);
      await pool.fill().catch(() => undefined);
      await pool.close();
    }
    expect(fs.readdirSync(victim)).toEqual([]);
    expect(mounted).toEqual([]);
    expect(refusal).toMatchObject({ code: "private-tempdir" });
    expect((refusal as Error).message).toContain(`${userTmp} is owned by uid 1000`);
  });

  it("the egress CA bundle is refused the same way", async () => {
    await expect(prepareCaBundle("/etc/ssl/certs/ca-certificates.crt")).rejects.toMatchObject({
      code: "private-tempdir",
    });
    expect(fs.readdirSync(userTmp)).toEqual([]);
  });

  it("the install snapshot is refused the same way", async () => {
    const skill = path.join(base, "skill");
    fs.mkdirSync(skill);
    fs.writeFileSync(path.join(skill, "SKILL.md"), "---\nname: s\ndescription: d\n---\n");
    await expect(snapshotTree(skill)).rejects.toMatchObject({ code: "private-tempdir" });
    expect(fs.readdirSync(userTmp)).toEqual([]);
  });

  it("the image build log is refused the same way", async () => {
    await expect(createBuildLog()).rejects.toMatchObject({ code: "private-tempdir" });
    expect(fs.readdirSync(userTmp)).toEqual([]);
  });

  it("the sticky, world-writable /tmp is fine", async () => {
    process.env["TMPDIR"] = "/tmp";
    const skill = path.join(base, "skill");
    fs.mkdirSync(skill);
    fs.writeFileSync(path.join(skill, "SKILL.md"), "---\nname: s\ndescription: d\n---\n");
    const snap = await snapshotTree(skill);
    try {
      expect(snap.dir.startsWith("/tmp/skillwall-snapshot-")).toBe(true);
      expect(fs.lstatSync(snap.dir).mode & 0o777).toBe(0o700);
    } finally {
      await snap[Symbol.asyncDispose]();
    }
  });
});
