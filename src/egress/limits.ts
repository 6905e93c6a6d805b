// Egress limits per step, with their defaults. (Candidates for src/limits.ts when the lead merges.)

import type { NetworkLimits } from "../policy/types.js";

export const egressDefaults = {
  /** Bytes from the outside world to the step (responses, tunnel downstream), all connections together. */
  maxBytesIn: 256 * 1024 * 1024,
  /** Bytes from the step to the outside world (requests, tunnel upstream), all connections together. */
  maxBytesOut: 16 * 1024 * 1024,
  /** Upstream connections a step may open in total. */
  maxConnections: 64,
  /** Upstream connections open at the same time. */
  maxConcurrent: 16,
  /** Longest life of one tunnel or plain request, ms. */
  requestTimeoutMs: 120_000,
  /** A connection with no traffic either way for this long is closed, ms. */
  idleTimeoutMs: 30_000,
  /** Longest wait for the upstream TCP connection, ms. */
  connectTimeoutMs: 10_000,
  /** Longest wait for name resolution, ms. */
  resolveTimeoutMs: 5_000,
  /**
   * Client connections (from the step to its proxy) open at the same time; past it a new one is
   * closed at once. Each costs the supervisor a descriptor, so a step cannot exhaust them.
   */
  maxClientConnections: 128,
  /** Most bytes read from a tunnel's start to find its TLS ClientHello (and the SNI in it). */
  maxClientHelloBytes: 64 * 1024,
  /** Longest wait for that ClientHello after "200 Connection Established", ms. */
  clientHelloTimeoutMs: 10_000,
  /** Refusals recorded one by one per window; the rest of the window becomes one summary record. */
  maxDeniedRecords: 20,
  /** The window of maxDeniedRecords, ms. */
  deniedWindowMs: 10_000,
} as const;

/**
 * Client connections to all proxies of this process together: the descriptors every running
 * step can cost the supervisor, far below its RLIMIT_NOFILE (Node raises the soft limit to the
 * hard one; 20,000 on the test machine), so Docker calls, the audit log and the kill path keep
 * theirs.
 */
export const maxClientConnectionsTotal = 2_048;

export type EgressLimits = { -readonly [K in keyof typeof egressDefaults]: number };

/** A policy's network.limits in the proxy's terms (only the ones it sets). */
export function limitsFromPolicy(limits: NetworkLimits | undefined): Partial<EgressLimits> {
  const out: Partial<EgressLimits> = {};
  if (limits?.bytesIn !== undefined) out.maxBytesIn = limits.bytesIn;
  if (limits?.bytesOut !== undefined) out.maxBytesOut = limits.bytesOut;
  if (limits?.connections !== undefined) out.maxConnections = limits.connections;
  if (limits?.requestMs !== undefined) out.requestTimeoutMs = limits.requestMs;
  return out;
}

/**
 * The limits a step's proxy enforces: the defaults, overridden by what the policy or the runner
 * sets; where both set one, the smaller holds (each is a cap, and a cap only tightens).
 */
export function effectiveLimits(
  policy: Partial<EgressLimits> | undefined,
  runner: Partial<EgressLimits> | undefined,
): EgressLimits {
  const out: EgressLimits = { ...egressDefaults };
  for (const key of Object.keys(egressDefaults) as Array<keyof EgressLimits>) {
    const p = policy?.[key];
    const r = runner?.[key];
    if (p !== undefined && r !== undefined) out[key] = Math.min(p, r);
    else if (p !== undefined) out[key] = p;
    else if (r !== undefined) out[key] = r;
  }
  return out;
}
