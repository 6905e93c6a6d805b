// Elevated exec by default (red team s11): OpenClaw 2026.9.6 reads an exec call's `elevated` only
// when it is a boolean; without it (or with any other value) resolveExecElevatedMode falls back to
// the operator's tools.elevated.defaultLevel, so under `defaultLevel: "on" | "full"` a call that
// never says `elevated` runs elevated: on the host, outside OpenClaw's sandbox. The gate refused
// only `elevated: true`; every exec it lets through now carries `elevated: false`, which OpenClaw
// reads as "off" whatever the defaults.

import { beforeAll, describe, expect, it } from "vitest";
import { initShell } from "../../src/shell/index.js";
import { agentGate, type Gate } from "../helpers/agent-gate.js";
import { freshGateHome } from "../helpers/gate-home.js";

let gate: Gate;

beforeAll(async () => {
  await initShell();
  gate = agentGate(freshGateHome("sw-elev-"));
});

const exec = (params: Record<string, unknown>) =>
  gate.beforeToolCall({ toolName: "exec", toolCallId: "e1", params }, {});

describe("exec and OpenClaw's elevated default", () => {
  it("an allowed exec that does not say elevated is handed back with elevated: false", async () => {
    for (const params of [
      { command: "ls" },
      { command: "echo hi", elevated: false },
      // Not a boolean: OpenClaw would fall back to the operator's default level.
      { command: "ls", elevated: "false" },
      { command: "ls", elevated: null },
    ]) {
      const r = await exec(params);
      expect(r?.block, JSON.stringify(params)).toBeUndefined();
      expect(r?.params?.elevated, JSON.stringify(params)).toBe(false);
    }
  });

  it("elevated: true is still refused", async () => {
    const r = await exec({ command: "ls", elevated: true });
    expect(r?.block).toBe(true);
    expect(r?.blockReason).toContain("elevated");
  });
});
