// Pure host and address rules shared by the supervisor's fetcher and the egress proxy:
// exact hosts and "*.suffix" wildcards (the suffix itself is not matched), ports, and the
// private/loopback/metadata address ranges that are refused unless the policy names them.
// No I/O: resolving names is the caller's job.

import { isIP } from "node:net";
import { AddressAllowList, judgeAddress, specialPurpose } from "../egress/address.js";
import type { NetworkPolicy } from "../policy/types.js";
import { canonicalHost, hostAllowed } from "../policy/url.js";

/** Lower-cased, without a trailing dot or IPv6 brackets. */
export function normaliseHost(host: string): string {
  let h = host.trim().toLowerCase();
  if (h.startsWith("[") && h.endsWith("]")) h = h.slice(1, -1);
  while (h.endsWith(".")) h = h.slice(0, -1);
  return h;
}

/**
 * "www.moltbook.com" matches "www.moltbook.com" and "*.moltbook.com"; "moltbook.com" does not match
 * "*.moltbook.com". Delegates to the policy's matcher (src/policy/url.ts), so the supervisor's
 * fetches, the evaluator and the egress proxy agree; a wildcard never matches an IP literal.
 */
export function hostMatches(host: string, pattern: string): boolean {
  const h = canonicalHost(normaliseHost(host));
  if (h === "") return false;
  if (pattern.trim().startsWith("*.") && isIP(h) !== 0) return false;
  return hostAllowed(h, [normaliseHost(pattern)]);
}

/** The first pattern that matches, or undefined (so a decision can name its rule). */
export function matchHost(host: string, patterns: readonly string[]): string | undefined {
  return patterns.find((p) => hostMatches(host, p));
}

export function defaultPort(scheme: string): number | undefined {
  if (scheme === "https") return 443;
  if (scheme === "http") return 80;
  return undefined;
}

/** Ports the policy allows for a scheme: network.ports when set, else 443 (and 80 for http hosts). */
export function portAllowed(port: number, scheme: "http" | "https", network: NetworkPolicy): boolean {
  if (network.ports.length > 0) return network.ports.includes(port);
  return scheme === "https" ? port === 443 : port === 80;
}

// Addresses are judged by the egress proxy's own rules (src/egress/address.ts), so the
// supervisor's fetches and the steps' traffic refuse exactly the same ranges.

const allowLists = new WeakMap<readonly string[], AddressAllowList>();

function allowListOf(entries: readonly string[]): AddressAllowList {
  let list = allowLists.get(entries);
  if (!list) allowLists.set(entries, (list = new AddressAllowList(entries)));
  return list;
}

/** ::ffff:10.0.0.1 → 10.0.0.1, so a mapped address is judged as the IPv4 it is. */
export function unmapAddress(address: string): string {
  const a = normaliseHost(address);
  const m = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(a);
  return m?.[1] ?? a;
}

/** Loopback, private, link-local, metadata, multicast, reserved — or not an address at all. */
export function isPrivateAddress(address: string): boolean {
  return specialPurpose(unmapAddress(address)) !== undefined;
}

/** An address may be contacted if it is public, or private but named by the policy's allowAddresses. */
export function addressAllowed(address: string, network: Pick<NetworkPolicy, "allowAddresses">): boolean {
  return judgeAddress(unmapAddress(address), allowListOf(network.allowAddresses)).ok;
}
