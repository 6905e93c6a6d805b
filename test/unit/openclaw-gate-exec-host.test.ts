// Red team rt13gate F3: with `tools.exec.host: "node"` (globally or for one agent) OpenClaw runs
// every exec call on a paired node, a machine whose files the gate never looks at: the symlink,
// git-config and PATH checks would be made on the gateway's files while the command runs
// elsewhere. The gate refuses exec there, as it refuses a call that asks for `host: "node"`.

import { mkdirSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import * as lib from "../../src/index.js";
// @ts-expect-error: plain ESM plugin module without type declarations
import { createGate } from "../../integrations/openclaw/gate.mjs";

interface Gate {
  beforeToolCall(event: object, ctx?: object): Promise<{ block?: boolean; blockReason?: string } | undefined>;
}

function gate(tools: object | undefined, agentTools?: object, current?: () => object): Gate {
  const root = mkdtempSync(path.join(tmpdir(), "sw-ochost-"));
  const home = path.join(root, "home");
  const ws = path.join(home, ".openclaw/workspace");
  mkdirSync(ws, { recursive: true });
  const openclawConfig = {
    agents: {
      defaults: { workspace: ws },
      list: [{ id: "main", ...(agentTools ? { tools: agentTools } : {}) }],
    },
    ...(tools ? { tools } : {}),
  };
  return (createGate as (l: object, c: object, h: object) => Gate)(
    lib,
    { policy: "agent", auditLog: path.join(root, "audit.jsonl") },
    {
      env: { HOME: home, SHELL: "/bin/bash", PATH: "/usr/bin:/bin" },
      openclawConfig,
      ...(current ? { currentConfig: () => ({ ...openclawConfig, ...current() }) } : {}),
    },
  );
}

const ls = { toolName: "exec", params: { command: "ls" }, toolCallId: "t" };
const ctx = { agentId: "main" };

describe("OpenClaw gate: exec on a paired node by configuration (rt13gate F3)", () => {
  it("refuses exec when the configured host is node, globally or for the agent", async () => {
    for (const g of [gate({ exec: { host: "node" } }), gate(undefined, { exec: { host: " Node " } })]) {
      const r = await g.beforeToolCall(ls, ctx);
      expect(r?.block).toBe(true);
      expect(r?.blockReason).toMatch(/paired node/);
    }
  });

  it("follows the config as it is now (a hot reload to node)", async () => {
    const g = gate({ exec: { host: "gateway" } }, undefined, () => ({ tools: { exec: { host: "node" } } }));
    expect((await g.beforeToolCall(ls, ctx))?.block).toBe(true);
  });

  it("lets the agent's own gateway host stand over a global node host, and runs on the gateway", async () => {
    expect(
      (await gate({ exec: { host: "node" } }, { exec: { host: "gateway" } }).beforeToolCall(ls, ctx))?.block,
    ).toBeUndefined();
    for (const host of ["gateway", "auto", undefined])
      expect(
        (await gate(host ? { exec: { host } } : undefined).beforeToolCall(ls, ctx))?.block,
      ).toBeUndefined();
  });
});
