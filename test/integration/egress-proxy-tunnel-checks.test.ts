// What travels inside an allowed connection must be for the granted host: a CONNECT tunnel's
// TLS ClientHello must name (SNI) the host the CONNECT named, a tunnel that is not TLS is cut, a
// plain request's Host header must match its URL; and a flood of refused requests is recorded
// at most maxDeniedRecords per window plus one summary record. Real proxy, real TLS, loopback.

import fs from "node:fs";
import http from "node:http";
import type https from "node:https";
import type net from "node:net";
import os from "node:os";
import path from "node:path";
import tls from "node:tls";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { openAuditLog } from "../../src/audit/log.js";
import { verifyAuditLog } from "../../src/audit/verify.js";
import { startEgressProxy, type EgressProxy, type EgressProxyOptions } from "../../src/egress/proxy.js";
import type { ProxyEgressEvent } from "../../src/egress/types.js";
import { clientHello } from "../fixtures/egress/client-hello.js";
import {
  closeServer,
  downloadVia,
  makeTestCa,
  rawConnect,
  startHttp,
  startHttps,
  type TestCa,
  waitFor,
} from "./egress-proxy-support.js";

const upstream = "127.0.0.2";
let ca: TestCa;
// One server for two names, as on a shared CDN: the SNI decides which site answers.
let cdn: { server: https.Server; port: number };
let plain: { server: http.Server; port: number };
let sniSeen: string[] = [];
let hostsSeen: string[] = [];
let proxy: EgressProxy | undefined;
let events: ProxyEgressEvent[] = [];

beforeAll(async () => {
  ca = makeTestCa(["granted.test", "evil.test"]);
  cdn = await startHttps(ca, upstream, (req, res) => res.end(`site ${req.headers.host ?? ""}`));
  cdn.server.on("secureConnection", (s: tls.TLSSocket) => sniSeen.push(String(s.servername)));
  plain = await startHttp(upstream, (req, res) => {
    hostsSeen.push(req.headers.host ?? "");
    res.end("plain");
  });
});
afterAll(async () => {
  for (const s of [cdn?.server, plain?.server]) if (s) await closeServer(s);
  if (ca) fs.rmSync(ca.dir, { recursive: true, force: true });
});
afterEach(async () => {
  await proxy?.close();
  proxy = undefined;
  events = [];
  sniSeen = [];
  hostsSeen = [];
});

async function start(limits: EgressProxyOptions["limits"] = {}): Promise<EgressProxy> {
  proxy = await startEgressProxy({
    bind: { host: "127.0.0.1", port: 0 },
    allow: {
      step: "SKILL.md#4:1",
      rules: [
        { id: "network.hosts[granted.test]", host: "granted.test", ports: [cdn.port], scheme: "https" },
        { id: "network.httpHosts[plain.test]", host: "plain.test", ports: [plain.port], scheme: "http" },
      ],
      allowAddresses: [upstream],
      refused: [],
    },
    resolve: { "granted.test": [upstream], "evil.test": [upstream], "plain.test": [upstream] },
    limits,
    onEvent: (e) => events.push(e),
  });
  return proxy;
}

/** CONNECT to `authority`; the raw tunnel once the proxy said 200. */
function tunnel(p: EgressProxy, authority: string): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const req = http.request({
      host: p.address.host,
      port: p.address.port,
      method: "CONNECT",
      path: authority,
      agent: false,
    });
    req.on("connect", (res, socket: net.Socket) =>
      res.statusCode === 200 ? resolve(socket) : reject(new Error(`CONNECT ${res.statusCode}`)),
    );
    req.on("error", reject);
    req.end();
  });
}

/** TLS over a tunnel with the given SNI; the page body, or the error. */
function tlsGet(socket: net.Socket, servername: string): Promise<{ body?: string; error?: string }> {
  return new Promise((resolve) => {
    const s = tls.connect({ socket, servername, ca: ca.ca });
    let body = "";
    s.on("secureConnect", () =>
      s.write(`GET / HTTP/1.1\r\nHost: ${servername}\r\nConnection: close\r\n\r\n`),
    );
    s.on("data", (c: Buffer) => (body += c.toString()));
    s.on("end", () => resolve({ body }));
    s.on("error", (err) => resolve({ error: err.message }));
    s.on("close", () => resolve(body === "" ? { error: "closed" } : { body }));
  });
}

/** Whatever the proxy sends back on a tunnel until it closes. */
function drain(socket: net.Socket): Promise<string> {
  return new Promise((resolve) => {
    let got = "";
    socket.on("data", (c: Buffer) => (got += c.toString("latin1")));
    socket.on("error", () => resolve(got));
    socket.on("close", () => resolve(got));
  });
}

describe("CONNECT tunnels carry TLS for the granted host only", () => {
  it("relays a tunnel whose SNI names the granted host", async () => {
    const p = await start();
    const got = await tlsGet(await tunnel(p, `granted.test:${cdn.port}`), "granted.test");
    expect(got.body).toContain("site granted.test");
    expect(sniSeen).toEqual(["granted.test"]);
    // A real client through a proxy agent (undici) passes too.
    const viaAgent = await downloadVia(p.url, `https://granted.test:${cdn.port}/`, ca.ca);
    expect(viaAgent.error).toBeUndefined();
    expect(viaAgent.bytes).toBeGreaterThan(0);
  });

  it("refuses domain fronting: CONNECT to the granted host, TLS for another one", async () => {
    const p = await start();
    const got = await tlsGet(await tunnel(p, `granted.test:${cdn.port}`), "evil.test");
    expect(got.body ?? "").not.toContain("site");
    // The CDN never saw a handshake for the other site.
    expect(sniSeen).toEqual([]);
    await waitFor(() => events.some((e) => e.decision === "deny"));
    const denied = events.filter((e) => e.decision === "deny");
    expect(denied).toHaveLength(1);
    expect(denied[0]).toMatchObject({
      kind: "connect",
      host: "granted.test",
      decision: "deny",
      rule: "tunnel-sni-mismatch",
      bytesOut: 0,
    });
    expect(denied[0]!.reason).toContain('asks TLS for "evil.test"');
  });

  it("refuses a tunnel that is not TLS, one without SNI, and one with Encrypted Client Hello", async () => {
    const p = await start();
    const cases: Array<[Buffer, string]> = [
      [Buffer.from("GET / HTTP/1.1\r\nHost: evil.test\r\n\r\n"), "tunnel-not-tls"],
      [clientHello(), "tunnel-sni-mismatch"],
      [clientHello({ sni: "granted.test", ech: true }), "tunnel-sni-mismatch"],
      [clientHello({ sni: "granted.test", extensions: [[0, Buffer.from([0, 0])]] }), "tunnel-bad-hello"],
    ];
    for (const [first, rule] of cases) {
      const socket = await tunnel(p, `granted.test:${cdn.port}`);
      const answer = drain(socket);
      socket.write(first);
      expect(await answer).toBe("");
      await waitFor(() => events.some((e) => e.rule === rule));
    }
    expect(events.filter((e) => e.decision === "deny").map((e) => [e.decision, e.rule])).toEqual(
      cases.map(([, rule]) => ["deny", rule]),
    );
    expect(sniSeen).toEqual([]);
  });

  it("accepts a ClientHello split over several TLS records", async () => {
    const p = await start();
    const socket = await tunnel(p, `granted.test:${cdn.port}`);
    const answer = drain(socket);
    // A hello split into 16-byte records, then a fatal alert to end it: the tunnel was relayed.
    socket.write(clientHello({ sni: "granted.test", recordBytes: 16 }));
    await waitFor(() => p.stats().bytesOut > 0);
    socket.destroy();
    await answer;
    await waitFor(() => events.length === 1);
    expect(events[0]).toMatchObject({ decision: "allow", rule: "network.hosts[granted.test]" });
  });
});

describe("plain HTTP requests", () => {
  function get(p: EgressProxy, url: string, host: string): Promise<{ status: number; body: string }> {
    return new Promise((resolve, reject) => {
      const req = http.request({
        host: p.address.host,
        port: p.address.port,
        path: url,
        headers: { host },
        agent: false,
      });
      req.on("response", (res) => {
        let body = "";
        res.on("data", (c: Buffer) => (body += c.toString()));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
      });
      req.on("error", reject);
      req.end();
    });
  }

  it("serves a request whose Host matches its URL and refuses one that names another site", async () => {
    const p = await start();
    const url = `http://plain.test:${plain.port}/`;
    expect(await get(p, url, `plain.test:${plain.port}`)).toEqual({ status: 200, body: "plain" });
    const fronted = await get(p, url, "evil.test");
    expect(fronted.status).toBe(403);
    expect(fronted.body).toContain("rule http-host-mismatch");
    expect(hostsSeen).toEqual([`plain.test:${plain.port}`]);
  });
});

describe("audit rate limit of refusals", () => {
  it("records at most maxDeniedRecords refusals per window and one summary of the rest", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "sw-egress-rate-"));
    const file = path.join(dir, "audit.jsonl");
    const log = openAuditLog({ file });
    try {
      const p = await start({ maxDeniedRecords: 5, deniedWindowMs: 60_000 });
      for (let i = 0; i < 60; i++) expect((await rawConnect(p.address, "evil.test:443")).status).toBe(403);
      expect(p.stats().denied).toBe(60);
      await p.close();
      await log.close();
      const egress = fs
        .readFileSync(file, "utf8")
        .trimEnd()
        .split("\n")
        .map((l) => JSON.parse(l) as { kind: string; egress?: ProxyEgressEvent })
        .filter((r) => r.kind === "egress")
        .map((r) => r.egress!);
      expect(egress).toHaveLength(6);
      expect(egress.slice(0, 5).every((e) => e.rule === "host-not-allowed" || e.host === "evil.test")).toBe(
        true,
      );
      expect(egress[5]).toMatchObject({ rule: "audit-rate-limit", suppressed: 55, decision: "deny" });
      expect(egress[5]!.reason).toContain("evil.test:443");
      expect(await verifyAuditLog(file)).toMatchObject({ ok: true, closed: true });
    } finally {
      await log.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
