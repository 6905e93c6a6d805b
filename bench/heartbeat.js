// npm run bench:heartbeat — N agent homes with one installed skill each, all due, served by a
// local HTTPS server (test CA made with openssl). Prints heartbeats/hour sustained and the
// supervisor's RSS at the start, middle and end of the run (flat = no leak) and its peak:
// without containers (fetch + compare + judge + state), and with containers (each unchanged
// heartbeat also runs its approved step in a Docker sandbox). Each measurement runs in its own
// process (--phase fetch|containers), so one's garbage does not count against the other.
//
//   node bench/heartbeat.js [--homes 200] [--seconds 20] [--concurrency 4] [--no-docker]
// Needs `npm run build` first (imports ../dist, or $SKILLWALL_DIST).

import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import https from "node:https";
import os from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { setInterval, clearInterval } from "node:timers";

const args = process.argv.slice(2);
const arg = (name, dflt) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? Number(args[i + 1]) : dflt;
};
const homesN = arg("homes", 200);
const seconds = arg("seconds", 20);
const concurrency = arg("concurrency", 4);
const wantDocker = !args.includes("--no-docker");
// Each measurement runs in its own process, so its RSS is that of a supervisor doing only that.
const phaseIdx = args.indexOf("--phase");
const phase = phaseIdx >= 0 ? args[phaseIdx + 1] : undefined;
if (phase === undefined) {
  // The parent: one child process per measurement.
  const self = import.meta.filename;
  const rest = args.filter((a, i) => a !== "--phase" && args[i - 1] !== "--phase");
  for (const p of wantDocker ? ["fetch", "containers"] : ["fetch"]) {
    const r = spawnSync(process.execPath, [...process.execArgv, self, ...rest, "--phase", p], {
      stdio: "inherit",
    });
    if (r.status !== 0) process.exitCode = r.status ?? 1;
  }
  process.exit();
}

const dist = process.env.SKILLWALL_DIST ?? path.resolve(import.meta.dirname, "../dist");
const load = (p) => import(pathToFileURL(path.join(dist, p)).href);

const { RemoteFetcher } = await load("remote/fetch.js");
const { installSkill, approveAllowedOnly } = await load("remote/install.js");
const { HeartbeatRunner, ScanCache } = await load("heartbeat/heartbeat.js");
const { Supervisor, scheduleOptions } = await load("heartbeat/schedule.js");
let scan;
try {
  const { initShell } = await load("shell/index.js");
  const { scanSkillInput } = await load("scan/scan-skill.js");
  await initShell();
  scan = scanSkillInput;
} catch (err) {
  console.error(`bench: the scan pipeline could not be loaded (${err.message}); cannot run`);
  process.exit(2);
}

function makeCa(dir) {
  const run = (a) => {
    const r = spawnSync("openssl", a, { cwd: dir, encoding: "utf8" });
    if (r.status !== 0) throw new Error(r.stderr);
  };
  run([
    "req",
    "-x509",
    "-newkey",
    "ec",
    "-pkeyopt",
    "ec_paramgen_curve:prime256v1",
    "-nodes",
    "-keyout",
    "ca.key",
    "-out",
    "ca.pem",
    "-days",
    "1",
    "-subj",
    "/CN=bench CA",
  ]);
  run([
    "req",
    "-newkey",
    "ec",
    "-pkeyopt",
    "ec_paramgen_curve:prime256v1",
    "-nodes",
    "-keyout",
    "srv.key",
    "-out",
    "srv.csr",
    "-subj",
    "/CN=www.moltbook.com",
  ]);
  writeFileSync(path.join(dir, "ext.cnf"), "subjectAltName=DNS:www.moltbook.com\n");
  run([
    "x509",
    "-req",
    "-in",
    "srv.csr",
    "-CA",
    "ca.pem",
    "-CAkey",
    "ca.key",
    "-CAcreateserial",
    "-out",
    "srv.pem",
    "-days",
    "1",
    "-extfile",
    "ext.cnf",
  ]);
  const read = (f) => readFileSync(path.join(dir, f), "utf8");
  return { ca: read("ca.pem"), key: read("srv.key"), cert: read("srv.pem") };
}

const work = mkdtempSync(path.join(os.tmpdir(), "sw-bench-hb-"));
const tls = makeCa(work);
const server = https.createServer({ key: tls.key, cert: tls.cert }, (req, res) => {
  const body = files.get(req.url);
  if (body === undefined) return void res.writeHead(404).end();
  res.writeHead(200, { "content-type": "text/markdown" }).end(body);
});
await new Promise((r) => server.listen(0, "127.0.0.1", r));
const port = server.address().port;
const base = `https://www.moltbook.com:${port}`;
const files = new Map([
  ["/skill.md", `---\nname: demo\n---\n# Demo\n\n| HEARTBEAT.md | \`${base}/heartbeat.md\` |\n`],
  ["/heartbeat.md", "# Heartbeat\n\nCheck in.\n\n```bash\necho heartbeat ok\n```\n"],
]);
const policy = {
  name: "bench",
  sources: [],
  hash: "bench-policy",
  home: "/home/agent",
  workdir: "/home/agent",
  commands: [
    {
      id: "echo",
      program: "echo",
      verdict: "allow",
      options: [],
      endOfOptions: false,
      positionals: [{ value: { type: "string", match: [], maxLength: 100, env: [] }, min: 0, max: 5 }],
      redirects: [],
      pipeFrom: [],
      unwrap: false,
    },
  ],
  deny: [],
  blockedPaths: [],
  env: {},
  network: { hosts: ["www.moltbook.com"], httpHosts: [], ports: [port], allowAddresses: ["127.0.0.1"] },
  sandbox: {},
  // The scripted step is the policy's (heartbeat.md's examples are never run).
  heartbeat: {
    autoApproveAllowed: false,
    keepOldStepsWhilePending: false,
    steps: [{ id: "echo", run: "echo heartbeat ok", writes: false }],
  },
  examples: { allow: [], review: [], deny: [] },
};
const fetcher = new RemoteFetcher({
  network: policy.network,
  ca: tls.ca,
  resolve: new Map([["www.moltbook.com", ["127.0.0.1"]]]),
});
const noRun = async (req) => ({
  steps: req.steps.map((s) => ({ stepId: s.step.id, ok: true, outcome: "ok", exitCode: 0 })),
  written: [],
});

async function measure(label, run) {
  const deps = { scan, fetcher, run };
  const homes = [];
  for (let i = 0; i < homesN; i++) {
    const home = path.join(work, `${label}-${i}`);
    await installSkill({
      source: `${base}/skill.md`,
      home,
      policy,
      deps: { ...deps, run: noRun },
      approve: approveAllowedOnly(policy),
    });
    homes.push(home);
  }
  const cache = new ScanCache();
  const schedule = scheduleOptions(1, 0); // due again at once: measures sustained throughput
  const sup = new Supervisor({ concurrency, onError: (k, e) => console.error(`${k}: ${e.message}`) });
  let checks = 0;
  let failures = 0;
  let stepsRun = 0;
  for (const home of homes) {
    sup.add({
      key: home,
      run: async (signal) => {
        const r = await new HeartbeatRunner({ home, policy, deps, schedule, signal }, cache).run();
        for (const s of r.skills) {
          checks++;
          stepsRun += s.ran.filter((x) => x.ok).length;
          if (s.result !== "unchanged") failures++;
        }
        return r.nextRun;
      },
    });
  }
  const mb = (n) => `${(n / 1048576).toFixed(0)} MB`;
  let peakRss = 0;
  const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 250);
  const rss = { start: process.memoryUsage().rss, middle: 0, end: 0 };
  const t0 = performance.now();
  await new Promise((r) => setTimeout(r, (seconds * 1000) / 2));
  rss.middle = process.memoryUsage().rss;
  await new Promise((r) => setTimeout(r, (seconds * 1000) / 2));
  rss.end = process.memoryUsage().rss;
  await sup.stop(30_000);
  const elapsed = (performance.now() - t0) / 1000;
  clearInterval(sampler);
  const perHour = Math.round((checks / elapsed) * 3600);
  console.log(
    `${label}: ${checks} heartbeats in ${elapsed.toFixed(1)} s over ${homesN} homes (concurrency ${concurrency}) = ${perHour.toLocaleString("en")} heartbeats/hour; steps run ok: ${stepsRun}; not-unchanged: ${failures}\n` +
      `  supervisor RSS start ${mb(rss.start)}, middle ${mb(rss.middle)}, end ${mb(rss.end)}, peak ${mb(peakRss)}`,
  );
  return perHour;
}

async function dockerRun() {
  const { dockerRunner } = await load("heartbeat/real-deps.js");
  const { DockerClient } = await load("run/docker.js");
  await new DockerClient().ping();
  return dockerRunner();
}

try {
  if (phase === "fetch") await measure("without containers (fetch + compare + judge + state)", noRun);
  else {
    let run;
    try {
      run = await dockerRun();
    } catch (err) {
      console.log(`with containers: not measured (Docker not usable: ${err.message})`);
      process.exitCode = 1;
    }
    if (run) await measure("with containers (each unchanged heartbeat runs its approved step)", run);
  }
} finally {
  await fetcher.close();
  server.close();
  rmSync(work, { recursive: true, force: true });
}
