// The skill's documentation as a source of its own service (issue 14): its main file and the
// markdown it bundles (references/api.md holds the base URL and the key to export as often as
// SKILL.md does). Used only where the code reads nothing but the skill's declared key
// (service.ts ownServiceOnly): a host the docs name may then receive that key. A secret the skill
// does not declare, or any foreign store, is judged as before, wherever the docs point.

import type { DetectContext } from "./context.js";
import { baseDomain, urlsIn } from "./hosts.js";
import { isPlaceholderHost } from "./service.js";

/** An environment-variable-style key name (SERVICE_API_KEY, FOO_TOKEN, BAR_SECRET). */
const keyName = /\b[A-Z][A-Z0-9]*(?:_[A-Z0-9]+){0,8}_(?:API_KEY|KEY|TOKEN|SECRET|PASSWORD|PAT|AUTH)\b/g;

function bundledMarkdown(ctx: DetectContext): string[] {
  return ctx.model.bundled
    .filter((b) => b.type === "markdown" && b.text !== undefined)
    .map((b) => b.text ?? "");
}

const keyCache = new WeakMap<DetectContext, Set<string>>();

/** Key names the skill's bundled markdown names (`export COSMIC_PASSWORD=…` in references/auth.md). */
export function documentedKeys(ctx: DetectContext): Set<string> {
  const cached = keyCache.get(ctx);
  if (cached) return cached;
  const out = new Set<string>();
  for (const text of bundledMarkdown(ctx)) for (const m of text.matchAll(keyName)) out.add(m[0]);
  keyCache.set(ctx, out);
  return out;
}

const hostCache = new WeakMap<DetectContext, Set<string>>();

/**
 * Registrable domains the skill's documentation names: any URL in its main file or its bundled
 * markdown, placeholders (`https://…`, example.com, localhost) aside.
 */
export function documentedDomains(ctx: DetectContext): Set<string> {
  const cached = hostCache.get(ctx);
  if (cached) return cached;
  const out = new Set<string>();
  const add = (host: string): void => {
    if (host && !isPlaceholderHost(host)) out.add(baseDomain(host.toLowerCase()));
  };
  for (const u of ctx.urls) if (u.file === ctx.model.file && u.host) add(u.host);
  for (const text of bundledMarkdown(ctx))
    // Only lines holding "://" can hold a URL: visit just those.
    for (let at = text.indexOf("://"); at >= 0;) {
      const start = text.lastIndexOf("\n", at) + 1;
      const end = text.indexOf("\n", at);
      for (const u of urlsIn(text.slice(start, end < 0 ? undefined : end))) add(u.host);
      at = end < 0 ? -1 : text.indexOf("://", end);
    }
  hostCache.set(ctx, out);
  return out;
}

/** A line that sends a request body, a form, mail or socket data. */
const sendLine =
  /\b(?:requests|httpx|session|client|axios)\.(?:post|put|patch)\s*\(|\b(?:data|json|files|body)\s*[=:]|\.send(?:all)?\s*\(|\bsendmail\b|\bfetch\s*\(/;
const boundName = /^\s*(?:(?:const|let|var)\s+)?([A-Za-z_]\w*)\s*=[^=]|^\s*for\s+([A-Za-z_]\w*)\s+in\b/;

/**
 * Whether the content of a credential read (every line `isRead` accepts) is itself sent: the read
 * sits on a line that sends, or the name it fills is passed whole to one (`data=env_text`).
 * Taking one key out of it (`cfg["FOO_TOKEN"]`, `cfg.get(…)`) is not sending it whole.
 * Text-level, per line: the names are bounded identifiers, each checked in one pass.
 */
export function sendsCredentialWhole(code: string, isRead: (line: string) => boolean): boolean {
  const lines = code.split("\n");
  const senders = lines.filter((l) => sendLine.test(l));
  for (const line of lines) {
    if (!isRead(line)) continue;
    if (sendLine.test(line)) return true;
    const m = boundName.exec(line);
    const name = m?.[1] ?? m?.[2];
    if (name === undefined) continue;
    const use = new RegExp(`\\b${name}\\b(?!\\s*(?:\\[|\\.get\\s*\\())`);
    if (senders.some((l) => l !== line && use.test(l))) return true;
  }
  return false;
}
