// The egress proxy against real local servers: allowed host+port works over HTTPS (CONNECT) and
// plain HTTP; everything else is refused with a readable 403 and an event.

import fs from "node:fs";
import type http from "node:http";
import type https from "node:https";
import { ProxyAgent, fetch } from "undici";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startEgressProxy, type EgressProxy } from "../../src/egress/proxy.js";
import type { ProxyEgressEvent, StepAllowlist } from "../../src/egress/types.js";
import {
  closeServer,
  makeTestCa,
  rawConnect,
  rawProxyGet,
  startHttp,
  startHttps,
  type TestCa,
  waitFor,
} from "./egress-proxy-support.js";

const upstream = "127.0.0.2";
let ca: TestCa;
let tls: { server: https.Server; port: number };
let plain: { server: http.Server; port: number };
let hostService: { server: http.Server; port: number };
let proxy: EgressProxy;
const events: ProxyEgressEvent[] = [];

beforeAll(async () => {
  ca = makeTestCa(["moltbook.test", "cdn.moltbook.test", "evil.test"]);
  tls = await startHttps(ca, upstream, (req, res, port) => {
    if (req.url === "/redirect-evil") {
      res.writeHead(302, { location: `https://evil.test:${port()}/stolen` }).end();
    } else if (req.url === "/redirect-cdn") {
      res.writeHead(302, { location: `https://cdn.moltbook.test:${port()}/skill.md` }).end();
    } else {
      res.end(`served ${req.headers.host} ${req.url}`);
    }
  });
  plain = await startHttp(upstream, (req, res, port) => {
    if (req.url === "/redirect-evil") res.writeHead(302, { location: `http://evil.test:${port()}/x` }).end();
    else
      res.end(
        `plain ${req.headers.host} ${req.url} ${req.headers["proxy-authorization"] ?? "no-proxy-auth"}`,
      );
  });
  hostService = await startHttp("127.0.0.1", (_req, res) => res.end("host-only secret"));
  const allow: StepAllowlist = {
    step: "SKILL.md#7:1",
    runId: "run-allowlist",
    rules: [
      { id: "network.hosts[moltbook.test]", host: "moltbook.test", ports: [tls.port], scheme: "https" },
      { id: "network.hosts[*.moltbook.test]", host: "*.moltbook.test", ports: [tls.port], scheme: "https" },
      { id: "network.httpHosts[plain.test]", host: "plain.test", ports: [plain.port], scheme: "http" },
      {
        id: "network.hosts[rebind.test]",
        host: "rebind.test",
        ports: [hostService.port, 443],
        scheme: "https",
      },
      { id: "network.hosts[private.test]", host: "private.test", ports: [443], scheme: "https" },
      { id: "network.hosts[metadata.test]", host: "metadata.test", ports: [80, 443], scheme: "https" },
      { id: "network.hosts[mixed.test]", host: "mixed.test", ports: [tls.port], scheme: "https" },
    ],
    allowAddresses: [`${upstream}/32`],
    refused: [],
  };
  const resolve = new Map<string, string[]>([
    ["moltbook.test", [upstream]],
    ["cdn.moltbook.test", [upstream]],
    ["plain.test", [upstream]],
    ["evil.test", [upstream]],
    ["rebind.test", ["127.0.0.1"]],
    ["private.test", ["10.0.0.7"]],
    ["metadata.test", ["169.254.169.254"]],
    ["mixed.test", [upstream, "::ffff:127.0.0.1"]],
  ]);
  proxy = await startEgressProxy({
    bind: { host: "127.0.0.1", port: 0 },
    allow,
    resolve,
    onEvent: (e) => events.push(e),
  });
});

afterAll(async () => {
  await proxy?.close();
  for (const s of [tls?.server, plain?.server, hostService?.server]) if (s) await closeServer(s);
  if (ca) fs.rmSync(ca.dir, { recursive: true, force: true });
});

beforeEach(() => {
  events.length = 0;
});

const agent = (tunnel = true) =>
  new ProxyAgent({ uri: proxy.url, requestTls: { ca: ca.ca }, proxyTunnel: tunnel });

async function viaProxy(url: string, tunnel = true) {
  const dispatcher = agent(tunnel);
  try {
    const res = await fetch(url, { dispatcher, redirect: "follow" });
    return { status: res.status, text: await res.text() };
  } finally {
    await dispatcher.close();
  }
}

describe("egress proxy: allowed traffic", () => {
  it("tunnels HTTPS to an allowed host and port (CONNECT, test CA)", async () => {
    const r = await viaProxy(`https://moltbook.test:${tls.port}/skill.md`);
    expect(r).toEqual({ status: 200, text: `served moltbook.test:${tls.port} /skill.md` });
    await waitFor(() => events.length === 1);
    expect(events[0]).toMatchObject({
      kind: "connect",
      step: "SKILL.md#7:1",
      runId: "run-allowlist",
      host: "moltbook.test",
      port: tls.port,
      address: upstream,
      decision: "allow",
      rule: "network.hosts[moltbook.test]",
      outcome: "ok",
    });
    expect(events[0]!.bytesIn).toBeGreaterThan(100); // TLS handshake + response
    expect(events[0]!.bytesOut).toBeGreaterThan(100);
  });

  it("forwards plain HTTP to an allowed http host, without proxy credentials", async () => {
    const dispatcher = new ProxyAgent({
      uri: proxy.url,
      proxyTunnel: false,
      token: "Basic c2VjcmV0OnNlY3JldA==",
    });
    try {
      const res = await fetch(`http://plain.test:${plain.port}/file.txt?x=1`, { dispatcher });
      expect(res.status).toBe(200);
      expect(await res.text()).toBe(`plain plain.test:${plain.port} /file.txt?x=1 no-proxy-auth`);
    } finally {
      await dispatcher.close();
    }
    await waitFor(() => events.length === 1);
    expect(events[0]).toMatchObject({
      kind: "http",
      method: "GET",
      host: "plain.test",
      decision: "allow",
      status: 200,
      outcome: "ok",
    });
  });

  it("judges every redirect hop as a new CONNECT: an allowed hop passes", async () => {
    const r = await viaProxy(`https://moltbook.test:${tls.port}/redirect-cdn`);
    expect(r.text).toBe(`served cdn.moltbook.test:${tls.port} /skill.md`);
    await waitFor(() => events.length === 2);
    expect(events.map((e) => [e.kind, e.host, e.decision])).toEqual(
      expect.arrayContaining([
        ["connect", "moltbook.test", "allow"],
        ["connect", "cdn.moltbook.test", "allow"],
      ]),
    );
  });
});

describe("egress proxy: refusals", () => {
  const refused = async (authority: string, rule: string) => {
    const r = await rawConnect(proxy.address, authority);
    expect(r.status).toBe(403);
    expect(r.body).toMatch(/^skillwall-egress: .* \(rule /);
    expect(r.body.trimEnd().split("\n")).toHaveLength(1);
    await waitFor(() => events.some((e) => e.decision === "deny"));
    expect(events.at(-1)).toMatchObject({
      decision: "deny",
      rule,
      bytesIn: 0,
      bytesOut: 0,
      step: "SKILL.md#7:1",
    });
    return r.body;
  };

  it("refuses a host the step does not name, saying what is allowed", async () => {
    const body = await refused(`evil.test:${tls.port}`, "host-not-allowed");
    expect(body).toContain(
      `skillwall-egress: host evil.test:${tls.port} is not allowed for this step (rule host-not-allowed)`,
    );
    expect(body).toContain(`allowed: moltbook.test:${tls.port} (https)`);
  });

  it("refuses an allowed host on a port that is not allowed", async () => {
    await refused("moltbook.test:22", "port-not-allowed");
  });

  it("refuses raw IP literals, even of an allowed upstream address", async () => {
    await refused(`${upstream}:${tls.port}`, "ip-literal");
    await refused(`[::1]:${tls.port}`, "ip-literal");
    await refused(`2130706433:${tls.port}`, "ip-literal");
  });

  it("refuses the metadata address, as a literal and behind an allowed name", async () => {
    await refused("169.254.169.254:80", "ip-literal");
    const body = await refused("metadata.test:80", "address-not-allowed");
    expect(body).toContain("169.254.169.254");
  });

  it("refuses the host's loopback services, by name and behind an allowed name (DNS rebinding)", async () => {
    await refused(`localhost:${hostService.port}`, "host-not-allowed");
    const body = await refused(`rebind.test:${hostService.port}`, "address-not-allowed");
    expect(body).toContain("resolves to 127.0.0.1");
  });

  it("refuses a name that resolves to a private address, or to any blocked address among others", async () => {
    await refused("private.test:443", "address-not-allowed");
    await refused(`mixed.test:${tls.port}`, "address-not-allowed");
  });

  it("refuses a redirect to a host that is not allowed (the client's next hop is refused)", async () => {
    await expect(viaProxy(`https://moltbook.test:${tls.port}/redirect-evil`)).rejects.toThrow();
    await waitFor(() => events.length >= 2);
    expect(events).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ host: "moltbook.test", decision: "allow" }),
        expect.objectContaining({ host: "evil.test", decision: "deny", rule: "host-not-allowed" }),
      ]),
    );
  });

  it("refuses a plain HTTP redirect to a host that is not allowed, with a readable 403", async () => {
    const r = await viaProxy(`http://plain.test:${plain.port}/redirect-evil`, false);
    expect(r.status).toBe(403);
    expect(r.text).toContain(`skillwall-egress: host evil.test:${plain.port} is not allowed for this step`);
    expect(events.map((e) => [e.kind, e.host, e.decision])).toEqual([
      ["http", "plain.test", "allow"],
      ["http", "evil.test", "deny"],
    ]);
  });

  it("refuses plain HTTP to a host that is only allowed over https, and non-proxy requests", async () => {
    const r = await rawProxyGet(proxy.address, `http://moltbook.test:${tls.port}/`);
    expect(r.status).toBe(403);
    expect(r.body.toString()).toContain("rule plain-http-not-allowed");
    const direct = await rawProxyGet(proxy.address, `http://${proxy.address.host}:${proxy.address.port}/`);
    expect(direct.status).toBe(403); // the proxy's own address is a loopback IP literal
    expect(events.map((e) => e.rule)).toEqual(["plain-http-not-allowed", "ip-literal"]);
  });

  it("refuses a malformed CONNECT target", async () => {
    const r = await rawConnect(proxy.address, "moltbook.test");
    expect(r.status).toBe(403);
    expect(events.at(-1)).toMatchObject({ decision: "deny", rule: "bad-request" });
  });
});
