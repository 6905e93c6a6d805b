// The audit log's directory was recorded by its path when the log was opened, and the "log
// inside the tree the sandbox gets" guard looked that path up again later. Whoever may write a
// folder above the log (here uid 1000, owning the folder the operator put the log under) moved
// that folder into the agent home and left a decoy at the old path: the guard checked the
// decoy, and the home, now holding the real log, was chowned to the container user (uid 1000),
// who can then rewrite the hash chain whole. The log's directory is now held by a descriptor
// and compared by identity, both by ancestry and while the tree is walked.
// Real files; the move itself is made as uid 1000 (setpriv). Root only.

import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it, vi } from "vitest";
import { openAuditLog } from "../../src/audit/log.js";
import { auditDirOverlapping } from "../../src/audit/open-files.js";
import { prepareAgentHome } from "../../src/run/workspace.js";
import { skipUnless } from "../helpers/requirement.js";

const asRoot = process.getuid?.() === 0;
const owner = { uid: 1000, gid: 1000 };
const cleanups: string[] = [];
afterEach(() => {
  vi.restoreAllMocks();
  for (const d of cleanups.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

/** What uid 1000 runs on the host. */
const asUser = (...argv: string[]) =>
  execFileSync("setpriv", ["--reuid=1000", "--regid=1000", "--clear-groups", ...argv]);

function layout(): { base: string; home: string; logFile: string } {
  const base = fs.mkdtempSync(path.join(os.tmpdir(), "sw-auditmove-"));
  cleanups.push(base);
  fs.chmodSync(base, 0o755);
  fs.chownSync(base, 1000, 1000);
  const home = path.join(base, "home");
  fs.mkdirSync(path.join(base, "alice"));
  fs.mkdirSync(home);
  for (const d of [home, path.join(base, "alice")]) fs.chownSync(d, 1000, 1000);
  return { base, home, logFile: path.join(base, "alice", "log", "a.jsonl") };
}

describe.skipIf(skipUnless(asRoot, "root (the suite hands folders to uid 1000)"))(
  "audit log directory moved into the agent home after it was opened",
  () => {
    it("the home is refused and the log stays root's", async () => {
      const { base, home, logFile } = layout();
      const log = openAuditLog({ file: logFile, subscribe: false });
      try {
        // uid 1000 moves the folder holding the log into the home and plants a decoy at its name.
        asUser("mv", path.join(base, "alice"), path.join(home, "alice"));
        asUser("mkdir", "-p", path.join(base, "alice", "log"));
        const moved = path.join(home, "alice", "log", "a.jsonl");
        expect(fs.statSync(moved).uid).toBe(0);
        const { dev, ino } = fs.statSync(home);
        expect(auditDirOverlapping({ dev, ino })).toBe(path.dirname(moved));
        await expect(prepareAgentHome({ agentHome: home, owner })).rejects.toThrow(
          /audit log directory .* is inside/,
        );
        expect(fs.statSync(moved).uid).toBe(0);
        expect(fs.statSync(path.dirname(moved)).uid).toBe(0);
      } finally {
        await log.close();
      }
    });

    it("moved in while the home is walked (after the up-front check): refused when the walk meets it", async () => {
      const { base, home, logFile } = layout();
      const log = openAuditLog({ file: logFile, subscribe: false });
      try {
        // The move runs inside the walk's first listing of the home, after the ancestry check.
        const realReaddir = fs.promises.readdir.bind(fs.promises);
        let moved = false;
        vi.spyOn(fs.promises, "readdir").mockImplementation(((p: fs.PathLike, ...rest: unknown[]) => {
          if (!moved) {
            moved = true;
            asUser("mv", path.join(base, "alice"), path.join(home, "alice"));
            asUser("mkdir", "-p", path.join(base, "alice", "log"));
          }
          return (realReaddir as (...a: unknown[]) => Promise<unknown>)(p, ...rest);
        }) as typeof fs.promises.readdir);
        await expect(prepareAgentHome({ agentHome: home, owner })).rejects.toThrow(
          /audit log directory .* is inside/,
        );
        expect(moved).toBe(true);
        expect(fs.statSync(path.join(home, "alice", "log", "a.jsonl")).uid).toBe(0);
        expect(fs.statSync(path.join(home, "alice", "log")).uid).toBe(0);
      } finally {
        await log.close();
      }
    });

    it("a log opened through a symlinked folder is held where it really is", async () => {
      const { base, home, logFile } = layout();
      // The operator named a path through a link; the real folder is inside the home.
      fs.mkdirSync(path.join(home, "real"), { recursive: true });
      fs.symlinkSync(path.join(home, "real"), path.join(base, "alice", "log"));
      const log = openAuditLog({ file: logFile, subscribe: false });
      try {
        await expect(prepareAgentHome({ agentHome: home, owner })).rejects.toThrow(
          /audit log directory .* is inside/,
        );
        expect(fs.statSync(path.join(home, "real", "a.jsonl")).uid).toBe(0);
      } finally {
        await log.close();
      }
    });
  },
);
