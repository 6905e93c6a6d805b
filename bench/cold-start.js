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
//
// NODE_EXTRA_CA_CERTS: Node reads and parses that bundle at every start, before any of our code
// (~45 ms of CPU per start on the dev VM, `node -e 0` included). The headline figures are measured
// without it (the children's environment drops it); when it is set, the scan and `node -e 0` are
// also measured with it and printed on a line of their own.
//
// `--baseline DIR`: another build of skillwall (e.g. /work/main, built) is measured interleaved
// with this one, and the ratios this/baseline of wall and CPU are printed: a before/after figure
// that both sides took under the same load.

import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const root = path.resolve(fileURLToPath(import.meta.url), "../..");

/** The children's environment: ours without NODE_EXTRA_CA_CERTS (see the head comment). */
const plainEnv = Object.fromEntries(Object.entries(process.env).filter(([k]) => k !== "NODE_EXTRA_CA_CERTS"));

function once(argv, env = plainEnv) {
  const s = performance.now();
  const r = spawnSync(process.execPath, argv, { encoding: "utf8", env });
  if (r.error) throw r.error;
  return { wall: performance.now() - s, status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/**
 * The warm-up run, which must be a scan that finished (exit 0 or 1, the verdict, and the report's
 * summary line): a CLI that crashes at start-up would otherwise be timed as a very fast one.
 */
function warmUp(argv) {
  const r = once(argv);
  if ((r.status !== 0 && r.status !== 1) || !/^summary: 1 skill/m.test(r.stdout))
    throw new Error(
      `bench:cold: ${argv.join(" ")} did not report a scan (exit ${r.status}, no summary line):\n${r.stderr}`,
    );
}

/** User + system CPU ms of a command, from bash's `times` (children's totals after it ran). */
function cpuOf(argv, env = plainEnv) {
  const script = `${argv.map((a) => `'${a.replace(/'/g, "'\\''")}'`).join(" ")} >/dev/null 2>&1; times`;
  const r = spawnSync("bash", ["-c", script], { encoding: "utf8", env });
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
        env: { ...plainEnv, SKILLWALL_BENCH_THREAD_CPU: out },
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

/** The one-file scan of the CLI in `checkout` (a skillwall directory, built). */
const scanArgv = (checkout, file) => [
  path.join(checkout, "bin/skillwall.js"),
  "scan",
  file,
  "--policy",
  "default",
];

/**
 * Medians of `runs` runs of the scan (and of `node -e 0`, and of the scan in `options.baseline`
 * when given), interleaved so that all see the same load. `options.extraCaCerts` (default: this
 * process's NODE_EXTRA_CA_CERTS) adds the wall and CPU of the scan and of `node -e 0` with it set.
 */
export function coldStart(file = path.join(root, "examples/notes/SKILL.md"), runs = 11, options = {}) {
  const scan = scanArgv(root, file);
  const base = ["-e", "0"];
  const baseline = options.baseline === undefined ? undefined : scanArgv(options.baseline, file);
  const extraCa = options.extraCaCerts ?? process.env.NODE_EXTRA_CA_CERTS;
  const caEnv = extraCa ? { ...plainEnv, NODE_EXTRA_CA_CERTS: extraCa } : undefined;
  const out = {
    scanWall: [],
    baseWall: [],
    scanCpu: [],
    baseCpu: [],
    mainCpu: [],
    threadsCpu: [],
    faults: [],
    baselineWall: [],
    baselineCpu: [],
    baselineMainCpu: [],
    caScanWall: [],
    caScanCpu: [],
    caBaseWall: [],
    caBaseCpu: [],
  };
  const loadBefore = os.loadavg()[0];
  warmUp(scan); // the first run warms the disk cache; not counted
  if (baseline) warmUp(baseline);
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
    if (baseline) {
      out.baselineWall.push(once(baseline).wall);
      out.baselineCpu.push(cpuOf([process.execPath, ...baseline]));
      const t = threadCpuOf(baseline);
      if (t) out.baselineMainCpu.push(t[0]);
    }
    if (caEnv) {
      out.caBaseWall.push(once(base, caEnv).wall);
      out.caScanWall.push(once(scan, caEnv).wall);
      out.caBaseCpu.push(cpuOf([process.execPath, ...base], caEnv));
      out.caScanCpu.push(cpuOf([process.execPath, ...scan], caEnv));
    }
  }
  const all = (xs) => (xs.length === runs ? median(xs) : undefined);
  return {
    runs,
    scanWallMs: median(out.scanWall),
    baseWallMs: median(out.baseWall),
    scanCpuMs: median(out.scanCpu),
    baseCpuMs: median(out.baseCpu),
    mainThreadCpuMs: all(out.mainCpu),
    allThreadsCpuMs: all(out.threadsCpu),
    pageFaults: all(out.faults),
    baseline: baseline && {
      dir: options.baseline,
      scanWallMs: median(out.baselineWall),
      scanCpuMs: median(out.baselineCpu),
      mainThreadCpuMs: all(out.baselineMainCpu),
    },
    extraCaCerts: caEnv && {
      scanWallMs: median(out.caScanWall),
      scanCpuMs: median(out.caScanCpu),
      baseWallMs: median(out.caBaseWall),
      baseCpuMs: median(out.caBaseCpu),
    },
    // The 1-minute load average before and after: the wall figures mean little on a busy machine.
    load: [loadBefore, os.loadavg()[0]],
  };
}

/** Issue 15's budget for the wall time of a one-file scan (on a quiet machine). */
export const coldStartTargetMs = 300;

const ms = (x) => `${x.toFixed(0)} ms`;
const ratio = (a, b) => `${(a / b).toFixed(2)}x`;

export function formatColdStart(c) {
  const lines = [
    `cold start, one-file scan --policy default (median of ${c.runs}, without NODE_EXTRA_CA_CERTS): ` +
      `wall ${ms(c.scanWallMs)} (node -e 0: ${ms(c.baseWallMs)}, +${ms(c.scanWallMs - c.baseWallMs)}, ` +
      `${ratio(c.scanWallMs, c.baseWallMs)}; target <= ${coldStartTargetMs} ms on a quiet machine); ` +
      `CPU ${ms(c.scanCpuMs)} (node -e 0: ${ms(c.baseCpuMs)}, +${ms(c.scanCpuMs - c.baseCpuMs)}, ` +
      `${ratio(c.scanCpuMs, c.baseCpuMs)})` +
      (c.mainThreadCpuMs === undefined
        ? ""
        : `; main thread ${ms(c.mainThreadCpuMs)} of ${ms(c.allThreadsCpuMs)} CPU in all threads`) +
      (c.pageFaults === undefined ? "" : `; ${c.pageFaults.toFixed(0)} page faults`) +
      `; load ${c.load.map((l) => l.toFixed(2)).join(" -> ")}`,
  ];
  const b = c.baseline;
  if (b)
    lines.push(
      `  against the baseline ${b.dir} (same runs, interleaved): wall ${ms(c.scanWallMs)} vs ${ms(b.scanWallMs)} ` +
        `(${ratio(c.scanWallMs, b.scanWallMs)}), CPU ${ms(c.scanCpuMs)} vs ${ms(b.scanCpuMs)} ` +
        `(${ratio(c.scanCpuMs, b.scanCpuMs)})` +
        (c.mainThreadCpuMs === undefined || b.mainThreadCpuMs === undefined
          ? ""
          : `, main thread ${ms(c.mainThreadCpuMs)} vs ${ms(b.mainThreadCpuMs)} ` +
            `(${ratio(c.mainThreadCpuMs, b.mainThreadCpuMs)})`),
    );
  const ca = c.extraCaCerts;
  if (ca)
    lines.push(
      `  with NODE_EXTRA_CA_CERTS set (as in this shell): wall ${ms(ca.scanWallMs)} (node -e 0: ${ms(ca.baseWallMs)}), ` +
        `CPU ${ms(ca.scanCpuMs)} (node -e 0: ${ms(ca.baseCpuMs)}): Node's own start-up with it costs ` +
        `+${ms(ca.baseCpuMs - c.baseCpuMs)} CPU per process`,
    );
  return lines.join("\n");
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  const valueOf = (flag) => {
    const at = args.indexOf(flag);
    return at >= 0 ? args[at + 1] : undefined;
  };
  const runs = Number(valueOf("--runs") ?? 11);
  const baseline = valueOf("--baseline");
  const file = args.find(
    (a, i) => !a.startsWith("--") && args[i - 1] !== "--runs" && args[i - 1] !== "--baseline",
  );
  const fail = (message) => {
    console.error(`bench:cold: ${message}`);
    process.exitCode = 2;
  };
  if (!Number.isInteger(runs) || runs < 1) fail(`--runs ${valueOf("--runs")} is not a positive whole number`);
  else if (file !== undefined && !existsSync(file)) fail(`${file} does not exist`);
  else if (baseline !== undefined && !existsSync(path.join(baseline, "dist/bundle/skillwall.cjs")))
    fail(
      `--baseline ${baseline}: no built skillwall there (dist/bundle/skillwall.cjs); fix: npm run build in it`,
    );
  else {
    try {
      console.log(formatColdStart(coldStart(file ?? undefined, runs, { baseline })));
    } catch (err) {
      fail(err.message.replace(/^bench:cold: /, ""));
    }
  }
}
