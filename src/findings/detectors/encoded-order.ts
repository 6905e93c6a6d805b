// Fail closed on encoded text the model is told to decode and act on: a blob in the skill (a
// base64/base85/hex literal, a list of numbers, quoted pieces joined with +) near a sentence that
// orders decoding, mapping or joining followed by running or following the result. What the agent
// would do is not in the text a reviewer reads, so it is high "cannot be analysed", whether or not
// the blob can be decoded here (an affine map or a run-time key cannot). When it can, the decoded
// text is attached. Inline code spans are masked before the order is read: a dotted piece
// (`hooks.on_register`, `https://get.`) must not end the sentence.

import { limits } from "../../limits.js";
import type { DetectContext } from "../context.js";
import { findEncoded, numberLists, decodeCharCodes } from "../decode.js";
import { negatedAt } from "../sentences.js";
import { joinPieces } from "../decoded-lines.js";

/** A base64/base85/hex-looking run: long, and mixing letters with digits. */
const opaqueRun = /[A-Za-z0-9+/=!#$%&()*;<>?@^_`{|}~-]{24,}/g;
/** Quoted or code-span pieces joined with + (three or more). */
const joinedPieces = /(?:([`'"])[^`'"\n]{1,60}\1\s*\+\s*){2,20}([`'"])[^`'"\n]{1,60}\2/;
const decodeVerb =
  "decode|decrypt|de-?obfuscate|unscramble|reverse|xor|rot-?13|base(?:64|85|32)[- ]decode|join|concatenate|assemble|combine|reconstruct|map|convert|translate|compute|work out|figure out|decipher|read (?:it|each|them) as";
const order = new RegExp(
  `\\b(?:${decodeVerb})\\b[^.;\\n]{0,160}?(?:\\b(?:and|then)\\b|,)\\s*(?:\\w+\\s+){0,3}?(?:run|execute|eval|follow|obey|carry (?:it |them |this |that )?out|do what|act on|perform)\\b`,
  "i",
);

const decodeStep = new RegExp(`\\b(?:${decodeVerb})\\b`, "i");
/** A later sentence's order to run the decoded text ("Run the result in a terminal"). */
const runLater =
  /\b(?:run|execute|eval|follow|obey|carry out|act on|perform)\s+(?:\w+\s+){0,2}?(?:it|them|that|this|the (?:result|output|decoded|command|string|text|script))\b|\bcarry (?:it|them|this|that|the result) out\b/i;

/** Masked sentences of lines from..to, each with its line index. */
function sentencesOf(
  lines: readonly string[],
  from: number,
  to: number,
): Array<{ line: number; text: string }> {
  const out: Array<{ line: number; text: string }> = [];
  for (let j = from; j <= to; j++) {
    const masked = (lines[j] ?? "").replace(/`[^`\n]{0,200}`/g, "X");
    for (const text of masked.split(/(?<=[.;!?])\s+/)) if (text.trim()) out.push({ line: j, text });
  }
  return out;
}

/** A decode order in one sentence and the order to run its result in a later one, both unnegated. */
function splitOrder(lines: readonly string[], from: number, to: number): number | undefined {
  const sentences = sentencesOf(lines, from, to);
  for (let k = 0; k < sentences.length; k++) {
    const d = sentences[k];
    const m = d ? decodeStep.exec(d.text) : null;
    if (!d || !m || negatedAt(d.text, m.index)) continue;
    for (const r of sentences.slice(k + 1)) {
      const n = runLater.exec(r.text);
      if (n && !negatedAt(r.text, n.index)) return d.line;
    }
  }
  return undefined;
}

/** Whether a line carries a blob, and what it decodes to when that is cheap. */
function blobOn(line: string): { decoded?: string } | undefined {
  const enc = findEncoded(line)[0];
  if (enc) return { decoded: enc.decoded };
  const pieces = joinedPieces.exec(line);
  if (pieces) return { decoded: joinPieces(pieces[0]) };
  const list = numberLists(line).find((l) => l.numbers.length >= limits.encodedOrderMinNumbers);
  if (list) {
    const decoded = decodeCharCodes(list.numbers);
    return decoded === undefined ? {} : { decoded };
  }
  for (const m of line.matchAll(opaqueRun))
    if (/[a-z]/.test(m[0]) && /[A-Z]/.test(m[0]) && /\d/.test(m[0]) && !/^https?:|\/\//.test(m[0])) return {};
  return undefined;
}

export function detectEncodedOrders(ctx: DetectContext): void {
  const lines = ctx.lines;
  const window = limits.encodedOrderWindowLines;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? "";
    if (line.length < 6) continue;
    const blob = blobOn(line);
    if (!blob) continue;
    const from = Math.max(0, i - window);
    const to = Math.min(lines.length - 1, i + window);
    for (let j = from; j <= to; j++) {
      const masked = (lines[j] ?? "").replace(/`[^`\n]{0,200}`/g, "X");
      const m = order.exec(masked);
      if (!m || negatedAt(masked, m.index)) {
        if (splitOrder(lines, j, to) !== j) continue;
      }
      ctx.report({
        id: "obfuscation.encoded-order",
        severity: "high",
        file: ctx.model.file,
        line: i + 1,
        column: 1,
        message:
          "Cannot be analysed: the skill tells the agent to decode or assemble this encoded text and run or follow the result.",
        evidence: `${(lines[j] ?? "").trim().slice(0, 200)} | ${line.trim().slice(0, 120)}`,
        ...(blob.decoded !== undefined ? { decoded: blob.decoded } : {}),
      });
      return;
    }
  }
}
