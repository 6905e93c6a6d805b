// Pure host and address rules shared by the supervisor's fetcher and the egress proxy:
// exact hosts and "*.suffix" wildcards (the suffix itself is not matched), ports, and the
// private/loopback/metadata address ranges that are refused unless the policy names them.
// No I/O: resolving names is the caller's job.

import { BlockList, isIP } from "node:net";
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

// Ranges refused even for an allowed name (DNS rebinding, SSRF to the host or the cloud metadata).
const privateRanges: ReadonlyArray<[string, number, "ipv4" | "ipv6"]> = [
  ["0.0.0.0", 8, "ipv4"], // "this network"
  ["10.0.0.0", 8, "ipv4"],
  ["100.64.0.0", 10, "ipv4"], // carrier-grade NAT
  ["127.0.0.0", 8, "ipv4"],
  ["169.254.0.0", 16, "ipv4"], // link-local, incl. 169.254.169.254 metadata
  ["172.16.0.0", 12, "ipv4"],
  ["192.0.0.0", 24, "ipv4"],
  ["192.0.2.0", 24, "ipv4"],
  ["192.168.0.0", 16, "ipv4"],
  ["198.18.0.0", 15, "ipv4"],
  ["198.51.100.0", 24, "ipv4"],
  ["203.0.113.0", 24, "ipv4"],
  ["224.0.0.0", 4, "ipv4"], // multicast
  ["240.0.0.0", 4, "ipv4"], // reserved + broadcast
  ["::", 128, "ipv6"],
  ["::1", 128, "ipv6"],
  ["fc00::", 7, "ipv6"], // unique local (fd00::/8 incl. fd00:ec2::254 metadata)
  ["fe80::", 10, "ipv6"], // link-local
  ["ff00::", 8, "ipv6"], // multicast
  ["64:ff9b::", 96, "ipv6"], // NAT64 can reach private IPv4
  ["2001:db8::", 32, "ipv6"],
];

const privateList = new BlockList();
for (const [net, prefix, type] of privateRanges) privateList.addSubnet(net, prefix, type);

/** ::ffff:10.0.0.1 → 10.0.0.1, so a mapped address is judged as the IPv4 it is. */
export function unmapAddress(address: string): string {
  const a = normaliseHost(address);
  const m = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(a);
  return m?.[1] ?? a;
}

export function isPrivateAddress(address: string): boolean {
  const a = unmapAddress(address);
  const family = isIP(a);
  if (family === 0) return true; // not an address: fail closed
  return privateList.check(a, family === 4 ? "ipv4" : "ipv6");
}

/** True when the address is one of the policy's allowAddresses (an IP or a CIDR). Invalid entries match nothing. */
export function addressExplicitlyAllowed(address: string, allowAddresses: readonly string[]): boolean {
  const a = unmapAddress(address);
  const family = isIP(a);
  if (family === 0) return false;
  const type = family === 4 ? "ipv4" : "ipv6";
  for (const entry of allowAddresses) {
    const [net, prefixText] = entry.split("/", 2) as [string, string | undefined];
    const netAddr = unmapAddress(net);
    const netFamily = isIP(netAddr);
    if (netFamily !== family) continue;
    const list = new BlockList();
    if (prefixText === undefined) {
      list.addAddress(netAddr, type);
    } else {
      const prefix = Number(prefixText);
      if (!Number.isInteger(prefix) || prefix < 0 || prefix > (family === 4 ? 32 : 128)) continue;
      list.addSubnet(netAddr, prefix, type);
    }
    if (list.check(a, type)) return true;
  }
  return false;
}

/** An address may be contacted if it is public, or private but named by the policy. */
export function addressAllowed(address: string, network: Pick<NetworkPolicy, "allowAddresses">): boolean {
  return !isPrivateAddress(address) || addressExplicitlyAllowed(address, network.allowAddresses);
}
