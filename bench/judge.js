#!/usr/bin/env node
// npm run bench:judge: the judge API in-process (what the OpenClaw plugin calls per exec), p50 and
// p99 per command over the agent command set (test/fixtures/agent-commands, policy `agent`;
// BENCH_POLICY and BENCH_ROUNDS override), against the shell analysis alone measured in the same
// run (a ratio that survives a loaded machine), and hostile snippets from the corpus
// (GTFOBins); the one-off cost of creating a judge; the plugin gate's start-up (library require,
// policy load, parser init). Needs `npm run build` first.

import { existsSync, readdirSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { performance } from "node:perf_hooks";

const root = path.resolve(fileURLToPath(import.meta.url), "../..");
const policy = process.env.BENCH_POLICY ?? "agent";
const rounds = Number(process.env.BENCH_ROUNDS ?? 10);

/** The agent command set (test/fixtures/agent-commands/*.tsv): what the judge sees all day. */
function everydaySet() {
  const dir = path.join(root, "test/fixtures/agent-commands");
  const out = [];
  for (const f of readdirSync(dir).sort()) {
    if (!f.endsWith(".tsv")) continue;
    for (const l of readFileSync(path.join(dir, f), "utf8").split("\n")) {
      if (l.trim() === "" || l.startsWith("#")) continue;
      const tab = l.indexOf("\t");
      out.push((tab < 0 ? l : l.slice(0, tab)).replace(/\\n/g, "\n"));
    }
  }
  return out;
}
const everyday = everydaySet();

function hostile() {
  const file = path.join(
    process.env.SKILLWALL_CORPUS ?? path.resolve(root, "../shared/corpus"),
    "shell/gtfobins.jsonl",
  );
  if (!existsSync(file)) return [];
  const out = [];
  for (const line of readFileSync(file, "utf8").split("\n")) {
    if (!line.trim()) continue;
    const row = JSON.parse(line);
    const text = String(row.snippet ?? "");
    if (text && text.length < 2000) out.push(text);
  }
  return out;
}

function percentile(sorted, p) {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

function measure(judge, commands, opts) {
  return measureFn((c) => judge.judge(c, opts), commands);
}

function measureFn(fn, commands) {
  const times = [];
  for (let r = 0; r < rounds; r++) {
    for (const c of commands) {
      const t0 = performance.now();
      fn(c);
      times.push(performance.now() - t0);
    }
  }
  times.sort((a, b) => a - b);
  return { n: times.length, p50: percentile(times, 50), p99: percentile(times, 99), max: times.at(-1) };
}

const fmt = (ms) => `${ms.toFixed(4)} ms`;
const t0 = performance.now();
const lib = await import(path.join(root, "dist/index.js"));
const tImport = performance.now() - t0;
const t1 = performance.now();
// cache: false measures the full work for every call; the default judge remembers answers.
const judge = await lib.createJudge({ policy, publish: false, cache: false });
const tCreate = performance.now() - t1;
const cached = await lib.createJudge({ policy: judge.policy, publish: false });
// Without the host path check (symlinked operands, src/gate/host-paths.ts): the judge's own work.
// With it every call makes a few lstat/readlink system calls, which no cache may skip.
const pure = await lib.createJudge({ policy: judge.policy, publish: false, cache: false, hostPaths: false });
const pureCached = await lib.createJudge({ policy: judge.policy, publish: false, hostPaths: false });
const home = "/home/agent";
const opts = { cwd: `${home}/.openclaw/workspace`, env: { HOME: home } };
const verdicts = { allow: 0, review: 0, deny: 0 };
for (const c of everyday) verdicts[judge.judge(c, opts).verdict]++;
// Baseline in the same run (the machine is shared: compare ratios, not absolute figures): the
// shell analysis alone, which every uncached judgement starts with.
const { analyseShell } = await import(path.join(root, "dist/shell/index.js"));
measureFn((c) => analyseShell(c, { home }), everyday);
const base = measureFn((c) => analyseShell(c, { home }), everyday);
// Warm up: the first calls compile the paths the rest take.
measure(judge, everyday, opts);
const a = measure(judge, everyday, opts);
const bad = hostile();
const b = bad.length ? measure(judge, bad, opts) : undefined;
measure(cached, everyday, opts);
const c = measure(cached, everyday, opts);
measure(pure, everyday, opts);
const d = measure(pure, everyday, opts);
measure(pureCached, everyday, opts);
const e = measure(pureCached, everyday, opts);
const { lstatSync } = await import("node:fs");
const sys = measureFn(() => lstatSync(opts.cwd, { throwIfNoEntry: false }), everyday);

// Plugin gate start-up in a fresh module graph is what OpenClaw pays once per process.
const gateModule = await import(path.join(root, "integrations/openclaw/gate.mjs"));
const t2 = performance.now();
const gateLib = createRequire(path.join(root, "integrations/openclaw/index.mjs"))(
  path.join(root, "dist/index.js"),
);
const tRequire = performance.now() - t2;
const gate = gateModule.createGate(
  gateLib,
  { policy, auditLog: path.join(process.env.TMPDIR ?? "/tmp", `skillwall-bench-audit-${process.pid}.jsonl`) },
  { env: { HOME: home, SHELL: "/bin/bash" } },
);
await gate.ready;
const tGate = performance.now() - t2;
const e0 = performance.now();
const N = 2000;
for (let i = 0; i < N; i++)
  await gate.beforeToolCall(
    { toolName: "exec", params: { command: everyday[i % everyday.length] }, toolCallId: `b${i}` },
    {},
  );
const perHook = (performance.now() - e0) / N;

console.log(`judge (policy ${policy}), in-process:`);
console.log(`  import dist/index.js            ${tImport.toFixed(0)} ms (once)`);
console.log(`  createJudge (policy + parser)   ${tCreate.toFixed(0)} ms (once)`);
console.log(
  `  everyday set: ${everyday.length} commands (${verdicts.allow} allow, ${verdicts.review} review, ${verdicts.deny} deny), ${a.n} judgements: p50 ${fmt(a.p50)}, p99 ${fmt(a.p99)}, max ${fmt(a.max)}`,
);
console.log(
  `  baseline, shell analysis only (same run): p50 ${fmt(base.p50)}, p99 ${fmt(base.p99)}; judge / baseline p50 ${(a.p50 / base.p50).toFixed(2)}x`,
);
console.log(`  everyday set, repeated (judge cache): p50 ${fmt(c.p50)}, p99 ${fmt(c.p99)}`);
console.log(
  `  without the host path check: p50 ${fmt(d.p50)}, p99 ${fmt(d.p99)}; repeated (judge cache): p50 ${fmt(e.p50)}, p99 ${fmt(e.p99)}`,
);
console.log(`  one lstat system call on this machine: p50 ${fmt(sys.p50)}, p99 ${fmt(sys.p99)}`);
if (b)
  console.log(
    `  hostile set (GTFOBins): ${bad.length} snippets, ${b.n} judgements: p50 ${fmt(b.p50)}, p99 ${fmt(b.p99)}, max ${fmt(b.max)}`,
  );
console.log(
  `plugin gate start-up: require library ${tRequire.toFixed(0)} ms, ready (policy + parser) ${tGate.toFixed(0)} ms`,
);
console.log(
  `plugin before_tool_call on exec (judge + host command + audit): ${perHook.toFixed(3)} ms per call`,
);
console.log(`targets: judge p50 <= 0.05 ms, p99 <= 0.5 ms on the everyday set`);
