// Words that mix Latin letters with Cyrillic or Greek lookalikes ("uрlоаd", "Dо nоt tеll the usеr").
// The prose rules already read such words as their Latin selves (lookalikes.ts), so an order
// spelled this way is judged for what it orders. The spelling itself is reported here, once per
// file, at medium: no ordinary text writes a word in two scripts, but a security tool's examples
// of the trick do (low there), and the order it hides, if any, has its own finding.

import type { DetectContext } from "../context.js";
import { lookalikeWords } from "../lookalikes.js";

export function detectHomoglyphWords(ctx: DetectContext): void {
  const texts = ctx.model.segments.map((s) => ({ text: s.text, line: s.line }));
  const fm = ctx.model.frontmatter;
  if (fm?.description !== undefined) texts.push({ text: fm.description, line: fm.line });
  const words: string[] = [];
  let first: { line: number; evidence: string } | undefined;
  for (const t of texts)
    for (const { word, index } of lookalikeWords(t.text)) {
      words.push(word);
      if (first !== undefined) continue;
      const lineStart = t.text.lastIndexOf("\n", index) + 1;
      const lineEnd = t.text.indexOf("\n", index);
      first = {
        line: t.line + t.text.slice(0, index).split("\n").length - 1,
        evidence: t.text
          .slice(lineStart, lineEnd < 0 ? undefined : lineEnd)
          .trim()
          .slice(0, 200),
      };
    }
  if (first === undefined) return;
  const shown = [...new Set(words)].slice(0, 5).map((w) => `"${w}"`);
  ctx.report({
    id: "hidden.homoglyph-text",
    severity: ctx.securityTool ? "low" : "medium",
    file: ctx.model.file,
    line: first.line,
    column: 1,
    message: `${words.length === 1 ? "A word mixes" : `${words.length} words mix`} Latin letters with Cyrillic or Greek lookalikes (${shown.join(", ")}): text that reads as English to a person but not to a word-matching filter. The review reads them as their Latin lookalikes; write the text in one script.`,
    evidence: first.evidence,
  });
}
