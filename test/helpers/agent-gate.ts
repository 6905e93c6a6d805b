// The OpenClaw plugin's gate under the shipped `agent` policy, over a fresh agent HOME: what the
// gate unit tests drive with tool-call events.

import path from "node:path";
import * as lib from "../../src/index.js";
// @ts-expect-error: plain ESM plugin module without type declarations
import { createGate } from "../../integrations/openclaw/gate.mjs";
import type { GateHome } from "./gate-home.js";

export interface Answer {
  block?: boolean;
  blockReason?: string;
  params?: Record<string, unknown>;
}
export interface Gate {
  beforeToolCall(event: object, ctx?: object): Promise<Answer | undefined>;
}

export function agentGate({ root, home, ws }: GateHome): Gate {
  return (createGate as (l: object, c: object, h: object) => Gate)(
    lib,
    { policy: "agent", auditLog: path.join(root, "audit.jsonl") },
    {
      env: { HOME: home, SHELL: "/bin/bash", PATH: "/usr/bin:/bin" },
      // maxRedirects 0: the config under which the gate lets web_fetch run (G6).
      openclawConfig: {
        agents: { defaults: { workspace: ws } },
        tools: { web: { fetch: { maxRedirects: 0 } } },
      },
    },
  );
}
