// The audit log is the supervisor's: never opened through a symlink or a FIFO planted at its
// name, and never inside a tree the workspace code mounts into a container or chowns.

import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { openAuditLog } from "../../src/audit/log.js";
import { prepareAgentHome, prepareWorkspace } from "../../src/run/workspace.js";

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "sw-audit-out-"));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

describe("audit log location", () => {
  it("refuses a symlink at the log's name and leaves its target alone", () => {
    const victim = path.join(dir, "victim");
    fs.writeFileSync(victim, "ORIGINAL\n");
    const log = path.join(dir, "audit.jsonl");
    fs.symlinkSync(victim, log);
    expect(() => openAuditLog({ file: log, subscribe: false })).toThrow(/audit log .*symlink|ELOOP/);
    expect(fs.readFileSync(victim, "utf8")).toBe("ORIGINAL\n");
  });

  it("refuses a FIFO at the log's name without blocking", () => {
    const log = path.join(dir, "audit.jsonl");
    fs.mkdirSync(path.dirname(log), { recursive: true });
    // mkfifo through the real tool: node has no mkfifo.
    execFileSync("mkfifo", [log]);
    expect(() => openAuditLog({ file: log, subscribe: false })).toThrow(/not a regular file/);
  });

  it("a workspace or agent home holding an open audit log is refused before anything is chowned", async () => {
    const home = path.join(dir, "home");
    const log = await openAuditLog({
      file: path.join(home, ".local/share/skillwall/audit/a.jsonl"),
      subscribe: false,
    });
    try {
      await expect(prepareWorkspace({ agentHome: home, relDir: ".local/share/ws" })).rejects.toThrow(
        /audit log directory .* is inside/,
      );
      await expect(prepareAgentHome({ agentHome: home })).rejects.toThrow(/audit log directory .* is inside/);
      // A workspace beside it is fine.
      await expect(
        prepareWorkspace({ agentHome: home, relDir: ".openclaw/skills/x" }),
      ).resolves.toBeDefined();
    } finally {
      await log.close();
    }
    // A home inside the log's own directory is fine (the container sees only the home).
    const beside = await openAuditLog({ file: path.join(dir, "audit.jsonl"), subscribe: false });
    try {
      await expect(prepareAgentHome({ agentHome: path.join(dir, "home2") })).resolves.toBeDefined();
    } finally {
      await beside.close();
    }
    // Closed logs are forgotten.
    await expect(prepareAgentHome({ agentHome: home })).resolves.toBeDefined();
  });
});

describe("audit verify on a planted name", () => {
  it("refuses a FIFO without blocking (audit verify, policy suggest --from-run)", async () => {
    const { verifyAuditLog } = await import("../../src/audit/verify.js");
    const log = path.join(dir, "audit.jsonl");
    execFileSync("mkfifo", [log]);
    await expect(verifyAuditLog(log)).rejects.toThrow(/not a regular file/);
  });
});
