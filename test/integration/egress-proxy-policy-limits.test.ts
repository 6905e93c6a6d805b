// Limits written in a policy (network.limits) cut real transfers: the policy is loaded from a
// file, the step's allowlist is built from it as the runner does, and the proxy enforces it
// against a real local HTTPS server — also when the runner passes looser limits of its own.

import fs from "node:fs";
import type https from "node:https";
import path from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { buildStepAllowlist } from "../../src/egress/allowlist.js";
import { startEgressProxy, type EgressProxy } from "../../src/egress/proxy.js";
import type { ProxyEgressEvent } from "../../src/egress/types.js";
import { loadPolicy } from "../../src/policy/load.js";
import type { Policy } from "../../src/policy/types.js";
import {
  closeServer,
  downloadVia,
  makeTestCa,
  rawConnect,
  startHttps,
  type TestCa,
  waitFor,
} from "./egress-proxy-support.js";

const upstream = "127.0.0.2";
const fixtures = path.resolve(import.meta.dirname, "../fixtures/egress");
const oneMiB = Buffer.alloc(1024 * 1024, 0x62);
let ca: TestCa;
let tls: { server: https.Server; port: number };
let policy: Policy;
let proxy: EgressProxy | undefined;
let events: ProxyEgressEvent[] = [];

beforeAll(async () => {
  ca = makeTestCa(["moltbook.test"]);
  tls = await startHttps(ca, upstream, (req, res) => res.end(req.url === "/big" ? oneMiB : "small"));
  policy = await loadPolicy(path.join(fixtures, "limits-base.yaml")); // bytesIn 65536, connections 2
});
afterAll(async () => {
  if (tls) await closeServer(tls.server);
  if (ca) fs.rmSync(ca.dir, { recursive: true, force: true });
});
afterEach(async () => {
  await proxy?.close();
  proxy = undefined;
  events = [];
});

/** The proxy of a step that fetches https://moltbook.test:PORT/…, as the runner builds it. */
async function stepProxy(runnerLimits?: { maxBytesIn: number }): Promise<EgressProxy> {
  // The stand-in listens on a random port: grant that port instead of 443, nothing else changes.
  const network = { ...policy.network, ports: [tls.port] };
  const allow = buildStepAllowlist(
    [{ verdict: "allow", hosts: [{ scheme: "https", host: "moltbook.test", port: tls.port }] }],
    network,
    { step: "SKILL.md#4:1" },
  );
  proxy = await startEgressProxy({
    bind: { host: "127.0.0.1", port: 0 },
    allow,
    resolve: { "moltbook.test": [upstream] },
    ...(runnerLimits ? { limits: runnerLimits } : {}),
    onEvent: (e) => events.push(e),
  });
  return proxy;
}

function download(p: EgressProxy, pathname: string): Promise<{ bytes: number; error?: string }> {
  return downloadVia(p.url, `https://moltbook.test:${tls.port}${pathname}`, ca.ca);
}

describe("egress limits from the policy", () => {
  it("cuts a download at the policy's bytesIn, exactly", async () => {
    const p = await stepProxy();
    const r = await download(p, "/big");
    expect(r.error).toBeDefined();
    expect(r.bytes).toBeLessThan(65536);
    await waitFor(() => events.length === 1);
    expect(events[0]).toMatchObject({ decision: "allow", outcome: "limit-bytes-in", bytesIn: 65536 });
  });

  it("keeps the policy's cap when the runner's own limit is looser", async () => {
    const p = await stepProxy({ maxBytesIn: 64 * 1024 * 1024 });
    const r = await download(p, "/big");
    expect(r.error).toBeDefined();
    await waitFor(() => events.length === 1);
    expect(events[0]).toMatchObject({ outcome: "limit-bytes-in", bytesIn: 65536 });
  });

  it("refuses connections past the policy's connection limit", async () => {
    const p = await stepProxy();
    expect(await download(p, "/small")).toEqual({ bytes: 5 });
    expect(await download(p, "/small")).toEqual({ bytes: 5 });
    const third = await rawConnect(p.address, `moltbook.test:${tls.port}`);
    expect(third.status).toBe(403);
    expect(third.body).toContain("rule limit-connections");
  });
});
