// A client whose API endpoint is a setting the user fills in (SUPABASE_URL, GITLAB_HOST …) sends
// its key wherever the user points it: code that names no host at all and reads its destination
// from such a setting is talking to the user's own deployment. The skill must not fill the setting
// in itself: every value it writes for it (in its docs, a bundled .env or config) must be a
// placeholder (`https://<project-ref>.example.co`, `https://your-host`) or the declared service.

import type { DetectContext } from "./context.js";
import { urlsIn } from "./hosts.js";
import { isDeclaredServiceHost, isPlaceholderHost } from "./service.js";

/** Names of settings that hold an address: FOO_URL, FOO_HOST, FOO_ENDPOINT, FOO_BASE_URL … */
const endpointSetting =
  /\b[A-Z][A-Z0-9]{1,30}(?:_[A-Z0-9]{1,30}){0,3}_(?:URL|URI|HOST|ENDPOINT|BASE|SERVER)\b/g;

/** A quoted string that is nothing but a host name or IPv4 address, with an optional port. */
const quotedHost = /["'`]((?:[a-z0-9-]{1,63}\.){1,8}[a-z]{2,24}|\d{1,3}(?:\.\d{1,3}){3})(?::\d{1,5})?["'`]/gi;

// File names look like host names; a quoted one is opened, not connected to.
const fileName =
  /\.(?:json|jsonl|txt|csv|tsv|md|env|ya?ml|toml|ini|cfg|conf|html?|xml|png|jpe?g|pdf|mp3|wav|log|db|sqlite|gz|zip|tar|py|m?js|ts)$/i;

/**
 * The setting the code's only destinations come from, when the skill never supplies a real value
 * for it; undefined otherwise. `code` has no literal host (the caller checked). `settings` (a
 * global regex) names the settings that hold an address; FOO_URL, FOO_HOST … by default.
 */
export function configuredEndpoint(
  ctx: DetectContext,
  code: string,
  settings: RegExp = endpointSetting,
): string | undefined {
  const names = [...new Set([...code.matchAll(settings)].map((m) => m[0]))];
  if (names.length === 0) return undefined;
  // A string literal that is a bare host or IP (`socket.connect(("203.0.113.9", 443))`) is a
  // destination too.
  for (const m of code.matchAll(quotedHost))
    if (
      m[1] !== undefined &&
      !isPlaceholderHost(m[1]) &&
      !fileName.test(m[1]) &&
      !/^(?:127\.|10\.|192\.168\.)/.test(m[1])
    )
      return undefined;
  const texts = [ctx.model.text, ...ctx.model.bundled.map((b) => b.text ?? "")];
  for (const name of names)
    for (const text of texts)
      for (const line of text.split("\n")) {
        if (!line.includes(name) || line === "") continue;
        if (!valuesArePlaceholders(ctx, code, line, name)) return undefined;
      }
  return names.join(", ");
}

/** Whether every address a line gives the setting is a placeholder or the declared service. */
function valuesArePlaceholders(ctx: DetectContext, code: string, line: string, name: string): boolean {
  const ok = (host: string): boolean =>
    isPlaceholderHost(host) || urlsIn(`https://${host}`).every((u) => isDeclaredServiceHost(ctx, code, u));
  for (const u of urlsIn(line)) if (!ok(u.host)) return false;
  // NAME=value or NAME: value, quoted or not, with or without a scheme.
  const at = line.indexOf(name) + name.length;
  const m = /^\s{0,3}[=:]\s{0,3}["']?([^\s"'`]{1,300})/.exec(line.slice(at));
  const value = m?.[1];
  if (value === undefined || value.startsWith("$") || value.startsWith("<")) return true;
  const host = value.replace(/^[a-z][a-z0-9+.-]{0,20}:\/\//i, "").split(/[/:?#]/)[0] ?? "";
  return ok(host);
}
