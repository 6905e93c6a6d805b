// The start of a CONNECT tunnel: the proxy reads the client's TLS ClientHello before anything
// goes upstream, and the tunnel is relayed only when its server name (SNI) is the host the
// CONNECT named and the policy granted. Without this, a step granted a host on a shared CDN could
// CONNECT to it and ask the CDN for any other site (domain fronting by SNI), or speak anything
// that is not TLS through an https grant.

import type { Duplex } from "node:stream";
import { readClientHello } from "./client-hello.js";
import { canonicalHost, showTarget, type Target } from "./host.js";
import type { EgressLimits } from "./limits.js";

export interface HelloDenial {
  rule: string;
  reason: string;
  detail?: string;
}

export type AwaitedHello =
  { ok: true; sni: string | undefined; ech: boolean; bytes: Buffer } | ({ ok: false } & HelloDenial);

/**
 * Collect the client's first bytes (starting with `head`) until they hold a whole ClientHello,
 * within maxClientHelloBytes and clientHelloTimeoutMs. The client is left paused, with every
 * byte read returned in `bytes` so the relay sends them upstream first.
 */
export function awaitClientHello(
  client: Duplex,
  head: Buffer,
  limits: Pick<EgressLimits, "maxClientHelloBytes" | "clientHelloTimeoutMs">,
): Promise<AwaitedHello> {
  return new Promise((resolve) => {
    let data = head;
    const wait: { timer?: NodeJS.Timeout } = {};
    const finish = (r: AwaitedHello): void => {
      clearTimeout(wait.timer);
      client.pause();
      client.removeListener("data", onData);
      client.removeListener("end", onEnd);
      client.removeListener("close", onEnd);
      resolve(r);
    };
    const judge = (): boolean => {
      const r = readClientHello(data.subarray(0, limits.maxClientHelloBytes));
      if (r.status === "ok") finish({ ok: true, sni: r.sni, ech: r.ech, bytes: data });
      else if (r.status === "not-tls")
        finish({
          ok: false,
          rule: "tunnel-not-tls",
          reason: "the tunnel does not start with a TLS ClientHello",
          detail: `${r.why}; https grants carry TLS only`,
        });
      else if (r.status === "malformed")
        finish({
          ok: false,
          rule: "tunnel-bad-hello",
          reason: "the TLS ClientHello is malformed",
          detail: r.why,
        });
      else if (data.length >= limits.maxClientHelloBytes)
        finish({
          ok: false,
          rule: "tunnel-bad-hello",
          reason: `no complete TLS ClientHello within ${limits.maxClientHelloBytes} bytes`,
        });
      else return false;
      return true;
    };
    const onData = (chunk: Buffer): void => {
      data = data.length === 0 ? chunk : Buffer.concat([data, chunk]);
      judge();
    };
    const onEnd = (): void =>
      finish({
        ok: false,
        rule: "tunnel-bad-hello",
        reason: "the client closed the tunnel before its ClientHello",
      });
    if (head.length > 0 && judge()) return;
    wait.timer = setTimeout(
      () =>
        finish({
          ok: false,
          rule: "tunnel-bad-hello",
          reason: `no TLS ClientHello within ${limits.clientHelloTimeoutMs} ms`,
        }),
      limits.clientHelloTimeoutMs,
    );
    client.on("data", onData);
    client.once("end", onEnd);
    client.once("close", onEnd);
  });
}

/** Why a ClientHello's server name does not fit the tunnel's target; undefined when it does. */
export function sniDenial(sni: string | undefined, ech: boolean, target: Target): HelloDenial | undefined {
  if (ech) {
    return {
      rule: "tunnel-sni-mismatch",
      reason: `the ClientHello for ${showTarget(target)} uses Encrypted Client Hello, which hides the real server name`,
      detail: "ECH cannot be checked against the grant",
    };
  }
  if (sni === undefined) {
    // Clients send no SNI for an IP literal (RFC 6066 §3); for a name the SNI is required.
    if (target.ipFamily !== 0) return undefined;
    return {
      rule: "tunnel-sni-mismatch",
      reason: `the ClientHello for ${showTarget(target)} names no server (SNI)`,
      detail: "send the granted host name as SNI",
    };
  }
  const named = canonicalHost(sni);
  if (named === target.host) return undefined;
  return {
    rule: "tunnel-sni-mismatch",
    reason: `the tunnel to ${showTarget(target)} asks TLS for ${JSON.stringify(sni.slice(0, 260))}`,
    detail: "the SNI must name the host the CONNECT names (domain fronting is refused)",
  };
}
