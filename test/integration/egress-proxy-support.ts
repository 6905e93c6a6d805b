// Real local servers standing in for remote hosts, a test CA made with openssl, and small
// clients, for the egress proxy integration tests. Servers bind to 127.0.0.2 (allowed by the
// test policy's allowAddresses); a "host service" binds to 127.0.0.1 (never allowed).

import { spawnSync } from "node:child_process";
import fs from "node:fs";
import http from "node:http";
import https from "node:https";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { ProxyAgent, fetch } from "undici";

export interface TestCa {
  ca: string;
  key: string;
  cert: string;
  dir: string;
}

function openssl(args: string[], cwd: string): void {
  const r = spawnSync("openssl", args, { cwd, encoding: "utf8" });
  if (r.status !== 0) throw new Error(`openssl ${args[0]} failed: ${r.error?.message ?? r.stderr}`);
}

/** A throw-away CA and a server certificate for the test names, made with the openssl CLI. */
export function makeTestCa(names: string[]): TestCa {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "sw-egress-ca-"));
  const ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"];
  openssl(
    [
      "req",
      "-x509",
      ...ec,
      "-keyout",
      "ca.key",
      "-out",
      "ca.crt",
      "-days",
      "1",
      "-subj",
      "/CN=skillwall test CA",
    ],
    dir,
  );
  openssl(["req", ...ec, "-keyout", "srv.key", "-out", "srv.csr", "-subj", `/CN=${names[0]}`], dir);
  fs.writeFileSync(path.join(dir, "ext.cnf"), `subjectAltName=${names.map((n) => `DNS:${n}`).join(",")}\n`);
  openssl(
    [
      "x509",
      "-req",
      "-in",
      "srv.csr",
      "-CA",
      "ca.crt",
      "-CAkey",
      "ca.key",
      "-CAcreateserial",
      "-out",
      "srv.crt",
      "-days",
      "1",
      "-extfile",
      "ext.cnf",
    ],
    dir,
  );
  const read = (f: string) => fs.readFileSync(path.join(dir, f), "utf8");
  return { ca: read("ca.crt"), key: read("srv.key"), cert: read("srv.crt"), dir };
}

export type Handler = (req: http.IncomingMessage, res: http.ServerResponse, port: () => number) => void;

export async function listen(server: net.Server, host: string): Promise<number> {
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, host, () => resolve());
  });
  return (server.address() as net.AddressInfo).port;
}

export async function startHttps(
  ca: TestCa,
  host: string,
  handler: Handler,
): Promise<{ server: https.Server; port: number }> {
  let port = 0;
  const server = https.createServer({ key: ca.key, cert: ca.cert }, (req, res) =>
    handler(req, res, () => port),
  );
  port = await listen(server, host);
  return { server, port };
}

export async function startHttp(
  host: string,
  handler: Handler,
): Promise<{ server: http.Server; port: number }> {
  let port = 0;
  const server = http.createServer((req, res) => handler(req, res, () => port));
  port = await listen(server, host);
  return { server, port };
}

export function closeServer(server: net.Server): Promise<void> {
  return new Promise((resolve) => {
    (server as http.Server).closeAllConnections?.();
    server.close(() => resolve());
  });
}

/** Sends a raw CONNECT to the proxy; returns the status line, headers and body of the answer. */
export function rawConnect(
  proxy: { host: string; port: number },
  authority: string,
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request({
      host: proxy.host,
      port: proxy.port,
      method: "CONNECT",
      path: authority,
      agent: false,
    });
    req.on("connect", (res, socket, head: Buffer) => {
      if (res.statusCode === 200) {
        socket.destroy();
        resolve({ status: 200, body: "" });
        return;
      }
      let body = head.toString();
      socket.on("data", (c: Buffer) => (body += c.toString()));
      socket.on("close", () => resolve({ status: res.statusCode ?? 0, body }));
      socket.on("error", () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on("error", reject);
    req.end();
  });
}

/** Sends a plain absolute-form request through the proxy. */
export function rawProxyGet(
  proxy: { host: string; port: number },
  url: string,
  body?: Buffer,
): Promise<{ status: number; body: Buffer; error?: string }> {
  return new Promise((resolve) => {
    const u = new URL(url);
    const req = http.request({
      host: proxy.host,
      port: proxy.port,
      method: body ? "POST" : "GET",
      path: url,
      headers: { host: u.host },
      agent: false,
    });
    req.on("response", (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks) }));
      res.on("error", (e) =>
        resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks), error: e.message }),
      );
      res.on("aborted", () =>
        resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks), error: "aborted" }),
      );
    });
    req.on("error", (e) => resolve({ status: 0, body: Buffer.alloc(0), error: e.message }));
    req.end(body);
  });
}

export async function waitFor(check: () => boolean, ms = 3_000): Promise<void> {
  const until = Date.now() + ms;
  while (!check()) {
    if (Date.now() > until) throw new Error("condition not met in time");
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** Downloads `url` through the proxy at `proxyUrl` (CONNECT, test CA); bytes received, and the error if it broke. */
export async function downloadVia(
  proxyUrl: string,
  url: string,
  ca: string,
): Promise<{ bytes: number; error?: string }> {
  const dispatcher = new ProxyAgent({ uri: proxyUrl, requestTls: { ca } });
  let bytes = 0;
  try {
    const res = await fetch(url, { dispatcher });
    for await (const chunk of res.body!) bytes += (chunk as Uint8Array).length;
    return { bytes };
  } catch (err) {
    return { bytes, error: (err as Error).message };
  } finally {
    await dispatcher.destroy();
  }
}
