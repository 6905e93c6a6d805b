// `sudo -E skillwall …` keeps the user's HOME (and XDG_DATA_HOME): root's audit log went to
// ~user/.local/share/skillwall/audit. The user (or an agent acting as that uid) could plant
// a symlink there, and root made the folders and the log wherever it led; without a link, the
// log sat in a folder that uid can rename or empty, so the hash chain could be rewritten whole.
// As root the log's folder must now be root's alone, or the command stops before it runs.
// Real root, a real uid-1000 process planting the link, the real CLI.

import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { runCli } from "../helpers/cli.js";

const user = { uid: 1000, gid: 1000 };
let base = "";
let userHome = "";

beforeEach(() => {
  if (process.getuid?.() !== 0) throw new Error("this test reproduces a root supervisor: run it as root");
  base = fs.mkdtempSync(path.join(os.tmpdir(), "sw-auditsudo-"));
  fs.chmodSync(base, 0o755);
  userHome = path.join(base, "home");
  fs.mkdirSync(path.join(userHome, ".local", "share"), { recursive: true });
  execFileSync("chown", ["-R", `${user.uid}:${user.gid}`, userHome]);
});

afterEach(() => {
  fs.rmSync(base, { recursive: true, force: true });
});

/** `reject` is always audited and needs no Docker; its own answer does not matter here. */
const audited = (env: Record<string, string>) => runCli(["reject", "nothing"], { env });

describe("a root supervisor's audit log under the calling user's HOME (sudo -E)", () => {
  it("a symlink the user planted on the way is refused, nothing is made where it leads", async () => {
    const elsewhere = path.join(base, "elsewhere");
    fs.mkdirSync(elsewhere);
    execFileSync("ln", ["-s", elsewhere, path.join(userHome, ".local", "share", "skillwall")], user);
    const r = await audited({ HOME: userHome });
    expect(fs.readdirSync(elsewhere)).toEqual([]);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain("the audit log folder");
    expect(r.stderr).toContain("owned by uid 1000");
    expect(r.stderr).toContain("fix: run sudo without -E");
  });

  it("a folder that uid can rename is refused (the user could replace the log)", async () => {
    const r = await audited({ HOME: userHome });
    expect(r.stderr).toMatch(/audit log folder .* is not root's alone \(.*owned by uid 1000\)/);
    const logs = path.join(userHome, ".local", "share", "skillwall", "audit");
    expect(fs.existsSync(logs) ? fs.readdirSync(logs) : []).toEqual([]);
  });

  it("XDG_DATA_HOME pointing at the user's folder is refused the same way", async () => {
    const r = await audited({ HOME: "/root", XDG_DATA_HOME: path.join(userHome, ".local", "share") });
    expect(r.stderr).toContain("is not root's alone");
  });

  it("a root-owned folder is fine", async () => {
    const rootData = path.join(base, "root-data");
    fs.mkdirSync(rootData, { mode: 0o700 });
    const r = await audited({ HOME: "/root", XDG_DATA_HOME: rootData });
    expect(r.stderr).not.toContain("audit log folder");
    expect(fs.readdirSync(path.join(rootData, "skillwall", "audit")).length).toBe(1);
  });
});
