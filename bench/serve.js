#!/usr/bin/env node
// Added latency of sandboxed exec through `skillwall serve` over plain host exec:
// `npm run bench:serve [-- --runs N]`. Needs Docker and the step image (`skillwall image build`),
// and root for the egress case (iptables).
//
// Host exec is what OpenClaw does without a sandbox: spawn `bash -c COMMAND` in the workspace.
// Measured in the same run, each call after the pool is full again (as in an agent turn, where
// commands are seconds apart):
//  - serve (socket): runViaServe over the real unix socket to a real server with a warm pool;
//  - plugin path: what OpenClaw runs in sandbox mode: the gate's hook (judge + register with
//    serve, in-process) and then `bash -c STUB`, which has the gate run the job over the socket;
//  - egress: a curl to a granted host (a local HTTP stand-in via the TEST-ONLY host map), which
//    gets its own network, proxy and firewall rules and a container created on that network,
//    against host curl to the same server.
// Prints p50/p99 of each, the added p50 and the ratio. Imports dist/ (`npm run build`).

import { execFile } from "node:child_process";
import { chownSync, existsSync, mkdtempSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";

const root = path.resolve(new URL("..", import.meta.url).pathname);
const dist = existsSync(path.join(root, "dist/src/serve/pool.js"))
  ? path.join(root, "dist/src")
  : path.join(root, "dist");
const load = (p) => import(pathToFileURL(path.join(dist, p)).href);
const { ContainerPool } = await load("serve/pool.js");
const { startServer } = await load("serve/server.js");
const { runViaServe } = await load("serve/client.js");
const { DockerClient } = await load("run/docker.js");
const { findStepImage } = await load("run/image.js");
const { resolveLimits } = await load("run/limits.js");
const { loadSeccompProfile } = await load("run/seccomp.js");
const { loadPolicy } = await load("policy/index.js");
const { initShell } = await load("shell/index.js");
const lib = await load("index.js");
const { createGate } = await import(pathToFileURL(path.join(root, "integrations/openclaw/gate.mjs")).href);
const http = await import("node:http");

const runsArg = process.argv.indexOf("--runs");
const runs = runsArg > 0 ? Number(process.argv[runsArg + 1]) : 30;
const egressRuns = Math.max(3, Math.round(runs / 3));
const command = "cat notes.md && wc -l notes.md";

const base = mkdtempSync(path.join(tmpdir(), "sw-bench-serve-"));
const home = path.join(base, "home");
const ws = path.join(home, ".openclaw", "workspace");
const sockDir = path.join(base, "sock");
mkdirSync(ws, { recursive: true });
mkdirSync(sockDir, { mode: 0o700 });
writeFileSync(path.join(ws, "notes.md"), "one\ntwo\nthree\n");
if (process.getuid?.() === 0) {
  chownSync(ws, 1000, 1000);
  chownSync(path.join(ws, "notes.md"), 1000, 1000);
}

const hostExec = (cmd = command) =>
  new Promise((resolve, reject) =>
    // A clean environment, as OpenClaw's tests run it: an inherited BASH_ENV (a shell set-up
    // script such as pyenv's) would add its own seconds to every host command.
    execFile(
      "bash",
      ["-c", cmd],
      { cwd: ws, env: { PATH: "/usr/local/bin:/usr/bin:/bin", HOME: home } },
      (err, stdout) => (err ? reject(err) : resolve(stdout)),
    ),
  );

const pct = (xs, p) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
};

await initShell();
const policy = await loadPolicy("agent");
const client = new DockerClient();
const image = await findStepImage(client);
if (!image) {
  console.error("the step image is not built: run `node bin/skillwall.js image build`");
  process.exit(2);
}
const pool = new ContainerPool({
  client,
  image: image.id,
  seccompJson: loadSeccompProfile().json,
  limits: resolveLimits(policy.sandbox),
  workspaceHostDir: ws,
  workspaceContainerDir: "/home/agent/.openclaw/workspace",
  user: { uid: 1000, gid: 1000 },
  size: 2,
});
const socketPath = path.join(sockDir, "serve.sock");
await pool.fill();
const server = await startServer({ socketPath, pool, policy, workspaceHostDir: ws });

// The egress case: a local HTTP server stands in for a granted host.
let standInHits = 0;
const standIn = http.createServer((_q, res) => {
  standInHits++;
  res.end("stand-in\n");
});
await new Promise((r) => standIn.listen(0, "127.0.0.2", r));
const port = standIn.address().port;
const egressCommand = `curl -sS http://bench.test:${port}/`;
const policyFile = path.join(base, "bench-policy.yaml");
writeFileSync(
  policyFile,
  [
    "name: bench-serve-egress",
    "workdir: ~/.openclaw/workspace",
    "network:",
    "  httpHosts: [bench.test]",
    `  ports: [${port}]`,
    "commands:",
    "  - id: curl-bench",
    "    program: curl",
    "    options:",
    '      - names: ["-s"]',
    '      - names: ["-S"]',
    "    positionals:",
    "      - value: { type: url, schemes: [http], hosts: [bench.test], ports: [" + port + "] }",
    "",
  ].join("\n"),
);
const egressSocket = path.join(sockDir, "egress.sock");
const egressServer = await startServer({
  socketPath: egressSocket,
  pool,
  policy: await loadPolicy(policyFile),
  workspaceHostDir: ws,
  egress: {
    networks: client.networks(),
    testHostMap: new Map([["bench.test", ["127.0.0.2"]]]),
    testAllowAddresses: ["127.0.0.2"],
  },
});

const gate = createGate(
  lib,
  { policy: "agent", mode: "sandbox", serveSocket: socketPath, auditLog: path.join(base, "audit.jsonl") },
  { env: { HOME: home, SHELL: "/bin/bash" }, openclawConfig: { agents: { defaults: { workspace: ws } } } },
);
let call = 0;
const pluginPath = async () => {
  const id = `b${call++}`;
  const r = await gate.beforeToolCall({ toolName: "exec", toolCallId: id, params: { command } });
  if (!r?.params?.command) throw new Error(`the gate did not rewrite the call: ${JSON.stringify(r)}`);
  const out = await hostExec(r.params.command);
  gate.afterToolCall({ toolName: "exec", toolCallId: id, params: r.params, result: {} });
  return out;
};

try {
  const host = [];
  const serve = [];
  const plugin = [];
  const hostCurl = [];
  const egress = [];
  for (let i = 0; i < 3; i++) await hostExec();
  await pluginPath(); // the gate's first call waits for its policy to load
  // All are measured on a quiet pool: full, its refill and the last removal done.
  const settle = async () => {
    while (pool.readyCount < 2) await new Promise((r) => setTimeout(r, 20));
    // Removing the last container unmounts the workspace: a host command there can stall on it.
    await pool.quiet();
    await new Promise((r) => setTimeout(r, 200));
  };
  const expected = "one\ntwo\nthree\n3 notes.md\n";
  for (let i = 0; i < runs; i++) {
    await settle();
    let t = performance.now();
    await hostExec();
    host.push(performance.now() - t);
    await settle();
    t = performance.now();
    const r = await runViaServe(socketPath, command);
    serve.push(performance.now() - t);
    if (!r.ok || r.stdout !== expected) throw new Error(`serve run failed: ${JSON.stringify(r)}`);
    await settle();
    t = performance.now();
    const out = await pluginPath();
    plugin.push(performance.now() - t);
    if (out !== expected) throw new Error(`plugin path run failed: ${JSON.stringify(out)}`);
  }
  for (let i = 0; i < egressRuns; i++) {
    await settle();
    let t = performance.now();
    await hostExec(`curl -sS http://127.0.0.2:${port}/`);
    hostCurl.push(performance.now() - t);
    await settle();
    t = performance.now();
    const r = await runViaServe(egressSocket, egressCommand);
    egress.push(performance.now() - t);
    if (!r.ok || r.stdout !== "stand-in\n") throw new Error(`egress run failed: ${JSON.stringify(r)}`);
  }
  const f = (x) => `${x.toFixed(1)} ms`.padStart(9);
  const line = (name, xs, base) =>
    console.log(
      `${name.padEnd(34)} p50 ${f(pct(xs, 50))}  p99 ${f(pct(xs, 99))}` +
        (base
          ? `  added p50 ${f(pct(xs, 50) - pct(base, 50))}  ratio ${(pct(xs, 50) / pct(base, 50)).toFixed(2)}`
          : ""),
    );
  console.log(
    `command: ${command}  (${runs} runs each, warm pool of 2; load ${(await import("node:os")).loadavg()[0].toFixed(1)})`,
  );
  line("host exec (bash -c)", host);
  line("skillwall serve (socket)", serve, host);
  line("plugin sandbox path (hook + stub)", plugin, host);
  console.log(`egress: ${egressCommand}  (${egressRuns} runs each; host curl to the same server)`);
  line("host curl (bash -c)", hostCurl);
  line("serve, own network + proxy", egress, hostCurl);
  console.log(`stand-in requests: ${standInHits} (expected ${2 * egressRuns})`);
} finally {
  await egressServer.close().catch(() => undefined);
  await server.close().catch(() => undefined);
  standIn.close();
  rmSync(base, { recursive: true, force: true });
}
