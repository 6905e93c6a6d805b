// A step that needs the network, in a real container: it reaches its allowed stand-ins (HTTP and
// HTTPS through CONNECT, test CA) and nothing else — other hosts, other ports, raw IPs, the
// metadata address, the host's loopback services, the gateway's other ports, redirects to other
// hosts, DNS, direct TCP — and the audit log records every proxy decision.

import dgram from "node:dgram";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openAuditLog } from "../../src/audit/log.js";
import { bridgeName } from "../../src/egress/network.js";
import { runSteps, type RunResult } from "../../src/run/runner.js";
import { bashStep } from "../fixtures/run/judged.js";
import {
  closeServer,
  docker,
  dockerNetworks,
  hostAddresses,
  listen,
  makeTestCa,
  network,
  probePrelude,
  probes,
  startHttp,
  startHttps,
  stepBridgeRules,
  stepNaming,
  tcpProbe,
  testPolicy,
  writeCaFile,
  type TestCa,
} from "./egress-docker-support.js";

const standIn = "127.0.0.2";
let ca: TestCa;
const servers: net.Server[] = [];
const hits = { redirects: 0, allowed: 0, otherPort: 0, otherHost: 0, loopback: 0, hostService: 0, dns: 0 };
let result: RunResult;
let auditLines: Array<{ kind: string; egress?: Record<string, unknown> }>;
let ports: {
  https: number;
  http: number;
  otherPort: number;
  otherHost: number;
  loopback: number;
  hostService: number;
};
const runId = `egtest${process.pid}`;

beforeAll(async () => {
  const d = await docker();
  ca = makeTestCa(["moltbook.test", "other.test", "rebind.test"]);
  const https = await startHttps(ca, standIn, (req, res, port) => {
    hits.allowed++;
    if (req.url === "/redirect") {
      hits.redirects++;
      res.writeHead(302, { location: `https://other.test:${ports.otherHost}/` }).end();
      return;
    }
    res.end(`hello-https on ${port()}`);
  });
  const plain = await startHttp(standIn, (req, res) => {
    hits.allowed++;
    if (req.url === "/redirect") {
      hits.redirects++;
      res.writeHead(302, { location: `http://other.test:${ports.otherHost}/` }).end();
      return;
    }
    res.end("hello-http");
  });
  const otherPort = await startHttps(ca, standIn, (_q, res) => {
    hits.otherPort++;
    res.end("other-port");
  });
  const otherHost = await startHttps(ca, standIn, (_q, res) => {
    hits.otherHost++;
    res.end("other-host");
  });
  const loopback = await startHttps(ca, "127.0.0.1", (_q, res) => {
    hits.loopback++;
    res.end("loopback-secret");
  });
  // A host service on every address, as many daemons bind: reachable from the bridge only if
  // the firewall failed.
  const hostService = net.createServer((s) => {
    hits.hostService++;
    s.destroy();
  });
  const hostServicePort = await listen(hostService, "0.0.0.0");
  servers.push(https.server, plain.server, otherPort.server, otherHost.server, loopback.server, hostService);
  // A resolver on every host address: nothing from the step may reach it.
  const dns = dgram.createSocket("udp4");
  dns.on("message", () => hits.dns++);
  await new Promise<void>((resolve, reject) => {
    dns.once("error", reject);
    dns.bind(53, "0.0.0.0", () => resolve());
  });
  ports = {
    https: https.port,
    http: plain.port,
    otherPort: otherPort.port,
    otherHost: otherHost.port,
    loopback: loopback.port,
    hostService: hostServicePort,
  };

  const caFile = writeCaFile(ca.dir, ca.ca);
  const hostTargets = [...hostAddresses()];
  const script = [
    probePrelude,
    'gw=${HTTP_PROXY#http://}; gw=${gw%:*}; echo "PROBE gateway $gw"',
    `probe https_ok https://moltbook.test:${ports.https}/`,
    `probe http_ok http://plain.test:${ports.http}/`,
    `probe host_denied https://other.test:${ports.otherHost}/`,
    `probe port_denied https://moltbook.test:${ports.otherPort}/`,
    `probe raw_ip https://${standIn}:${ports.https}/`,
    "probe metadata http://169.254.169.254/latest/meta-data/",
    "probe metadata_direct --noproxy '*' --connect-timeout 2 http://169.254.169.254/latest/meta-data/",
    `probe rebind https://rebind.test:${ports.loopback}/`,
    `probe loopback_ip http://127.0.0.1:${ports.loopback}/`,
    `probe redirect_https -L https://moltbook.test:${ports.https}/redirect`,
    `probe redirect_http -L http://plain.test:${ports.http}/redirect`,
    `probe direct_https --noproxy '*' --connect-timeout 2 https://moltbook.test:${ports.https}/`,
    `probe via_gateway_port --noproxy '*' --connect-timeout 2 http://$gw:${ports.hostService}/`,
    `( ${tcpProbe("tcp_gateway_other", "$gw", ports.hostService)} ) &`,
    ...hostTargets.map((a, i) => `( ${tcpProbe(`tcp_host${i}`, a, ports.hostService)} ) &`),
    `( ${tcpProbe("tcp_metadata", "169.254.169.254", 80)} ) &`,
    "wait",
    // The resolver in the container never answers: bound each lookup, run them side by side.
    '(if timeout 3 getent hosts dns-probe.test >/dev/null; then echo "PROBE dns_name resolved"; else echo "PROBE dns_name failed"; fi) &',
    '(if timeout 3 getent hosts www.example.com >/dev/null; then echo "PROBE dns_public resolved"; else echo "PROBE dns_public failed"; fi) &',
    ...["$gw", ...hostTargets].map(
      (a) => `(exec 3>/dev/udp/${a}/53 && printf 'probe' >&3) 2>/dev/null; true`,
    ),
    "wait; sleep 0.5",
  ].join("\n");
  const egressStep = stepNaming(script, [
    { host: "moltbook.test", port: ports.https, scheme: "https" },
    { host: "moltbook.test", port: ports.otherPort, scheme: "https" },
    { host: "plain.test", port: ports.http, scheme: "http" },
    { host: "rebind.test", port: ports.loopback, scheme: "https" },
    { host: "other.test", port: ports.otherHost, scheme: "https" },
  ]);
  const offline = bashStep(
    `ls /sys/class/net; curl -sS --max-time 3 https://moltbook.test:${ports.https}/ || echo "offline rc=$?"`,
  );

  const auditFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "sw-egress-audit-")), "audit.jsonl");
  const audit = openAuditLog({ file: auditFile });
  try {
    result = await runSteps([egressStep, offline], {
      client: d.client,
      image: d.image,
      runId,
      keepGoing: true,
      policy: {
        ...testPolicy({ sandbox: { timeoutMs: 30_000 } }),
        network: network({
          hosts: ["moltbook.test", "rebind.test"],
          httpHosts: ["plain.test"],
          ports: [ports.https, ports.http, ports.loopback],
        }),
      },
      egress: {
        testHostMap: new Map([
          ["moltbook.test", [standIn]],
          ["plain.test", [standIn]],
          ["other.test", [standIn]],
          ["rebind.test", ["127.0.0.1"]],
        ]),
        testAllowAddresses: [standIn],
        extraCaFile: caFile,
      },
    });
  } finally {
    await audit.close();
    dns.close();
  }
  auditLines = fs
    .readFileSync(auditFile, "utf8")
    .trim()
    .split("\n")
    .map((l) => JSON.parse(l) as { kind: string; egress?: Record<string, unknown> });
}, 60_000);

afterAll(async () => {
  await Promise.all(servers.map((s) => closeServer(s)));
  if (ca) fs.rmSync(ca.dir, { recursive: true, force: true });
});

function probe(name: string): string {
  const p = probes(result.steps[0]!.stdout).get(name);
  if (p === undefined)
    throw new Error(
      `probe ${name} missing; stdout: ${result.steps[0]!.stdout}\nstderr: ${result.steps[0]!.stderr}`,
    );
  return p;
}

describe("a step with network grants, in a real container", () => {
  it("ran on its own internal network and ended ok", () => {
    const step = result.steps[0]!;
    expect(step.outcome, step.stderr).toBe("ok");
    expect(step.egress?.network).toBe(`skillwall-${runId}-step0`);
    expect(step.egress?.refused.map((r) => `${r.host}:${r.port}`).sort()).toEqual(
      [`moltbook.test:${ports.otherPort}`, `other.test:${ports.otherHost}`].sort(),
    );
  });

  it("reaches the allowed host over HTTPS (CONNECT, test CA) and plain HTTP", () => {
    expect(probe("https_ok")).toMatch(/^rc=0 code=200\/200 body=hello-https on \d+/);
    expect(probe("http_ok")).toMatch(/^rc=0 code=200\/000 body=hello-http/);
  });

  it("refuses another host, another port and a raw IP with a 403 the agent can read", () => {
    expect(probe("host_denied")).toMatch(/rc=56 code=000\/403/);
    expect(probe("port_denied")).toMatch(/rc=56 code=000\/403/);
    expect(probe("raw_ip")).toMatch(/rc=56 code=000\/403/);
    expect(hits.otherHost).toBe(0);
    expect(hits.otherPort).toBe(0);
  });

  it("refuses the metadata address through the proxy and directly", () => {
    expect(probe("metadata")).toMatch(
      /^rc=0 code=403\/000 body=skillwall-egress: raw IP address 169\.254\.169\.254/,
    );
    expect(probe("metadata_direct")).not.toMatch(/^rc=0 /);
    expect(probe("tcp_metadata")).toBe("tcp=closed");
  });

  it("refuses the host's loopback services, even behind an allowed name", () => {
    expect(probe("rebind")).toMatch(/rc=56 code=000\/403/);
    expect(probe("loopback_ip")).toMatch(/code=403\/000 body=skillwall-egress: raw IP address 127\.0\.0\.1/);
    expect(hits.loopback).toBe(0);
  });

  it("judges a redirect to another host as a new request and refuses it", () => {
    expect(probe("redirect_https")).toMatch(/rc=56 code=\d{3}\/403 .*CONNECT tunnel failed, response 403/);
    expect(probe("redirect_http")).toMatch(/rc=0 code=403\/000 body=skillwall-egress: host other\.test/);
    // Both first requests were served (the 302 came back); only the second hop was refused.
    expect(hits.redirects).toBe(2);
    expect(hits.otherHost).toBe(0);
  });

  it("cannot open TCP without the proxy: not to the stand-in, the gateway's other ports or the host", () => {
    expect(probe("direct_https")).not.toMatch(/^rc=0 /);
    expect(probe("via_gateway_port")).not.toMatch(/^rc=0 /);
    expect(probe("tcp_gateway_other")).toBe("tcp=closed");
    for (const [name, value] of probes(result.steps[0]!.stdout)) {
      if (name.startsWith("tcp_host")) expect(value, name).toBe("tcp=closed");
    }
    expect(hits.hostService).toBe(0);
  });

  it("resolves no name and reaches no resolver", () => {
    expect(probe("dns_name")).toBe("failed");
    expect(probe("dns_public")).toBe("failed");
    expect(hits.dns).toBe(0);
  });

  it("keeps a step without grants on no network at all", () => {
    const off = result.steps[1]!;
    expect(off.egress).toBeUndefined();
    expect(off.stdout.split("\n").filter((l) => l !== "" && !l.startsWith("offline"))).toEqual(["lo"]);
    expect(off.stdout).toMatch(/offline rc=(6|7)/);
  });

  it("records every proxy decision in the audit log", () => {
    const egress = auditLines.filter((l) => l.kind === "egress").map((l) => l.egress!);
    const step = result.steps[0]!;
    expect(egress.length).toBe(step.egress!.requestsAllowed + step.egress!.requestsDenied);
    const seen = (host: string, decision: string, rule?: string) =>
      egress.some(
        (e) => e.host === host && e.decision === decision && (rule === undefined || e.rule === rule),
      );
    expect(seen("moltbook.test", "allow")).toBe(true);
    expect(seen("plain.test", "allow")).toBe(true);
    expect(seen("other.test", "deny", "host-not-allowed")).toBe(true);
    expect(seen("moltbook.test", "deny", "port-not-allowed")).toBe(true);
    expect(seen(standIn, "deny", "ip-literal")).toBe(true);
    expect(seen("169.254.169.254", "deny", "ip-literal")).toBe(true);
    expect(seen("rebind.test", "deny", "address-not-allowed")).toBe(true);
    for (const e of egress) {
      expect(e.step).toBe(step.stepId);
      expect(typeof e.bytesIn).toBe("number");
      expect(typeof e.port).toBe("number");
    }
    const ok = egress.find((e) => e.host === "moltbook.test" && e.decision === "allow");
    expect(Number(ok?.bytesIn)).toBeGreaterThan(0);
  });

  it("leaves no network and no firewall rule behind", () => {
    expect(dockerNetworks(runId)).toEqual([]);
    const mine = bridgeName(runId, 0);
    expect(stepBridgeRules().filter((r) => r.includes(` ${mine} `))).toEqual([]);
  });
});
