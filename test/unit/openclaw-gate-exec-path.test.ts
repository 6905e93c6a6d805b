// Red team rt13gate F1: OpenClaw 2026.9.6 runs a host exec command with a PATH the gate never
// checked: it prepends the PATH of a login shell (~/.profile) and sources a snapshot of the
// interactive shell (~/.bashrc). An operator's `PATH="node_modules/.bin:$PATH"` there would make
// the allowed `jq` the agent's own file. The command the gate hands back sets the PATH it checked
// (tools.exec.pathPrepend, then the gateway's PATH), whatever PATH the shell running it has.
// Real bash, real jq, a planted script that leaves a marker.

import { chmodSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { spawnSync } from "node:child_process";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import * as lib from "../../src/index.js";
// @ts-expect-error: plain ESM plugin module without type declarations
import { createGate } from "../../integrations/openclaw/gate.mjs";

interface Gate {
  beforeToolCall(
    event: object,
    ctx?: object,
  ): Promise<{ block?: boolean; blockReason?: string; params?: { command?: string } } | undefined>;
}

/** An executable script at `file` that leaves `marker` and prints `says`. */
function script(file: string, marker: string, says: string): void {
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, `#!/bin/sh\necho ran > ${JSON.stringify(marker)}\necho ${says}\n`);
  chmodSync(file, 0o755);
}

function scenario(pathPrepend?: string[]) {
  const root = mkdtempSync(path.join(tmpdir(), "sw-ocpath-"));
  const home = path.join(root, "home");
  const ws = path.join(home, ".openclaw/workspace");
  mkdirSync(ws, { recursive: true });
  writeFileSync(path.join(ws, "data.json"), '{"a":1}\n');
  const marker = path.join(root, "planted-jq-ran");
  // What the agent can do under the agent policy: write a file, chmod +x it.
  script(path.join(ws, "node_modules/.bin/jq"), marker, "planted");
  const g = (createGate as (l: object, c: object, h: object) => Gate)(
    lib,
    { policy: "agent", auditLog: path.join(root, "audit.jsonl") },
    {
      env: { HOME: home, SHELL: "/bin/bash", PATH: "/usr/bin:/bin" },
      openclawConfig: {
        agents: { defaults: { workspace: ws } },
        ...(pathPrepend ? { tools: { exec: { pathPrepend } } } : {}),
      },
    },
  );
  /** Runs the issued command as OpenClaw does, in a shell whose PATH a login shell prepended to. */
  const runIssued = (command: string) =>
    spawnSync("/bin/bash", ["-c", command], {
      cwd: ws,
      encoding: "utf8",
      env: { HOME: home, PATH: "node_modules/.bin:/usr/bin:/bin" },
    });
  return { g, marker, runIssued };
}

describe("OpenClaw gate: the PATH an allowed command runs with (rt13gate F1)", () => {
  it("runs the real jq, not one on a PATH the login shell or snapshot set", async () => {
    const { g, marker, runIssued } = scenario();
    // The control: that shell's PATH finds the planted jq first.
    expect(runIssued("jq . data.json").stdout).toContain("planted");
    expect(existsSync(marker)).toBe(true);
    rmSync(marker);
    const r = await g.beforeToolCall({
      toolName: "exec",
      params: { command: "jq . data.json" },
      toolCallId: "t",
    });
    expect(r?.block).toBeUndefined();
    const ran = runIssued(String(r?.params?.command));
    expect(ran.status, ran.stderr).toBe(0);
    expect(ran.stdout).toContain('"a": 1');
    expect(existsSync(marker)).toBe(false);
  });

  it("keeps tools.exec.pathPrepend first, as OpenClaw does", async () => {
    const root = mkdtempSync(path.join(tmpdir(), "sw-ocpath-tools-"));
    const tools = path.join(root, "tools");
    const toolMarker = path.join(root, "tool-jq-ran");
    script(path.join(tools, "jq"), toolMarker, "operator-jq");
    const { g, marker, runIssued } = scenario([tools]);
    const r = await g.beforeToolCall({
      toolName: "exec",
      params: { command: "jq . data.json" },
      toolCallId: "t",
    });
    expect(r?.block).toBeUndefined();
    const ran = runIssued(String(r?.params?.command));
    expect(ran.stdout).toContain("operator-jq");
    expect(existsSync(marker)).toBe(false);
  });
});
