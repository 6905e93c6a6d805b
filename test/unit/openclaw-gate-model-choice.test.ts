// Red team rt13gate F4: a sub-agent (sessions_spawn `model`) or an automation's agent turn
// (`model`, `fallbacks`) may name any model of any provider OpenClaw can reach, one it detected
// from an API key in the gateway's environment included: the turn's text, and any secret the
// agent read, then goes to a provider the operator never chose. Only the models the operator
// configured pass (agents.defaults.model, per-agent and sub-agent models, the allowlist
// agents.defaults.models with its aliases); omitting the model (the configured one runs) passes.

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

function setup(): Gate {
  const root = mkdtempSync(path.join(tmpdir(), "sw-ocmodel-"));
  const home = path.join(root, "home");
  const ws = path.join(home, ".openclaw/workspace");
  mkdirSync(ws, { recursive: true });
  return (createGate as (l: object, c: object, h: object) => Gate)(
    lib,
    { policy: "agent", auditLog: path.join(root, "audit.jsonl"), timeoutMs: 60000 },
    {
      env: { HOME: home, SHELL: "/bin/bash", PATH: "/usr/bin:/bin" },
      openclawConfig: {
        agents: {
          defaults: {
            workspace: ws,
            model: { primary: "mock/mock-1", fallbacks: ["mock/mock-fallback"] },
            subagents: { model: "mock/mock-sub" },
            models: { "mock/mock-big": { alias: "big" } },
          },
          list: [{ id: "writer", model: "mock/mock-writer" }],
        },
      },
    },
  );
}

const call = (g: Gate, toolName: string, params: object) =>
  g.beforeToolCall({ toolName, toolCallId: `c-${toolName}`, params });
const turnJob = (payload: object) => ({
  action: "add",
  job: {
    name: "n",
    schedule: { kind: "every", everyMs: 60000 },
    sessionTarget: "isolated",
    payload: { kind: "agentTurn", message: "check", ...payload },
  },
});

describe("OpenClaw gate: a model the operator did not choose (rt13gate F4)", () => {
  it("sessions_spawn passes with a configured model or none, and is refused with another", async () => {
    const g = setup();
    for (const model of [
      undefined,
      "mock/mock-1",
      "Mock/Mock-Sub",
      "big",
      "mock/mock-writer",
      " mock/mock-big ",
    ])
      expect(
        await call(g, "sessions_spawn", { task: "t", ...(model ? { model } : {}) }),
        String(model),
      ).toBeUndefined();
    for (const model of ["openai/gpt-4o", "mock/other", "", 3]) {
      const r = await call(g, "sessions_spawn", { task: "t", model });
      expect(r?.block, String(model)).toBe(true);
      expect(r?.blockReason).toMatch(/not a model the operator configured/);
    }
  });

  it("an automation's agent turn passes with configured models and is refused with another, in model or fallbacks", async () => {
    const g = setup();
    expect(await call(g, "automations", turnJob({}))).toBeUndefined();
    expect(
      await call(g, "automations", turnJob({ model: "mock/mock-1", fallbacks: ["big"] })),
    ).toBeUndefined();
    expect(await call(g, "automations", turnJob({ model: null, fallbacks: null }))).toBeUndefined();
    for (const payload of [{ model: "openai/gpt-4o" }, { fallbacks: ["mock/mock-1", "anthropic/x"] }]) {
      const r = await call(g, "automations", turnJob(payload));
      expect(r?.block, JSON.stringify(payload)).toBe(true);
      expect(r?.blockReason).toMatch(/not a model the operator configured/);
    }
    // Flat, as OpenClaw's normaliser also reads it.
    expect(
      (
        await call(g, "cron", {
          action: "add",
          name: "n",
          schedule: { kind: "at", at: "2030-01-01T00:00:00Z" },
          message: "m",
          model: "x/y",
        })
      )?.block,
    ).toBe(true);
  });
});
