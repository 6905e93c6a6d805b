#!/usr/bin/env node
// npm run bench:judge: the judge API in-process (what the OpenClaw plugin calls per exec), p50 and
// p99 per command over an everyday agent command set and hostile snippets from the corpus
// (GTFOBins); the one-off cost of creating a judge; the plugin gate's start-up (library require,
// policy load, parser init). Needs `npm run build` first.

import { existsSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { performance } from "node:perf_hooks";

const root = path.resolve(fileURLToPath(import.meta.url), "../..");
const policy = process.env.BENCH_POLICY ?? "common-tools";
const rounds = Number(process.env.BENCH_ROUNDS ?? 30);

const everyday = [
  "ls",
  "ls -la",
  "ls -la src",
  "pwd",
  "cat README.md",
  "cat package.json",
  "head -n 50 src/index.ts",
  "tail -n 20 notes.txt",
  "wc -l src/index.ts",
  "grep -rn TODO src",
  "grep -n 'export' src/index.ts",
  "sed -n 1,40p src/cli.ts",
  "git status",
  "git diff",
  "git log --oneline -n 10",
  "git show HEAD --stat",
  "git diff --stat HEAD~1",
  "echo hello",
  "echo done && ls",
  "date -u",
  "uname -a",
  "mkdir -p out",
  "find . -name '*.md'",
  "sort notes.txt",
  "uniq -c notes.txt",
  "diff a.txt b.txt",
  "npm test",
  "npm run build",
  "node --version",
  "curl -s https://api.github.com/repos/openclaw/openclaw",
  "curl -fsSL https://www.moltbook.com/api/v1/posts?sort=hot",
  "cat notes.txt | grep todo | wc -l",
  "ls -la ~/.openclaw/workspace",
  "basename /tmp/a/b.txt",
  "dirname /tmp/a/b.txt",
  "printf '%s\\n' a b c",
  "true",
  "sleep 1",
  "which git",
  "jq .name package.json",
];

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
  const times = [];
  for (let r = 0; r < rounds; r++) {
    for (const c of commands) {
      const t0 = performance.now();
      judge.judge(c, opts);
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
const home = "/home/agent";
const opts = { cwd: `${home}/.openclaw/workspace`, env: { HOME: home } };
const verdicts = { allow: 0, review: 0, deny: 0 };
for (const c of everyday) verdicts[judge.judge(c, opts).verdict]++;
// Warm up: the first calls compile the paths the rest take.
measure(judge, everyday, opts);
const a = measure(judge, everyday, opts);
const bad = hostile();
const b = bad.length ? measure(judge, bad, opts) : undefined;
measure(cached, everyday, opts);
const c = measure(cached, everyday, opts);

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
console.log(`  everyday set, repeated (judge cache): p50 ${fmt(c.p50)}, p99 ${fmt(c.p99)}`);
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
