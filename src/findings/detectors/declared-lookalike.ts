// Look-alikes of the skill's own declared host. The frontmatter names the service (homepage,
// api_base); a different registrable domain that spells that host as an extra label
// ("www.moltbook.com.api-edge.net"), is one letter off ("moltbok.com"), or hides a zero-width
// character inside the host is where the skill's key or its next update would go instead. Read on
// every line, bare host lines and code included, after removing invisible characters (IDNA drops
// them, so the host that resolves is the one without them).

import type { DetectContext } from "../context.js";
import { limits } from "../../limits.js";
import { baseDomain, sharedHosts, urlsIn } from "../hosts.js";
import { isPlaceholderHost } from "../service.js";
import { decodedLines } from "../decoded-lines.js";
import { hostToken } from "./platform-lookalike.js";

/** Characters IDNA maps to nothing: invisible in a rendered host, gone from the resolved one. */
const invisible = /[\u00AD\u200B-\u200D\u2060\uFEFF]/g;
/** Shortest registrable label compared by edit distance (short labels collide by chance). */
const minTypoLabel = 5;

/** Registrable domains the frontmatter declares as the skill's service (homepage, API base). */
export function declaredAnchors(ctx: DetectContext): Set<string> {
  const out = new Set<string>();
  const raw = ctx.model.frontmatter?.raw ?? "";
  for (const u of urlsIn(raw)) {
    if (!u.host || isPlaceholderHost(u.host) || u.cls === "local") continue;
    const base = baseDomain(u.host.toLowerCase());
    if (!sharedHosts.has(base)) out.add(base);
  }
  return out;
}

/** Levenshtein distance, capped: returns cap + 1 once the distance exceeds cap. */
export function editDistance(a: string, b: string, cap = 2): number {
  if (Math.abs(a.length - b.length) > cap) return cap + 1;
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    let rowMin = i;
    for (let j = 1; j <= b.length; j++) {
      const v = Math.min(
        (prev[j] ?? 0) + 1,
        (cur[j - 1] ?? 0) + 1,
        (prev[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1),
      );
      cur.push(v);
      rowMin = Math.min(rowMin, v);
    }
    if (rowMin > cap) return cap + 1;
    prev = cur;
  }
  return prev[b.length] ?? cap + 1;
}

const label = (base: string): string => base.split(".")[0] ?? base;

/** "acme-pay.co" for "acme-pay.com": the same registrable name under another public suffix. */
export function swapsSuffix(host: string, anchor: string): boolean {
  const base = baseDomain(host.toLowerCase());
  return base !== anchor && label(base) === label(anchor);
}

/**
 * Whether the skill's documentation keeps using `base` (on serviceHostMinLines lines or more): a
 * service's second domain (manus.im and api.manus.ai), not a drop named once in an order.
 */
function documented(ctx: DetectContext, base: string): boolean {
  const dotted = new RegExp(
    `(?:^|[^a-z0-9.-])(?:[a-z0-9-]+\\.)*${base.replace(/[.]/g, "\\.")}(?![a-z0-9-])`,
    "i",
  );
  return ctx.lines.filter((l) => dotted.test(l)).length >= limits.serviceHostMinLines;
}

/** How `host` imitates `anchor` (a registrable domain), or undefined. */
export function imitation(host: string, anchor: string): string | undefined {
  const h = host.toLowerCase();
  const base = baseDomain(h);
  if (base === anchor) return undefined;
  if (`.${h}.`.includes(`.${anchor}.`)) return `spells ${anchor} as extra labels of ${base}`;
  // "moltbook.com-api.net": the declared domain glued to the front of another label.
  if (`.${h}`.includes(`.${anchor}-`)) return `spells ${anchor} inside a label of ${base}`;
  const a = label(anchor);
  const l = label(base);
  if (a.length >= minTypoLabel && l.length >= minTypoLabel && editDistance(a, l, 1) === 1)
    return `is one letter away from ${anchor}`;
  if (swapsSuffix(host, anchor)) return `is ${anchor} under another public suffix`;
  return undefined;
}

export function detectDeclaredLookalikes(ctx: DetectContext): void {
  const anchors = declaredAnchors(ctx);
  if (anchors.size === 0) return;
  const seen = new Set<string>();
  const texts: Array<{ line: number; text: string; via?: string }> = ctx.lines.map((text, i) => ({
    line: i + 1,
    text,
  }));
  for (const d of decodedLines(ctx)) texts.push({ line: d.line, text: d.text, via: d.encoding });
  for (const { line: lineNo, text: raw, via } of texts) {
    if (!/[a-z]\.[a-z]/i.test(raw) && !invisible.test(raw)) continue;
    invisible.lastIndex = 0;
    const hidden = invisible.test(raw);
    invisible.lastIndex = 0;
    const line = hidden ? raw.replace(invisible, "") : raw;
    hostToken.lastIndex = 0;
    for (let m = hostToken.exec(line); m; m = hostToken.exec(line)) {
      const host = m[0].toLowerCase();
      // A domain the frontmatter itself declares (homepage .com, api .io) is the skill's own.
      if (seen.has(host) || anchors.has(baseDomain(host))) continue;
      for (const anchor of anchors) {
        const how = imitation(host, anchor);
        if (how === undefined || (swapsSuffix(host, anchor) && documented(ctx, baseDomain(host)))) continue;
        seen.add(host);
        const note = [hidden ? "written with an invisible character" : "", via ? `written as ${via}` : ""]
          .filter(Boolean)
          .join(", ");
        ctx.report({
          id: "hidden.declared-lookalike",
          severity: "high",
          file: ctx.model.file,
          line: lineNo,
          column: via === undefined ? m.index + 1 : 1,
          message: `${host} ${how}, the skill's declared service${note ? ` (${note})` : ""}: a look-alike host where the key or an update would go instead.`,
          evidence: (via === undefined ? line : (ctx.lines[lineNo - 1] ?? "")).trim().slice(0, 300),
          ...(via === undefined ? {} : { decoded: raw.slice(0, 2000) }),
        });
        break;
      }
    }
  }
}
