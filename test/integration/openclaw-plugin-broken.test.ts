// skillwall's plugin with a gate module that fails to load (a botched upgrade, a partial checkout)
// in the real OpenClaw: the plugin still registers and refuses every call with the reason, and
// the turn goes on. A plugin whose own module fails to load is one OpenClaw skips: `agent
// --local` then stops, but the Gateway starts without it and runs every turn unguarded (read in
// OpenClaw 2026.9.6's server-plugins: a startup load does not throw on plugin errors).

import { copyFileSync, existsSync, mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  agentTurn,
  freshAgentEnv,
  pluginConfig,
  pluginDir,
  requireOpenClaw,
  startMockModel,
  writeConfig,
  type AgentEnv,
  type MockModel,
  type RunResult,
} from "./openclaw-support.js";

let env: AgentEnv;
let model: MockModel;
let run: RunResult;

beforeAll(async () => {
  requireOpenClaw();
  env = freshAgentEnv();
  // A checkout copy outside the workspace: the real entry and manifest, a gate.mjs that throws.
  const broken = path.join(env.root, "checkout/integrations/openclaw");
  mkdirSync(broken, { recursive: true });
  for (const f of ["index.mjs", "openclaw.plugin.json", "package.json"])
    copyFileSync(path.join(pluginDir, f), path.join(broken, f));
  writeFileSync(path.join(broken, "gate.mjs"), 'throw new Error("gate.mjs is broken (test)");\n');
  // Allowed by the agent policy when the gate works: a workspace file.
  model = await startMockModel([[{ name: "exec", args: { command: "touch made-by-agent.txt" } }]]);
  writeConfig(env, model.port, pluginConfig({ policy: "agent" }, broken));
  run = await agentTurn(env);
}, 900_000);

afterAll(async () => {
  await model?.close();
});

describe("OpenClaw with a skillwall plugin whose gate fails to load", () => {
  it("runs the turn, and the call is refused with the reason instead of running unguarded", () => {
    expect(run.code, run.stderr.slice(-2000)).toBe(0);
    const result = model.toolMessages().find((m) => m.id === "call0t0")?.text ?? "<no tool result>";
    expect(result).toContain("skillwall blocked this exec call: skillwall could not load");
    expect(result).toContain("gate.mjs is broken (test)");
    expect(existsSync(path.join(env.workspace, "made-by-agent.txt"))).toBe(false);
  });
});
