// Red team rt13gate F2 with the real OpenClaw: a command that may plant symlinks (`cp -r`) holds
// the gate's lock until it ends. Run in the background, OpenClaw answers with a session, and its
// end is known only from a `process` result. Before, the gate refused every process call while the
// lock was held, so the poll that would have reported the end was refused too, and every later
// exec of the gateway stayed refused ("may still be creating files"). Now the poll passes, its
// answer releases the lock, and the next command runs.

import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  agentPolicyPlugin,
  agentTurn,
  freshAgentEnv,
  requireOpenClaw,
  startScriptedModel,
  writeConfig,
  type MockModel,
  type RunResult,
} from "./openclaw-support.js";

let model: MockModel;
let run: RunResult;

beforeAll(async () => {
  requireOpenClaw();
  const env = freshAgentEnv();
  mkdirSync(path.join(env.workspace, "src"));
  writeFileSync(path.join(env.workspace, "src/notes.md"), "canary-notes\n");
  model = await startScriptedModel(({ messages }) => {
    const results = messages.filter((m) => m.role === "tool");
    if (results.length === 0) return [{ name: "exec", args: { command: "cp -r src dst", background: true } }];
    if (results.length === 1) {
      const session = /session ([\w-]+)/.exec(JSON.stringify(results[0]?.content))?.[1];
      if (session === undefined) return undefined; // the test below shows what came back
      return [{ name: "process", args: { action: "poll", sessionId: session, timeout: 10_000 } }];
    }
    if (results.length === 2) return [{ name: "exec", args: { command: "cat dst/notes.md" } }];
    return undefined;
  });
  writeConfig(env, model.port, agentPolicyPlugin(env));
  run = await agentTurn(env);
}, 1_300_000);

afterAll(async () => {
  await model?.close();
});

describe("OpenClaw planting lock (rt13gate F2)", () => {
  it("a backgrounded cp -r is polled to its end, and the next command runs", () => {
    expect(run.code, run.stderr.slice(-2000)).toBe(0);
    const seen = model.toolMessages().map((m) => m.text);
    expect(seen[0]).toMatch(/session/);
    expect(seen).toHaveLength(3);
    expect(seen.join("\n")).not.toMatch(/skillwall blocked/);
    expect(seen[2]).toContain("canary-notes");
  });
});
