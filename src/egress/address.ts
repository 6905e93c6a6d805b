// Which IP addresses the egress proxy may connect to. Everything that is not a public unicast
// address is refused (loopback, private, shared, link-local incl. cloud metadata, multicast,
// reserved, documentation …), including IPv6 forms that embed one of those IPv4 addresses
// (IPv4-mapped, IPv4-compatible, NAT64, 6to4). A policy may allow specific addresses/CIDRs.

import net from "node:net";
import { SkillwallError } from "../errors.js";

/** IPv4 special-purpose ranges (IANA registry) that a step may never reach by default. */
const blockedV4: Array<[string, number, string]> = [
  ["0.0.0.0", 8, "unspecified/this-network"],
  ["10.0.0.0", 8, "private"],
  ["100.64.0.0", 10, "shared (carrier-grade NAT)"],
  ["127.0.0.0", 8, "loopback"],
  ["169.254.0.0", 16, "link-local (cloud metadata)"],
  ["172.16.0.0", 12, "private"],
  ["192.0.0.0", 24, "IETF protocol assignments"],
  ["192.0.2.0", 24, "documentation"],
  ["192.88.99.0", 24, "6to4 relay anycast"],
  ["192.168.0.0", 16, "private"],
  ["198.18.0.0", 15, "benchmarking"],
  ["198.51.100.0", 24, "documentation"],
  ["203.0.113.0", 24, "documentation"],
  ["224.0.0.0", 4, "multicast"],
  ["240.0.0.0", 4, "reserved/broadcast"],
];

/** IPv6 ranges refused outright (embedded-IPv4 forms are unpacked and judged as IPv4 first). */
const blockedV6: Array<[string, number, string]> = [
  ["::", 128, "unspecified"],
  ["::1", 128, "loopback"],
  ["::", 96, "IPv4-compatible"],
  ["64:ff9b:1::", 48, "local NAT64"],
  ["100::", 64, "discard-only"],
  ["2001::", 23, "IETF protocol assignments (Teredo …)"],
  ["2001:db8::", 32, "documentation"],
  ["fc00::", 7, "unique local (private)"],
  ["fe80::", 10, "link-local"],
  ["fec0::", 10, "site-local (deprecated)"],
  ["ff00::", 8, "multicast"],
];

const v4Lists = blockedV4.map(([a, p, why]) => {
  const list = new net.BlockList();
  list.addSubnet(a, p, "ipv4");
  return { list, why, cidr: `${a}/${p}` };
});
const v6Lists = blockedV6.map(([a, p, why]) => {
  const list = new net.BlockList();
  list.addSubnet(a, p, "ipv6");
  return { list, why, cidr: `${a}/${p}` };
});

/** Expands an IPv6 address into its 8 16-bit groups; undefined when it is not one. */
export function ipv6Groups(address: string): number[] | undefined {
  if (net.isIPv6(address) === false || address.includes("%")) return undefined;
  let text = address.toLowerCase();
  // A trailing dotted quad stands for the last two groups.
  const lastColon = text.lastIndexOf(":");
  const tail = text.slice(lastColon + 1);
  if (tail.includes(".")) {
    const q = tail.split(".").map(Number);
    if (q.length !== 4) return undefined;
    text = `${text.slice(0, lastColon + 1)}${((q[0]! << 8) | q[1]!).toString(16)}:${((q[2]! << 8) | q[3]!).toString(16)}`;
  }
  const [head, rest] = text.includes("::") ? text.split("::", 2) : [text, undefined];
  const headGroups = head ? head.split(":") : [];
  const restGroups = rest ? rest.split(":") : [];
  const fill = rest === undefined ? 0 : 8 - headGroups.length - restGroups.length;
  const groups = [...headGroups, ...Array<string>(fill).fill("0"), ...restGroups].map((g) => parseInt(g, 16));
  return groups.length === 8 && groups.every((g) => Number.isInteger(g) && g >= 0 && g <= 0xffff)
    ? groups
    : undefined;
}

function v4FromGroups(hi: number, lo: number): string {
  return `${hi >> 8}.${hi & 0xff}.${lo >> 8}.${lo & 0xff}`;
}

/** The IPv4 address an IPv6 address carries (mapped, compatible, NAT64, 6to4), if any. */
export function embeddedIPv4(address: string): string | undefined {
  const g = ipv6Groups(address);
  if (!g) return undefined;
  const [g0, g1, g2, g3, g4, g5, g6, g7] = g as [
    number,
    number,
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  const zeroTo = (n: number) => g.slice(0, n).every((x) => x === 0);
  if (zeroTo(5) && g5 === 0xffff) return v4FromGroups(g6, g7); // ::ffff:a.b.c.d
  if (zeroTo(5) && g5 === 0 && (g6 !== 0 || g7 > 1)) return v4FromGroups(g6, g7); // ::a.b.c.d
  if (g0 === 0x64 && g1 === 0xff9b && g2 === 0 && g3 === 0 && g4 === 0 && g5 === 0)
    return v4FromGroups(g6, g7);
  if (g0 === 0x2002) return v4FromGroups(g1, g2); // 6to4
  return undefined;
}

export interface AddressVerdict {
  ok: boolean;
  /** Why it was refused ("loopback 127.0.0.0/8") or which allowAddresses entry let it through. */
  reason: string;
}

/** Parsed `NetworkPolicy.allowAddresses`: single IPs or CIDRs, v4 or v6. */
export class AddressAllowList {
  private readonly list = new net.BlockList();
  readonly entries: readonly string[];

  constructor(entries: readonly string[]) {
    for (const entry of entries) {
      const [addr = "", prefixText] = entry.split("/", 2);
      const family = net.isIP(addr);
      if (family === 0) {
        throw new SkillwallError(
          "egress-bad-address",
          `network.allowAddresses entry "${entry}" is not an IP or CIDR`,
          {
            fix: 'write an address like "10.1.2.3" or a CIDR like "10.1.0.0/16"',
          },
        );
      }
      const type = family === 4 ? "ipv4" : "ipv6";
      const max = family === 4 ? 32 : 128;
      const prefix = prefixText === undefined ? max : Number(prefixText);
      if (
        !Number.isInteger(prefix) ||
        prefix < 0 ||
        prefix > max ||
        (prefixText !== undefined && !/^\d+$/.test(prefixText))
      ) {
        throw new SkillwallError(
          "egress-bad-address",
          `network.allowAddresses entry "${entry}" has a bad prefix length`,
          {
            fix: `use a prefix between 0 and ${max}`,
          },
        );
      }
      this.list.addSubnet(addr, prefix, type);
    }
    this.entries = [...entries];
  }

  has(address: string): boolean {
    const family = net.isIP(address);
    if (family === 0) return false;
    if (this.list.check(address, family === 4 ? "ipv4" : "ipv6")) return true;
    const inner = family === 6 ? embeddedIPv4(address) : undefined;
    return inner !== undefined && this.list.check(inner, "ipv4");
  }
}

/** Why an address is not public unicast, or undefined when it is. */
export function specialPurpose(address: string): string | undefined {
  const family = net.isIP(address);
  if (family === 0 || address.includes("%")) return "not an IP address";
  if (family === 4) {
    const hit = v4Lists.find((e) => e.list.check(address, "ipv4"));
    return hit ? `${hit.why} ${hit.cidr}` : undefined;
  }
  const inner = embeddedIPv4(address);
  if (inner !== undefined) {
    const why = specialPurpose(inner);
    // Embedded public IPv4 in mapped/NAT64/6to4 form is still odd: refuse, a client never needs it.
    return `IPv6 form of IPv4 ${inner}${why ? ` (${why})` : ""}`;
  }
  const hit = v6Lists.find((e) => e.list.check(address, "ipv6"));
  return hit ? `${hit.why} ${hit.cidr}` : undefined;
}

/** May the proxy connect to this address? Public unicast, or explicitly allowed by the policy. */
export function judgeAddress(address: string, allowed: AddressAllowList): AddressVerdict {
  const special = specialPurpose(address);
  if (special === undefined) return { ok: true, reason: "public address" };
  if (allowed.has(address)) return { ok: true, reason: "network.allowAddresses" };
  return { ok: false, reason: special };
}
