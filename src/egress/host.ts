// Host names as the proxy compares them: parsed with the WHATWG URL parser (so "127.1",
// "0x7f.0.0.1" and IDN forms come out canonical), lower-case, without a trailing dot.

import net from "node:net";

export interface Target {
  /** Canonical host: lower-case name, dotted IPv4, or IPv6 without brackets. */
  host: string;
  port: number;
  /** 0 for a name, 4 or 6 for an IP literal. */
  ipFamily: 0 | 4 | 6;
}

const nameChars = /^[a-z0-9_-]+(\.[a-z0-9_-]+)*$/;

/** Canonical form of a host as written in a URL or policy ("WWW.Example.COM." → "www.example.com"). */
export function canonicalHost(raw: string): string | undefined {
  if (raw.length === 0 || raw.length > 255 || /[\s/\\?#@%]/.test(raw)) return undefined;
  let url: URL;
  try {
    url = new URL(`http://${raw.includes(":") && !raw.startsWith("[") ? `[${raw}]` : raw}/`);
  } catch {
    return undefined;
  }
  let host = url.hostname;
  if (host.startsWith("[") && host.endsWith("]")) return host.slice(1, -1);
  if (host.endsWith(".")) host = host.slice(0, -1);
  if (net.isIPv4(host)) return host;
  return nameChars.test(host) && host.length <= 253 ? host : undefined;
}

/**
 * Parses a CONNECT authority ("host:port", "[v6]:port") or the host/port of an absolute URL.
 * The port must be explicit for CONNECT; undefined means "not acceptable".
 */
export function parseAuthority(authority: string): Target | undefined {
  if (authority.length > 300 || /[\s/\\?#@]/.test(authority)) return undefined;
  const m = /^(\[[^\]]+\]|[^:[\]]+):(\d{1,5})$/.exec(authority);
  if (!m) return undefined;
  return makeTarget(m[1]!, Number(m[2]));
}

export function makeTarget(rawHost: string, port: number): Target | undefined {
  if (!Number.isInteger(port) || port < 1 || port > 65535) return undefined;
  const host = canonicalHost(rawHost);
  if (host === undefined) return undefined;
  const family = net.isIP(host);
  return { host, port, ipFamily: family === 4 ? 4 : family === 6 ? 6 : 0 };
}

/** Parses an absolute-form proxy request URL ("http://host:port/path"). */
export function parseAbsoluteUrl(raw: string): { target: Target; scheme: string; path: string } | undefined {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return undefined;
  }
  if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(raw) || url.username !== "" || url.password !== "") return undefined;
  const scheme = url.protocol.slice(0, -1);
  const port = url.port === "" ? (scheme === "https" ? 443 : scheme === "http" ? 80 : 0) : Number(url.port);
  const target = makeTarget(url.hostname, port);
  if (!target) return undefined;
  return { target, scheme, path: `${url.pathname}${url.search}` };
}

/** Does a policy host pattern match a canonical host? "*.x.com" matches a.x.com, not x.com. */
export function hostMatches(pattern: string, host: string): boolean {
  const p = pattern.toLowerCase();
  if (p.startsWith("*.")) {
    const suffix = p.slice(1); // ".x.com"
    return host.length > suffix.length && host.endsWith(suffix) && net.isIP(host) === 0;
  }
  return canonicalHost(p) === host;
}

/** A host for a one-line message: canonical, with brackets for IPv6. */
export function showTarget(t: { host: string; port: number }): string {
  return net.isIPv6(t.host) ? `[${t.host}]:${t.port}` : `${t.host}:${t.port}`;
}
