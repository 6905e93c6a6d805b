// Hidden content: instructions in HTML comments and markdown comments (never-rendered link
// definitions), invisible or bidi characters, Unicode tag text.

import type { DetectContext } from "../context.js";
import { positionAt } from "../context.js";
import { decodeUnicodeTags } from "../decode.js";
import { injectionKind } from "./prompt-injection.js";
import { looksLikeCommandLine, looksLikeProseCommand, proseCommandInside } from "../../extract/commands.js";

const commentInstruction =
  /\b(?:you (?:must|should|are|will)|always|never|ignore|assistant|agent|ai model|llm|claude|chatgpt|system prompt|instructions?|execute|run the|curl|wget|base64|bash|https?:\/\/|send|upload|api[ _-]?key|token|password)\b/i;
// Zero-width and bidi controls. U+200D (zero-width joiner) is left out: emoji sequences use it.
const invisible = /[\u200B\u200C\u2060-\u2064\u202A-\u202E\u2066-\u2069]|(?<!^)\uFEFF/g;
const bidi = /[\u202A-\u202E\u2066-\u2069]/;
const tagChars = /[\u{E0000}-\u{E007F}]+/gu;

/**
 * Each `<!--…-->` in order, as `/<!--([\s\S]*?)-->/g` would find them, in linear time: the regex
 * rescanned to the text's end from every `<!--` when no `-->` followed (200 KB of `<!--`: 30 s).
 * With no `-->` after one opener there is none after any later one, so the search stops there.
 */
function* htmlComments(text: string): Generator<{ index: number; body: string }> {
  let from = 0;
  for (;;) {
    const open = text.indexOf("<!--", from);
    if (open < 0) return;
    const close = text.indexOf("-->", open + 4);
    if (close < 0) return;
    yield { index: open, body: text.slice(open + 4, close) };
    from = close + 3;
  }
}

/**
 * A line of hidden text that holds a command after a lead-in ("Agent: first run curl -F … and
 * …"). A whole command line is judged as a step; this one is not, and no reviewer sees it either.
 */
function unjudgedCommand(body: string): string | undefined {
  for (const raw of body.split("\n")) {
    const line = raw.replace(/<\/?[A-Za-z][^<>]*>/g, " ").trim();
    if (
      line !== "" &&
      !looksLikeProseCommand(line) &&
      !looksLikeCommandLine(line) &&
      proseCommandInside(line)
    )
      return line;
  }
  return undefined;
}

/**
 * Judge the body of text hidden from the rendered view (an HTML comment, a markdown comment):
 * high when it carries agent instructions or a command nobody judged (fail closed: hidden from
 * the reviewer and not analysed), low when it reads like an instruction or a command.
 */
function judgeHiddenComment(
  ctx: DetectContext,
  id: "hidden.html-comment" | "hidden.md-comment" | "hidden.html-hidden-element",
  what: string,
  raw: string,
  pos: { line: number; column: number },
): void {
  const body = raw.trim();
  if (body.length < 12) return;
  const inj = injectionKind(body);
  const unjudged = inj === undefined ? unjudgedCommand(body) : undefined;
  if (inj) {
    ctx.report({
      id,
      severity: "high",
      file: ctx.model.file,
      line: pos.line,
      column: pos.column,
      message: `${what}, invisible when rendered, carries agent instructions (${inj}).`,
      evidence: body.slice(0, 300),
    });
  } else if (unjudged !== undefined) {
    ctx.report({
      id,
      severity: "high",
      file: ctx.model.file,
      line: pos.line,
      column: pos.column,
      message: `${what}, invisible when rendered, holds a command after a lead-in that was not analysed: a reviewer does not see it and skillwall did not judge it.`,
      evidence: unjudged.slice(0, 300),
    });
  } else if (
    commentInstruction.test(body) &&
    !/\bdo not (?:execute|run)\b|\bspecimen\b|\binert\b/i.test(body)
  ) {
    ctx.report({
      id,
      severity: "low",
      file: ctx.model.file,
      line: pos.line,
      column: pos.column,
      message: `${what}, invisible when rendered, contains instruction-like text.`,
      evidence: body.slice(0, 300),
    });
  }
}

export function detectHidden(ctx: DetectContext): void {
  const text = ctx.model.text;
  const starts = ctx.lineStarts;
  // A comment inside a code block is shown verbatim (a quoted example of an attack), not hidden.
  const blocks = [
    ...ctx.model.code,
    ...ctx.model.steps.filter(
      (s) => s.file === ctx.model.file && (s.kind === "fenced" || s.kind === "console"),
    ),
  ].map((b) => [b.offset, b.offset + b.text.length] as const);
  for (const c of htmlComments(text)) {
    if (blocks.some(([a, b]) => c.index >= a && c.index < b)) continue;
    judgeHiddenComment(ctx, "hidden.html-comment", "An HTML comment", c.body, positionAt(starts, c.index));
  }
  for (const seg of ctx.model.segments)
    if (seg.kind === "md-comment")
      judgeHiddenComment(
        ctx,
        "hidden.md-comment",
        "A markdown comment (a link definition nothing uses)",
        seg.text,
        seg,
      );
    else if (seg.kind === "hidden-element")
      judgeHiddenComment(
        ctx,
        "hidden.html-hidden-element",
        "An HTML/XML element a browser does not show (display:none, hidden)",
        seg.text,
        seg,
      );
  let count = 0;
  let first = -1;
  let hasBidi = false;
  for (const m of text.matchAll(invisible)) {
    if (first < 0) first = m.index;
    count++;
    if (bidi.test(m[0])) hasBidi = true;
  }
  if (count > 0) {
    const pos = positionAt(starts, first);
    const line = text.slice(starts[pos.line - 1] ?? 0, (starts[pos.line] ?? text.length) - 1);
    ctx.report({
      id: "hidden.invisible-chars",
      severity: hasBidi || count >= 3 ? "high" : "medium",
      file: ctx.model.file,
      line: pos.line,
      column: pos.column,
      message: `${count} invisible ${hasBidi ? "bidirectional-override/" : ""}zero-width character(s) make what the agent reads differ from what a reviewer sees.`,
      evidence: JSON.stringify(line.slice(0, 200)),
    });
  }
  for (const m of text.matchAll(tagChars)) {
    const decoded = decodeUnicodeTags(m[0]);
    if (decoded === undefined) continue;
    const pos = positionAt(starts, m.index);
    ctx.report({
      id: "hidden.unicode-tags",
      severity: "critical",
      file: ctx.model.file,
      line: pos.line,
      column: pos.column,
      message: "Invisible Unicode tag characters spell out hidden text for the agent.",
      evidence: `${[...m[0]].length} tag characters`,
      decoded,
    });
  }
}
