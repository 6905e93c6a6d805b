// The skill's documentation as a source of its own service (issue 14): its main file and the
// markdown it bundles (references/api.md holds the base URL and the key to export as often as
// SKILL.md does). Used only where the code reads nothing but the skill's declared key
// (service.ts ownServiceOnly): a host the docs name may then receive that key. A secret the skill
// does not declare, or any foreign store, is judged as before, wherever the docs point.

import type { DetectContext } from "./context.js";
import { baseDomain, classifyUrl, hostTokens, urlsIn } from "./hosts.js";
import { declaredService, isPlaceholderHost } from "./service.js";

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

/** A read line that takes one value out of what it reads. */
const takesOneValue = /\.match\s*\(|\.get\s*\(\s*["'`]|\[\s*["'`][A-Za-z_]\w*["'`]\s*\]/;

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
    // The read line itself takes one value out (`….match(/KEY=(.*)/)[1]`, `…["KEY"]`, `.get("KEY")`).
    if (takesOneValue.test(line)) continue;
    const m = boundName.exec(line);
    const name = m?.[1] ?? m?.[2];
    if (name === undefined) continue;
    const use = new RegExp(`\\b${name}\\b(?!\\s*(?:\\[|\\.get\\s*\\())`);
    if (senders.some((l) => l !== line && use.test(l))) return true;
  }
  return false;
}

const proseCache = new WeakMap<DetectContext, Set<string>>();

/**
 * Keys the skill's docs tell the user to set, code blocks aside: frontmatter requires.env, prose
 * and inline code of the main file, and bundled markdown. A name written only in a command (the
 * command that reads it) declares nothing.
 */
export function proseDeclaredKeys(ctx: DetectContext): Set<string> {
  const cached = proseCache.get(ctx);
  if (cached) return cached;
  const out = new Set<string>([
    ...(ctx.model.frontmatter?.metadata?.requires.env ?? []),
    ...documentedKeys(ctx),
  ]);
  for (const seg of ctx.model.segments)
    if (seg.kind !== "html-comment" && seg.kind !== "md-comment")
      for (const m of seg.text.matchAll(keyName)) out.add(m[0]);
  proseCache.set(ctx, out);
  return out;
}

/** Leading words of key names that name no vendor. */
const genericVendor =
  /^(?:api|app|application|access|auth|bot|client|secret|private|public|personal|service|user|my|default|master|admin|session|bearer|refresh|project|org|team|workspace|database|prod|dev|test|local|remote|server|webhook|signing|encryption|jwt|oauth|skill)$/;

/**
 * Whether `host` is where the skill's declared key goes: the host carries the vendor word of a
 * vendor-named key the skill declares (ELSEVIER_API_KEY → api.elsevier.com), or it is the
 * skill's declared service (affine, or named on several lines of its main file).
 */
export function declaredKeyHost(ctx: DetectContext, host: string): boolean {
  const h = host.toLowerCase();
  if (h === "" || isPlaceholderHost(h)) return false;
  const tokens = hostTokens(classifyUrl(`https://${h}/`));
  return (
    [...proseDeclaredKeys(ctx)]
      .map((n) => (n.split("_")[0] ?? "").toLowerCase())
      .some((w) => w.length >= 3 && !genericVendor.test(w) && tokens.some((t) => t.includes(w))) ||
    declaredService(ctx).has(baseDomain(h))
  );
}

/** Whether a word of a secret variable's name names no vendor (KEY, TOKEN, API_KEY, MY_SECRET). */
export function genericSecretName(name: string): boolean {
  const first = (name.split("_")[0] ?? "").toLowerCase();
  return first.length < 3 || genericFirstWord.test(first);
}
const genericFirstWord =
  /^(?:api|app|access|auth|bot|client|secret|private|user|my|default|admin|session|bearer|refresh|service|master|personal|token|key|password|pass|passwd|db|database|creds?|credentials?)$/;
