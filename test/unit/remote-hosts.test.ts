import { describe, expect, it } from "vitest";
import {
  addressAllowed,
  hostMatches,
  isPrivateAddress,
  matchHost,
  portAllowed,
} from "../../src/remote/hosts.js";

describe("host matching", () => {
  it("matches exact hosts case-insensitively, ignoring a trailing dot", () => {
    expect(hostMatches("WWW.Moltbook.com.", "www.moltbook.com")).toBe(true);
    expect(hostMatches("moltbook.com", "www.moltbook.com")).toBe(false);
  });
  it("matches *.suffix for subdomains only, not the suffix itself nor look-alikes", () => {
    expect(hostMatches("a.b.moltbook.com", "*.moltbook.com")).toBe(true);
    expect(hostMatches("moltbook.com", "*.moltbook.com")).toBe(false);
    expect(hostMatches("evilmoltbook.com", "*.moltbook.com")).toBe(false);
    expect(hostMatches("moltbook.com.evil.test", "*.moltbook.com")).toBe(false);
  });
  it("names the pattern that matched", () => {
    expect(matchHost("api.x.test", ["y.test", "*.x.test"])).toBe("*.x.test");
    expect(matchHost("z.test", ["y.test"])).toBeUndefined();
  });
  it("allows 443 by default and 80 only for http; explicit ports replace the defaults", () => {
    const net = { hosts: [], httpHosts: [], ports: [], allowAddresses: [] };
    expect(portAllowed(443, "https", net)).toBe(true);
    expect(portAllowed(8443, "https", net)).toBe(false);
    expect(portAllowed(80, "http", net)).toBe(true);
    expect(portAllowed(8443, "https", { ...net, ports: [8443] })).toBe(true);
    expect(portAllowed(443, "https", { ...net, ports: [8443] })).toBe(false);
  });
});

describe("address rules", () => {
  it.each([
    "127.0.0.1",
    "10.1.2.3",
    "172.16.0.1",
    "192.168.1.1",
    "169.254.169.254",
    "100.64.0.1",
    "0.0.0.0",
    "::1",
    "fd00:ec2::254",
    "fe80::1",
    "::ffff:127.0.0.1",
    "::ffff:10.0.0.1",
    "224.0.0.1",
  ])("refuses %s", (a) => {
    expect(isPrivateAddress(a)).toBe(true);
    expect(addressAllowed(a, { allowAddresses: [] })).toBe(false);
  });
  it.each(["93.184.216.34", "2606:4700::1111", "8.8.8.8"])("accepts public %s", (a) => {
    expect(isPrivateAddress(a)).toBe(false);
  });
  it("treats a non-address as private (fail closed)", () => {
    expect(isPrivateAddress("localhost")).toBe(true);
  });
  it("allows a private address only when allowAddresses names it (IP or CIDR)", () => {
    expect(addressAllowed("127.0.0.1", { allowAddresses: ["127.0.0.1"] })).toBe(true);
    expect(addressAllowed("10.9.8.7", { allowAddresses: ["10.9.0.0/16"] })).toBe(true);
    expect(addressAllowed("10.10.8.7", { allowAddresses: ["10.9.0.0/16"] })).toBe(false);
    expect(addressAllowed("::ffff:127.0.0.1", { allowAddresses: ["127.0.0.1"] })).toBe(true);
    // A malformed entry is an error naming it (fail closed), never silently ignored.
    expect(() => addressAllowed("10.0.0.1", { allowAddresses: ["10.0.0.0/99"] })).toThrow(/bad prefix/);
    expect(() => addressAllowed("10.0.0.1", { allowAddresses: ["nonsense"] })).toThrow(/not an IP or CIDR/);
  });
});
