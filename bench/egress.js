// npm run bench:egress — cost of the egress proxy, measured in one run on this host (no Docker).
// Same shape as in production: the client is curl (what a step runs), the proxy runs in this
// process (the supervisor), the "remote" servers run in a child process. Direct and proxied
// rounds alternate so background load hits both alike; the proxy's own CPU time per 100 MB is
// printed too, as it does not depend on what else the machine is doing.
//  * throughput of a 100 MB download (generated in memory, served locally), direct vs through the
//    proxy: HTTPS through CONNECT (what `curl https://…` in a step does), plain HTTP through a
//    CONNECT tunnel (the proxy's raw relay), plain absolute-form HTTP;
//  * added latency per small request (a new connection each time: Connection: close).
// Targets (issue 5): <= 10% throughput loss, <= 5 ms added per request.
// Needs the compiled library: `npm run build` first (or SKILLWALL_DIST=dir).

import { spawn, spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";

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
const { startEgressProxy } = await import(pathToFileURL(proxyModule).href);

const MB = 1024 * 1024;
const totalMB = Number(process.env.BENCH_EGRESS_MB ?? 100);
const rounds = Number(process.env.BENCH_EGRESS_ROUNDS ?? 3);
const smallRequests = Number(process.env.BENCH_EGRESS_REQUESTS ?? 100);
const upstreamHost = "127.0.0.2";
const name = "bench.test";

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
function serve(req, res) {
  if (req.url !== "/big") return void res.end("ok");
  res.writeHead(200, { "content-length": String(total) });
  let sent = 0;
  const pump = () => {
    while (sent < total) {
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
    JSON.stringify({ totalMB, host: upstreamHost, key: path.join(tmp, "k.pem"), cert: certFile }),
  ],
  { stdio: ["ignore", "pipe", "inherit"] },
);
const ports = await new Promise((resolve, reject) => {
  serverProcess.stdout.once("data", (d) => resolve(JSON.parse(String(d))));
  serverProcess.once("error", reject);
  serverProcess.once("exit", (code) => reject(new Error(`server process exited ${code}`)));
});

const proxy = await startEgressProxy({
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
  resolve: new Map([[name, [upstreamHost]]]),
  limits: { maxBytesIn: Number.MAX_SAFE_INTEGER, maxBytesOut: Number.MAX_SAFE_INTEGER, maxConnections: 1e9 },
});

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
  const args = ["--proxy", proxy.url, "--noproxy", ""];
  return { url, args: via === "connect" && kind === "http" ? [...args, "--proxytunnel"] : args };
}

async function download(kind, via) {
  const { url, args } = route(kind, via);
  const [size, seconds] = (await curl([...args, "-w", "%{size_download} %{time_total}", `${url}/big`]))
    .split(" ")
    .map(Number);
  if (size !== totalMB * MB) throw new Error(`${kind}/${via}: got ${size} bytes`);
  return size / MB / seconds;
}

/** Alternates direct and proxied downloads; medians, and the proxy's CPU ms per 100 MB. */
async function throughput(kind, via) {
  const direct = [];
  const proxied = [];
  let cpuMs = 0;
  for (let i = 0; i < rounds; i++) {
    direct.push(await download(kind, "direct"));
    const before = process.cpuUsage();
    proxied.push(await download(kind, via));
    const used = process.cpuUsage(before);
    cpuMs += (used.user + used.system) / 1000;
  }
  return {
    direct: median(direct),
    proxied: median(proxied),
    cpuPer100MB: (cpuMs / rounds) * (100 / totalMB),
  };
}

/** One curl, many URLs, a new connection for each (Connection: close); median time per request. */
async function latency(kind, via) {
  const { url, args } = route(kind, via);
  const urls = Array.from({ length: smallRequests }, (_, i) => `${url}/small?${i}`);
  const out = await curl([
    ...args,
    "-H",
    "Connection: close",
    "-w",
    "%{time_total}\\n",
    ...urls.flatMap((u) => ["-o", "/dev/null", u]),
  ]);
  return median(
    out
      .trim()
      .split("\n")
      .map((s) => Number(s) * 1000),
  );
}

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

// --- run ---------------------------------------------------------------------------------------------
const cases = [
  ["https", "connect", "HTTPS through CONNECT"],
  ["http", "connect", "HTTP through a CONNECT tunnel"],
  ["http", "absolute", "plain HTTP (absolute-form)"],
];
console.log(
  `bench:egress: ${totalMB} MB download, median of ${rounds}; ${smallRequests} small requests; client curl; node ${process.version}; ${os.cpus().length} cpus`,
);
const rows = [];
for (const [kind, via, label] of cases) {
  const { direct, proxied, cpuPer100MB } = await throughput(kind, via);
  const directMs = await latency(kind, "direct");
  const proxiedMs = await latency(kind, via);
  const row = {
    label,
    direct,
    proxied,
    loss: Math.max(0, (1 - proxied / direct) * 100),
    directMs,
    proxiedMs,
    added: proxiedMs - directMs,
    cpuPer100MB,
  };
  rows.push(row);
  console.log(
    `${label.padEnd(30)} direct ${direct.toFixed(0).padStart(5)} MB/s  proxy ${proxied.toFixed(0).padStart(5)} MB/s  loss ${row.loss.toFixed(1).padStart(5)}%` +
      `  proxy CPU ${cpuPer100MB.toFixed(0)} ms/100MB  | per request: direct ${directMs.toFixed(2)} ms  proxy ${proxiedMs.toFixed(2)} ms  added ${row.added.toFixed(2)} ms`,
  );
}
const https = rows[0];
const worstAdded = Math.max(...rows.map((r) => r.added));
console.log(
  `HTTPS (the step case): throughput loss ${https.loss.toFixed(1)}% (target <= 10%): ${https.loss <= 10 ? "PASS" : "MISS"}; ` +
    `worst added latency ${worstAdded.toFixed(2)} ms (target <= 5 ms): ${worstAdded <= 5 ? "PASS" : "MISS"}`,
);
console.log(
  `load average ${os
    .loadavg()
    .map((l) => l.toFixed(1))
    .join(" ")} (the machine's other work slows both sides)`,
);
console.log(`supervisor (proxy) peak RSS ${(process.memoryUsage().rss / MB).toFixed(0)} MB`);

await proxy.close();
serverProcess.removeAllListeners("exit");
serverProcess.kill();
fs.rmSync(tmp, { recursive: true, force: true });
if (process.env.BENCH_JSON) fs.writeFileSync(process.env.BENCH_JSON, JSON.stringify({ rows }, null, 2));
