// The "audit log (or state directory) inside the tree the sandbox gets" guards compare folders by
// identity (dev+ino up the parent chain), not by path prefix. Red team S8-B F6: a folder named
// "..log" inside the home passed as "outside" (its relative path starts with ".."), and so did a
// home named by a bind-mount alias; the log was then chowned to the container user and mounted.

import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { openAuditLog } from "../../src/audit/log.js";
import { checkStateDirSafe } from "../../src/remote/state-dir.js";
import { prepareAgentHome, prepareWorkspace } from "../../src/run/workspace.js";

const asRoot = process.getuid?.() === 0;
const owner = asRoot ? { uid: 1000, gid: 1000 } : undefined;

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "sw-audit-identity-"));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

describe("audit log inside the agent home, by identity", () => {
  it('refuses a log in a "..log" folder of the home and leaves it root-owned', async () => {
    const home = path.join(dir, "h");
    const logDir = path.join(home, "..log");
    const log = openAuditLog({ file: path.join(logDir, "a.jsonl"), subscribe: false });
    try {
      const before = fs.statSync(path.join(logDir, "a.jsonl")).uid;
      await expect(prepareAgentHome({ agentHome: home, ...(owner ? { owner } : {}) })).rejects.toThrow(
        /audit log directory .*\.\.log is inside/,
      );
      await expect(
        prepareWorkspace({ agentHome: home, relDir: "..log/ws", ...(owner ? { owner } : {}) }),
      ).rejects.toThrow(/audit log directory .*\.\.log is inside/);
      expect(fs.statSync(path.join(logDir, "a.jsonl")).uid).toBe(before);
      expect(fs.statSync(logDir).uid).toBe(before);
      // A "..name" workspace beside the log is a plain folder inside the home (not refused as outside).
      await expect(prepareWorkspace({ agentHome: home, relDir: "..other/ws" })).resolves.toBeDefined();
    } finally {
      await log.close();
    }
  });

  it("refuses a home named by a bind-mount alias of the folder holding the log", async () => {
    // Only root can bind-mount.
    if (!asRoot) return;
    const home = path.join(dir, "h2");
    const alias = path.join(dir, "h2alias");
    fs.mkdirSync(path.join(home, "logs"), { recursive: true });
    fs.mkdirSync(alias);
    execFileSync("mount", ["--bind", home, alias]);
    const log = openAuditLog({ file: path.join(home, "logs", "a.jsonl"), subscribe: false });
    try {
      await expect(prepareAgentHome({ agentHome: alias, owner: { uid: 1000, gid: 1000 } })).rejects.toThrow(
        /audit log directory .*h2\/logs is inside .*h2alias/,
      );
      expect(fs.statSync(path.join(home, "logs", "a.jsonl")).uid).toBe(0);
    } finally {
      await log.close();
      execFileSync("umount", [alias]);
    }
  });
});

describe("state directory inside the agent home, by identity", () => {
  it("refuses HOME/..state before any run chowned the home", async () => {
    const home = path.join(dir, "h5");
    const state = path.join(home, "..state");
    fs.mkdirSync(state, { recursive: true, mode: 0o700 });
    await expect(checkStateDirSafe(state, home)).rejects.toThrow(/overlap/);
  });

  it("refuses a state directory inside a bind-mount alias of the home", async () => {
    if (!asRoot) return;
    const home = path.join(dir, "h6");
    const alias = path.join(dir, "h6alias");
    fs.mkdirSync(path.join(home, "state"), { recursive: true, mode: 0o700 });
    fs.mkdirSync(alias);
    execFileSync("mount", ["--bind", home, alias]);
    try {
      await expect(checkStateDirSafe(path.join(home, "state"), alias)).rejects.toThrow(/overlap/);
    } finally {
      execFileSync("umount", [alias]);
    }
  });
});
