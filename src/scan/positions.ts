// Maps an offset inside a step's text back to line:column in the file the step came from.
// Fenced code inside lists or blockquotes has its indentation (and `> ` markers) stripped by the
// markdown parser, so a text line is found at the end of its source line rather than by arithmetic.

import type { Step } from "../model.js";
import { lineIndex } from "../text-lines.js";

export interface FileLines {
  lines: string[];
  /** 0-based offset of each line's first character. */
  starts: number[];
}

export function indexLines(text: string): FileLines {
  return { lines: text.split("\n"), starts: lineIndex(text) };
}

export interface MappedPosition {
  line: number;
  column: number;
  offset: number;
}

/** Position in the file of `textOffset` inside `step.text`. */
export function mapStepOffset(step: Step, textOffset: number, file: FileLines | undefined): MappedPosition {
  if (step.lineStarts && step.lineStarts.length > 0) {
    let best = step.lineStarts[0]!;
    for (const ls of step.lineStarts) {
      if (ls.textOffset <= textOffset) best = ls;
      else break;
    }
    const column = best.column + (textOffset - best.textOffset);
    return { line: best.line, column, offset: offsetOf(file, best.line, column) };
  }
  const before = step.text.slice(0, textOffset);
  const lineIndex = countNewlines(before);
  const lineStartInText = before.lastIndexOf("\n") + 1;
  const within = textOffset - lineStartInText;
  const line = step.line + lineIndex;
  if (lineIndex === 0) {
    const column = step.column + within;
    return { line, column, offset: offsetOf(file, line, column) };
  }
  const textLineEnd = step.text.indexOf("\n", lineStartInText);
  const textLine = step.text.slice(lineStartInText, textLineEnd === -1 ? undefined : textLineEnd);
  const sourceLine = file?.lines[line - 1];
  const indent =
    sourceLine !== undefined && sourceLine.endsWith(textLine) ? sourceLine.length - textLine.length : 0;
  const column = indent + within + 1;
  return { line, column, offset: offsetOf(file, line, column) };
}

function countNewlines(s: string): number {
  let n = 0;
  for (let i = s.indexOf("\n"); i !== -1; i = s.indexOf("\n", i + 1)) n++;
  return n;
}

function offsetOf(file: FileLines | undefined, line: number, column: number): number {
  const start = file?.starts[line - 1];
  return start === undefined ? 0 : start + column - 1;
}
