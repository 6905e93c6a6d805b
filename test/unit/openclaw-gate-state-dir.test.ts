// The OpenClaw gate answers a fetch of a pinned URL from skillwall's lockfile (the agent home's
// state folder). With a workspace that holds that folder (agents.defaults.workspace "~" and the
// audit log kept elsewhere), the agent's own write tool could rewrite the lockfile: the pin gone,
// the next curl or web_fetch of the live heartbeat.md passes (red team s12, R1). The gate refuses
// to start there, as it does for its audit log, policy and checkout.

import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import * as lib from "../../src/index.js";
import { agentHomePaths, useStateDir } from "../../src/remote/paths.js";
// @ts-expect-error: plain ESM plugin module without type declarations
import { createGate } from "../../integrations/openclaw/gate.mjs";
import type { Gate } from "../helpers/agent-gate.js";

const heartbeatUrl = "https://www.moltbook.com/heartbeat.md";

/** A lockfile that pins the Moltbook heartbeat (its blob is not needed: the gate refuses first). */
function pinHeartbeat(lockfile: string): void {
  mkdirSync(path.dirname(lockfile), { recursive: true });
  const when = "2026-01-01T00:00:00Z";
  const skill = {
    name: "moltbook",
    source: "https://www.moltbook.com/skill.md",
    installedAt: when,
    updatedAt: when,
    policy: { name: "moltbook", hash: "h" },
    files: [
      {
        path: "HEARTBEAT.md",
        role: "heartbeat",
        origin: "fetched",
        url: heartbeatUrl,
        sha256: "a".repeat(64),
        size: 1,
      },
    ],
    approvedSteps: [],
  };
  writeFileSync(lockfile, JSON.stringify({ version: 1, skills: { moltbook: skill } }));
}

function start(home: string, auditLog: string): Gate {
  return (createGate as (l: object, c: object, h: object) => Gate)(
    lib,
    { policy: "moltbook", agentHome: home, auditLog, timeoutMs: 60000 },
    {
      env: { HOME: home, SHELL: "/bin/bash", PATH: "/usr/bin:/bin" },
      // The agent works in its home; web_fetch runs only without redirects.
      openclawConfig: {
        agents: { defaults: { workspace: "~" } },
        tools: { web: { fetch: { maxRedirects: 0 } } },
      },
    },
  );
}

describe("OpenClaw gate: skillwall's state folder outside every workspace", () => {
  it("refuses to start when the agent's workspace holds the lockfile that pins its heartbeat", () => {
    const tmp = mkdtempSync(path.join(os.tmpdir(), "sw-gate-state-"));
    const home = path.join(tmp, "home");
    // Where a plain user's gateway keeps it by default: ~/.local/state/skillwall/homes/….
    useStateDir(home, path.join(home, ".local/state/skillwall/homes/home-1"));
    const lockfile = agentHomePaths(home).lockfile;
    pinHeartbeat(lockfile);
    let refusal: unknown;
    try {
      start(home, path.join(tmp, "audit.jsonl"));
    } catch (err) {
      refusal = err;
    }
    expect(String(refusal)).toMatch(
      /skillwall's state folder \(lockfile and pinned copies\) .*home-1 is inside the agent workspace .*home.*fix: move it outside every agent workspace/,
    );
  });

  it("starts when the state folder is outside the workspace, which puts the lockfile out of the write tool's reach", async () => {
    const tmp = mkdtempSync(path.join(os.tmpdir(), "sw-gate-state-"));
    const home = path.join(tmp, "home");
    mkdirSync(home);
    useStateDir(home, path.join(tmp, "state"));
    pinHeartbeat(agentHomePaths(home).lockfile);
    const gate = start(home, path.join(tmp, "audit.jsonl"));
    const write = await gate.beforeToolCall(
      { toolName: "write", toolCallId: "w", params: { path: agentHomePaths(home).lockfile, content: "{}" } },
      {},
    );
    expect(write).toMatchObject({ block: true });
    expect((write as { blockReason: string }).blockReason).toMatch(/outside the agent's workspace/);
    // The pin still holds (the missing blob also refuses: fail closed).
    const fetch = await gate.beforeToolCall(
      { toolName: "web_fetch", toolCallId: "f", params: { url: heartbeatUrl } },
      {},
    );
    expect(fetch).toMatchObject({ block: true });
  });
});
