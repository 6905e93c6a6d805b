// The Python and JavaScript the skill carries, wherever it sits: bundled .py/.js files and the
// ```python / ```js blocks of SKILL.md and of its bundled markdown (issue 14, coverage). A block
// in the skill's document is code the agent runs or adapts as readily as a bundled script, so
// the code detectors read both the same way; positions name the file and line the code is on.

import type { EmbeddedCode } from "../model.js";
import { interpretedLang } from "../extract/run-fence.js";
import { lineIndex, positionAt, type DetectContext } from "./context.js";
import { LineCues } from "./quoting.js";

export interface CodeUnit {
  text: string;
  file: string;
  lang: "python" | "javascript";
  /** File position of an offset in `text`. */
  at: (offset: number) => { line: number; column: number };
  /** A block of a markdown document (not a bundled script file). */
  fenced: boolean;
  /** A block shown under a quoting cue (an example of an attack, a detection pattern). */
  quoted: boolean;
}

/** The fence language's code family, when the code detectors read it. */
function langOf(fence: string): CodeUnit["lang"] | undefined {
  const word = interpretedLang(fence);
  if (word === undefined) return undefined;
  if (/^(?:python|py|python3)$/.test(word)) return "python";
  if (/^(?:javascript|js|node|nodejs|mjs|cjs|jsx|typescript|ts|tsx|deno)$/.test(word)) return "javascript";
  return undefined;
}

function blocksOf(
  file: string,
  text: string,
  code: readonly EmbeddedCode[],
  quotedAt: (line: number) => boolean,
): CodeUnit[] {
  const out: CodeUnit[] = [];
  let starts: number[] | undefined;
  for (const c of code) {
    const lang = langOf(c.lang);
    if (lang === undefined || c.text.trim() === "") continue;
    const base = c.offset;
    out.push({
      text: c.text,
      file,
      lang,
      at: (o) => positionAt((starts ??= lineIndex(text)), base + o),
      fenced: true,
      quoted: quotedAt(c.line),
    });
  }
  return out;
}

/** Every Python/JavaScript unit of the skill: bundled files first, then code blocks in documents. */
export function codeUnits(ctx: DetectContext): CodeUnit[] {
  const out: CodeUnit[] = [];
  for (const b of ctx.model.bundled) {
    if ((b.type !== "python" && b.type !== "javascript") || b.text === undefined) continue;
    let starts: number[] | undefined;
    const text = b.text;
    out.push({
      text,
      file: b.path,
      lang: b.type,
      at: (o) => positionAt((starts ??= lineIndex(text)), o),
      fenced: false,
      quoted: false,
    });
  }
  out.push(...blocksOf(ctx.model.file, ctx.model.text, ctx.model.code, (line) => ctx.cues.before(line, 3)));
  for (const d of ctx.model.documents ?? []) {
    const cues = new LineCues(d.text.split("\n"));
    out.push(...blocksOf(d.file, d.text, d.code, (line) => cues.before(line, 3)));
  }
  return out;
}
