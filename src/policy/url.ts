// URL checks for `type: url` values. The raw text is checked as well as the WHATWG parse, so
// curl and the URL parser cannot disagree about the host: the authority must be plain
// host[:port] characters, with no userinfo, percent-escapes, backslashes or curl globbing.

import { domainToASCII } from "node:url";
import { pathGlobMatch } from "./glob.js";

export interface UrlSpec {
  schemes: string[];
  hosts: string[];
  ports: number[];
  paths: string[];
  query: boolean;
}

export type UrlCheck =
  { ok: true; scheme: string; host: string; port: number } | { ok: false; reason: string; fix: string };

const defaultPorts: Record<string, number> = { http: 80, https: 443, ftp: 21, ws: 80, wss: 443 };

/** Lower-case, trailing dot stripped, IDNA (punycode) form; "" when not a valid domain. */
const hostCache = new Map<string, string>();

export function canonicalHost(host: string): string {
  const hit = hostCache.get(host);
  if (hit !== undefined) return hit;
  const result = canonicalHostUncached(host);
  if (hostCache.size > 10_000) hostCache.clear();
  hostCache.set(host, result);
  return result;
}

function canonicalHostUncached(host: string): string {
  const trimmed = host.toLowerCase().replace(/\.$/, "");
  if (trimmed.startsWith("*.")) {
    const rest = domainToASCII(trimmed.slice(2));
    return rest === "" ? "" : `*.${rest}`;
  }
  if (trimmed.startsWith("[")) return trimmed;
  return domainToASCII(trimmed);
}

function isIpLiteral(host: string): boolean {
  if (host.startsWith("[")) return true;
  return /^[0-9.]+$/.test(host) || /^(0x[0-9a-f]+\.?)+$/i.test(host);
}

/** Does `host` (canonical) match one of the policy hosts (exact, or "*.suffix" = strict subdomain)? */
export function hostAllowed(host: string, allowed: readonly string[]): boolean {
  for (const raw of allowed) {
    const want = canonicalHost(raw);
    if (want === "") continue;
    if (want.startsWith("*.")) {
      const suffix = want.slice(1); // ".example.com"
      if (host.length > suffix.length && host.endsWith(suffix)) return true;
    } else if (host === want) return true;
  }
  return false;
}

/** Check a URL text against a url spec. */
export function checkUrl(text: string, spec: UrlSpec, describe: string): UrlCheck {
  const fail = (reason: string, fix: string): UrlCheck => ({
    ok: false,
    reason: `${describe} ${reason}`,
    fix,
  });
  // An IPv6 literal host is the one place brackets are not curl globbing.
  const globCheck = text.replace(/^([a-zA-Z][a-zA-Z0-9+.-]*:\/\/)\[[0-9a-fA-F:.]+\]/, "$1v6");
  if (/[\s\\[\]{}\u0000-\u001f\u007f]/.test(globCheck)) {
    return fail(
      `contains whitespace, a backslash, a control character or curl globbing characters []{}`,
      "cannot be allowed by policy: write the URL without these characters",
    );
  }
  const schemeMatch = /^([a-zA-Z][a-zA-Z0-9+.-]*):\/\/([^/?#]*)(.*)$/.exec(text);
  if (!schemeMatch) {
    return fail(
      `is not an absolute URL with a scheme and host`,
      "write the full URL, e.g. https://host/path",
    );
  }
  const scheme = (schemeMatch[1] as string).toLowerCase();
  const authority = schemeMatch[2] as string;
  if (!spec.schemes.includes(scheme)) {
    return fail(
      `uses scheme ${scheme}:, allowed: ${spec.schemes.join(", ")}`,
      `add '${scheme}' to the url schemes of this value (only if that is really intended)`,
    );
  }
  if (authority.includes("@")) {
    return fail(`carries userinfo (user@host)`, "cannot be allowed by policy: remove the user@ part");
  }
  if (authority.includes("%")) {
    return fail(`has a percent-escaped host`, "cannot be allowed by policy: write the host plainly");
  }
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return fail(`is not a valid URL`, "write a valid absolute URL");
  }
  const host = canonicalHost(url.hostname);
  const rawHost = canonicalHost(authority.replace(/:\d*$/, ""));
  if (host === "" || host !== rawHost) {
    return fail(
      `has a host that does not parse unambiguously`,
      "cannot be allowed by policy: write a plain host name",
    );
  }
  if (isIpLiteral(host) && !spec.hosts.some((h) => canonicalHost(h) === host)) {
    return fail(
      `names an IP address (${host}) instead of a host name`,
      `add '${host}' to the url hosts of this value (IP addresses must be listed exactly)`,
    );
  }
  if (!hostAllowed(host, spec.hosts)) {
    return fail(
      `goes to host ${host}, allowed: ${spec.hosts.join(", ") || "(none)"}`,
      `add '${host}' to the url hosts of this value`,
    );
  }
  const port = url.port === "" ? (defaultPorts[scheme] ?? 0) : Number(url.port);
  if (port !== defaultPorts[scheme] && !spec.ports.includes(port)) {
    return fail(`uses port ${port}`, `add ${port} to the url ports of this value`);
  }
  const rawPath = (schemeMatch[3] as string).replace(/[?#].*$/, "");
  if (/(^|\/)(\.|%2e){1,2}(\/|$)/i.test(rawPath)) {
    return fail(
      `has a '.' or '..' path segment`,
      "cannot be allowed by policy: write the path without dot segments",
    );
  }
  if (spec.paths.length > 0 && !spec.paths.some((p) => pathGlobMatch(p, url.pathname))) {
    return fail(
      `has path ${url.pathname}, allowed: ${spec.paths.join(", ")}`,
      `add '${url.pathname}' (or a glob for it) to the url paths of this value`,
    );
  }
  if (!spec.query && url.search !== "") {
    return fail(`has a query string`, "set query: true on this url value");
  }
  return { ok: true, scheme, host, port };
}
