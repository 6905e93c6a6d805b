// The CONNECT relay against real local TCP servers: bytes arrive intact when the client reads
// slowly (the 1 MiB read buffer is then replaced, not overwritten), half-close works both ways,
// and the bytes-in cap is exact: the client gets at most the cap, and the audit says so.

import { createHash } from "node:crypto";
import http from "node:http";
import net from "node:net";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { startEgressProxy, type EgressProxy, type EgressProxyOptions } from "../../src/egress/proxy.js";
import type { ProxyEgressEvent } from "../../src/egress/types.js";
import { closeServer, listen, waitFor } from "./egress-proxy-support.js";
import { clientHello } from "../fixtures/egress/client-hello.js";

const upstream = "127.0.0.2";
const MiB = 1024 * 1024;
/** 24 MiB that differ from byte to byte and from MiB to MiB, so a reused buffer would show. */
const payload = Buffer.alloc(24 * MiB);
for (let i = 0; i < payload.length; i++) payload[i] = (i * 131 + (i >>> 20) * 7) & 0xff;
const payloadHash = createHash("sha256").update(payload).digest("hex");

let source: { server: net.Server; port: number };
let echo: { server: net.Server; port: number };
let proxy: EgressProxy | undefined;
let events: ProxyEgressEvent[] = [];
const hello = clientHello({ sni: "relay.test" });

beforeAll(async () => {
  // "source" sends the payload and closes; "echo" echoes, and after the client's end says "bye".
  const s1 = net.createServer((sock) => {
    sock.on("error", () => undefined);
    sock.resume(); // reads (and drops) the ClientHello, so the proxy's FIN is seen
    sock.end(payload);
  });
  const s2 = net.createServer({ allowHalfOpen: true }, (sock) => {
    sock.on("error", () => undefined);
    sock.on("data", (c: Buffer) => sock.write(c));
    sock.on("end", () => sock.end("bye"));
  });
  source = { server: s1, port: await listen(s1, upstream) };
  echo = { server: s2, port: await listen(s2, upstream) };
});
afterAll(async () => {
  for (const s of [source?.server, echo?.server]) if (s) await closeServer(s);
});
afterEach(async () => {
  await proxy?.close();
  proxy = undefined;
  events = [];
});

async function start(limits: EgressProxyOptions["limits"] = {}): Promise<EgressProxy> {
  proxy = await startEgressProxy({
    bind: { host: "127.0.0.1", port: 0 },
    allow: {
      step: "SKILL.md#3:1",
      rules: [
        {
          id: "network.hosts[relay.test]",
          host: "relay.test",
          ports: [source.port, echo.port],
          scheme: "https",
        },
      ],
      allowAddresses: [upstream],
      refused: [],
    },
    resolve: { "relay.test": [upstream] },
    limits,
    onEvent: (e) => events.push(e),
  });
  return proxy;
}

/** CONNECT through the proxy; resolves with the tunnel socket once the proxy said 200. */
function tunnel(p: EgressProxy, port: number): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const req = http.request({
      host: p.address.host,
      port: p.address.port,
      method: "CONNECT",
      path: `relay.test:${port}`,
      agent: false,
    });
    req.on("connect", (res, socket: net.Socket, head: Buffer) => {
      if (res.statusCode !== 200) return reject(new Error(`CONNECT ${res.statusCode}`));
      if (head.length > 0) socket.unshift(head);
      // The proxy relays only after a ClientHello naming the CONNECT's host.
      socket.write(hello);
      resolve(socket);
    });
    req.on("error", reject);
    req.end();
  });
}

/** Reads everything, pausing for a while every few chunks so the proxy's writes queue up. */
function readSlowly(socket: net.Socket): Promise<{ bytes: Buffer; error?: string }> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let n = 0;
    socket.on("data", (c: Buffer) => {
      chunks.push(c);
      if (++n % 8 === 0) {
        socket.pause();
        setTimeout(() => socket.resume(), 5);
      }
    });
    socket.on("end", () => resolve({ bytes: Buffer.concat(chunks) }));
    socket.on("error", (err) => resolve({ bytes: Buffer.concat(chunks), error: err.message }));
    socket.on("close", () => resolve({ bytes: Buffer.concat(chunks), error: "closed" }));
  });
}

describe("egress relay", () => {
  it("relays a large download intact to a slow reader (no read buffer is overwritten)", async () => {
    const p = await start();
    const got = await readSlowly(await tunnel(p, source.port));
    expect(got.error).toBeUndefined();
    expect(got.bytes.length).toBe(payload.length);
    expect(createHash("sha256").update(got.bytes).digest("hex")).toBe(payloadHash);
    await waitFor(() => events.length === 1);
    expect(events[0]).toMatchObject({ outcome: "ok", bytesIn: payload.length, bytesOut: hello.length });
  });

  it("propagates half-close: the client's end reaches upstream, and upstream's answer comes back", async () => {
    const p = await start();
    const socket = await tunnel(p, echo.port);
    const got = readSlowly(socket);
    socket.end("hello ");
    const r = await got;
    expect(r.bytes.equals(Buffer.concat([hello, Buffer.from("hello bye")]))).toBe(true);
    await waitFor(() => events.length === 1);
    expect(events[0]).toMatchObject({
      outcome: "ok",
      bytesIn: hello.length + 9,
      bytesOut: hello.length + 6,
    });
  });

  it("cuts at exactly the bytes-in cap: the client gets no byte past it", async () => {
    const cap = 3 * MiB + 12345;
    const p = await start({ maxBytesIn: cap });
    const got = await readSlowly(await tunnel(p, source.port));
    expect(got.bytes.length).toBeLessThanOrEqual(cap);
    expect(got.bytes.equals(payload.subarray(0, got.bytes.length))).toBe(true);
    await waitFor(() => events.length === 1);
    expect(events[0]).toMatchObject({ outcome: "limit-bytes-in", bytesIn: cap });
    expect(p.stats().bytesIn).toBe(cap);
  });

  it("cuts at exactly the bytes-out cap, counting the bytes sent with the CONNECT head", async () => {
    const p = await start({ maxBytesOut: 1000 });
    const socket = await tunnel(p, echo.port);
    const got = readSlowly(socket);
    socket.write(Buffer.alloc(600, 0x61));
    socket.write(Buffer.alloc(600, 0x62));
    const r = await got;
    expect(r.bytes.length).toBeLessThanOrEqual(1000);
    await waitFor(() => events.length === 1);
    expect(events[0]).toMatchObject({ outcome: "limit-bytes-out", bytesOut: 1000 });
  });
});
