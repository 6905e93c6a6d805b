// The gate's idea of an agent's workspace is OpenClaw's (integrations/openclaw/openclaw-workspaces.mjs
// ports the pinned OpenClaw's resolver; the plugin API's resolver and ctx.workspaceDir win): the
// start-up refusal sees every folder OpenClaw may make a workspace, and a call is judged in the
// folder the calling agent really works in.

import { mkdirSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import * as lib from "../../src/index.js";
// @ts-expect-error: plain ESM plugin module without type declarations
import { createGate } from "../../integrations/openclaw/gate.mjs";
import type { Gate } from "../helpers/agent-gate.js";

type Host = { env?: Record<string, string>; openclawConfig?: object; resolveAgentWorkspaceDir?: unknown };

function fixture(): { root: string; home: string } {
  const root = mkdtempSync(path.join(tmpdir(), "sw-ocws-"));
  const home = path.join(root, "home");
  mkdirSync(home, { recursive: true });
  return { root, home };
}

function make(root: string, home: string, auditLog: string, host: Host = {}): Gate {
  return (createGate as (l: object, c: object, h: object) => Gate)(
    lib,
    { policy: "agent", auditLog, timeoutMs: 60000 },
    { ...host, env: { HOME: home, SHELL: "/bin/bash", PATH: "/usr/bin:/bin", ...host.env } },
  );
}

describe("OpenClaw gate: workspaces as OpenClaw resolves them", () => {
  it("refuses to start with its audit log in any folder OpenClaw may make a workspace", () => {
    const { root, home } = fixture();
    const state = path.join(home, ".openclaw");
    const cases: Array<[string, Host]> = [
      // OpenClaw's default workspace from the env.
      [path.join(root, "envws/a.jsonl"), { env: { OPENCLAW_WORKSPACE_DIR: path.join(root, "envws") } }],
      // A second agent without a workspace gets $STATE/workspace-<id>.
      [
        path.join(state, "workspace-work/a.jsonl"),
        { openclawConfig: { agents: { list: [{ id: "main", default: true }, { id: "work" }] } } },
      ],
      // A bare `~` and a padded `~/ws2` are expanded and trimmed as OpenClaw does.
      [path.join(home, "a.jsonl"), { openclawConfig: { agents: { defaults: { workspace: "~" } } } }],
      [
        path.join(home, "ws2/a.jsonl"),
        { openclawConfig: { agents: { defaults: { workspace: " ~/ws2 " } } } },
      ],
      // OPENCLAW_HOME moves OpenClaw's `~` and its state folder.
      [
        path.join(root, "ochome/.openclaw/workspace/a.jsonl"),
        { env: { OPENCLAW_HOME: path.join(root, "ochome") } },
      ],
      // A profile's workspace.
      [path.join(home, ".openclaw-work/workspace/a.jsonl"), { env: { OPENCLAW_PROFILE: "work" } }],
      // <defaults>/<id> for a listed agent without its own workspace.
      [
        path.join(home, "ws/work/a.jsonl"),
        { openclawConfig: { agents: { defaults: { workspace: "~/ws" }, list: [{ id: "work" }] } } },
      ],
      // Whatever OpenClaw's own resolver answers.
      [
        path.join(root, "theirs/main/a.jsonl"),
        { resolveAgentWorkspaceDir: () => path.join(root, "theirs/main") },
      ],
    ];
    for (const [log, host] of cases)
      expect(() => make(root, home, log, host), `${log} ${JSON.stringify(host)}`).toThrow(
        /the audit log .* is inside the agent workspace/,
      );
    // Control: a log outside every workspace starts.
    expect(() => make(root, home, path.join(root, "logs/a.jsonl"), cases[1]![1])).not.toThrow();
  });

  it("judges a call in the calling agent's own workspace, not the default agent's", async () => {
    const { root, home } = fixture();
    const ws = path.join(home, "ws");
    mkdirSync(path.join(ws, "work"), { recursive: true });
    const config = {
      agents: { defaults: { workspace: ws }, list: [{ id: "main", default: true }, { id: "work" }] },
    };
    const g = make(root, home, path.join(root, "audit.jsonl"), { openclawConfig: config });
    const exec = { toolName: "exec", toolCallId: "c1", params: { command: "ls" } };
    // OpenClaw gives agent `work` <defaults>/work; the main agent keeps the defaults folder.
    expect((await g.beforeToolCall(exec, { agentId: "work" }))?.params?.workdir).toBe(path.join(ws, "work"));
    expect((await g.beforeToolCall(exec, { agentId: "main" }))?.params?.workdir).toBe(ws);
    // Agent `work` may not run in the main agent's folder (the parent of its own).
    const out = await g.beforeToolCall(
      { ...exec, params: { command: "ls", workdir: ws } },
      { agentId: "work" },
    );
    expect(out?.block).toBe(true);
    expect(out?.blockReason).toContain("outside the agent's workspace");
  });

  it("prefers OpenClaw's resolver and the context's folder, and refuses when the context disagrees", async () => {
    const { root, home } = fixture();
    const theirs = path.join(root, "theirs");
    mkdirSync(theirs, { recursive: true });
    const g = make(root, home, path.join(root, "audit.jsonl"), {
      openclawConfig: {},
      resolveAgentWorkspaceDir: (_cfg: object, id: string) => path.join(theirs, id),
    });
    const exec = { toolName: "exec", toolCallId: "c1", params: { command: "ls" } };
    expect((await g.beforeToolCall(exec, { agentId: "a" }))?.params?.workdir).toBe(path.join(theirs, "a"));
    expect(
      (await g.beforeToolCall(exec, { agentId: "a", workspaceDir: path.join(theirs, "a") }))?.params?.workdir,
    ).toBe(path.join(theirs, "a"));
    const other = await g.beforeToolCall(exec, { agentId: "a", workspaceDir: path.join(root, "elsewhere") });
    expect(other?.block).toBe(true);
    expect(other?.blockReason).toContain("but its config gives");
  });
});
