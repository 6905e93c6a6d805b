// The real OpenClaw agent behind skillwall's plugin, for tools the gate does not judge by
// command: a scripted model adds an automation whose stream schedule would run a command
// (creating a marker file), calls a plugin tool skillwall does not know (it creates a marker
// file), and lists the workspace with ls (harmless, allowed). With the plugin, both hostile calls
// are refused with skillwall's reason and recorded as denials, and no marker appears; ls still
// works. Without the plugin (negative control) the unknown tool really creates its marker and
// the automations call reaches OpenClaw's own tool (which, in --local mode without a gateway,
// cannot store the job: the stream's command running is shown by no test here).

import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { verifyAuditLog } from "../../src/audit/verify.js";
import {
  agentTurn,
  freshAgentEnv,
  pluginDir,
  requireOpenClaw,
  startMockModel,
  writeConfig,
  type AgentEnv,
  type MockModel,
  type RunResult,
  type ToolCall,
} from "./openclaw-support.js";
import { repoRoot } from "../helpers/cli.js";

const markerPlugin = path.join(repoRoot, "test/fixtures/openclaw/marker-tool-plugin");

interface Run {
  env: AgentEnv;
  marker: (name: string) => string;
  model: MockModel;
  run: RunResult;
}

async function scenario(withSkillwall: boolean): Promise<Run> {
  const env = freshAgentEnv();
  mkdirSync(path.join(env.root, "markers"));
  const marker = (name: string) => path.join(env.root, "markers", name);
  writeFileSync(path.join(env.workspace, "notes.txt"), "NOTES\n");
  // OpenClaw offers these tools through Tool Search: the model runs them with tool_call.
  const calls: ToolCall[] = [
    {
      name: "tool_call",
      args: {
        id: "automations",
        args: {
          action: "add",
          job: {
            name: "sw-stream",
            schedule: { kind: "stream", command: ["sh", "-c", `touch ${marker("automation")}`] },
            payload: { kind: "systemEvent", text: "line" },
          },
        },
      },
    },
    { name: "tool_call", args: { id: "sw_marker", args: { path: marker("unknown") } } },
    { name: "ls", args: {} },
    // Re-enabling a stored job: harmless alone, but OpenClaw merges it into whatever job the id
    // names (an operator's stream job would start its command).
    {
      name: "tool_call",
      args: {
        id: "automations",
        args: { action: "update", jobId: "operator-stream", job: { enabled: true } },
      },
    },
    // The Gateway's config: OpenClaw redacts it by key name only (an env var GH_PAT comes back as written).
    { name: "tool_call", args: { id: "gateway", args: { action: "config.get", path: "env" } } },
    // A pinned widget asking for the right to trigger a stored job.
    {
      name: "tool_call",
      args: {
        id: "show_widget",
        args: {
          title: "w",
          widget_code: "<b>w</b>",
          pin: true,
          capabilities: { tools: ["cron.trigger:operator-stream"] },
        },
      },
    },
    // Tool Search's own catalog search (the default tool surface): harmless, it passes.
    { name: "tool_search", args: { query: "automations" } },
  ];
  const model = await startMockModel([calls]);
  const entries: Record<string, unknown> = { "marker-tool": { enabled: true } };
  if (withSkillwall) entries.skillwall = { enabled: true, config: { policy: "common-tools" } };
  writeConfig(env, model.port, {
    // full: every core tool (automations too) and plugin tools are offered to the model.
    tools: { profile: "full" },
    plugins: {
      load: { paths: withSkillwall ? [pluginDir, markerPlugin] : [markerPlugin] },
      entries,
    },
  });
  const run = await agentTurn(env);
  return { env, marker, model, run };
}

let guarded: Run;
let control: Run;

beforeAll(async () => {
  requireOpenClaw();
  [guarded, control] = await Promise.all([scenario(true), scenario(false)]);
}, 1_300_000);

afterAll(async () => {
  await guarded?.model.close();
  await control?.model.close();
});

function resultOf(r: Run, index: number): string {
  return r.model.toolMessages().find((m) => m.id === `call0t${index}`)?.text ?? "<no tool result>";
}

describe("OpenClaw agent: tools skillwall classes", () => {
  it("runs the turn to its end", () => {
    expect(guarded.run.code, guarded.run.stderr.slice(-2000)).toBe(0);
    expect(guarded.model.toolMessages()).toHaveLength(7);
  });

  it("refuses an automation with a stream schedule, and the model sees why", () => {
    expect(resultOf(guarded, 0)).toMatch(/skillwall blocked this (tool_call|automations) call: .*stream/);
    expect(existsSync(guarded.marker("automation"))).toBe(false);
  });

  it("refuses a tool skillwall does not know; it never runs", () => {
    expect(resultOf(guarded, 1)).toMatch(/skillwall does not know what tool "sw_marker" does/);
    expect(resultOf(guarded, 1)).toMatch(/allowTools/);
    expect(existsSync(guarded.marker("unknown"))).toBe(false);
  });

  it("still runs a harmless tool it allows (ls of the workspace)", () => {
    expect(resultOf(guarded, 2)).toContain("notes.txt");
    expect(resultOf(guarded, 2)).not.toMatch(/skillwall blocked/);
  });

  it("refuses an automation update that would re-enable a stored job", () => {
    expect(resultOf(guarded, 3)).toMatch(
      /skillwall blocked this (tool_call|automations) call: .*merges it into the stored job/,
    );
  });

  it("refuses gateway config.get and a widget with capabilities", () => {
    expect(resultOf(guarded, 4)).toMatch(
      /skillwall blocked this (tool_call|gateway) call: .*redacts only by key name/,
    );
    expect(resultOf(guarded, 5)).toMatch(
      /skillwall blocked this (tool_call|show_widget) call: .*capabilities/,
    );
  });

  it("lets Tool Search's catalog search through", () => {
    expect(resultOf(guarded, 6)).not.toMatch(/skillwall blocked/);
    expect(resultOf(guarded, 6)).toMatch(/automations/);
  });

  it("records the refusals in the intact audit log", async () => {
    const file = path.join(guarded.env.state, "skillwall/audit.jsonl");
    expect((await verifyAuditLog(file)).ok).toBe(true);
    const denied = readFileSync(file, "utf8")
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as { kind: string; decision?: { tool?: string; verdict?: string } })
      .filter((r) => r.kind === "decision" && r.decision?.verdict === "deny")
      .map((r) => r.decision?.tool);
    expect(denied).toEqual(expect.arrayContaining(["automations", "sw_marker"]));
  });
});

describe("negative control: the same turn without skillwall", () => {
  it("runs the unknown tool (its marker appears) and hands the automation to OpenClaw", () => {
    expect(control.model.toolMessages(), control.run.stderr.slice(-2000)).toHaveLength(7);
    expect(existsSync(control.marker("unknown"))).toBe(true);
    // OpenClaw's own cron tool answered (in --local mode there is no gateway to store the job).
    expect(resultOf(control, 0)).not.toMatch(/skillwall/);
    expect(resultOf(control, 0)).toMatch(/cron\.add/);
    expect(resultOf(control, 2)).toContain("notes.txt");
    expect(resultOf(control, 3)).not.toMatch(/skillwall/);
    expect(resultOf(control, 3)).toMatch(/cron\.(update|get)/);
    // gateway and show_widget reach OpenClaw's own tools (no gateway or Control UI in --local mode).
    expect(resultOf(control, 4)).not.toMatch(/skillwall/);
    expect(resultOf(control, 5)).not.toMatch(/skillwall/);
  });
});
