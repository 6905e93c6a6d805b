// A supervisor that is not root kept its audit log wherever it was told, unchecked: in a folder
// another user owns, or one every user may write, that user could replace or rewrite the log
// (its hash chain has no key) and the operator would verify their version (red team s13, LOW
// list: "non-root audit folders are not checked for other writers"). The folder and every folder
// above it must now be the user's (or root's), writable by nobody else. Run as a real non-root
// user (uid 1000) through the real CLI.

import { spawnSync } from "node:child_process";
import { chmodSync, chownSync, existsSync, mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { repoRoot } from "../helpers/cli.js";

const asRoot = process.getuid?.() === 0;
const user = 1000;

function setup(): { base: string; skill: string; home: string } {
  const base = mkdtempSync(path.join(os.tmpdir(), "sw-audit-nonroot-"));
  chmodSync(base, 0o755);
  const skill = path.join(base, "skill");
  mkdirSync(skill);
  writeFileSync(path.join(skill, "SKILL.md"), "# Demo\n\n```bash\necho hi\n```\n");
  const home = path.join(base, "home");
  mkdirSync(home);
  chownSync(home, user, user);
  return { base, skill, home };
}

/** `skillwall --audit-log LOG scan SKILL` as uid 1000: exit code and stderr. */
function scanAs(log: string, skill: string, home: string): { code: number | null; stderr: string } {
  const r = spawnSync(
    process.execPath,
    [path.join(repoRoot, "bin/skillwall.js"), "--audit-log", log, "scan", skill],
    {
      uid: user,
      gid: user,
      cwd: home,
      env: { HOME: home, PATH: "/usr/bin:/bin", NO_COLOR: "1" },
      encoding: "utf8",
      timeout: 60_000,
    },
  );
  return { code: r.status, stderr: r.stderr };
}

describe.runIf(asRoot)("a non-root supervisor's audit log folder", () => {
  it("is refused in a folder another user owns, and no log is written there", () => {
    const { base, skill, home } = setup();
    const bob = path.join(base, "bob");
    mkdirSync(bob, { mode: 0o777 });
    chmodSync(bob, 0o777);
    chownSync(bob, 1001, 1001);
    const log = path.join(bob, "logs", "audit.jsonl");
    const got = scanAs(log, skill, home);
    expect(got.stderr).toMatch(
      /audit log folder .*bob\/logs is not uid 1000's alone \(.*bob is owned by uid 1001/,
    );
    expect(got.code).toBe(2);
    expect(existsSync(log)).toBe(false);
  });

  it("is refused in a folder of the user's that every user may write (not sticky)", () => {
    const { base, skill, home } = setup();
    const shared = path.join(base, "shared");
    mkdirSync(shared);
    chmodSync(shared, 0o777);
    chownSync(shared, user, user);
    const log = path.join(shared, "audit.jsonl");
    const got = scanAs(log, skill, home);
    expect(got.stderr).toMatch(/audit log folder .*shared is not uid 1000's alone \(others can write it\)/);
    expect(existsSync(log)).toBe(false);
  });

  it("control: the user's own folder holds the log", () => {
    const { skill, home } = setup();
    const log = path.join(home, "logs", "audit.jsonl");
    const got = scanAs(log, skill, home);
    expect(got.stderr).toBe("");
    expect(got.code).toBe(0);
    expect(existsSync(log)).toBe(true);
  });

  it("control: a folder of the user's that only the user's own group may also write (umask 002)", () => {
    const { skill, home } = setup();
    const logs = path.join(home, "logs");
    mkdirSync(logs);
    chownSync(logs, user, user);
    chmodSync(logs, 0o775);
    chmodSync(home, 0o775);
    const got = scanAs(path.join(logs, "audit.jsonl"), skill, home);
    expect(got.stderr).toBe("");
    expect(existsSync(path.join(logs, "audit.jsonl"))).toBe(true);
  });
});
