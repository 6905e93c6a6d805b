import { createHash } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FetchError } from "../../src/remote/errors.js";
import { RemoteFetcher, checkUrl, type FetcherOptions } from "../../src/remote/fetch.js";
import {
  makeTestCa,
  startTestServer,
  testNetwork,
  testResolve,
  type TestCa,
  type TestServer,
} from "../fixtures/remote/test-server.js";

let ca: TestCa;
let server: TestServer;
const fetchers: RemoteFetcher[] = [];

beforeAll(async () => {
  ca = makeTestCa();
  server = await startTestServer(ca);
});
afterAll(async () => {
  await Promise.all(fetchers.map((f) => f.close()));
  await server.close();
});

function fetcher(overrides: Partial<FetcherOptions> = {}): RemoteFetcher {
  const f = new RemoteFetcher({
    network: testNetwork(server),
    ca: ca.ca,
    resolve: testResolve,
    ...overrides,
  });
  fetchers.push(f);
  return f;
}

async function refusal(p: Promise<unknown>): Promise<FetchError> {
  try {
    await p;
  } catch (err) {
    expect(err).toBeInstanceOf(FetchError);
    return err as FetchError;
  }
  throw new Error("expected the fetch to be refused");
}

describe("RemoteFetcher", () => {
  it("fetches an allowed HTTPS file through the test CA and hashes its bytes", async () => {
    server.routes.set("/skill.md", { body: "# Skill\n\n```bash\necho hi\n```\n" });
    const file = await fetcher().fetchText(`https://moltbook.test:${server.port}/skill.md`);
    expect(file.text).toContain("echo hi");
    expect(file.sha256).toBe(createHash("sha256").update(file.bytes).digest("hex"));
    expect(file.size).toBe(file.bytes.length);
    expect(file.redirects).toEqual([]);
  });

  it("refuses a server whose certificate is not signed by a trusted CA", async () => {
    server.routes.set("/skill.md", { body: "x" });
    const e = await refusal(
      fetcher({ ca: [] as string[] }).fetch(`https://moltbook.test:${server.port}/skill.md`),
    );
    expect(e.code).toBe("fetch-failed");
  });

  it("refuses a host that is not in network.hosts, naming the fix", async () => {
    const e = await refusal(fetcher().fetch(`https://evil.test:${server.port}/skill.md`));
    expect(e.code).toBe("fetch-host-not-allowed");
    expect(e.message).toContain("evil.test");
    expect(e.fix).toContain("network.hosts");
  });

  it("follows a same-host redirect and judges the new URL again", async () => {
    server.routes.set("/old.md", { status: 302, headers: { location: "/new.md" } });
    server.routes.set("/new.md", { body: "new" });
    const file = await fetcher().fetch(`https://moltbook.test:${server.port}/old.md`);
    expect(file.bytes.toString()).toBe("new");
    expect(file.finalUrl).toBe(`https://moltbook.test:${server.port}/new.md`);
  });

  it("refuses a redirect to another host, without contacting it", async () => {
    server.hits.delete("/stolen.md");
    server.routes.set("/redir.md", {
      status: 301,
      headers: { location: `https://evil.test:${server.port}/stolen.md` },
    });
    server.routes.set("/stolen.md", { body: "evil" });
    const e = await refusal(fetcher().fetch(`https://moltbook.test:${server.port}/redir.md`));
    expect(e.code).toBe("fetch-host-not-allowed");
    expect(e.url).toContain("evil.test");
    expect(server.hits.get("/stolen.md")).toBeUndefined();
  });

  it("refuses a redirect from https down to plain http", async () => {
    server.routes.set("/down.md", {
      status: 302,
      headers: { location: `http://moltbook.test:${server.httpPort}/x.md` },
    });
    const e = await refusal(fetcher().fetch(`https://moltbook.test:${server.port}/down.md`));
    expect(e.code).toBe("fetch-scheme-not-allowed");
  });

  it("stops after 5 redirects", async () => {
    for (let i = 0; i < 8; i++)
      server.routes.set(`/loop${i}.md`, { status: 302, headers: { location: `/loop${i + 1}.md` } });
    const e = await refusal(fetcher().fetch(`https://moltbook.test:${server.port}/loop0.md`));
    expect(e.code).toBe("fetch-redirect-limit");
  });

  it("refuses an oversized file announced by content-length", async () => {
    server.routes.set("/big.md", { body: Buffer.alloc(5000, 0x61) });
    const e = await refusal(fetcher({ maxBytes: 4096 }).fetch(`https://moltbook.test:${server.port}/big.md`));
    expect(e.code).toBe("fetch-too-large");
  });

  it("refuses an oversized streamed file without content-length, while reading", async () => {
    server.routes.set("/stream.md", { streamBytes: 3 * 1024 * 1024 });
    const e = await refusal(
      fetcher({ maxBytes: 1024 * 1024 }).fetch(`https://moltbook.test:${server.port}/stream.md`),
    );
    expect(e.code).toBe("fetch-too-large");
  });

  it("refuses plain http unless the host is in network.httpHosts", async () => {
    server.routes.set("/plain.md", { body: "plain" });
    const url = `http://moltbook.test:${server.httpPort}/plain.md`;
    const e = await refusal(fetcher().fetch(url));
    expect(e.code).toBe("fetch-scheme-not-allowed");
    expect(e.fix).toContain("httpHosts");
    const allowed = fetcher({ network: testNetwork(server, { httpHosts: ["moltbook.test"] }) });
    expect((await allowed.fetch(url)).bytes.toString()).toBe("plain");
  });

  it("refuses a name that resolves to a private or metadata address", async () => {
    const priv = await refusal(fetcher().fetch(`https://private.moltbook.test:${server.port}/skill.md`));
    expect(priv.code).toBe("fetch-private-address");
    expect(priv.message).toContain("10.0.0.7");
    const meta = await refusal(fetcher().fetch(`https://metadata.moltbook.test:${server.port}/skill.md`));
    expect(meta.code).toBe("fetch-private-address");
  });

  it("refuses loopback unless network.allowAddresses names it", async () => {
    server.routes.set("/skill.md", { body: "x" });
    const strict = fetcher({ network: testNetwork(server, { allowAddresses: [] }) });
    const e = await refusal(strict.fetch(`https://moltbook.test:${server.port}/skill.md`));
    expect(e.code).toBe("fetch-private-address");
    expect(e.fix).toContain("allowAddresses");
  });

  it("refuses a port the policy does not list", async () => {
    const e = await refusal(fetcher().fetch(`https://moltbook.test:1/skill.md`));
    expect(e.code).toBe("fetch-port-not-allowed");
  });

  it("refuses an HTML page and a non-2xx status", async () => {
    server.routes.set("/login.md", { body: "<html>", headers: { "content-type": "text/html" } });
    expect((await refusal(fetcher().fetch(`https://moltbook.test:${server.port}/login.md`))).code).toBe(
      "fetch-content-type",
    );
    expect((await refusal(fetcher().fetch(`https://moltbook.test:${server.port}/missing.md`))).code).toBe(
      "fetch-http-status",
    );
  });

  it("refuses bytes that are not UTF-8 when text is expected", async () => {
    server.routes.set("/bin.md", { body: Buffer.from([0xff, 0xfe, 0x00]) });
    const e = await refusal(fetcher().fetchText(`https://moltbook.test:${server.port}/bin.md`));
    expect(e.code).toBe("fetch-not-text");
  });

  it("times out a server that never answers", async () => {
    server.routes.set("/slow.md", { body: "x" });
    const hang = await import("node:net").then((net) => {
      const s = net.createServer(() => undefined); // accepts, never speaks TLS
      return new Promise<import("node:net").Server>((r) => s.listen(0, "127.0.0.1", () => r(s)));
    });
    const port = (hang.address() as import("node:net").AddressInfo).port;
    try {
      const f = fetcher({
        network: testNetwork(server, { ports: [port] }),
        connectTimeoutMs: 300,
        readTimeoutMs: 300,
      });
      const e = await refusal(f.fetch(`https://moltbook.test:${port}/slow.md`));
      expect(e.code).toBe("fetch-timeout");
    } finally {
      hang.close();
    }
  });
});

describe("checkUrl", () => {
  const network = { hosts: ["www.moltbook.com", "*.cdn.test"], httpHosts: [], ports: [], allowAddresses: [] };
  it("accepts the policy's host on the default port and wildcard subdomains only", () => {
    expect(checkUrl("https://www.moltbook.com/skill.md", network).port).toBe(443);
    expect(checkUrl("https://a.cdn.test/x", network).host).toBe("a.cdn.test");
    expect(() => checkUrl("https://cdn.test/x", network)).toThrow(/not allowed/);
    expect(() => checkUrl("https://www.moltbook.com.evil.test/x", network)).toThrow(/not allowed/);
  });
  it("refuses other schemes, credentials in the URL, raw private IPs and odd ports", () => {
    expect(() => checkUrl("file:///etc/passwd", network)).toThrow(FetchError);
    expect(() => checkUrl("https://user:pw@www.moltbook.com/", network)).toThrow(/credentials/);
    expect(() =>
      checkUrl("https://169.254.169.254/latest", { ...network, hosts: ["169.254.169.254"] }),
    ).toThrow(/private/);
    expect(() => checkUrl("https://www.moltbook.com:8443/", network)).toThrow(/port 8443/);
  });
});
