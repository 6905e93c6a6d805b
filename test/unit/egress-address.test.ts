import { describe, expect, it } from "vitest";
import {
  AddressAllowList,
  embeddedIPv4,
  ipv6Groups,
  judgeAddress,
  specialPurpose,
} from "../../src/egress/address.js";

const none = new AddressAllowList([]);

describe("address classification", () => {
  it.each([
    ["127.0.0.1", "loopback"],
    ["127.255.0.9", "loopback"],
    ["10.1.2.3", "private"],
    ["172.16.0.1", "private"],
    ["172.31.255.255", "private"],
    ["192.168.1.1", "private"],
    ["100.64.0.1", "shared"],
    ["169.254.169.254", "link-local"],
    ["0.0.0.0", "unspecified"],
    ["224.0.0.251", "multicast"],
    ["255.255.255.255", "reserved"],
    ["::", "unspecified"],
    ["::1", "loopback"],
    ["fd00:ec2::254", "unique local"],
    ["fc00::1", "unique local"],
    ["fe80::1", "link-local"],
    ["ff02::1", "multicast"],
    ["::ffff:127.0.0.1", "loopback"],
    ["::ffff:7f00:1", "loopback"],
    ["::ffff:169.254.169.254", "link-local"],
    ["::ffff:10.0.0.1", "private"],
    ["64:ff9b::a9fe:a9fe", "link-local"],
    ["2002:7f00:1::", "loopback"],
    ["::127.0.0.1", "loopback"],
    ["2001:db8::1", "documentation"],
  ])("refuses %s (%s)", (address, why) => {
    const v = judgeAddress(address, none);
    expect(v.ok).toBe(false);
    expect(v.reason).toContain(why);
  });

  it.each([
    "93.184.216.34",
    "1.1.1.1",
    "172.32.0.1",
    "192.169.0.1",
    "2606:4700::1111",
    "2a00:1450:4001:80b::200e",
  ])("accepts public %s", (address) => {
    expect(specialPurpose(address)).toBeUndefined();
    expect(judgeAddress(address, none).ok).toBe(true);
  });

  it("refuses the IPv6 forms of even a public IPv4 address (no client needs them)", () => {
    expect(judgeAddress("::ffff:1.1.1.1", none).ok).toBe(false);
  });

  it("lets the policy allow specific addresses and CIDRs, and nothing next to them", () => {
    const allowed = new AddressAllowList(["127.0.0.2", "10.20.0.0/16", "fd12::/16"]);
    expect(judgeAddress("127.0.0.2", allowed)).toEqual({ ok: true, reason: "network.allowAddresses" });
    expect(judgeAddress("127.0.0.3", allowed).ok).toBe(false);
    expect(judgeAddress("10.20.9.9", allowed).ok).toBe(true);
    expect(judgeAddress("10.21.0.1", allowed).ok).toBe(false);
    expect(judgeAddress("fd12::5", allowed).ok).toBe(true);
    expect(judgeAddress("::ffff:127.0.0.2", allowed).ok).toBe(true);
    expect(judgeAddress("169.254.169.254", allowed).ok).toBe(false);
  });

  it("rejects malformed allowAddresses entries with a coded error", () => {
    expect(() => new AddressAllowList(["example.com"])).toThrow(
      expect.objectContaining({ code: "egress-bad-address" }),
    );
    expect(() => new AddressAllowList(["10.0.0.0/33"])).toThrow(
      expect.objectContaining({ code: "egress-bad-address" }),
    );
    expect(() => new AddressAllowList(["10.0.0.0/8x"])).toThrow(
      expect.objectContaining({ code: "egress-bad-address" }),
    );
  });

  it("expands IPv6 and extracts embedded IPv4", () => {
    expect(ipv6Groups("::1")).toEqual([0, 0, 0, 0, 0, 0, 0, 1]);
    expect(ipv6Groups("1:2::7:8")).toEqual([1, 2, 0, 0, 0, 0, 7, 8]);
    expect(ipv6Groups("::ffff:1.2.3.4")).toEqual([0, 0, 0, 0, 0, 0xffff, 0x102, 0x304]);
    expect(ipv6Groups("fe80::1%eth0")).toBeUndefined();
    expect(embeddedIPv4("::ffff:a9fe:a9fe")).toBe("169.254.169.254");
    expect(embeddedIPv4("2606:4700::1111")).toBeUndefined();
  });
});
