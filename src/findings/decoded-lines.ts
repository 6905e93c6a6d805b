// The skill's own lines as they read once cheap encodings are undone: base64/base85/hex literals,
// quoted pieces joined with +, and char-code lists, on any line (prose, code, JSON values). Host
// rules read these as part of the same skill, so a look-alike written in base64 is still a
// look-alike. Bounded by limits.maxDecodedLines; cached per context.

import { limits } from "../limits.js";
import type { DetectContext } from "./context.js";
import { decodeCharCodes, findEncoded, numberLists } from "./decode.js";

export interface DecodedLine {
  /** 1-based line of the encoded text in the skill file. */
  line: number;
  encoding: string;
  text: string;
}

const joinedPieces = /(?:([`'"])[^`'"\n]{1,60}\1\s*\+\s*){2,20}([`'"])[^`'"\n]{1,60}\2/g;

/** The pieces of a `'a' + 'b' + 'c'` run, joined. */
export function joinPieces(s: string): string {
  return [...s.matchAll(/([`'"])([^`'"\n]{1,60})\1/g)].map((p) => p[2] ?? "").join("");
}

const cache = new WeakMap<DetectContext, DecodedLine[]>();

export function decodedLines(ctx: DetectContext): DecodedLine[] {
  const cached = cache.get(ctx);
  if (cached) return cached;
  const out: DecodedLine[] = [];
  cache.set(ctx, out);
  for (let i = 0; i < ctx.lines.length && out.length < limits.maxDecodedLines; i++) {
    const line = ctx.lines[i] ?? "";
    if (line.length < 12) continue;
    for (const e of findEncoded(line)) out.push({ line: i + 1, encoding: e.encoding, text: e.decoded });
    for (const m of line.matchAll(joinedPieces))
      out.push({ line: i + 1, encoding: "joined pieces", text: joinPieces(m[0]) });
    for (const l of numberLists(line)) {
      const t = decodeCharCodes(l.numbers);
      if (t !== undefined) out.push({ line: i + 1, encoding: "char codes", text: t });
    }
  }
  return out;
}
