import { describe, expect, it } from "vitest";
import { buildStepAllowlist, needsNetwork } from "../../src/egress/allowlist.js";
import { canonicalHost, hostMatches, parseAbsoluteUrl, parseAuthority } from "../../src/egress/host.js";
import { denialLine, judgeTarget } from "../../src/egress/judge.js";
import type { NetworkPolicy } from "../../src/policy/types.js";

const network: NetworkPolicy = {
  hosts: ["www.moltbook.com", "*.githubusercontent.com"],
  httpHosts: ["plain.test"],
  ports: [],
  allowAddresses: [],
};
const cmd = (...hosts: Array<[string, number, string]>) => ({
  verdict: "allow" as const,
  hosts: hosts.map(([host, port, scheme]) => ({ host, port, scheme })),
});

describe("host parsing", () => {
  it("canonicalises names and IP spellings", () => {
    expect(canonicalHost("WWW.MoltBook.COM.")).toBe("www.moltbook.com");
    expect(canonicalHost("127.1")).toBe("127.0.0.1");
    expect(canonicalHost("0x7f.0.0.1")).toBe("127.0.0.1");
    expect(canonicalHost("2130706433")).toBe("127.0.0.1");
    expect(canonicalHost("::FFFF:127.0.0.1")).toBe("::ffff:7f00:1");
    expect(canonicalHost("bücher.test")).toBe("xn--bcher-kva.test");
    expect(canonicalHost("evil.test@good.test")).toBeUndefined();
    expect(canonicalHost("a b")).toBeUndefined();
  });

  it("parses CONNECT authorities and absolute URLs", () => {
    expect(parseAuthority("Moltbook.test:443")).toEqual({ host: "moltbook.test", port: 443, ipFamily: 0 });
    expect(parseAuthority("[::1]:8443")).toEqual({ host: "::1", port: 8443, ipFamily: 6 });
    expect(parseAuthority("169.254.169.254:80")).toMatchObject({ ipFamily: 4 });
    expect(parseAuthority("moltbook.test")).toBeUndefined();
    expect(parseAuthority("moltbook.test:0")).toBeUndefined();
    expect(parseAuthority("moltbook.test:99999")).toBeUndefined();
    expect(parseAuthority("a@b:443")).toBeUndefined();
    expect(parseAbsoluteUrl("http://plain.test/a?b=1")).toEqual({
      target: { host: "plain.test", port: 80, ipFamily: 0 },
      scheme: "http",
      path: "/a?b=1",
    });
    expect(parseAbsoluteUrl("/relative")).toBeUndefined();
    expect(parseAbsoluteUrl("http://user:pw@plain.test/")).toBeUndefined();
  });

  it("matches wildcards on subdomains only", () => {
    expect(hostMatches("*.githubusercontent.com", "raw.githubusercontent.com")).toBe(true);
    expect(hostMatches("*.githubusercontent.com", "githubusercontent.com")).toBe(false);
    expect(hostMatches("*.githubusercontent.com", "evilgithubusercontent.com")).toBe(false);
    expect(hostMatches("www.moltbook.com", "www.moltbook.com")).toBe(true);
    expect(hostMatches("www.moltbook.com", "moltbook.com")).toBe(false);
  });
});

describe("buildStepAllowlist", () => {
  it("keeps only hosts the step names AND the policy grants", () => {
    const allow = buildStepAllowlist(
      [
        cmd(
          ["www.moltbook.com", 443, "https"],
          ["raw.githubusercontent.com", 443, "https"],
          ["evil.test", 443, "https"],
        ),
        cmd(
          ["plain.test", 80, "http"],
          ["www.moltbook.com", 80, "http"],
          ["www.moltbook.com", 8443, "https"],
        ),
      ],
      network,
      { step: "SKILL.md#3:1", runId: "r1" },
    );
    expect(allow.rules).toEqual([
      { id: "network.hosts[www.moltbook.com]", host: "www.moltbook.com", ports: [443], scheme: "https" },
      {
        id: "network.hosts[*.githubusercontent.com]",
        host: "raw.githubusercontent.com",
        ports: [443],
        scheme: "https",
      },
      { id: "network.httpHosts[plain.test]", host: "plain.test", ports: [80], scheme: "http" },
    ]);
    expect(allow.refused.map((r) => `${r.host}:${r.port}`)).toEqual([
      "evil.test:443",
      "www.moltbook.com:80",
      "www.moltbook.com:8443",
    ]);
    expect(allow.step).toBe("SKILL.md#3:1");
    expect(needsNetwork(allow)).toBe(true);
  });

  it("gives a denied command no egress, and a step without hosts no network", () => {
    const allow = buildStepAllowlist(
      [{ verdict: "deny", hosts: [{ host: "www.moltbook.com", port: 443, scheme: "https" }] }],
      network,
    );
    expect(allow.rules).toEqual([]);
    expect(needsNetwork(allow)).toBe(false);
  });

  it("uses network.ports when the policy lists them", () => {
    const allow = buildStepAllowlist(
      [cmd(["www.moltbook.com", 8443, "https"], ["www.moltbook.com", 443, "https"])],
      {
        ...network,
        ports: [8443],
      },
    );
    expect(allow.rules).toEqual([expect.objectContaining({ host: "www.moltbook.com", ports: [8443] })]);
    expect(allow.refused).toEqual([
      expect.objectContaining({ port: 443, reason: expect.stringContaining("network.ports") }),
    ]);
  });
});

describe("judgeTarget", () => {
  const allow = buildStepAllowlist(
    [cmd(["www.moltbook.com", 443, "https"], ["plain.test", 80, "http"], ["evil.test", 443, "https"])],
    network,
  );

  it("allows host and port of the right scheme only", () => {
    expect(judgeTarget(parseAuthority("www.moltbook.com:443")!, "https", allow)).toEqual({
      ok: true,
      rule: "network.hosts[www.moltbook.com]",
    });
    expect(judgeTarget(parseAuthority("www.moltbook.com:22")!, "https", allow)).toMatchObject({
      ok: false,
      rule: "port-not-allowed",
    });
    expect(judgeTarget(parseAuthority("www.moltbook.com:80")!, "http", allow)).toMatchObject({
      ok: false,
      rule: "plain-http-not-allowed",
    });
    expect(judgeTarget(parseAuthority("plain.test:80")!, "https", allow)).toMatchObject({
      ok: false,
      rule: "host-not-allowed",
    });
    expect(judgeTarget(parseAuthority("1.1.1.1:443")!, "https", allow)).toMatchObject({
      ok: false,
      rule: "ip-literal",
    });
  });

  it("writes a one-line reason that names the host, the rule and what is allowed", () => {
    const v = judgeTarget(parseAuthority("evil.test:443")!, "https", allow);
    expect(v.ok).toBe(false);
    if (v.ok) return;
    const line = denialLine(v, allow);
    expect(line).toMatch(
      /^skillwall-egress: host evil\.test:443 is not allowed for this step \(rule host-not-allowed: the step names it, but not in network\.hosts/,
    );
    expect(line).toContain("allowed: www.moltbook.com:443 (https), plain.test:80 (http)");
    expect(line).not.toContain("\n");
  });
});
