// The prose units a learned scorer reads (issue 14, I14LRN): every sentence, list item or
// description clause of the skill's prose, as sentencesOf splits them, with where it stands.
// Headings and inline code are context, not units; quoted text stays in (its quoting is a feature).

import type { DetectContext, ProseSource } from "../context.js";
import { sentencesOf } from "../sentences.js";

export interface ProseUnit {
  text: string;
  file: string;
  line: number;
  /** The segment the unit came from (paragraph, list-item, description, …). */
  seg: ProseSource;
}

/** Units longer than this are not sentences an order hides in (tables flattened, minified text). */
const maxUnitChars = 600;

export function proseUnits(ctx: DetectContext): ProseUnit[] {
  const out: ProseUnit[] = [];
  for (const seg of ctx.prose) {
    if (seg.kind === "heading" || seg.kind === "code-inline") continue;
    for (const s of sentencesOf(seg.text, seg.kind)) {
      const text = s.text.trim();
      if (text.length < 12 || text.length > maxUnitChars || !/[a-z]{3}/i.test(text)) continue;
      const nl = seg.text.slice(0, s.offset).split("\n").length - 1;
      out.push({ text, file: seg.file, line: seg.kind === "description" ? seg.line : seg.line + nl, seg });
    }
  }
  return out;
}
