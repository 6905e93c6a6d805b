// Look-alike domains of the agent platform: "openclaw-auth.net", "moltb00k.com", written as a
// bare line or a URL. A skill has no reason to name a domain that borrows the platform's brand
// but is not the platform's; it is where a fake login or a fake update is served.

import type { DetectContext } from "../context.js";
import { baseDomain } from "../hosts.js";
import { declaredAnchors } from "./declared-lookalike.js";
import { decodedLines } from "../decoded-lines.js";

// Brand token → the platform's own registrable domains.
const platforms: ReadonlyArray<readonly [string, readonly string[]]> = [
  ["openclaw", ["openclaw.ai", "openclaw.com", "openclaw.dev"]],
  ["clawhub", ["clawhub.ai", "clawhub.com"]],
  ["moltbook", ["moltbook.com"]],
  ["anthropic", ["anthropic.com"]],
  ["openai", ["openai.com"]],
];
// A host name ending in a top-level domain people register look-alikes under; not a file name
// ("moltbook-monitor.log"), a path part or a reverse-DNS id ("com.anthropic.claude_helper").
export const hostToken =
  /(?<![\w.@-]|[^/]\/)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+(?:com|net|org|io|ai|dev|app|co|xyz|me|cc|info|site|online|top|tech|cloud|pro|biz|us|ru|cn|tk|ml|ga|cf|gq|live|link|click|icu|vip|club|shop|store|website|space|fun|lol|world|today|email|support|help|services|network|page|one|so|gg|to|ws|ly|de)(?![\w-]|\.[a-z0-9])/gi;
// Digits that stand in for letters in look-alikes ("0penc1aw").
const unleet = (s: string): string => s.replace(/0/g, "o").replace(/1/g, "l").replace(/3/g, "e");

/** The platform a host impersonates, or undefined. */
export function lookalikeOf(host: string): string | undefined {
  const base = baseDomain(host.toLowerCase());
  const flat = unleet(base.replace(/-/g, ""));
  for (const [brand, own] of platforms) if (flat.includes(brand) && !own.includes(base)) return brand;
  return undefined;
}

export function detectPlatformLookalikes(ctx: DetectContext): void {
  // Only the frontmatter's declared hosts are exempt: a host merely named after the skill (and so
  // "affine") is exactly what a look-alike is.
  const own = declaredAnchors(ctx);
  const seen = new Set<string>();
  // The lines as written, then what cheap encodings on them decode to (the same skill, re-read).
  const texts: Array<{ line: number; text: string; via?: string }> = ctx.lines.map((text, i) => ({
    line: i + 1,
    text,
  }));
  for (const d of decodedLines(ctx)) texts.push({ line: d.line, text: d.text, via: d.encoding });
  for (const { line, text, via } of texts) {
    if (!/[a-z]\.[a-z]/i.test(text)) continue;
    hostToken.lastIndex = 0;
    for (let m = hostToken.exec(text); m; m = hostToken.exec(text)) {
      const host = m[0].toLowerCase();
      const brand = lookalikeOf(host);
      const base = baseDomain(host);
      if (!brand || seen.has(base) || own.has(base)) continue;
      seen.add(base);
      ctx.report({
        id: "hidden.platform-lookalike",
        severity: "high",
        file: ctx.model.file,
        line,
        column: via === undefined ? m.index + 1 : 1,
        message: `${host} borrows the name of ${brand} but is not one of its domains: a look-alike that serves fake logins or updates${via === undefined ? "" : ` (written as ${via})`}.`,
        evidence: (via === undefined ? text : (ctx.lines[line - 1] ?? "")).trim().slice(0, 300),
        ...(via === undefined ? {} : { decoded: text.slice(0, 2000) }),
      });
    }
  }
}
