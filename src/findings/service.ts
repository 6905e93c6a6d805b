// The skill's own declared service: the hosts a skill may legitimately send its user's data and
// its own credentials to. Learned from the skill itself: hosts tied to its name or homepage
// (affinity), and the API host its documentation keeps using (seen on several lines). A host
// named once in an instruction is a third party.

import type { DetectContext } from "./context.js";
import { documentedDomains, documentedKeys } from "./documented-service.js";
import { baseDomain, urlsIn, type UrlInfo } from "./hosts.js";
import { isAffine } from "./util.js";
import { readsOwnStore } from "./own-store.js";
import { configuredEndpoint } from "./configured-endpoint.js";
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
    /[<>{}$…]|\.\.\./.test(h) ||
    h.split(".").slice(0, -1).some(isPlaceholderLabel)
  );
}

// "your-…", "xxx", "placeholder" and "hostname" mark a template wherever they stand; "my",
// "server", "host", "domain" only make up a template label on their own (my-server, host):
// an attacker's "drop-host" or "my-sync" is a real name, not a placeholder.
function isPlaceholderLabel(label: string): boolean {
  const parts = label.split("-");
  return (
    parts.some((p) => /^(?:your|x{3,}|placeholder|hostname)$/.test(p)) ||
    parts.every((p) => /^(?:my|domain|server|host)$/.test(p))
  );
}

/**
 * An address that stands for "the recipient here": a local part of counting digits
 * (1234567890@…, +1234…@…), zeros, or a template (xxx@…, your-name@…). Ordinary-looking names
 * (john@…, user@…) are not: an attacker's real mailbox looks like that.
 */
export function isPlaceholderMailbox(address: string): boolean {
  const local = (address.split("@")[0] ?? "").toLowerCase();
  return /^(?:\+?0?1234[\d-]*|0+|x{3,}|your[._-]?[a-z]*)$/.test(local);
}

// Credential stores that belong to the user or another program, never "the skill's own key",
// whatever host the code talks to; and reads of the whole environment.
const foreignSecret =
  /\.ssh\b|\.aws\b|\.gnupg|\.kube|id_rsa|id_ed25519|keychain|wallet|\.netrc|\.npmrc|\.pypirc|\.docker\/config|dict\(\s*os\.environ\s*\)|os\.environ\.copy|environ\.items\(|JSON\.stringify\(\s*process\.env\s*\)|Object\.(?:entries|keys|values)\(\s*process\.env\s*\)|\.\.\.process\.env\b|for\s*\(\s*(?:const|let|var)\s+\w+\s+in\s+process\.env\b|\bin\s+os\.environ\b|os\.environ\.(?:keys|values)\(|\*\*os\.environ\b|\.git-credentials|\.config\/gh\b|\/proc\/(?:self|\d+)\/environ/i;
// The home directory and the agent platform's config: where a skill may be told to keep its key
// ("add METRICOOL_TOKEN to ~/.openclaw/openclaw.json"). Own-key use only when the code takes the
// skill's declared key out of it, next to the read (below); anything else there is foreign.
const platformStore =
  /homedir\(|process\.env\.HOME|expanduser|Path\.home\(|~\/|\.openclaw|\.clawdbot|\.moltbot|\.claude\b|\.cursor\b|\.codex\b/gi;
/** An environment-variable-style key name (SERVICE_API_KEY, FOO_TOKEN, BAR_SECRET). */
const keyName = /\b[A-Z][A-Z0-9]*(?:_[A-Z0-9]+){0,8}_(?:API_KEY|KEY|TOKEN|SECRET|PASSWORD|PAT|AUTH)\b/g;

const keyCache = new WeakMap<DetectContext, Set<string>>();

/**
 * The key names the skill declares as its own: metadata requires.env, and key-shaped names its
 * main text tells the user to set (`export FOO_API_KEY=…`, "set FOO_TOKEN in .env").
 */
export function declaredKeys(ctx: DetectContext): Set<string> {
  const cached = keyCache.get(ctx);
  if (cached) return cached;
  const out = new Set<string>(ctx.model.frontmatter?.metadata?.requires.env ?? []);
  for (const m of ctx.model.text.matchAll(keyName)) out.add(m[0]);
  for (const k of documentedKeys(ctx)) out.add(k);
  keyCache.set(ctx, out);
  return out;
}

/**
 * Whether every read of the home directory or platform config in `code` takes one of the skill's
 * declared keys out of it within a few lines (`config.env.vars.FOO_TOKEN`): the skill reading its
 * own key where its documentation put it, not harvesting the store.
 */
function platformReadsTakeOwnKey(ctx: DetectContext, code: string): boolean {
  platformStore.lastIndex = 0;
  if (!platformStore.test(code)) return true;
  const keys = declaredKeys(ctx);
  const lines = code.split("\n");
  for (let i = 0; i < lines.length; i++) {
    platformStore.lastIndex = 0;
    if (!platformStore.test(lines[i] ?? "")) continue;
    // The service's own login store (~/.config/<service>/…) holds the skill's own token.
    if (readsOwnStore(ctx, lines[i] ?? "")) continue;
    if (keys.size === 0) return false;
    const near = lines.slice(i, i + limits.ownKeyWindowLines + 1).join("\n");
    const named = [...near.matchAll(keyName)].map((m) => m[0]);
    if (!named.some((k) => keys.has(k))) return false;
  }
  return true;
}

const commentLine = /^\s*(?:#|\/\/|\/?\*)/;

function withoutCommentLines(code: string): string {
  return code
    .split("\n")
    .filter((l) => !commentLine.test(l))
    .join("\n");
}

const codeCache = new WeakMap<DetectContext, Set<string>>();

/**
 * The API hosts the skill's own bundled code keeps calling: registrable domains written on at
 * least serviceHostMinLines distinct code lines (comments aside) across its scripts. A client
 * library names its API base on many lines; an exfiltration drop is usually named once.
 */
function codeService(ctx: DetectContext): Set<string> {
  const cached = codeCache.get(ctx);
  if (cached) return cached;
  const count = new Map<string, number>();
  for (const b of ctx.model.bundled) {
    if ((b.type !== "python" && b.type !== "javascript") || b.text === undefined) continue;
    for (const line of b.text.split("\n")) {
      if (!line.includes("://") || commentLine.test(line)) continue;
      const seen = new Set<string>();
      for (const u of urlsIn(line))
        if (!isPlaceholderHost(u.host) && u.cls !== "local") seen.add(baseDomain(u.host.toLowerCase()));
      for (const d of seen) count.set(d, (count.get(d) ?? 0) + 1);
    }
  }
  const out = new Set<string>();
  for (const [d, n] of count) if (n >= limits.serviceHostMinLines) out.add(d);
  codeCache.set(ctx, out);
  return out;
}

// Leading words of key names that say nothing about whose key it is (API_KEY, APP_TOKEN, ...).
const genericKeyWord =
  /^(?:API|APP|APPLICATION|ACCESS|AUTH|BOT|CLIENT|SECRET|PRIVATE|PUBLIC|PERSONAL|SERVICE|USER|MY|DEFAULT|MASTER|ADMIN|SESSION|BEARER|REFRESH|PROJECT|ORG|TEAM|WORKSPACE|DATABASE|PROD|DEV|TEST|LOCAL|REMOTE|SERVER|WEBHOOK|SIGNING|ENCRYPTION|JWT|OAUTH|SKILL)$/;

/** Vendor words of the declared keys (OPENAI of OPENAI_API_KEY). */
function keyVendors(ctx: DetectContext): string[] {
  // Only the keys the skill declares vouch: a name written in the code is the attacker's to pick.
  return [...declaredKeys(ctx)]
    .map((n) => (n.split("_")[0] ?? "").toLowerCase())
    .filter((w) => w.length >= 3 && !genericKeyWord.test(w.toUpperCase()));
}

/** A vendor-named declared key goes only to a host carrying that vendor's name. */
function vendorAllows(ctx: DetectContext, u: UrlInfo): boolean {
  const vendors = keyVendors(ctx);
  return vendors.length === 0 || vendors.some((w) => u.host.toLowerCase().includes(w));
}

/**
 * Whether a host learned only from the code's own repetition may receive the key: repetition
 * alone is cheap for an attacker (name the drop host three times). A key named after a vendor
 * (OPENAI_API_KEY) goes only to a host carrying that vendor's name; with no vendor-named key, the
 * host must also appear in the skill's main text, where a reviewer reads it.
 */
function codeHostVouched(ctx: DetectContext, code: string, u: UrlInfo): boolean {
  const host = u.host.toLowerCase();
  const vendors = keyVendors(ctx);
  if (vendors.length > 0) return vendors.some((w) => host.includes(w));
  const base = baseDomain(host);
  return ctx.urls.some(
    (v) => v.file === ctx.model.file && !!v.host && baseDomain(v.host.toLowerCase()) === base,
  );
}

/**
 * The declared-service host when code that reads `credential` only talks to the skill's own
 * service (hosts written in the code, all declared, affine or vendor); undefined otherwise —
 * including when the code names no host at all (the destination cannot be checked).
 */
export function ownServiceOnly(ctx: DetectContext, code: string, credential: string): string | undefined {
  if (foreignSecret.test(credential) || foreignSecret.test(code)) return undefined;
  // A key the code names that the skill never declares belongs to someone else (another
  // service's token taken from the environment), whatever host receives it.
  const declared = declaredKeys(ctx);
  if ([...code.matchAll(keyName)].some((m) => !declared.has(m[0]))) return undefined;
  if (!platformReadsTakeOwnKey(ctx, code)) return undefined;
  // A URL in a comment (a docs link) receives nothing.
  const hosts = codeHosts(code);
  if (hosts.length === 0) return configuredEndpoint(ctx, code);
  return hosts.every((u) => isOwnServiceHost(ctx, code, u)) ? hosts[0]?.host : undefined;
}

/**
 * Whether a host the code names is the skill's own service: declared (affine or documented on
 * several lines), called throughout the code and vouched for, a known vendor's API, or — the
 * code reading nothing but declared keys (checked by the caller) — a host the skill's docs name
 * (main file or bundled markdown) that a vendor-named key does not rule out.
 */
function isOwnServiceHost(ctx: DetectContext, code: string, u: UrlInfo): boolean {
  return (
    isDeclaredServiceHost(ctx, code, u) ||
    u.cls === "vendor" ||
    (documentedDomains(ctx).has(baseDomain(u.host.toLowerCase())) && vendorAllows(ctx, u))
  );
}

/** The skill's own service by what the skill says and does, a vendor's host being no reason. */
export function isDeclaredServiceHost(ctx: DetectContext, code: string, u: UrlInfo): boolean {
  const base = baseDomain(u.host.toLowerCase());
  return (
    declaredService(ctx).has(base) ||
    (codeService(ctx).has(base) && codeHostVouched(ctx, code, u)) ||
    isAffine(ctx, u)
  );
}

/** The hosts the code sends to: written outside comment lines, placeholders and local ones aside. */
export function codeHosts(code: string): UrlInfo[] {
  return urlsIn(withoutCommentLines(code)).filter((u) => !isPlaceholderHost(u.host) && u.cls !== "local");
}
