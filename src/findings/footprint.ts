// The skill's footprint (issue 14, session 11): what the rest of the skill handles — the kinds of
// object its commands, code and steps touch (object-kinds.ts), the hosts and mailboxes it talks
// to, the home and system paths it reads or writes. An order is judged against the footprint
// of everything but itself: its own paragraph and the heading right above it are left out (an
// injected order, or the heading it brings along, cannot vouch for itself), and so are commands
// written on its own lines. The skill's declared service (service.ts) always belongs to it.

import type { DetectContext, ProseSource } from "./context.js";
import { codeUnits } from "./code-units.js";
import { baseDomain, urlsIn } from "./hosts.js";
import { kindsIn, type ObjectKind } from "./object-kinds.js";
import { declaredService, isPlaceholderHost, isPlaceholderMailbox } from "./service.js";

export const mailAddress = /\b[\w.+-]+@(?:[\w-]+\.)+[a-z]{2,}\b/gi;
/** A path under the home directory or in a system folder: a place outside the workspace. */
export const outsidePath =
  /(?:~|\$HOME|\$\{HOME\}|%USERPROFILE%)\/\.?[\w.-]+|\/(?:etc|root|var|usr|Users|home|Library|private)\/[\w.-]+/g;

/** One piece of the skill the footprint is read from, with the lines it occupies. */
interface Piece {
  file: string;
  from: number;
  to: number;
  text: string;
}

export interface Footprint {
  kinds: Set<ObjectKind>;
  /** Registrable domains. */
  hosts: Set<string>;
  /** Lower-cased addresses. */
  mailboxes: Set<string>;
  /** Lower-cased outside paths (home or system folder and first component). */
  paths: Set<string>;
}

/** The lines of the main file a prose source occupies (a description: its frontmatter lines). */
export function linesOf(ctx: DetectContext, p: ProseSource): { from: number; to: number } {
  if (p.kind === "description") return descriptionLines(ctx);
  return { from: p.line, to: p.line + (p.text.match(/\n/g)?.length ?? 0) };
}

function descriptionLines(ctx: DetectContext): { from: number; to: number } {
  const fm = ctx.model.frontmatter;
  if (!fm) return { from: 0, to: -1 };
  const rows = fm.raw.split("\n");
  const i = rows.findIndex((r) => /^description\s*:/.test(r));
  if (i < 0) return { from: 0, to: -1 };
  let j = i;
  while (j + 1 < rows.length && /^\s+\S/.test(rows[j + 1] ?? "")) j++;
  return { from: fm.line + i, to: fm.line + j };
}

function addFeatures(out: Footprint, text: string): void {
  for (const k of kindsIn(text)) out.kinds.add(k);
  for (const u of urlsIn(text))
    if (!isPlaceholderHost(u.host)) out.hosts.add(baseDomain(u.host.toLowerCase()));
  for (const m of text.matchAll(mailAddress)) out.mailboxes.add(m[0].toLowerCase());
  for (const m of text.matchAll(outsidePath)) out.paths.add(m[0].toLowerCase());
}

/**
 * Where the footprint is read from: "all" — every line of the main file (one piece per line, so
 * an order's own lines can be left out), its bundled files and metadata; "acts" — only what the
 * skill runs and carries: its commands, code, bundled scripts and metadata (no prose).
 */
export type FootprintSource = "all" | "acts";
export const footprintSource: { value: FootprintSource } = { value: "all" };

const cache = new WeakMap<DetectContext, Map<FootprintSource, Piece[]>>();

function piecesOf(ctx: DetectContext, mode: FootprintSource): Piece[] {
  let byMode = cache.get(ctx);
  if (!byMode) cache.set(ctx, (byMode = new Map()));
  const cached = byMode.get(mode);
  if (cached) return cached;
  const out: Piece[] = [];
  const whole = Number.MAX_SAFE_INTEGER;
  if (mode === "all") {
    ctx.lines.forEach((text, i) => out.push({ file: ctx.model.file, from: i + 1, to: i + 1, text }));
    for (const b of ctx.model.bundled)
      if (b.type !== "binary" && b.text) out.push({ file: b.path, from: 1, to: whole, text: b.text });
  } else {
    for (const s of ctx.shell) {
      if (s.quoted) continue;
      out.push({
        file: s.file,
        from: s.at(0).line,
        to: s.at(Math.max(0, s.text.length - 1)).line,
        text: s.text,
      });
    }
    for (const u of codeUnits(ctx))
      if (!u.quoted)
        out.push({
          file: u.file,
          from: u.at(0).line,
          to: u.at(Math.max(0, u.text.length - 1)).line,
          text: u.text,
        });
    for (const b of ctx.model.bundled)
      if (b.type !== "binary" && b.type !== "markdown" && b.text)
        out.push({ file: b.path, from: 1, to: whole, text: b.text });
  }
  const meta = ctx.model.frontmatter?.metadata;
  if (meta) out.push({ file: "(metadata)", from: 0, to: 0, text: JSON.stringify(meta) });
  byMode.set(mode, out);
  return out;
}

/**
 * What the skill handles outside the lines `from`…`to` of its main file (and outside the heading
 * right above them), its declared service included.
 */
export function footprintOutside(
  ctx: DetectContext,
  ranges: ReadonlyArray<{ from: number; to: number }>,
): Footprint {
  const out: Footprint = {
    kinds: new Set(),
    hosts: new Set(declaredService(ctx)),
    mailboxes: new Set(),
    paths: new Set(),
  };
  const skip = (p: Piece): boolean =>
    p.file === ctx.model.file && ranges.some((r) => p.from <= r.to && p.to >= r.from);
  const kept: string[] = [];
  for (const p of piecesOf(ctx, footprintSource.value)) if (!skip(p)) kept.push(p.text);
  addFeatures(out, kept.join("\n"));
  return out;
}

/** A host a text sends to that the footprint does not hold. */
export function foreignHost(fp: Footprint, text: string): string | undefined {
  for (const u of urlsIn(text)) {
    if (isPlaceholderHost(u.host) || u.cls === "local") continue;
    if (!fp.hosts.has(baseDomain(u.host.toLowerCase()))) return u.host;
  }
  return undefined;
}

const fileSuffix =
  /\.(?:pdf|txt|json|jsonl|csv|tsv|md|png|jpe?g|gif|svg|zip|gz|tar|xml|html?|ya?ml|toml|log|py|js|ts|sh|docx?|xlsx?|pptx?)$/;

/** A mailbox a text names that the footprint does not hold (nor its domain). */
export function foreignMailbox(fp: Footprint, text: string): string | undefined {
  for (const m of text.matchAll(mailAddress)) {
    const a = m[0].toLowerCase();
    // `file=@report.pdf`, `user@host.json`: a file name, not a mailbox.
    if (fileSuffix.test(a)) continue;
    if (isPlaceholderMailbox(a) || isPlaceholderHost(a.split("@")[1] ?? "")) continue;
    if (fp.mailboxes.has(a) || fp.hosts.has(baseDomain(a.split("@")[1] ?? ""))) continue;
    return m[0];
  }
  return undefined;
}

/** A path outside the workspace a text names that the footprint does not hold. */
export function foreignPath(fp: Footprint, text: string): string | undefined {
  for (const m of text.matchAll(outsidePath)) if (!fp.paths.has(m[0].toLowerCase())) return m[0];
  return undefined;
}
