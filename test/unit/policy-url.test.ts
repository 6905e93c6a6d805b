import { describe, expect, it } from "vitest";
import { checkUrl, hostAllowed, canonicalHost, type UrlSpec } from "../../src/policy/url.js";

const spec: UrlSpec = {
  schemes: ["https"],
  hosts: ["www.moltbook.com", "*.github.com", "bücher.example", "10.0.0.5"],
  ports: [],
  paths: ["/api/v1/**", "/*.md"],
  query: true,
};
const ok = (url: string, s: UrlSpec = spec) => checkUrl(url, s, "argument 1").ok;
const why = (url: string, s: UrlSpec = spec) => {
  const r = checkUrl(url, s, "argument 1");
  return r.ok ? "ok" : r.reason;
};

describe("url values", () => {
  it("allows listed hosts, schemes and paths", () => {
    expect(ok("https://www.moltbook.com/api/v1/agents/me")).toBe(true);
    expect(ok("https://www.moltbook.com/api/v1/posts?sort=hot&limit=25")).toBe(true);
    expect(ok("https://WWW.MOLTBOOK.COM/skill.md")).toBe(true);
  });
  it("rejects userinfo, whatever host follows", () => {
    expect(why("https://www.moltbook.com@evil.example/api/v1/x")).toMatch(/userinfo/);
    expect(why("https://user:pw@www.moltbook.com/api/v1/x")).toMatch(/userinfo/);
  });
  it("rejects IP literals unless listed exactly", () => {
    expect(why("https://127.0.0.1/api/v1/x")).toMatch(/IP address/);
    expect(why("https://0x7f.1/api/v1/x")).toMatch(/IP address|host/);
    expect(why("https://[::1]/api/v1/x")).toMatch(/IP address/);
    expect(ok("https://10.0.0.5/api/v1/x")).toBe(true);
  });
  it("rejects other schemes", () => {
    expect(why("http://www.moltbook.com/api/v1/x")).toMatch(/scheme http/);
    expect(why("file:///etc/passwd")).toMatch(/scheme file|not an absolute URL/);
    expect(why("gopher://www.moltbook.com:70/_x")).toMatch(/scheme gopher/);
    expect(why("www.moltbook.com/api/v1/x")).toMatch(/not an absolute URL/);
  });
  it("matches *.suffix on subdomains only", () => {
    expect(hostAllowed("api.github.com", ["*.github.com"])).toBe(true);
    expect(hostAllowed("a.b.github.com", ["*.github.com"])).toBe(true);
    expect(hostAllowed("github.com", ["*.github.com"])).toBe(false);
    expect(hostAllowed("evilgithub.com", ["*.github.com"])).toBe(false);
    expect(ok("https://api.github.com/api/v1/x")).toBe(true);
    expect(ok("https://github.com.evil.example/api/v1/x")).toBe(false);
  });
  it("compares hosts in punycode form, with the trailing dot stripped", () => {
    expect(canonicalHost("Bücher.Example.")).toBe("xn--bcher-kva.example");
    expect(ok("https://xn--bcher-kva.example/api/v1/x")).toBe(true);
    expect(ok("https://www.moltbook.com./api/v1/x")).toBe(true);
    expect(ok("https://www.moltbook.com.evil.example/api/v1/x")).toBe(false);
  });
  it("rejects curl globbing, backslashes, percent-escaped hosts and dot segments", () => {
    expect(why("https://www.moltbook.com/api/v1/[1-9]")).toMatch(/globbing/);
    expect(why("https://www.moltbook.com/api/v1/{a,b}")).toMatch(/globbing/);
    expect(why("https://www.moltbook.com\\@evil.example/api/v1/")).toMatch(/backslash/);
    expect(why("https://%77ww.moltbook.com/api/v1/x")).toMatch(/percent/);
    expect(why("https://www.moltbook.com/api/v1/../../admin")).toMatch(/dot segment|'\.'/);
    expect(why("https://www.moltbook.com/api/v1/%2e%2e/admin")).toMatch(/'\.'/);
  });
  it("checks paths, ports and query", () => {
    expect(why("https://www.moltbook.com/admin")).toMatch(/path \/admin/);
    expect(why("https://www.moltbook.com:8443/api/v1/x")).toMatch(/port 8443/);
    expect(ok("https://www.moltbook.com:443/api/v1/x")).toBe(true);
    expect(why("https://www.moltbook.com/api/v1/x?a=1", { ...spec, query: false })).toMatch(/query/);
  });
});
