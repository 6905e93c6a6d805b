#!/usr/bin/env node
// Added latency of sandboxed exec through `skillwall serve` over plain host exec:
// `npm run bench:serve [-- --runs N]`. Needs Docker and the step image (`skillwall image build`).
//
// Host exec is what OpenClaw does without a sandbox: spawn `bash -c COMMAND` in the workspace.
// Serve exec is runViaServe over the real unix socket to a real server with a warm pool (each
// measured call waits until the pool is full again, as in an agent turn where commands are
// seconds apart). Prints p50/p90 of both and the p50 difference. Imports dist/ (`npm run build`).

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

const runsArg = process.argv.indexOf("--runs");
const runs = runsArg > 0 ? Number(process.argv[runsArg + 1]) : 30;
const command = "cat notes.md && wc -l notes.md";

const base = mkdtempSync(path.join(tmpdir(), "sw-bench-serve-"));
const ws = path.join(base, "workspace");
const sockDir = path.join(base, "sock");
mkdirSync(ws);
mkdirSync(sockDir, { mode: 0o700 });
writeFileSync(path.join(ws, "notes.md"), "one\ntwo\nthree\n");
if (process.getuid?.() === 0) {
  chownSync(ws, 1000, 1000);
  chownSync(path.join(ws, "notes.md"), 1000, 1000);
}

const hostExec = () =>
  new Promise((resolve, reject) =>
    execFile("bash", ["-c", command], { cwd: ws }, (err, stdout) => (err ? reject(err) : resolve(stdout))),
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
try {
  const host = [];
  const serve = [];
  for (let i = 0; i < 3; i++) await hostExec();
  // Both are measured on a quiet machine: the pool is full and its refill has settled.
  const settle = async () => {
    while (pool.readyCount < 2) await new Promise((r) => setTimeout(r, 20));
    await new Promise((r) => setTimeout(r, 200));
  };
  for (let i = 0; i < runs; i++) {
    await settle();
    let t = performance.now();
    await hostExec();
    host.push(performance.now() - t);
    await settle();
    t = performance.now();
    const r = await runViaServe(socketPath, command);
    serve.push(performance.now() - t);
    if (!r.ok || r.stdout !== "one\ntwo\nthree\n3 notes.md\n")
      throw new Error(`serve run failed: ${JSON.stringify(r)}`);
  }
  const f = (x) => `${x.toFixed(1)} ms`;
  console.log(`command: ${command}  (${runs} runs each, warm pool of 2)`);
  console.log(`host exec (bash -c):      p50 ${f(pct(host, 50))}  p90 ${f(pct(host, 90))}`);
  console.log(`skillwall serve (socket): p50 ${f(pct(serve, 50))}  p90 ${f(pct(serve, 90))}`);
  console.log(`added latency p50: ${f(pct(serve, 50) - pct(host, 50))}`);
} finally {
  await server.close();
  rmSync(base, { recursive: true, force: true });
}
