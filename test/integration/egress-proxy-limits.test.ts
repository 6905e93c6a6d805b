// Per-step limits of the egress proxy (bytes in/out, connections, idle time), fail-closed when
// the proxy is gone, and the audit trail of every decision, against real local servers.

import fs from "node:fs";
import type http from "node:http";
import type https from "node:https";
import os from "node:os";
import path from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { openAuditLog } from "../../src/audit/log.js";
import { verifyAuditLog } from "../../src/audit/verify.js";
import { startEgressProxy, type EgressProxy, type EgressProxyOptions } from "../../src/egress/proxy.js";
import type { ProxyEgressEvent, StepAllowlist } from "../../src/egress/types.js";
import {
  closeServer,
  downloadVia,
  makeTestCa,
  rawConnect,
  rawProxyGet,
  startHttp,
  startHttps,
  type TestCa,
  waitFor,
} from "./egress-proxy-support.js";

const upstream = "127.0.0.2";
const oneMiB = Buffer.alloc(1024 * 1024, 0x61);
let ca: TestCa;
let tls: { server: https.Server; port: number };
let plain: { server: http.Server; port: number };
let proxy: EgressProxy | undefined;
let events: ProxyEgressEvent[] = [];

beforeAll(async () => {
  ca = makeTestCa(["moltbook.test"]);
  tls = await startHttps(ca, upstream, (req, res) => {
    if (req.url === "/big") res.end(oneMiB);
    else if (req.url === "/hang")
      res.flushHeaders(); // headers, then silence
    else res.end("small");
  });
  plain = await startHttp(upstream, (req, res) => {
    let n = 0;
    req.on("data", (c: Buffer) => (n += c.length));
    req.on("end", () => res.end(`got ${n}`));
  });
});
afterAll(async () => {
  for (const s of [tls?.server, plain?.server]) if (s) await closeServer(s);
  if (ca) fs.rmSync(ca.dir, { recursive: true, force: true });
});
afterEach(async () => {
  await proxy?.close();
  proxy = undefined;
  events = [];
});

async function start(limits: EgressProxyOptions["limits"] = {}): Promise<EgressProxy> {
  const allow: StepAllowlist = {
    step: "SKILL.md#9:1",
    rules: [
      { id: "network.hosts[moltbook.test]", host: "moltbook.test", ports: [tls.port], scheme: "https" },
      { id: "network.httpHosts[plain.test]", host: "plain.test", ports: [plain.port], scheme: "http" },
    ],
    allowAddresses: [upstream],
    refused: [],
  };
  const resolve = { "moltbook.test": [upstream], "plain.test": [upstream] };
  proxy = await startEgressProxy({
    bind: { host: "127.0.0.1", port: 0 },
    allow,
    resolve,
    limits,
    onEvent: (e) => events.push(e),
  });
  return proxy;
}

function download(p: EgressProxy, pathname: string): Promise<{ bytes: number; error?: string }> {
  return downloadVia(p.url, `https://moltbook.test:${tls.port}${pathname}`, ca.ca);
}

describe("egress limits", () => {
  it("lets a download under the byte limit through and counts its bytes", async () => {
    const p = await start();
    expect(await download(p, "/big")).toEqual({ bytes: oneMiB.length });
    await waitFor(() => events.length === 1);
    expect(events[0]!.bytesIn).toBeGreaterThan(oneMiB.length);
    expect(p.stats()).toMatchObject({ connections: 1, open: 0, allowed: 1, denied: 0 });
  });

  it("cuts a download at the step's bytes-in limit", async () => {
    const p = await start({ maxBytesIn: 64 * 1024 });
    const r = await download(p, "/big");
    expect(r.error).toBeDefined();
    expect(r.bytes).toBeLessThan(64 * 1024);
    await waitFor(() => events.length === 1);
    expect(events[0]).toMatchObject({ decision: "allow", outcome: "limit-bytes-in" });
    expect(events[0]!.bytesIn).toBe(64 * 1024); // the cap is exact: nothing past it is forwarded
  });

  it("cuts an upload at the step's bytes-out limit (plain HTTP)", async () => {
    const p = await start({ maxBytesOut: 16 * 1024 });
    const small = await rawProxyGet(p.address, `http://plain.test:${plain.port}/up`, Buffer.alloc(1000));
    expect(small.body.toString()).toBe("got 1000");
    const big = await rawProxyGet(p.address, `http://plain.test:${plain.port}/up`, Buffer.alloc(512 * 1024));
    expect(big.body.toString()).not.toBe(`got ${512 * 1024}`);
    await waitFor(() => events.length === 2);
    expect(events.map((e) => e.outcome)).toEqual(["ok", "limit-bytes-out"]);
  });

  it("refuses connections past the step's connection limit", async () => {
    const p = await start({ maxConnections: 2 });
    expect((await download(p, "/small")).bytes).toBe(5);
    expect((await download(p, "/small")).bytes).toBe(5);
    const third = await rawConnect(p.address, `moltbook.test:${tls.port}`);
    expect(third.status).toBe(403);
    expect(third.body).toContain("rule limit-connections");
  });

  it("closes a tunnel that stays idle past the idle timeout", async () => {
    const p = await start({ idleTimeoutMs: 300 });
    const started = Date.now();
    const r = await download(p, "/hang");
    expect(r.error).toBeDefined();
    expect(Date.now() - started).toBeLessThan(5_000);
    await waitFor(() => events.length === 1);
    expect(events[0]!.outcome).toBe("idle-timeout");
  });

  it("ends a tunnel at the request duration limit", async () => {
    const p = await start({ requestTimeoutMs: 400, idleTimeoutMs: 10_000 });
    const r = await download(p, "/hang");
    expect(r.error).toBeDefined();
    await waitFor(() => events.length === 1);
    expect(events[0]!.outcome).toBe("request-timeout");
  });

  it("once closed, nothing goes through it and open tunnels are torn down (fail closed)", async () => {
    const p = await start();
    const hanging = download(p, "/hang");
    await waitFor(() => p.stats().open === 1);
    let settled = false;
    void p.closed.then(() => (settled = true));
    await p.close();
    expect(settled).toBe(true);
    expect((await hanging).error).toBeDefined();
    await expect(rawConnect(p.address, `moltbook.test:${tls.port}`)).rejects.toMatchObject({
      code: "ECONNREFUSED",
    });
  });
});

describe("egress audit", () => {
  it("writes every egress decision to the hash-chained audit log", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "sw-egress-audit-"));
    const file = path.join(dir, "audit.jsonl");
    const log = openAuditLog({ file });
    try {
      const p = await start();
      await download(p, "/small");
      await rawConnect(p.address, "evil.test:443");
      await rawConnect(p.address, "169.254.169.254:80");
      await rawProxyGet(p.address, `http://plain.test:${plain.port}/x`);
      await waitFor(() => events.length === 4);
      await log.close();
      const recs = fs
        .readFileSync(file, "utf8")
        .trimEnd()
        .split("\n")
        .map((l) => JSON.parse(l) as { kind: string; egress?: ProxyEgressEvent });
      const egress = recs.filter((r) => r.kind === "egress").map((r) => r.egress!);
      expect(egress.map((e) => [e.host, e.port, e.decision, e.rule])).toEqual(
        events.map((e) => [e.host, e.port, e.decision, e.rule]),
      );
      expect(egress.map((e) => e.decision).sort()).toEqual(["allow", "allow", "deny", "deny"]);
      expect(egress.every((e) => e.step === "SKILL.md#9:1" && typeof e.bytesIn === "number")).toBe(true);
      expect(await verifyAuditLog(file)).toMatchObject({ ok: true, closed: true });
    } finally {
      await log.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
