// Shared by the session-8 persistence rules (persist-*.ts, agent-safety-off.ts): every text of a
// skill (SKILL.md and its bundled text files) as lines, and whether a line of the markdown
// advises against, forbids, quotes or describes what it names rather than ordering it. The
// rules read a small window of lines around an anchor, so each costs O(lines × window).

import type { DetectContext } from "../context.js";
import { lineIndex, positionAt } from "../context.js";
import type { RuleId } from "../rules.js";
import type { Severity } from "../../model.js";
import { prohibitionLines } from "../prohibition.js";
import { describes, negatedAt } from "../sentences.js";

export interface SkillText {
  file: string;
  lines: string[];
  starts: number[];
  /** The skill's markdown (prose can advise or quote); bundled code orders what it contains. */
  markdown: boolean;
  /** 1-based line → whether that line advises, forbids, quotes or describes (markdown only). */
  advisory: (line: number) => boolean;
}

const commentLine = /^\s*(?:#(?!!)|\/\/|\*|<!--)/;

const cache = new WeakMap<DetectContext, SkillText[]>();

/** The skill's texts: SKILL.md first, then bundled text files (binaries and unread files skipped). */
export function skillTexts(ctx: DetectContext): SkillText[] {
  let texts = cache.get(ctx);
  if (!texts) {
    texts = readTexts(ctx);
    cache.set(ctx, texts);
  }
  return texts;
}

function readTexts(ctx: DetectContext): SkillText[] {
  const banned = prohibitionLines(ctx.model.text);
  const out: SkillText[] = [
    {
      file: ctx.model.file,
      lines: ctx.lines as string[],
      starts: ctx.lineStarts as number[],
      markdown: true,
      advisory: (line) => {
        const text = ctx.lines[line - 1] ?? "";
        return banned.has(line) || ctx.cues.at(line) || ctx.cues.before(line, 2) || describes(text);
      },
    },
  ];
  for (const b of ctx.model.bundled) {
    if (b.text === undefined || b.type === "binary") continue;
    const lines = b.text.split("\n");
    const markdown = b.type === "markdown";
    out.push({
      file: b.path,
      lines,
      starts: lineIndex(b.text),
      markdown,
      // A comment in code says something about the code; it runs nothing.
      advisory: (line) => commentLine.test(lines[line - 1] ?? ""),
    });
  }
  return out;
}

/** Whether the text before `index` on `line` negates it ("never …", "do not …"). */
export function negatedBefore(line: string, index: number): boolean {
  return negatedAt(line, index);
}

/** The fenced block lines (exclusive of fences) that follow `line` (1-based), at most `max`. */
export function blockAfter(lines: readonly string[], line: number, max: number): string[] {
  const out: string[] = [];
  let i = line; // 0-based index of the next line
  while (i < lines.length && (lines[i] ?? "").trim() === "") i++;
  const open = /^\s*(`{3,}|~{3,})/.exec(lines[i] ?? "");
  if (open) {
    for (i++; i < lines.length && out.length < max; i++) {
      const l = lines[i] ?? "";
      if (l.trim().startsWith(open[1] ?? "```")) break;
      out.push(l);
    }
    return out;
  }
  // A blockquote or indented block directly under the line.
  for (; i < lines.length && out.length < max; i++) {
    const l = lines[i] ?? "";
    if (!/^\s*>|^ {4}|^\t/.test(l)) break;
    out.push(l);
  }
  return out;
}

/** Report at 1-based `line` of `t`, with the line as evidence. */
export function reportLine(
  ctx: DetectContext,
  t: SkillText,
  line: number,
  id: RuleId,
  severity: Severity,
  message: string,
): void {
  const text = t.lines[line - 1] ?? "";
  const col = text.length - text.trimStart().length;
  const pos = positionAt(t.starts, (t.starts[line - 1] ?? 0) + col);
  ctx.report({
    id,
    severity,
    file: t.file,
    line: pos.line,
    column: pos.column,
    message,
    evidence: text.trim().slice(0, 300),
  });
}
