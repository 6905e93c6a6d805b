#!/usr/bin/env node
// npm run bench: scan throughput on >= 1,000 skill files generated from the real corpus, next to
// the floor (remark-parse + frontmatter alone on the same files) and ferret-scan (a regex scanner),
// all in the same run. Also the cold start of a one-file CLI scan. Needs `npm run build` first.

import { spawnSync } from "node:child_process";
import { coldStart, formatColdStart } from "./cold-start.js";
import { mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { availableParallelism } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { performance } from "node:perf_hooks";
import { Worker } from "node:worker_threads";
import { scanPaths, scanMany, initShell, loadPolicy, analyseShell, splitStatements } from "../dist/index.js";
import { workerResourceLimits, workerV8Flags } from "../dist/scan/pool.js";

const root = path.resolve(fileURLToPath(import.meta.url), "../..");
const corpusDir = path.resolve(root, "../shared/corpus");
const outDir = path.join(root, "bench/out/scan-corpus");
const distEntry = new URL("../dist/index.js", import.meta.url).href;
const target = Number(process.env.BENCH_FILES ?? 1200);

function listMarkdown(dir) {
  const out = [];
  for (const name of readdirSync(dir).sort()) {
    const p = path.join(dir, name);
    const st = statSync(p);
    if (st.isDirectory()) out.push(...listMarkdown(p));
    else if (name.toLowerCase().endsWith(".md") && st.size > 0) out.push(p);
  }
  return out;
}

// Generate the bench corpus: every real skill file, repeated with a distinct marker line until
// there are `target` files, so no two files are byte-identical.
const sources = listMarkdown(corpusDir).filter(
  (p) => !p.includes("/shell/") && !p.includes("/scanner_rules/"),
);
rmSync(outDir, { recursive: true, force: true });
mkdirSync(outDir, { recursive: true });
const texts = sources.map((p) => readFileSync(p, "utf8"));
const files = [];
for (let i = 0; i < target; i++) {
  const text = `${texts[i % texts.length]}\n<!-- bench copy ${i} -->\n`;
  const file = path.join(outDir, `${String(i).padStart(5, "0")}.md`);
  writeFileSync(file, text);
  files.push({ file, text });
}
const totalBytes = files.reduce((n, f) => n + Buffer.byteLength(f.text), 0);
console.log(
  `corpus: ${files.length} files (${(totalBytes / 1e6).toFixed(1)} MB) from ${sources.length} real skill files`,
);

const policy = await loadPolicy("common-tools");
const cores = availableParallelism();

let peakRss = process.memoryUsage().rss;
const rssTimer = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 20);

// 1. skillwall, all cores (worker threads), reading the files as the CLI does.
const t0 = performance.now();
const outcome = await scanPaths([outDir], { policy, cwd: root });
const wall = (performance.now() - t0) / 1000;
if (outcome.errors.length > 0) console.log(`  (${outcome.errors.length} files reported errors)`);
const fps = outcome.results.length / wall;

// 2. the same worker pool scanning pre-read inputs (no file reading), for the parallel speed-up.
const inputs = files.map((f) => ({ source: f.file, file: path.basename(f.file), text: f.text, bundled: [] }));
const t3 = performance.now();
await scanMany(inputs, policy);
const poolFps = inputs.length / ((performance.now() - t3) / 1000);
clearInterval(rssTimer);

// 3. remark alone in the same kind of pool: two workers with skillwall's V8 flags and limits,
// each parsing half the files from a cold start (what skillwall's pool does before its work).
const fileTexts = files.map((f) => f.text);
const benchWorker = (mode, share, rounds) =>
  new Promise((resolve, reject) => {
    const w = new Worker(new URL("./scan-worker.js", import.meta.url), {
      workerData: { mode, texts: share, rounds, v8Flags: workerV8Flags, policy, dist: distEntry },
      resourceLimits: workerResourceLimits,
    });
    w.once("message", resolve);
    w.once("error", reject);
  });
const halves = [0, 1].map((k) => fileTexts.filter((_, i) => i % 2 === k));
const t6 = performance.now();
await Promise.all(halves.map((h) => benchWorker("remark", h, 1)));
const floorPoolFps = fileTexts.length / ((performance.now() - t6) / 1000);

// 4. one core: one worker set up like the pool's, two passes over all files (the first from a
// cold JIT, the second warm), for skillwall and for remark alone (the floor).
const ours = await benchWorker("skillwall", fileTexts, 2);
const floor = await benchWorker("remark", fileTexts, 2);
const policyOnly = await benchWorker("policy-only", fileTexts, 2);
const fpsOf = (ms) => fileTexts.length / (ms / 1000);
const perFile = [...ours.perFile].sort((a, b) => a - b);
const median = perFile[Math.floor(perFile.length / 2)];
const ratioCold = ours.passes[0] / floor.passes[0];
const ratioWarm = ours.passes[1] / floor.passes[1];
const ratioPolicyOnly = policyOnly.passes[1] / floor.passes[1];

// 5. ferret-scan on the same folder (one process, as its CLI runs).
const ferretOut = path.join(root, "bench/out/ferret.json");
const ferretBin = path.join(root, "node_modules/.bin/ferret");
const t4 = performance.now();
const ferret = spawnSync(ferretBin, ["scan", outDir, "-f", "json", "-o", ferretOut], { encoding: "utf8" });
const ferretSecs = (performance.now() - t4) / 1000;
const ferretFps =
  ferret.error || (ferret.status !== 0 && ferret.status !== 2) ? NaN : files.length / ferretSecs;

// 6. the shell analyser alone on the real Moltbook skill's commands.
await initShell();
const moltbook = readFileSync(path.join(corpusDir, "benign/moltbook/c2d8e44c_SKILL.md"), "utf8");
const shellCommands = [...moltbook.matchAll(/```(?:bash|sh)\n([\s\S]*?)```/g)].flatMap((m) =>
  splitStatements(m[1] ?? "").map((st) => st.text),
);
for (let r = 0; r < 50; r++) for (const c of shellCommands) analyseShell(c);
const t5 = performance.now();
for (let r = 0; r < 200; r++) for (const c of shellCommands) analyseShell(c);
const shellPerSecond = (200 * shellCommands.length) / ((performance.now() - t5) / 1000);

// 7. cold start: a one-file CLI scan --policy default, median of 11, `node -e 0` interleaved
// in the same run (bench/cold-start.js; `npm run bench:cold` runs it alone).
const cold = coldStart(path.join(root, "examples/notes/SKILL.md"), 11);

const f1 = (n) => (Number.isFinite(n) ? n.toFixed(0) : "n/a");
const col = (label) => label.padEnd(56);
console.log(
  `${col(`skillwall scan, ${cores} workers (incl. reading):`)}${f1(fps)} files/s (${wall.toFixed(2)} s)`,
);
console.log(`${col(`skillwall scan, ${cores} workers (pre-read):`)}${f1(poolFps)} files/s`);
console.log(`${col("remark-parse + frontmatter alone, 2 workers (ceiling):")}${f1(floorPoolFps)} files/s`);
console.log(
  `${col("skillwall, 1 worker, cold / warm pass:")}${f1(fpsOf(ours.passes[0]))} / ${f1(fpsOf(ours.passes[1]))} files/s, median ${median.toFixed(2)} ms/file (warm)`,
);
console.log(
  `${col("remark-parse + frontmatter alone, 1 worker (floor):")}${f1(fpsOf(floor.passes[0]))} / ${f1(fpsOf(floor.passes[1]))} files/s`,
);
console.log(
  `${col("  skillwall / floor, cold / warm:")}${ratioCold.toFixed(2)}x / ${ratioWarm.toFixed(2)}x the floor's time`,
);
console.log(
  `${col("  without the security review (extract+shell+policy):")}${f1(fpsOf(policyOnly.passes[1]))} files/s warm, ${ratioPolicyOnly.toFixed(2)}x the floor's time`,
);
console.log(`${col("ferret-scan (one process):")}${f1(ferretFps)} files/s (${ferretSecs.toFixed(2)} s)`);
console.log(
  `${col(`shell analyser alone (${shellCommands.length} Moltbook commands):`)}${f1(shellPerSecond)} commands/s`,
);
console.log(formatColdStart(cold));
console.log(`${col("peak RSS of the scanning process:")}${(peakRss / 1048576).toFixed(0)} MiB`);
const verdict = (ok) => (ok ? "PASS" : "MISS");
console.log(
  `targets (issue 2): >= 800 files/s on ${cores} cores: ${verdict(fps >= 800)} (${f1(fps)}; remark alone reaches ${f1(floorPoolFps)} in the same set-up); ` +
    `faster than ferret-scan: ${verdict(fps > ferretFps)}; <= 1.3x the floor: ${verdict(ratioWarm <= 1.3)} warm (${ratioWarm.toFixed(2)}x), ${verdict(ratioCold <= 1.3)} cold (${ratioCold.toFixed(2)}x); ` +
    `cold start <= 300 ms: ${verdict(cold.scanWallMs <= 300)} (wall ${cold.scanWallMs.toFixed(0)} ms; node -e 0 alone ${cold.baseWallMs.toFixed(0)} ms)`,
);
