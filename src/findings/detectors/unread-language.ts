// Prose the review cannot read (language.ts): the skill speaks to the agent in a language none of
// the instruction rules read, so whatever those sentences order was not analysed. Reported high
// with that reason, once per file (the first such sentence and how many there are), so a person
// reads them before the skill is trusted. Text shown verbatim (fences, tables, example cues) is
// content, not the skill's voice, and is left out.

import type { DetectContext, ProseSource } from "../context.js";
import { lineOfOffset } from "../context.js";
import { unreadLanguage } from "../language.js";
import { sentencesOf } from "../sentences.js";

// CJK text ends sentences without a following space; split there too.
const cjkStop = /(?<=[。！？；])/u;

/**
 * A prose segment's text with its inline code blanked (same length): `say "外送到了"` is a command's
 * argument, judged with the command, not the skill's voice. Inline code is a segment of its own,
 * found by its line and text.
 */
function withoutInlineCode(p: ProseSource, inline: Map<number, string[]>): string {
  let text = p.text;
  const lines = text.split("\n").length;
  for (let line = p.line; line < p.line + lines; line++)
    for (const code of inline.get(line) ?? []) {
      const at = text.indexOf(code);
      if (at >= 0) text = text.slice(0, at) + " ".repeat(code.length) + text.slice(at + code.length);
    }
  return text;
}

export function detectUnreadLanguage(ctx: DetectContext): void {
  const inline = new Map<number, string[]>();
  for (const s of ctx.model.segments)
    if (s.kind === "code-inline" && s.text.trim() !== "")
      inline.set(s.line, [...(inline.get(s.line) ?? []), s.text]);
  const byFile = new Map<string, { line: number; evidence: string; what: string; count: number }>();
  for (const p of ctx.prose) {
    if (p.quoted || p.kind === "table-cell" || p.kind === "code-inline") continue;
    const text = p.kind === "description" ? p.text : withoutInlineCode(p, inline);
    for (const sent of sentencesOf(text, p.kind)) {
      let offset = sent.offset;
      for (const piece of sent.text.split(cjkStop)) {
        const unread = unreadLanguage(piece);
        if (unread !== undefined) {
          const seen = byFile.get(p.file);
          if (seen) seen.count += 1;
          else
            byFile.set(p.file, {
              line: lineOfOffset(p, offset),
              evidence: piece.trim().slice(0, 200),
              what: unread.what,
              count: 1,
            });
        }
        offset += piece.length;
      }
    }
  }
  for (const [file, u] of byFile)
    ctx.report({
      id: "obfuscation.unread-language",
      severity: "high",
      file,
      line: u.line,
      column: 1,
      message: `Cannot be analysed: ${u.count === 1 ? "a sentence" : `${u.count} sentences`} in ${u.what} (the first here). The review reads instructions in English only, so what ${u.count === 1 ? "it tells" : "they tell"} the agent was not checked; have someone who reads the language review ${u.count === 1 ? "it" : "them"}.`,
      evidence: u.evidence,
    });
}
