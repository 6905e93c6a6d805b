// The skill's own declared service: the hosts a skill may legitimately send its user's data and
// its own credentials to. Learned from the skill itself: hosts tied to its name or homepage
// (affinity), and the API host its documentation keeps using (seen on several lines). A host
// named once in an instruction is a third party.

import type { DetectContext } from "./context.js";
import { baseDomain, urlsIn, type UrlInfo } from "./hosts.js";
import { isAffine } from "./util.js";
import { limits } from "../limits.js";

const cache = new WeakMap<DetectContext, Set<string>>();

/** Registrable domains (baseDomain) of the skill's declared service. */
export function declaredService(ctx: DetectContext): Set<string> {
  const cached = cache.get(ctx);
  if (cached) return cached;
  const out = new Set<string>();
  cache.set(ctx, out);
  const linesOf = new Map<string, Set<number>>();
  for (const u of ctx.urls) {
    if (u.file !== ctx.model.file || !u.host) continue;
    const key = baseDomain(u.host.toLowerCase());
    if (isAffine(ctx, u)) out.add(key);
    let lines = linesOf.get(key);
    if (!lines) linesOf.set(key, (lines = new Set()));
    lines.add(u.line);
  }
  for (const [key, lines] of linesOf) if (lines.size >= limits.serviceHostMinLines) out.add(key);
  return out;
}

/** Template and documentation hosts that stand for "your server here", not a destination. */
export function isPlaceholderHost(host: string): boolean {
  const h = host.toLowerCase().replace(/[.,;:]+$/, "");
  return (
    h === "" ||
    !h.includes(".") ||
    /(?:^|\.)example\.(?:com|org|net)$/.test(h) ||
    /^(?:localhost|127\.\d+\.\d+\.\d+|0\.0\.0\.0|\[::1\])$/.test(h) ||
    /[<>{}$…]|\.\.\.|(?:^|[.-])(?:your|my|xxx+|placeholder|hostname|domain|server|host)(?:[.-]|$)/.test(h)
  );
}

// Credential stores that belong to the user or the agent platform, not to the skill (anything
// under the home directory, the agent's own config): reading them is never "the skill's own
// key", whatever host the code talks to. The skill's own key lives in its .env or a named variable.
const foreignSecret =
  /\.ssh\b|\.aws\b|\.gnupg|\.kube|id_rsa|id_ed25519|keychain|wallet|\.netrc|\.npmrc|\.pypirc|\.docker\/config|dict\(\s*os\.environ\s*\)|os\.environ\.copy|environ\.items\(|JSON\.stringify\(\s*process\.env\s*\)|Object\.(?:entries|keys)\(\s*process\.env\s*\)|homedir\(|process\.env\.HOME|expanduser|Path\.home\(|~\/|\.openclaw|\.claude\b|\.cursor\b|\.codex\b/i;

/**
 * The declared-service host when code that reads `credential` only talks to the skill's own
 * service (hosts written in the code, all declared, affine or vendor); undefined otherwise —
 * including when the code names no host at all (the destination cannot be checked).
 */
export function ownServiceOnly(ctx: DetectContext, code: string, credential: string): string | undefined {
  if (foreignSecret.test(credential) || foreignSecret.test(code)) return undefined;
  const hosts = urlsIn(code).filter((u) => !isPlaceholderHost(u.host) && u.cls !== "local");
  if (hosts.length === 0) return undefined;
  const service = declaredService(ctx);
  const own = (u: UrlInfo): boolean =>
    service.has(baseDomain(u.host.toLowerCase())) || isAffine(ctx, u) || u.cls === "vendor";
  return hosts.every(own) ? hosts[0]?.host : undefined;
}
