// As root the state directory (lockfile: approvals and pins) was refused only when the container
// user (uid 1000) could write it. A folder of any other user passed: `sudo -E` keeps a user's
// SKILLWALL_STATE_ROOT, and --state-dir may name a folder in a user's home, so that user could
// later rewrite root's approvals without root (red team s12, R4). As root the state directory and
// every folder above it must now be root's: owned by root, writable by no group but root's.

import { chmodSync, chownSync, mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { readLockfile } from "../../src/remote/lockfile.js";
import { agentHomePaths, useStateDir } from "../../src/remote/paths.js";

const otherUser = 1001; // neither root nor the container user
const asRoot = process.getuid?.() === 0;

function setup(name: string): { home: string; base: string } {
  const base = mkdtempSync(path.join(tmpdir(), `sw-state-${name}-`));
  const home = path.join(base, "home");
  mkdirSync(home);
  return { home, base };
}

/** Root's state in `dir`, holding a lockfile: what reading it gives (the skills, or the refusal). */
async function plantedApprovals(home: string, dir: string): Promise<string> {
  useStateDir(home, dir);
  const lockfile = agentHomePaths(home).lockfile;
  writeFileSync(lockfile, '{"version":1,"skills":{}}');
  chownSync(lockfile, 0, 0);
  try {
    const lock = await readLockfile(home);
    return `read ${Object.keys(lock.skills).length} skills`;
  } catch (err) {
    return `${(err as { code?: string }).code ?? "?"} ${String(err)}`;
  }
}

describe.runIf(asRoot)("as root, the state directory is root's alone", () => {
  it("refuses one in a folder another user owns (they could swap or rewrite it)", async () => {
    const { home, base } = setup("owner");
    const theirs = path.join(base, "alice");
    mkdirSync(theirs);
    chownSync(theirs, otherUser, otherUser);
    const dir = path.join(theirs, "state");
    mkdirSync(dir, { mode: 0o700 });
    expect(await plantedApprovals(home, dir)).toMatch(
      /^state-dir-unsafe .*alice: it is owned by uid 1001, not root/,
    );
  });

  it("refuses one that another user's group may write", async () => {
    const { home, base } = setup("group");
    const dir = path.join(base, "state");
    mkdirSync(dir, { mode: 0o700 });
    chownSync(dir, 0, otherUser);
    chmodSync(dir, 0o770);
    expect(await plantedApprovals(home, dir)).toMatch(
      /^state-dir-unsafe .*state: it is group-writable by gid 1001/,
    );
  });

  it("control: a root-owned folder, under the sticky /tmp, is used", async () => {
    const { home, base } = setup("root");
    const dir = path.join(base, "state");
    mkdirSync(dir, { mode: 0o700 });
    expect(await plantedApprovals(home, dir)).toBe("read 0 skills");
  });
});
