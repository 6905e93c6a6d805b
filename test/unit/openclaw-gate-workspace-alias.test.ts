// The OpenClaw plugin refuses to start when an agent workspace holds its own files (audit log,
// policy, checkout, state folder) or the sandbox temp folder. It compared real paths as strings:
// a bind-mount alias of the workspace (another name for the same folder) passed, and the agent's
// write tool could then rewrite the audit log or the policy through the workspace's own name
// (red team s13, LOW list). Folders are now compared by device and inode as well.

import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import * as lib from "../../src/index.js";
// @ts-expect-error: plain ESM plugin module without type declarations
import { createGate } from "../../integrations/openclaw/gate.mjs";

const asRoot = process.getuid?.() === 0;

/** Starting the gate: "started", or the refusal. */
function start(home: string, workspace: string, auditLog: string): string {
  try {
    (createGate as (l: object, c: object, h: object) => unknown)(
      lib,
      { policy: "agent", agentHome: home, auditLog, timeoutMs: 60000 },
      {
        env: { HOME: home, SHELL: "/bin/bash", PATH: "/usr/bin:/bin" },
        openclawConfig: { agents: { defaults: { workspace } } },
      },
    );
    return "started";
  } catch (err) {
    return String(err);
  }
}

describe.runIf(asRoot)("OpenClaw gate: own files inside a workspace reached by another name", () => {
  it("refuses an audit log in a bind-mount alias of the workspace", () => {
    const tmp = mkdtempSync(path.join(os.tmpdir(), "sw-gate-alias-"));
    const home = path.join(tmp, "home");
    const ws = path.join(tmp, "ws");
    const alias = path.join(tmp, "logs");
    mkdirSync(home);
    mkdirSync(ws);
    mkdirSync(alias);
    execFileSync("mount", ["--bind", ws, alias]);
    try {
      expect(start(home, ws, path.join(alias, "audit.jsonl"))).toMatch(
        /the audit log .*logs\/audit\.jsonl is inside the agent workspace .*ws/,
      );
    } finally {
      execFileSync("umount", ["-l", alias]); // lazy: a gate that started holds the log open
    }
    // Control: the same log in a folder of its own starts the gate.
    const own = path.join(tmp, "own");
    mkdirSync(own);
    expect(start(home, ws, path.join(own, "audit.jsonl"))).toBe("started");
  });
});
