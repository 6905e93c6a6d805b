// The supervisor's own fetcher (install and heartbeat): the same host policy as the egress
// proxy, applied to every hop. HTTPS only unless the policy lists the host in httpHosts;
// redirects are followed by hand and each new URL is judged again; the resolved address is
// checked inside the connector's lookup, so the address judged is the address connected to
// (no DNS-rebinding gap); bodies are capped while streaming; the bytes are hashed.

import { createHash } from "node:crypto";
import dns from "node:dns";
import { isIP, type LookupFunction } from "node:net";
import { Agent } from "undici";
import { publishLifecycle } from "../events.js";
import { limits } from "../limits.js";
import type { NetworkPolicy } from "../policy/types.js";
import { FetchError, findFetchError } from "./errors.js";
import { addressAllowed, matchHost, normaliseHost, portAllowed } from "./hosts.js";

export interface FetcherOptions {
  network: NetworkPolicy;
  /** Largest body accepted, bytes (default limits.maxFetchBytes). */
  maxBytes?: number;
  /** TCP + TLS connect timeout, ms (default 10 s). */
  connectTimeoutMs?: number;
  /** Longest wait for headers and between body chunks, ms (default 15 s). */
  readTimeoutMs?: number;
  /** Whole request including redirects, ms (default 60 s). */
  totalTimeoutMs?: number;
  /** Most redirects followed (default 5). */
  maxRedirects?: number;
  /** Extra trusted CAs (PEM), for tests and private registries. Replaces the default store when given. */
  ca?: string | Buffer | Array<string | Buffer>;
  /** Test-only: host → addresses used instead of DNS. Hosts not in the map use DNS. */
  resolve?: ReadonlyMap<string, readonly string[]>;
  /** Test-only: addresses (IPs/CIDRs) allowed although private/loopback: where stand-ins listen. */
  testAllowAddresses?: readonly string[];
}

export interface FetchedFile {
  /** The URL asked for. */
  url: string;
  /** The URL the bytes came from (after redirects). */
  finalUrl: string;
  redirects: string[];
  contentType: string;
  bytes: Buffer;
  size: number;
  sha256: string;
}

/** Content types accepted for skill files and the files they declare (markdown, text, JSON, raw bytes). */
const acceptedTypes = new Set([
  "text/markdown",
  "text/x-markdown",
  "text/plain",
  "application/json",
  "application/octet-stream",
]);

export function sha256Hex(bytes: Uint8Array | string): string {
  return createHash("sha256").update(bytes).digest("hex");
}

export interface CheckedUrl {
  url: URL;
  scheme: "http" | "https";
  host: string;
  port: number;
}

/** Judges a URL against the host policy; throws a FetchError naming the fix. Pure. */
export function checkUrl(raw: string, network: NetworkPolicy): CheckedUrl {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new FetchError("fetch-bad-url", raw, `not a valid URL: ${JSON.stringify(raw)}`, {
      fix: "give an absolute https:// URL",
    });
  }
  const scheme = url.protocol.slice(0, -1);
  const host = normaliseHost(url.hostname);
  if (url.username !== "" || url.password !== "") {
    throw new FetchError("fetch-bad-url", raw, `URL ${url.origin} carries credentials`, {
      fix: "remove user:password@ from the URL",
    });
  }
  if (scheme !== "https" && scheme !== "http") {
    throw new FetchError("fetch-scheme-not-allowed", raw, `scheme ${scheme}: is not allowed (${raw})`, {
      fix: "use an https:// URL",
    });
  }
  if (matchHost(host, network.hosts) === undefined && matchHost(host, network.httpHosts) === undefined) {
    throw new FetchError("fetch-host-not-allowed", raw, `host ${host} is not allowed`, {
      fix: `add ${host} to network.hosts in the policy to allow it`,
    });
  }
  if (scheme === "http" && matchHost(host, network.httpHosts) === undefined) {
    throw new FetchError("fetch-scheme-not-allowed", raw, `plain http to ${host} is not allowed (${raw})`, {
      fix: `use https://${host}…, or add ${host} to network.httpHosts to allow plain http`,
    });
  }
  if (scheme === "https" && matchHost(host, network.hosts) === undefined) {
    throw new FetchError("fetch-host-not-allowed", raw, `host ${host} is allowed for http only, not https`, {
      fix: `add ${host} to network.hosts in the policy to allow it`,
    });
  }
  const port = url.port === "" ? (scheme === "https" ? 443 : 80) : Number(url.port);
  if (!portAllowed(port, scheme, network)) {
    throw new FetchError("fetch-port-not-allowed", raw, `port ${port} of ${host} is not allowed`, {
      fix: `add ${port} to network.ports in the policy to allow it`,
    });
  }
  if (isIP(host) !== 0 && !addressAllowed(host, network)) {
    throw new FetchError("fetch-private-address", raw, `address ${host} is private, loopback or link-local`, {
      fix: `add ${host} to network.allowAddresses if this address is really meant to be reached`,
    });
  }
  return { url, scheme, host, port };
}

export class RemoteFetcher {
  readonly #network: NetworkPolicy;
  readonly #maxBytes: number;
  readonly #totalTimeoutMs: number;
  readonly #maxRedirects: number;
  readonly #agent: Agent;

  constructor(options: FetcherOptions) {
    this.#network = options.network;
    this.#maxBytes = options.maxBytes ?? limits.maxFetchBytes;
    this.#totalTimeoutMs = options.totalTimeoutMs ?? 60_000;
    this.#maxRedirects = options.maxRedirects ?? 5;
    const readTimeout = options.readTimeoutMs ?? 15_000;
    this.#agent = new Agent({
      connect: {
        timeout: options.connectTimeoutMs ?? 10_000,
        lookup: guardedLookup(
          {
            allowAddresses: [...options.network.allowAddresses, ...(options.testAllowAddresses ?? [])],
          },
          options.resolve,
        ),
        ...(options.ca === undefined ? {} : { ca: options.ca }),
      },
      headersTimeout: readTimeout,
      bodyTimeout: readTimeout,
      connections: 16,
    });
  }

  /** Fetches one file: every hop judged, body capped, bytes hashed. Throws FetchError. */
  async fetch(url: string): Promise<FetchedFile> {
    const signal = AbortSignal.timeout(this.#totalTimeoutMs);
    const redirects: string[] = [];
    let current = url;
    try {
      for (;;) {
        const checked = checkUrl(current, this.#network);
        const res = await this.#agent.request({
          origin: checked.url.origin,
          path: `${checked.url.pathname}${checked.url.search}`,
          method: "GET",
          headers: {
            accept: "text/markdown, text/plain, application/json;q=0.9, */*;q=0.1",
            "user-agent": "skillwall",
          },
          signal,
        });
        if (res.statusCode >= 300 && res.statusCode < 400 && res.statusCode !== 304) {
          discard(res.body);
          const location = headerValue(res.headers["location"]);
          if (location === undefined) {
            throw new FetchError(
              "fetch-redirect-invalid",
              current,
              `redirect ${res.statusCode} without a Location`,
            );
          }
          if (redirects.length >= this.#maxRedirects) {
            throw new FetchError(
              "fetch-redirect-limit",
              current,
              `more than ${this.#maxRedirects} redirects`,
              {
                fix: `fetch the final URL directly`,
              },
            );
          }
          const next = new URL(location, current).toString();
          redirects.push(next);
          current = next;
          continue;
        }
        if (res.statusCode !== 200) {
          discard(res.body);
          throw new FetchError("fetch-http-status", current, `HTTP ${res.statusCode} from ${current}`, {
            fix: "check the URL; the server did not return the file",
          });
        }
        const contentType = (headerValue(res.headers["content-type"]) ?? "")
          .split(";")[0]!
          .trim()
          .toLowerCase();
        if (contentType !== "" && !acceptedTypes.has(contentType)) {
          discard(res.body);
          throw new FetchError(
            "fetch-content-type",
            current,
            `content type ${contentType} is not a skill file`,
            {
              fix: "serve markdown, text or JSON (an HTML page is usually a login or error page)",
            },
          );
        }
        const declared = Number(headerValue(res.headers["content-length"]) ?? "NaN");
        if (Number.isFinite(declared) && declared > this.#maxBytes) {
          discard(res.body);
          throw tooLarge(current, this.#maxBytes);
        }
        const bytes = await readCapped(res.body, this.#maxBytes, current);
        const file: FetchedFile = {
          url,
          finalUrl: current,
          redirects,
          contentType,
          bytes,
          size: bytes.length,
          sha256: sha256Hex(bytes),
        };
        publishLifecycle({ event: "fetch", url, finalUrl: current, size: file.size, sha256: file.sha256 });
        return file;
      }
    } catch (err) {
      const e = toFetchError(err, current, this.#totalTimeoutMs);
      publishLifecycle({ event: "fetch-refused", url, hop: e.url, code: e.code, reason: e.message });
      throw e;
    }
  }

  /** Fetches a text file and decodes it as strict UTF-8. */
  async fetchText(url: string): Promise<FetchedFile & { text: string }> {
    const file = await this.fetch(url);
    try {
      return { ...file, text: new TextDecoder("utf-8", { fatal: true }).decode(file.bytes) };
    } catch (cause) {
      throw new FetchError("fetch-not-text", file.finalUrl, `${file.finalUrl} is not UTF-8 text`, { cause });
    }
  }

  async close(): Promise<void> {
    await this.#agent.close();
  }
}

interface Discardable {
  on(event: "error", fn: () => void): unknown;
  destroy(): unknown;
}

/** Drops a body we will not read; the abort error that destroying raises is expected. */
function discard(body: Discardable): void {
  body.on("error", () => undefined);
  body.destroy();
}

function headerValue(v: string | string[] | undefined): string | undefined {
  return Array.isArray(v) ? v[0] : v;
}

function tooLarge(url: string, max: number): FetchError {
  return new FetchError("fetch-too-large", url, `${url} is larger than ${max} bytes`, {
    fix: "raise limits.maxFetchBytes only if this file is really expected to be that large",
  });
}

async function readCapped(body: AsyncIterable<Buffer>, max: number, url: string): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of body) {
    total += chunk.length;
    if (total > max) {
      discard(body as unknown as Discardable);
      throw tooLarge(url, max);
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks, total);
}

function toFetchError(err: unknown, url: string, totalMs: number): FetchError {
  const found = findFetchError(err);
  if (found) return found;
  const code = (err as { code?: string; name?: string }).code;
  const name = (err as { name?: string }).name;
  if (
    code === "UND_ERR_CONNECT_TIMEOUT" ||
    code === "UND_ERR_HEADERS_TIMEOUT" ||
    code === "UND_ERR_BODY_TIMEOUT" ||
    name === "TimeoutError" ||
    name === "AbortError"
  ) {
    return new FetchError(
      "fetch-timeout",
      url,
      `fetching ${url} timed out (${code ?? name}; total limit ${totalMs} ms)`,
      {
        fix: "retry later; the server is slow or unreachable",
        cause: err,
      },
    );
  }
  return new FetchError(
    "fetch-failed",
    url,
    `fetching ${url} failed: ${(err as Error).message ?? String(err)}`,
    {
      fix: "check that the host is reachable and its certificate is trusted",
      cause: err,
    },
  );
}

/**
 * A `lookup` for the connector: resolves (test map or DNS), then refuses private addresses the
 * policy does not name. Runs for every new connection, so redirects and reconnects are judged too.
 */
function guardedLookup(
  network: Pick<NetworkPolicy, "allowAddresses">,
  resolve: ReadonlyMap<string, readonly string[]> | undefined,
): LookupFunction {
  return (hostname, options, callback) => {
    const host = normaliseHost(hostname);
    const done = (addresses: Array<{ address: string; family: number }>): void => {
      const refused = addresses.find((a) => !addressAllowed(a.address, network));
      if (addresses.length === 0) {
        callback(new FetchError("fetch-dns-failed", host, `${host} did not resolve`), "", 4);
        return;
      }
      if (refused !== undefined) {
        const err = new FetchError(
          "fetch-private-address",
          host,
          `${host} resolves to ${refused.address}, a private, loopback or link-local address`,
          {
            fix: `add ${refused.address} to network.allowAddresses if this address is really meant to be reached`,
          },
        );
        callback(err, "", 4);
        return;
      }
      if (options.all) callback(null, addresses);
      else callback(null, addresses[0]!.address, addresses[0]!.family);
    };
    const mapped = resolve?.get(host);
    if (mapped !== undefined) {
      done(mapped.map((address) => ({ address, family: isIP(address) === 6 ? 6 : 4 })));
      return;
    }
    dns.lookup(host, { all: true }, (err, addresses) => {
      if (err) {
        callback(
          new FetchError("fetch-dns-failed", host, `${host} did not resolve: ${err.code ?? err.message}`),
          "",
          4,
        );
        return;
      }
      done(addresses);
    });
  };
}
