// npm run bench:egress — cost of the egress proxy, measured in one run on this host (no Docker).
//
// Same shape as in production: the client is curl (what a step runs), the proxy runs in its own
// process (the supervisor), the "remote" servers in another. For every trial and every mode the
// direct and the proxied download run back to back, in alternating order, so background load
// hits both alike; medians over the trials are reported. Measured:
//  * throughput of a 100 MB download (generated in memory, served locally), direct vs through the
//    proxy: HTTPS through CONNECT (what `curl https://…` in a step does), plain HTTP through a
//    CONNECT tunnel (the proxy's raw relay), plain absolute-form HTTP;
//  * the proxy's own CPU time per 100 MB (user + system of the proxy process only): this does
//    not depend on what else the machine is doing, and 100 MB / that time is what one core of
//    relay can carry;
//  * added latency per small request (a new connection each time: Connection: close), p50 and p95.
// The load average is printed at start and end: on a shared machine, other work takes CPU from
// the client, the server and the proxy alike, and a loopback download is CPU-bound on all three.
// Targets (issue 5): <= 10% throughput loss, <= 5 ms added per request.
// Needs the compiled library: `npm run build` first (or SKILLWALL_DIST=dir).
// Also: the HTTPS download from a server paced like a 1 Gbit/s link (BENCH_EGRESS_LINK_MBPS), the
// case a step meets, where the link and not the CPU sets the pace.
// Also, for reference, the same HTTPS download through plain TCP relays that are not skillwall
// (socat; a zero-copy splice(2) relay in Python) when those tools are installed.
// Knobs: BENCH_EGRESS_MB (100), BENCH_EGRESS_TRIALS (7, at least 5), BENCH_EGRESS_REQUESTS (40 per
// trial), BENCH_JSON=file to also write the figures as JSON.

import { fork, spawn, spawnSync } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";

const distDir = path.resolve(process.env.SKILLWALL_DIST ?? path.join(import.meta.dirname, "..", "dist"));
const proxyModule = path.join(distDir, "egress", "proxy.js");
if (!fs.existsSync(proxyModule)) {
  console.error(`bench:egress: ${proxyModule} not found; run "npm run build" first`);
  process.exit(2);
}
if (spawnSync("curl", ["--version"]).status !== 0) {
  console.error("bench:egress: curl is needed as the client (apt-get install curl)");
  process.exit(2);
}

const MB = 1024 * 1024;
const totalMB = Number(process.env.BENCH_EGRESS_MB ?? 100);
const trials = Math.max(5, Number(process.env.BENCH_EGRESS_TRIALS ?? 7));
const requestsPerTrial = Number(process.env.BENCH_EGRESS_REQUESTS ?? 40);
const linkMBps = Number(process.env.BENCH_EGRESS_LINK_MBPS ?? 119); // 1 Gbit/s
const upstreamHost = "127.0.0.2";
const name = "bench.test";
const loadAtStart = os.loadavg();

// --- a throw-away certificate for bench.test (openssl CLI, argv only) -------------------------
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "sw-bench-egress-"));
const ssl = spawnSync(
  "openssl",
  [
    "req",
    "-x509",
    "-newkey",
    "ec",
    "-pkeyopt",
    "ec_paramgen_curve:prime256v1",
    "-nodes",
    "-keyout",
    "k.pem",
    "-out",
    "c.pem",
    "-days",
    "1",
    "-subj",
    `/CN=${name}`,
    "-addext",
    `subjectAltName=DNS:${name}`,
  ],
  { cwd: tmp, encoding: "utf8" },
);
if (ssl.status !== 0) throw new Error(`openssl failed: ${ssl.error?.message ?? ssl.stderr}`);
const certFile = path.join(tmp, "c.pem");

// --- "remote" servers in a child process -------------------------------------------------------
const serverCode = `
const workerData = JSON.parse(process.argv[1]);
const http = require("node:http");
const https = require("node:https");
const fs = require("node:fs");
const MB = 1024 * 1024;
const total = workerData.totalMB * MB;
const block = Buffer.alloc(MB);
for (let i = 0; i < block.length; i++) block[i] = (i * 31 + 7) & 0xff;
// /big: as fast as possible; /paced: at most workerData.linkMBps, like a download over a real link.
function serve(req, res) {
  if (req.url !== "/big" && req.url !== "/paced") return void res.end("ok");
  const rate = req.url === "/paced" ? workerData.linkMBps * MB / 1000 : Infinity; // bytes per ms
  res.writeHead(200, { "content-length": String(total) });
  let sent = 0;
  const started = performance.now();
  const pump = () => {
    while (sent < total) {
      const ahead = started + sent / rate - performance.now();
      if (ahead > 1) return void setTimeout(pump, ahead);
      const n = Math.min(MB, total - sent);
      sent += n;
      if (!res.write(n === MB ? block : block.subarray(0, n))) return void res.once("drain", pump);
    }
    res.end();
  };
  pump();
}
const plain = http.createServer(serve);
const tls = https.createServer({ key: fs.readFileSync(workerData.key), cert: fs.readFileSync(workerData.cert) }, serve);
plain.listen(0, workerData.host, () => tls.listen(0, workerData.host, () =>
  process.stdout.write(JSON.stringify({ plain: plain.address().port, tls: tls.address().port }) + "\\n")));
`;
const serverProcess = spawn(
  process.execPath,
  [
    "-e",
    serverCode,
    JSON.stringify({ totalMB, linkMBps, host: upstreamHost, key: path.join(tmp, "k.pem"), cert: certFile }),
  ],
  { stdio: ["ignore", "pipe", "inherit"] },
);
const ports = await new Promise((resolve, reject) => {
  serverProcess.stdout.once("data", (d) => resolve(JSON.parse(String(d))));
  serverProcess.once("error", reject);
  serverProcess.once("exit", (code) => reject(new Error(`server process exited ${code}`)));
});

// --- reference relays: the same bytes through a plain TCP relay with no policy at all ----------
// Not skillwall: they show what any relay costs on this machine. socat is a C read/write relay;
// the splice(2) relay (Python's os.splice) moves bytes kernel-to-kernel without copying them to
// user space. Each runs only if its tool is installed (apt-get install socat python3).
const spliceRelayCode = `
import os, socket, sys, threading
port, host, up = int(sys.argv[1]), sys.argv[2], int(sys.argv[3])
ls = socket.socket(); ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
ls.bind(("127.0.0.1", port)); ls.listen(16)
def pump(a, b):
    r, w = os.pipe()
    try:
        while True:
            n = os.splice(a.fileno(), w, 1 << 20)
            if n == 0: break
            while n: n -= os.splice(r, b.fileno(), n)
    except OSError: pass
    finally:
        try: b.shutdown(socket.SHUT_WR)
        except OSError: pass
        os.close(r); os.close(w)
print("ready", flush=True)
while True:
    c, _ = ls.accept(); u = socket.create_connection((host, up))
    for a, b in ((c, u), (u, c)): threading.Thread(target=pump, args=(a, b), daemon=True).start()
`;
const freePort = () =>
  new Promise((resolve) => {
    const s = net.createServer().listen(0, "127.0.0.1", () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
const relays = [];
async function startRelay(label, argvFor, probe) {
  if (spawnSync(probe[0], probe.slice(1)).status !== 0) return;
  const port = await freePort();
  const [cmd, ...args] = argvFor(port);
  const child = spawn(cmd, args, { stdio: ["ignore", "pipe", "ignore"] });
  // Ready when it accepts a connection.
  for (let i = 0; i < 50; i++) {
    const ok = await new Promise((resolve) => {
      const s = net.connect(port, "127.0.0.1", () => (s.destroy(), resolve(true)));
      s.on("error", () => resolve(false));
    });
    if (ok) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  relays.push({ label, port, child });
}
await startRelay(
  "socat",
  (port) => [
    "socat",
    "-b",
    "1048576",
    `TCP-LISTEN:${port},fork,reuseaddr,bind=127.0.0.1`,
    `TCP:${upstreamHost}:${ports.tls}`,
  ],
  ["socat", "-V"],
);
await startRelay(
  "splice",
  (port) => ["python3", "-c", spliceRelayCode, String(port), upstreamHost, String(ports.tls)],
  ["python3", "-c", "import os; os.splice"],
);

// --- the proxy in its own process, answering "how much CPU have you used" over IPC ------------------
const proxyCode = `
import { pathToFileURL } from "node:url";
const { startEgressProxy } = await import(pathToFileURL(process.env.BENCH_PROXY_MODULE).href);
const o = JSON.parse(process.env.BENCH_PROXY_OPTIONS);
const proxy = await startEgressProxy({ ...o, resolve: new Map(Object.entries(o.resolve)) });
process.on("message", (m) => {
  if (m === "cpu") { const u = process.cpuUsage(); process.send({ cpuMs: (u.user + u.system) / 1000 }); }
  if (m === "stop") proxy.close().then(() => process.disconnect());
});
process.send({ url: proxy.url });
`;
const proxyFile = path.join(tmp, "proxy.mjs");
fs.writeFileSync(proxyFile, proxyCode);
const proxyProcess = fork(proxyFile, [], {
  stdio: ["ignore", "inherit", "inherit", "ipc"],
  env: {
    ...process.env,
    BENCH_PROXY_MODULE: proxyModule,
    BENCH_PROXY_OPTIONS: JSON.stringify({
      bind: { host: "127.0.0.1", port: 0 },
      allow: {
        step: "bench",
        rules: [
          { id: "bench-https", host: name, ports: [ports.tls, ports.plain], scheme: "https" },
          { id: "bench-http", host: name, ports: [ports.plain], scheme: "http" },
        ],
        allowAddresses: [upstreamHost],
        refused: [],
      },
      resolve: { [name]: [upstreamHost] },
      limits: {
        maxBytesIn: Number.MAX_SAFE_INTEGER,
        maxBytesOut: Number.MAX_SAFE_INTEGER,
        maxConnections: 1e9,
      },
    }),
  },
});
proxyProcess.once("exit", (code) => {
  console.error(`bench:egress: the proxy process exited early (${code})`);
  for (const r of relays) r.child.kill();
  serverProcess.kill();
  fs.rmSync(tmp, { recursive: true, force: true });
  process.exit(1);
});
const nextMessage = () => new Promise((resolve) => proxyProcess.once("message", resolve));
const proxyUrl = (await nextMessage()).url;
const proxyCpuMs = async () => {
  const reply = nextMessage();
  proxyProcess.send("cpu");
  return (await reply).cpuMs;
};

// --- curl as the client ----------------------------------------------------------------------------
function curl(args) {
  return new Promise((resolve, reject) => {
    const child = spawn("curl", ["-sS", "-o", "/dev/null", "--cacert", certFile, ...args]);
    let out = "";
    let err = "";
    child.stdout.on("data", (c) => (out += c));
    child.stderr.on("data", (c) => (err += c));
    child.on("error", reject);
    child.on("close", (code) =>
      code === 0 ? resolve(out) : reject(new Error(`curl exited ${code}: ${err}`)),
    );
  });
}

/** curl arguments for one way of reaching the server. */
function route(kind, via) {
  const port = kind === "https" ? ports.tls : ports.plain;
  const url = `${kind}://${name}:${port}`;
  if (via === "direct") return { url, args: ["--resolve", `${name}:${port}:${upstreamHost}`] };
  const relay = relays.find((r) => r.label === via);
  if (relay)
    return { url: `${kind}://${name}:${relay.port}`, args: ["--resolve", `${name}:${relay.port}:127.0.0.1`] };
  const args = ["--proxy", proxyUrl, "--noproxy", ""];
  return { url, args: via === "connect" && kind === "http" ? [...args, "--proxytunnel"] : args };
}

/** One 100 MB download; MB/s (and the proxy's CPU ms when it went through the proxy). */
async function download(kind, via, pathname) {
  const { url, args } = route(kind, via);
  const viaProxy = via === "connect" || via === "absolute";
  const before = viaProxy ? await proxyCpuMs() : 0;
  const [size, seconds] = (await curl([...args, "-w", "%{size_download} %{time_total}", `${url}${pathname}`]))
    .split(" ")
    .map(Number);
  const cpuMs = viaProxy ? (await proxyCpuMs()) - before : NaN;
  if (size !== totalMB * MB) throw new Error(`${kind}/${via}: got ${size} bytes`);
  return { mbps: size / MB / seconds, cpuMs };
}

/** One curl, many URLs, a new connection for each (Connection: close); ms per request. */
async function requestTimes(kind, via) {
  const { url, args } = route(kind, via);
  const urls = Array.from({ length: requestsPerTrial }, (_, i) => `${url}/small?${i}`);
  const out = await curl([
    ...args,
    "-H",
    "Connection: close",
    "-w",
    "%{time_total}\\n",
    ...urls.flatMap((u) => ["-o", "/dev/null", u]),
  ]);
  return out
    .trim()
    .split("\n")
    .map((s) => Number(s) * 1000);
}

function percentile(xs, p) {
  const s = [...xs].sort((a, b) => a - b);
  const rank = (p / 100) * (s.length - 1);
  const lo = Math.floor(rank);
  const hi = Math.ceil(rank);
  return s[lo] + (s[hi] - s[lo]) * (rank - lo);
}
const median = (xs) => percentile(xs, 50);

// --- run: trials outside, modes inside, direct/proxied order alternating ---------------------------
const modes = [
  { kind: "https", via: "connect", path: "/big", label: "HTTPS through CONNECT" },
  { kind: "http", via: "connect", path: "/big", label: "HTTP through a CONNECT tunnel" },
  { kind: "http", via: "absolute", path: "/big", label: "plain HTTP (absolute-form)" },
  // Not the target's measure (that is the loopback download above), but the case a step meets:
  // the link, not the CPU, sets the pace. Small requests are the same as HTTPS above.
  { kind: "https", via: "connect", path: "/paced", label: `HTTPS, ${linkMBps} MB/s link`, requests: false },
  ...relays.map((r) => ({
    kind: "https",
    via: r.label,
    path: "/big",
    label: `HTTPS via ${r.label} (reference)`,
    requests: false,
    reference: true,
  })),
];
for (const m of modes) Object.assign(m, { direct: [], proxied: [], cpuMs: [], directMs: [], proxiedMs: [] });

console.log(
  `bench:egress: ${totalMB} MB download and ${requestsPerTrial} small requests per mode and trial, ` +
    `${trials} interleaved trials (medians); client curl; node ${process.version}; ${os.cpus().length} cpus; ` +
    `load average at start ${loadAtStart.map((l) => l.toFixed(2)).join(" ")}`,
);
for (let t = 0; t < trials; t++) {
  for (const m of modes) {
    const order = t % 2 === 0 ? ["direct", m.via] : [m.via, "direct"];
    for (const via of order) {
      const r = await download(m.kind, via, m.path);
      if (via === "direct") m.direct.push(r.mbps);
      else {
        m.proxied.push(r.mbps);
        m.cpuMs.push(r.cpuMs);
      }
    }
    for (const via of m.requests === false ? [] : order) {
      const times = await requestTimes(m.kind, via);
      (via === "direct" ? m.directMs : m.proxiedMs).push(...times);
    }
  }
}
const loadAtEnd = os.loadavg();

const rows = modes.map((m) => {
  const direct = median(m.direct);
  const proxied = median(m.proxied);
  const cpuPer100MB = median(m.cpuMs) * (100 / totalMB);
  return {
    label: m.label,
    directMBps: direct,
    proxiedMBps: proxied,
    lossPercent: (1 - proxied / direct) * 100,
    // Loss per trial (each trial's pair ran back to back): its spread says how noisy the run was.
    lossPerTrial: m.direct.map((d, i) => (1 - m.proxied[i] / d) * 100),
    proxyCpuMsPer100MB: cpuPer100MB,
    relayCapacityMBpsPerCore: (100 / cpuPer100MB) * 1000,
    ...(m.requests === false
      ? {}
      : {
          addedMsP50: median(m.proxiedMs) - median(m.directMs),
          addedMsP95: percentile(m.proxiedMs, 95) - percentile(m.directMs, 95),
          directMsP50: median(m.directMs),
          proxiedMsP50: median(m.proxiedMs),
        }),
  };
});
const f = (x, w, d = 0) => x.toFixed(d).padStart(w);
for (const r of rows) {
  console.log(
    `${r.label.padEnd(30)} direct ${f(r.directMBps, 5)} MB/s  proxy ${f(r.proxiedMBps, 5)} MB/s  loss ${f(r.lossPercent, 5, 1)}%` +
      ` (trials ${f(Math.min(...r.lossPerTrial), 0)}..${f(Math.max(...r.lossPerTrial), 0)}%)` +
      (Number.isFinite(r.proxyCpuMsPer100MB)
        ? `  proxy CPU ${f(r.proxyCpuMsPer100MB, 4)} ms/100MB (${f(r.relayCapacityMBpsPerCore, 0)} MB/s per core)`
        : "  (not skillwall: a plain TCP relay, no policy)") +
      (r.addedMsP50 === undefined
        ? ""
        : `  | added per request p50 ${f(r.addedMsP50, 0, 2)} ms  p95 ${f(r.addedMsP95, 0, 2)} ms` +
          ` (direct p50 ${f(r.directMsP50, 0, 2)} ms)`),
  );
}
const https = rows[0];
const worstAdded = Math.max(...rows.filter((r) => r.addedMsP50 !== undefined).map((r) => r.addedMsP50));
console.log(
  `HTTPS (the step case): throughput loss ${https.lossPercent.toFixed(1)}% (target <= 10%): ${https.lossPercent <= 10 ? "PASS" : "MISS"}; ` +
    `worst added latency p50 ${worstAdded.toFixed(2)} ms (target <= 5 ms): ${worstAdded <= 5 ? "PASS" : "MISS"}`,
);
const references = rows.filter((r) => r.label.endsWith("(reference)"));
console.log(
  references.length === 0
    ? "reference relays: none ran (apt-get install socat python3 to see what any relay costs here)"
    : `reference relays on the same download: ${references.map((r) => `${r.label.replace(" (reference)", "")} loss ${r.lossPercent.toFixed(1)}%`).join(", ")}` +
        " — a relay terminates a second TCP connection, so the kernel's loopback work doubles whatever the relay is written in",
);
console.log(
  `load average at start ${loadAtStart.map((l) => l.toFixed(2)).join(" ")}, at end ${loadAtEnd.map((l) => l.toFixed(2)).join(" ")}` +
    ` on ${os.cpus().length} cpus — the machine is shared: a loopback download is CPU-bound in curl, server and proxy,` +
    ` so other work (and the proxy being a third process on ${os.cpus().length} cpus) shows up as loss; the CPU figure does not depend on it`,
);

proxyProcess.removeAllListeners("exit");
proxyProcess.send("stop");
await new Promise((resolve) => proxyProcess.once("disconnect", resolve));
for (const r of relays) r.child.kill();
serverProcess.removeAllListeners("exit");
serverProcess.kill();
fs.rmSync(tmp, { recursive: true, force: true });
if (process.env.BENCH_JSON) {
  fs.writeFileSync(
    process.env.BENCH_JSON,
    JSON.stringify({ totalMB, trials, requestsPerTrial, loadAtStart, loadAtEnd, rows }, null, 2),
  );
}
