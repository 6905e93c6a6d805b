// Offset → 1-based line:column for one file, built once (linear) and queried by binary search.

import { lineIndex, positionAt } from "../text-lines.js";

export interface LineColumn {
  line: number;
  column: number;
  offset: number;
}

export class LineIndex {
  private readonly starts: number[];

  constructor(readonly text: string) {
    this.starts = lineIndex(text);
  }

  /** Position of a 0-based offset (clamped to the text). */
  at(offset: number): LineColumn {
    const o = Math.max(0, Math.min(offset, this.text.length));
    return { ...positionAt(this.starts, o), offset: o };
  }

  /** 0-based offset where a 1-based line starts (text length past the end). */
  lineStart(line: number): number {
    return this.starts[line - 1] ?? this.text.length;
  }

  /** The text of a 1-based line, without its line ending. */
  lineText(line: number): string {
    const start = this.lineStart(line);
    let end = this.text.indexOf("\n", start);
    if (end < 0) end = this.text.length;
    if (end > start && this.text.charCodeAt(end - 1) === 13) end -= 1;
    return this.text.slice(start, end);
  }

  get lineCount(): number {
    return this.starts.length;
  }
}
