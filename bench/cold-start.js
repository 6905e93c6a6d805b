#!/usr/bin/env node
// Cold start of a one-file scan: `node bin/skillwall.js scan FILE --policy default`, from process
// start to exit, median over N runs, with `node -e 0` measured in the same run (interleaved, so
// both see the same machine load). `npm run bench:cold [-- --runs N] [FILE]`; bench/scan.js
// reports it too. Wall time and CPU time (user + system, of the child) are both printed: on a
// shared machine the wall time mostly measures the other processes. On Linux it also prints the
// CPU of the scan's main thread (bench/main-thread-cpu.js, a separate run per sample): V8 compiles
// the shell parser's WebAssembly on background threads, so with a free core the wall time follows
// the main thread, not the total, and the page faults of the scan (a count independent of load;
// each is dear in a VM). The load average before and after is printed. Needs `npm run build` first.

import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const root = path.resolve(fileURLToPath(import.meta.url), "../..");

function once(argv) {
  const s = performance.now();
  const r = spawnSync(process.execPath, argv, { encoding: "utf8" });
  if (r.error) throw r.error;
  return { wall: performance.now() - s, status: r.status };
}

/** User + system CPU ms of a command, from bash's `times` (children's totals after it ran). */
function cpuOf(argv) {
  const script = `${argv.map((a) => `'${a.replace(/'/g, "'\\''")}'`).join(" ")} >/dev/null 2>&1; times`;
  const r = spawnSync("bash", ["-c", script], { encoding: "utf8" });
  // `times` prints two lines: the shell's own, then its children's "XmY.YYYs XmY.YYYs".
  const line = r.stdout.trim().split("\n").pop() ?? "";
  const secs = [...line.matchAll(/(\d+)m([\d.]+)s/g)].map((m) => Number(m[1]) * 60 + Number(m[2]));
  return 1000 * (secs[0] + secs[1]);
}

/** [main thread, all threads] CPU ms of one run, or undefined without /proc. */
function threadCpuOf(argv) {
  const dir = mkdtempSync(path.join(os.tmpdir(), "skillwall-bench-"));
  const out = path.join(dir, "cpu");
  try {
    spawnSync(
      process.execPath,
      ["--import", pathToFileURL(path.join(root, "bench/main-thread-cpu.js")).href, ...argv],
      {
        env: { ...process.env, SKILLWALL_BENCH_THREAD_CPU: out },
        stdio: "ignore",
      },
    );
    if (!existsSync(out)) return undefined;
    return readFileSync(out, "utf8").trim().split(" ").map(Number);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

export function coldStart(file = path.join(root, "examples/notes/SKILL.md"), runs = 11) {
  const scan = [path.join(root, "bin/skillwall.js"), "scan", file, "--policy", "default"];
  const base = ["-e", "0"];
  const out = {
    runs,
    scanWall: [],
    baseWall: [],
    scanCpu: [],
    baseCpu: [],
    mainCpu: [],
    threadsCpu: [],
    faults: [],
  };
  const loadBefore = os.loadavg()[0];
  once(scan); // the first run warms the disk cache; not counted
  for (let i = 0; i < runs; i++) {
    out.baseWall.push(once(base).wall);
    out.scanWall.push(once(scan).wall);
    out.baseCpu.push(cpuOf([process.execPath, ...base]));
    out.scanCpu.push(cpuOf([process.execPath, ...scan]));
    const threads = threadCpuOf(scan);
    if (threads) {
      out.mainCpu.push(threads[0]);
      out.threadsCpu.push(threads[1]);
      out.faults.push(threads[2]);
    }
  }
  return {
    runs,
    scanWallMs: median(out.scanWall),
    baseWallMs: median(out.baseWall),
    scanCpuMs: median(out.scanCpu),
    baseCpuMs: median(out.baseCpu),
    mainThreadCpuMs: out.mainCpu.length === runs ? median(out.mainCpu) : undefined,
    allThreadsCpuMs: out.threadsCpu.length === runs ? median(out.threadsCpu) : undefined,
    pageFaults: out.faults.length === runs ? median(out.faults) : undefined,
    // The 1-minute load average before and after: the wall figures mean little on a busy machine.
    load: [loadBefore, os.loadavg()[0]],
  };
}

/** Issue 15's budget for the wall time of a one-file scan (on a quiet machine). */
export const coldStartTargetMs = 300;

export function formatColdStart(c) {
  return (
    `cold start, one-file scan --policy default (median of ${c.runs}): wall ${c.scanWallMs.toFixed(0)} ms ` +
    `(node -e 0: ${c.baseWallMs.toFixed(0)} ms, +${(c.scanWallMs - c.baseWallMs).toFixed(0)} ms, ` +
    `${(c.scanWallMs / c.baseWallMs).toFixed(2)}x; ` +
    `target <= ${coldStartTargetMs} ms on a quiet machine); ` +
    `CPU ${c.scanCpuMs.toFixed(0)} ms (node -e 0: ${c.baseCpuMs.toFixed(0)} ms, ` +
    `+${(c.scanCpuMs - c.baseCpuMs).toFixed(0)} ms, ${(c.scanCpuMs / c.baseCpuMs).toFixed(2)}x)` +
    (c.mainThreadCpuMs === undefined
      ? ""
      : `; main thread ${c.mainThreadCpuMs.toFixed(0)} ms of ${c.allThreadsCpuMs.toFixed(0)} ms CPU in all threads`) +
    (c.pageFaults === undefined ? "" : `; ${c.pageFaults.toFixed(0)} page faults`) +
    `; load ${c.load.map((l) => l.toFixed(2)).join(" -> ")}`
  );
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  const runsAt = args.indexOf("--runs");
  const runs = runsAt >= 0 ? Number(args[runsAt + 1]) : 11;
  const file = args.find((a, i) => !a.startsWith("--") && args[i - 1] !== "--runs");
  if (file !== undefined && !existsSync(file)) {
    console.error(`bench:cold: ${file} does not exist`);
    process.exit(2);
  }
  console.log(formatColdStart(coldStart(file ?? undefined, runs)));
}
