// The operator's own paths (--agent-home, --workspace, scan --output, policy suggest -o) are
// opened component by component from "/": a symlink is followed only where nobody but root could
// have planted it (a folder owned by root or by this user, not group- or world-writable). Red
// team S8-B F13 (a symlinked agent home was followed and its target chowned to uid 1000) and F5
// (a symlinked folder on the way to --output made root write into /etc).

import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { HostDir, writeNamedFile } from "../../src/hostfs/host-dir.js";
import { prepareAgentHome, prepareWorkspace } from "../../src/run/workspace.js";

const asRoot = process.getuid?.() === 0;
const owner = asRoot ? { uid: 1000, gid: 1000 } : undefined;

let dir: string;
let victim: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "sw-operator-path-"));
  victim = path.join(dir, "victim");
  fs.mkdirSync(path.join(victim, "sub"), { recursive: true, mode: 0o700 });
  fs.writeFileSync(path.join(victim, "sub", "file"), "secret\n");
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

/**
 * A folder anyone can write. As root it is sticky like /tmp and the link is planted as uid 1000
 * (the attacker); as another user, who cannot plant a link as someone else, it is not sticky, so
 * anyone could have replaced the link.
 */
function openFolder(name: string): string {
  const p = path.join(dir, name);
  fs.mkdirSync(p);
  fs.chmodSync(p, asRoot ? 0o1777 : 0o777);
  return p;
}

/** A symlink as the attacker plants it in an open folder. */
function plant(target: string, link: string): void {
  fs.symlinkSync(target, link);
  if (asRoot) fs.lchownSync(link, 1000, 1000);
}

const uids = (): number[] =>
  [victim, path.join(victim, "sub"), path.join(victim, "sub", "file")].map((p) => fs.statSync(p).uid);

describe("an operator path with a symlink planted in a writable folder", () => {
  it("wrap --agent-home LINK is refused and the link's target is not chowned (F13)", async () => {
    const link = path.join(openFolder("pub"), "homelink");
    plant(victim, link);
    const before = uids();
    await expect(prepareAgentHome({ agentHome: link, ...(owner ? { owner } : {}) })).rejects.toThrow(
      /homelink is a symbolic link .*writable by every user/,
    );
    expect(uids()).toEqual(before);
  });

  it("a symlink above the home is refused too, and --workspace creates nothing through it", async () => {
    const pub = openFolder("pub");
    plant(dir, path.join(pub, "up"));
    await expect(
      prepareWorkspace({
        agentHome: path.join(pub, "up", "victim"),
        relDir: "ws",
        ...(owner ? { owner } : {}),
      }),
    ).rejects.toThrow(/up is a symbolic link/);
    await expect(HostDir.open(path.join(pub, "up", "made"), { create: true })).rejects.toThrow(
      /symbolic link/,
    );
    expect(fs.existsSync(path.join(dir, "made"))).toBe(false);
    expect(fs.existsSync(path.join(victim, "ws"))).toBe(false);
  });

  it("refuses a symlink in a folder another user owns (the agent's own parent folder)", async () => {
    // Only root can make a folder another uid owns.
    if (!asRoot) return;
    const parent = path.join(dir, "users-home");
    fs.mkdirSync(parent, { mode: 0o755 });
    fs.chownSync(parent, 1000, 1000);
    fs.symlinkSync(victim, path.join(parent, "agent"));
    await expect(
      prepareAgentHome({ agentHome: path.join(parent, "agent"), owner: { uid: 1000, gid: 1000 } }),
    ).rejects.toThrow(/agent is a symbolic link .*owned by uid 1000/);
    expect(uids()).toEqual([0, 0, 0]);
  });

  it("follows a symlink that only root (or this user) could have planted, like /var/run -> /run", async () => {
    // dir is this user's own 0700 mkdtemp folder: a link in it is the operator's.
    fs.symlinkSync("victim", path.join(dir, "mine"));
    fs.symlinkSync("../victim/sub", path.join(victim, "rel"));
    const opened = await HostDir.open(path.join(dir, "mine", "rel"));
    try {
      expect(await opened.realPath()).toBe(path.join(fs.realpathSync(victim), "sub"));
    } finally {
      await opened.close();
    }
  });

  it("follows a link in a sticky open folder (/tmp) only when root or this user owns the link", async () => {
    // Sticky: only the link's owner (or the folder's, or root) could have replaced it.
    const pub = path.join(dir, "tmp");
    fs.mkdirSync(pub);
    fs.chmodSync(pub, 0o1777);
    fs.symlinkSync(victim, path.join(pub, "shared"));
    const opened = await HostDir.open(path.join(pub, "shared", "sub"));
    try {
      expect(await opened.realPath()).toBe(path.join(fs.realpathSync(victim), "sub"));
    } finally {
      await opened.close();
    }
    fs.chmodSync(pub, 0o777); // the same link where anyone may replace it
    await expect(HostDir.open(path.join(pub, "shared", "sub"))).rejects.toThrow(
      /shared is a symbolic link .*writable by every user/,
    );
    if (!asRoot) return; // only root can plant a link as another user
    fs.chmodSync(pub, 0o1777);
    fs.lchownSync(path.join(pub, "shared"), 1000, 1000);
    await expect(HostDir.open(path.join(pub, "shared", "sub"))).rejects.toThrow(
      /shared is a symbolic link .*owned by uid 1000/,
    );
  });

  it("names a missing folder with the fix instead of a raw ENOENT", async () => {
    await expect(HostDir.open(path.join(dir, "nope", "deeper"))).rejects.toMatchObject({
      message: `${path.join(dir, "nope")} does not exist`,
      fix: expect.stringContaining("mkdir -p"),
    });
  });
});

describe("writeNamedFile (scan --output, policy suggest -o)", () => {
  it("does not write through a symlinked folder on the way (F5)", async () => {
    const out = openFolder("out");
    plant(victim, path.join(out, "etclink"));
    await expect(writeNamedFile(path.join(out, "etclink", "report.json"), "{}\n")).rejects.toThrow(
      /etclink is a symbolic link/,
    );
    expect(fs.readdirSync(victim)).toEqual(["sub"]);
  });

  it("refuses names that can only mean a folder, with a fix that names a file", async () => {
    fs.mkdirSync(path.join(dir, "out"));
    for (const name of ["out/new/", ".", "/", "out/.."]) {
      await expect(writeNamedFile(name, "x", dir)).rejects.toMatchObject({
        message: `${name} names a folder, not a file`,
        fix: expect.stringContaining("name a file"),
      });
    }
    await expect(writeNamedFile("out", "x", dir)).rejects.toMatchObject({
      message: `${path.join(dir, "out")} is a folder, not a file`,
    });
    await expect(writeNamedFile("missing/r.json", "x", dir)).rejects.toThrow(/missing does not exist/);
    expect(fs.readdirSync(path.join(dir, "out"))).toEqual([]);
    await writeNamedFile("out/r.json", "ok\n", dir);
    expect(fs.readFileSync(path.join(dir, "out", "r.json"), "utf8")).toBe("ok\n");
  });
});
