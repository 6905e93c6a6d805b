// The per-step egress proxy. It serves HTTP CONNECT (https) and plain absolute-form HTTP
// requests, allows a request only when host AND port are in the step's allowlist, resolves the
// name itself, refuses private/loopback/metadata/… addresses (unless the policy allows them),
// connects to exactly the address it checked, and enforces the step's byte, connection and time
// limits (the policy's network.limits and the runner's; the smaller holds). Byte caps are exact:
// the bytes of a chunk past a cap are not forwarded, the connection is cut, and the audit record
// says which limit. Every decision is published on the egress channel. It holds no state beyond
// one step. CONNECT tunnels are relayed by relay.ts (large reads, see there for why); plain HTTP
// goes through Node's HTTP parser on both sides, which costs about three times the CPU of a
// tunnel per byte, and is only for hosts a policy lists under network.httpHosts.
//
// The proxy is one layer: the container must sit on an --internal network whose only reachable
// address is this proxy (see network.ts), so that if the proxy dies, nothing gets out.

import http from "node:http";
import net from "node:net";
import type { Duplex } from "node:stream";
import { publishEgress, publishLifecycle } from "../events.js";
import { SkillwallError } from "../errors.js";
import { AddressAllowList, judgeAddress } from "./address.js";
import { parseAbsoluteUrl, parseAuthority, showTarget, type Target } from "./host.js";
import { awaitClientHello, sniDenial } from "./tunnel-start.js";
import { DenialRecords } from "./denial-records.js";
import { denialLine, judgeTarget } from "./judge.js";
import { effectiveLimits, maxClientConnectionsTotal, type EgressLimits } from "./limits.js";
import { pipeWithinBudget, relayTunnel, UpstreamReads, type ByteBudget } from "./relay.js";
import { resolveTarget, type HostMap } from "./resolve.js";
import type { ProxyEgressEvent, StepAllowlist } from "./types.js";

export interface EgressProxyOptions {
  /** Where to listen: the step network's gateway address only, never 0.0.0.0. */
  bind: { host: string; port: number };
  allow: StepAllowlist;
  /** Test-only host → addresses map used instead of DNS. */
  resolve?: HostMap;
  /** The runner's limits; combined with the policy's (allow.limits): where both set one, the smaller holds. */
  limits?: Partial<EgressLimits>;
  /** Called for every decision (in addition to the egress diagnostics channel). */
  onEvent?: (event: ProxyEgressEvent) => void;
}

export interface EgressStats {
  bytesIn: number;
  bytesOut: number;
  connections: number;
  open: number;
  allowed: number;
  denied: number;
}

export interface EgressProxy {
  server: http.Server;
  address: { host: string; port: number };
  /** "http://HOST:PORT", for HTTP_PROXY / HTTPS_PROXY. */
  url: string;
  stats(): EgressStats;
  /** Settles when the proxy stops for any reason: the runner fails the step if that happens early. */
  closed: Promise<void>;
  close(): Promise<void>;
  [Symbol.asyncDispose](): Promise<void>;
}

/** Hop-by-hop headers a proxy must not forward (RFC 9110 §7.6.1), plus proxy credentials. */
const hopByHop = new Set([
  "connection",
  "keep-alive",
  "proxy-connection",
  "proxy-authorization",
  "proxy-authenticate",
  "te",
  "trailer",
  "transfer-encoding",
  "upgrade",
]);

function forwardHeaders(rawHeaders: string[], dropAlso: Set<string>): Array<[string, string]> {
  const connectionListed = new Set<string>();
  for (let i = 0; i + 1 < rawHeaders.length; i += 2) {
    if (rawHeaders[i]!.toLowerCase() === "connection") {
      for (const t of rawHeaders[i + 1]!.split(",")) connectionListed.add(t.trim().toLowerCase());
    }
  }
  const out: Array<[string, string]> = [];
  for (let i = 0; i + 1 < rawHeaders.length; i += 2) {
    const name = rawHeaders[i]!;
    const lower = name.toLowerCase();
    if (hopByHop.has(lower) || connectionListed.has(lower) || dropAlso.has(lower)) continue;
    out.push([name, rawHeaders[i + 1]!]);
  }
  return out;
}

function plainResponse(status: number, statusText: string, body: string): string {
  const text = `${body}\n`;
  return (
    `HTTP/1.1 ${status} ${statusText}\r\n` +
    `Content-Type: text/plain; charset=utf-8\r\n` +
    `Content-Length: ${Buffer.byteLength(text)}\r\n` +
    `X-Skillwall-Egress: ${status === 403 ? "denied" : "error"}\r\n` +
    `Connection: close\r\n\r\n${text}`
  );
}

/** Client connections open to every proxy of this process (maxClientConnectionsTotal). */
const clientSlots = {
  used: 0,
  take(): boolean {
    if (this.used >= maxClientConnectionsTotal) return false;
    this.used++;
    return true;
  },
  give(): void {
    this.used--;
  },
};

type Denial = { rule: string; reason: string; detail?: string; address?: string };

/**
 * A plain request's Host header must name the URL's host and port: a virtual host other than
 * the granted one is domain fronting. (The proxy sends its own Host upstream; a mismatch still
 * says the client meant another site, and it is refused.)
 */
function hostHeaderDenial(rawHeaders: string[], target: Target): Denial | undefined {
  const values: string[] = [];
  for (let i = 0; i + 1 < rawHeaders.length; i += 2) {
    if (rawHeaders[i]!.toLowerCase() === "host") values.push(rawHeaders[i + 1]!);
  }
  if (values.length === 0) return undefined;
  const named =
    values.length === 1
      ? parseAuthority(/:\d+$/.test(values[0]!) ? values[0]! : `${values[0]!}:80`)
      : undefined;
  if (named?.host === target.host && named.port === target.port) return undefined;
  return {
    rule: "http-host-mismatch",
    reason: `the Host header ${JSON.stringify(values.join(", ").slice(0, 260))} does not name ${showTarget(target)}`,
    detail: "send one Host header naming the URL's host",
  };
}

export async function startEgressProxy(options: EgressProxyOptions): Promise<EgressProxy> {
  const limits: EgressLimits = effectiveLimits(options.allow.limits, options.limits);
  const allow = options.allow;
  const addressAllow = new AddressAllowList(allow.allowAddresses);
  const stats: EgressStats = { bytesIn: 0, bytesOut: 0, connections: 0, open: 0, allowed: 0, denied: 0 };
  const sockets = new Set<Duplex>();

  const publish = (e: Omit<ProxyEgressEvent, "runId" | "step">): void => {
    const event: ProxyEgressEvent = {
      ...(allow.runId === undefined ? {} : { runId: allow.runId }),
      ...(allow.step === undefined ? {} : { step: allow.step }),
      ...e,
    };
    publishEgress(event);
    try {
      options.onEvent?.(event);
    } catch {
      // A faulty observer must not take the proxy down.
    }
  };

  const denials = new DenialRecords(limits, publish);
  const emit = (e: Omit<ProxyEgressEvent, "runId" | "step">): void => {
    if (e.decision === "allow") stats.allowed++;
    else stats.denied++;
    // Refusals are rate limited (denial-records.ts); allowed connections are bounded by maxConnections.
    if (e.decision === "deny" && !denials.admit(e)) return;
    publish(e);
  };

  /** The audit record of a refusal: nothing was relayed. */
  const emitRefusal = (
    request: { kind: "connect" } | { kind: "http"; method: string },
    d: Denial,
    t: { host: string; port: number },
    reason: string,
    started: number,
  ): void =>
    emit({
      ...request,
      host: t.host,
      port: t.port,
      decision: "deny",
      rule: d.rule,
      reason,
      ...(d.address === undefined ? {} : { address: d.address }),
      outcome: "refused",
      bytesIn: 0,
      bytesOut: 0,
      durationMs: performance.now() - started,
    });

  /** Everything between "here is a target" and "here is the address to connect to". */
  async function decide(
    target: Target,
    scheme: "https" | "http",
  ): Promise<{ ok: true; rule: string; address: string } | ({ ok: false } & Denial)> {
    const verdict = judgeTarget(target, scheme, allow);
    if (!verdict.ok) return verdict;
    let addresses: string[];
    try {
      addresses = await resolveTarget(target, options.resolve, limits.resolveTimeoutMs);
    } catch (err) {
      const reason = err instanceof SkillwallError ? err.message : String(err);
      return {
        ok: false,
        rule: "resolve-failed",
        reason: `${showTarget(target)} could not be resolved`,
        detail: reason,
      };
    }
    // Every address must pass: a name that also resolves to a private address is refused.
    for (const address of addresses) {
      const a = judgeAddress(address, addressAllow);
      if (!a.ok) {
        return {
          ok: false,
          rule: "address-not-allowed",
          reason: `host ${showTarget(target)} resolves to ${address}, which is not allowed for this step`,
          detail: `${a.reason}; add it to network.allowAddresses to allow it`,
          address,
        };
      }
    }
    if (stats.connections >= limits.maxConnections) {
      return {
        ok: false,
        rule: "limit-connections",
        reason: `this step already opened ${stats.connections} connections`,
        detail: `maxConnections is ${limits.maxConnections}`,
      };
    }
    if (stats.open >= limits.maxConcurrent) {
      return {
        ok: false,
        rule: "limit-concurrent",
        reason: `this step already has ${stats.open} open connections`,
        detail: `maxConcurrent is ${limits.maxConcurrent}`,
      };
    }
    // Reserved here, synchronously with the checks above, so concurrent requests cannot overshoot.
    stats.connections++;
    stats.open++;
    return { ok: true, rule: verdict.rule, address: addresses[0]! };
  }

  function connectUpstream(address: string, port: number, reads?: UpstreamReads): Promise<net.Socket> {
    return new Promise((resolve, reject) => {
      // An IP address: net.connect does no lookup, so we reach exactly what we checked.
      const socket = net.connect({
        host: address,
        port,
        noDelay: true,
        ...(reads === undefined ? {} : { onread: reads.onread }),
      });
      const timer = setTimeout(() => {
        socket.destroy();
        reject(new Error(`connect timeout after ${limits.connectTimeoutMs} ms`));
      }, limits.connectTimeoutMs);
      socket.once("connect", () => {
        clearTimeout(timer);
        socket.removeListener("error", onError);
        resolve(socket);
      });
      const onError = (err: Error) => {
        clearTimeout(timer);
        reject(err);
      };
      socket.once("error", onError);
    });
  }

  /** A byte budget shared by every connection of the step: what is past it is never forwarded. */
  const budget = (key: "bytesIn" | "bytesOut", max: number): ByteBudget => ({
    take(n: number): number {
      const allowed = Math.max(0, Math.min(n, max - stats[key]));
      stats[key] += allowed;
      return allowed;
    },
  });
  const budgetIn = budget("bytesIn", limits.maxBytesIn);
  const budgetOut = budget("bytesOut", limits.maxBytesOut);

  function track(s: Duplex): void {
    sockets.add(s);
    s.once("close", () => sockets.delete(s));
  }

  // --- CONNECT (https and anything tunnelled) ----------------------------------------------
  async function onConnect(req: http.IncomingMessage, client: Duplex, head: Buffer): Promise<void> {
    const started = performance.now();
    track(client);
    client.on("error", () => client.destroy());
    const authority = req.url ?? "";
    const target = parseAuthority(authority);
    const refuse = (d: Denial, t: { host: string; port: number }) => {
      const line = denialLine(d, allow);
      client.end(plainResponse(403, "Forbidden", line));
      emitRefusal({ kind: "connect" }, d, t, line, started);
    };
    if (!target) {
      refuse(
        { rule: "bad-request", reason: "the CONNECT target is not a valid host:port" },
        { host: "", port: 0 },
      );
      return;
    }
    const decision = await decide(target, "https");
    if (!decision.ok) {
      refuse(decision, target);
      return;
    }
    let upstream: net.Socket;
    const reads = new UpstreamReads();
    try {
      upstream = await connectUpstream(decision.address, target.port, reads);
    } catch (err) {
      stats.open--;
      const why = (err as NodeJS.ErrnoException).code ?? (err as Error).message;
      client.end(
        plainResponse(
          502,
          "Bad Gateway",
          `skillwall-egress: could not connect to ${showTarget(target)} (${why})`,
        ),
      );
      emit({
        kind: "connect",
        host: target.host,
        port: target.port,
        address: decision.address,
        decision: "allow",
        rule: decision.rule,
        outcome: "upstream-error",
        bytesIn: 0,
        bytesOut: 0,
        durationMs: performance.now() - started,
      });
      return;
    }
    track(upstream);
    if (client.destroyed) {
      upstream.destroy();
      stats.open--;
      return;
    }
    // Until the relay takes over, an upstream error must not go unhandled.
    upstream.on("error", () => upstream.destroy());
    client.write("HTTP/1.1 200 Connection Established\r\n\r\n");
    // Nothing goes upstream before the ClientHello names the granted host (no domain fronting).
    const hello = await awaitClientHello(client, head, limits);
    const helloDenial = hello.ok ? sniDenial(hello.sni, hello.ech, target) : hello;
    if (!hello.ok || helloDenial !== undefined) {
      const why = helloDenial ?? { rule: "tunnel-bad-hello", reason: "no ClientHello" };
      upstream.destroy();
      stats.open--;
      client.destroy();
      const line = denialLine(why, allow);
      emit({
        kind: "connect",
        host: target.host,
        port: target.port,
        address: decision.address,
        decision: "deny",
        rule: why.rule,
        reason: line,
        outcome: "refused",
        bytesIn: 0,
        bytesOut: 0,
        durationMs: performance.now() - started,
      });
      return;
    }
    const counts = { in: 0, out: 0 };
    relayTunnel({
      client,
      upstream,
      reads,
      head: hello.bytes,
      budgetIn,
      budgetOut,
      limits,
      counts,
      done: (outcome) => {
        stats.open--;
        emit({
          kind: "connect",
          host: target.host,
          port: target.port,
          address: decision.address,
          decision: "allow",
          rule: decision.rule,
          outcome,
          bytesIn: counts.in,
          bytesOut: counts.out,
          durationMs: performance.now() - started,
        });
      },
    });
    // awaitClientHello paused the client; the relay has its listeners now.
    client.resume();
  }

  // --- plain HTTP (absolute-form) ----------------------------------------------------------
  async function onRequest(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const started = performance.now();
    const parsed = parseAbsoluteUrl(req.url ?? "");
    const method = req.method ?? "GET";
    const refuse = (d: Denial, t: { host: string; port: number }) => {
      const line = denialLine(d, allow);
      res.writeHead(403, {
        "content-type": "text/plain; charset=utf-8",
        "x-skillwall-egress": "denied",
        connection: "close",
      });
      res.end(`${line}\n`);
      req.resume();
      emitRefusal({ kind: "http", method }, d, t, line, started);
    };
    if (!parsed) {
      refuse(
        {
          rule: "bad-request",
          reason: "this is an egress proxy: send CONNECT host:port or an absolute http:// URL",
        },
        { host: "", port: 0 },
      );
      return;
    }
    const { target, scheme, path } = parsed;
    if (scheme !== "http") {
      refuse(
        {
          rule: "bad-request",
          reason: `scheme ${scheme} is not served as a plain request`,
          detail: "https goes through CONNECT",
        },
        target,
      );
      return;
    }
    const hostDenial = hostHeaderDenial(req.rawHeaders, target);
    if (hostDenial !== undefined) {
      refuse(hostDenial, target);
      return;
    }
    const decision = await decide(target, "http");
    if (!decision.ok) {
      refuse(decision, target);
      return;
    }
    const counts = { in: 0, out: 0 };
    let outcome: string | undefined;
    let status: number | undefined;
    let finished = false;
    const finish = () => {
      if (finished) return;
      finished = true;
      clearTimeout(lifetime);
      stats.open--;
      emit({
        kind: "http",
        method,
        host: target.host,
        port: target.port,
        address: decision.address,
        decision: "allow",
        rule: decision.rule,
        outcome: outcome ?? "ok",
        ...(status === undefined ? {} : { status }),
        bytesIn: counts.in,
        bytesOut: counts.out,
        durationMs: performance.now() - started,
      });
    };
    const hostHeader = target.port === 80 ? showTarget(target).replace(/:80$/, "") : showTarget(target);
    const upstreamReq = http.request({
      host: decision.address, // an IP: no second lookup
      port: target.port,
      method,
      path,
      setHost: false,
      agent: false,
      headers: [...forwardHeaders(req.rawHeaders, new Set(["host"])), ["Host", hostHeader]].flat(),
      timeout: limits.idleTimeoutMs,
    });
    const cut = (why: string) => {
      outcome ??= why;
      upstreamReq.destroy();
      res.destroy();
      finish();
    };
    const lifetime = setTimeout(() => cut("request-timeout"), limits.requestTimeoutMs);
    upstreamReq.on("timeout", () => cut("idle-timeout"));
    upstreamReq.on("error", (err: NodeJS.ErrnoException) => {
      if (finished) return;
      if (!res.headersSent) {
        outcome ??= `upstream-error ${err.code ?? ""}`.trim();
        res.writeHead(502, {
          "content-type": "text/plain; charset=utf-8",
          "x-skillwall-egress": "error",
          connection: "close",
        });
        res.end(`skillwall-egress: could not reach ${showTarget(target)} (${err.code ?? err.message})\n`);
        finish();
      } else {
        cut(`upstream-error ${err.code ?? ""}`.trim());
      }
    });
    pipeWithinBudget(
      req,
      upstreamReq,
      budgetOut,
      (n) => (counts.out += n),
      () => cut("limit-bytes-out"),
    );
    req.on("end", () => upstreamReq.end());
    req.on("aborted", () => cut("client-error"));
    upstreamReq.on("response", (up) => {
      status = up.statusCode ?? 502;
      // Redirects are passed back as they are: the client's next hop is a new request, judged again.
      res.writeHead(status, up.statusMessage, forwardHeaders(up.rawHeaders, new Set()).flat());
      pipeWithinBudget(
        up,
        res,
        budgetIn,
        (n) => (counts.in += n),
        () => cut("limit-bytes-in"),
      );
      up.on("end", () => {
        res.end();
        finish();
      });
      up.on("error", () => cut("upstream-error"));
    });
    res.on("close", () => {
      if (!res.writableFinished) cut("client-error");
    });
  }

  const server = http.createServer({ keepAliveTimeout: 5_000, headersTimeout: 10_000 });
  // Per step: Node closes a connection past maxConnections as soon as it is accepted ("drop").
  server.maxConnections = limits.maxClientConnections;
  const refuseClient = (why: string): void =>
    emit({
      kind: "connect",
      host: "",
      port: 0,
      decision: "deny",
      rule: "limit-client-connections",
      reason: `skillwall-egress: ${why}`,
      outcome: "refused",
      bytesIn: 0,
      bytesOut: 0,
      durationMs: 0,
    });
  server.on("drop", () =>
    refuseClient(`this step already has ${limits.maxClientConnections} connections to its proxy`),
  );
  server.on("connection", (s: net.Socket) => {
    // Per process: every proxy's clients together.
    if (!clientSlots.take()) {
      s.destroy();
      refuseClient(`all steps together have ${maxClientConnectionsTotal} connections to their proxies`);
      return;
    }
    s.once("close", () => clientSlots.give());
    track(s);
  });
  server.on("connect", (req: http.IncomingMessage, socket: Duplex, head: Buffer) => {
    onConnect(req, socket, head).catch(() => socket.destroy());
  });
  server.on("request", (req: http.IncomingMessage, res: http.ServerResponse) => {
    onRequest(req, res).catch(() => res.destroy());
  });
  // Upgrades (WebSocket over plain http) are not proxied.
  server.on("upgrade", (_req: http.IncomingMessage, socket: Duplex) => {
    socket.end(
      plainResponse(403, "Forbidden", "skillwall-egress: protocol upgrades are not proxied (rule upgrade)"),
    );
  });
  server.on("clientError", (_err, socket: Duplex) => {
    if (socket.writable) socket.end(plainResponse(400, "Bad Request", "skillwall-egress: malformed request"));
    else socket.destroy();
  });

  const closed = new Promise<void>((resolve) =>
    server.once("close", () => {
      denials.flush();
      publishLifecycle({
        event: "egress-proxy-closed",
        ...(allow.runId === undefined ? {} : { runId: allow.runId }),
        ...(allow.step === undefined ? {} : { step: allow.step }),
        ...stats,
      });
      resolve();
    }),
  );
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen({ host: options.bind.host, port: options.bind.port, exclusive: true }, () => {
      server.removeListener("error", reject);
      resolve();
    });
  });
  const bound = server.address() as net.AddressInfo;
  const address = { host: bound.address, port: bound.port };

  let closing: Promise<void> | undefined;
  const close = (): Promise<void> => {
    closing ??= new Promise<void>((resolve) => {
      server.close(() => resolve());
      for (const s of sockets) s.destroy();
    });
    return closing;
  };

  return {
    server,
    address,
    url: `http://${showTarget(address)}`,
    stats: () => ({ ...stats }),
    closed,
    close,
    [Symbol.asyncDispose]: close,
  };
}
