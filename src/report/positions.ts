// Maps positions inside a step's text (what the shell analysis reports) back to the file the
// step came from, and finds the source text a step or finding covers, for highlighting.

import type { SkillModel, Step } from "../model.js";
import { lineIndex, positionAt } from "../text-lines.js";

/** A half-open range of UTF-16 offsets in a file's text. */
export interface Range {
  start: number;
  end: number;
}

/** Offset of a 1-based line:column, or undefined when the position is outside the text. */
export function offsetAt(
  starts: readonly number[],
  text: string,
  line: number,
  column: number,
): number | undefined {
  const lineStart = starts[line - 1];
  if (lineStart === undefined || column < 1) return undefined;
  const offset = lineStart + column - 1;
  return offset <= lineEnd(starts, text, line) ? offset : undefined;
}

/** Offset of the end of a 1-based line (before its newline and any carriage return). */
export function lineEnd(starts: readonly number[], text: string, line: number): number {
  const next = starts[line];
  let end = next === undefined ? text.length : next - 1;
  if (end > 0 && text.charCodeAt(end - 1) === 13) end -= 1;
  return end;
}

/** The text of the file a step or finding is in: the main markdown or a bundled file. */
export function fileText(model: SkillModel, file: string): string | undefined {
  if (file === model.file) return model.text;
  return model.bundled.find((b) => b.path === file)?.text;
}

/** A file's text with its line table, computed once per file. */
export interface IndexedText {
  text: string;
  starts: number[];
}

export function indexText(text: string): IndexedText {
  return { text, starts: lineIndex(text) };
}

/** True when the step's text is a verbatim slice of its file at `step.offset`. */
export function isVerbatim(step: Step, source: IndexedText | undefined): boolean {
  return source !== undefined && step.text.length > 0 && source.text.startsWith(step.text, step.offset);
}

/**
 * The file ranges a step covers: its verbatim text when it is a slice of the file; for a console
 * block (prompts stripped) each line its line table names, from the command to the line's end;
 * else its own line from its column to the line's end.
 */
export function stepRanges(step: Step, source: IndexedText | undefined): Range[] {
  if (source === undefined) return [];
  if (isVerbatim(step, source)) return [{ start: step.offset, end: step.offset + step.text.length }];
  const table = step.lineStarts;
  if (table !== undefined && table.length > 0) {
    const ranges = table
      .map((entry) => restOfLine(source, entry.line, entry.column))
      .filter((r): r is Range => r !== undefined);
    if (ranges.length > 0) return ranges;
  }
  const fallback = restOfLine(source, step.line, step.column);
  return fallback === undefined ? [] : [fallback];
}

/** From line:column to the end of that line; the fallback highlight for anything without a length. */
export function restOfLine(source: IndexedText, line: number, column: number): Range | undefined {
  const start = offsetAt(source.starts, source.text, line, column);
  if (start === undefined) return undefined;
  const end = lineEnd(source.starts, source.text, line);
  return { start, end: Math.max(end, start) };
}

/**
 * The file range a finding covers: its evidence when the evidence is written at its position,
 * else from its position to the end of the line.
 */
export function evidenceRange(
  source: IndexedText,
  line: number,
  column: number,
  evidence: string,
): Range | undefined {
  const start = offsetAt(source.starts, source.text, line, column);
  if (start === undefined) return undefined;
  if (evidence.length > 0 && source.text.startsWith(evidence, start)) {
    return { start, end: start + evidence.length };
  }
  return restOfLine(source, line, column);
}

/**
 * The file line:column of a 0-based offset inside a step's text (as the shell analysis reports
 * positions), using the verbatim slice or the console line table; the step's own position when
 * neither applies (a command derived from a frontmatter spec).
 */
export function stepPosition(
  step: Step,
  source: IndexedText | undefined,
  textOffset: number,
): { line: number; column: number } {
  if (source !== undefined && isVerbatim(step, source)) {
    return positionAt(source.starts, step.offset + Math.min(Math.max(textOffset, 0), step.text.length));
  }
  const table = step.lineStarts;
  if (table !== undefined) {
    let entry: (typeof table)[number] | undefined;
    for (const candidate of table) {
      if (candidate.textOffset <= textOffset) entry = candidate;
      else break;
    }
    if (entry !== undefined)
      return { line: entry.line, column: entry.column + (textOffset - entry.textOffset) };
  }
  return { line: step.line, column: step.column };
}
