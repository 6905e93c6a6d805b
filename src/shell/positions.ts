// Offsets in a text to 1-based line:column spans (UTF-16 units, like String.slice).
import type { Position, Span } from "../model.js";
import { lineIndex, positionAt } from "../text-lines.js";

export class LineIndex {
  private readonly starts: number[];

  /**
   * Lines of `text.slice(base, end)`: offsets passed in are into `text`, the positions returned
   * are relative to `base`, so a statement analysed inside its block reads as if parsed alone.
   */
  constructor(
    text: string,
    private readonly base = 0,
    end = text.length,
  ) {
    this.starts = lineIndex(text, base, end);
  }

  position(at: number): Position {
    const offset = at - this.base;
    return { ...positionAt(this.starts, offset), offset };
  }

  span(start: number, end: number): Span {
    return { start: this.position(start), end: this.position(end) };
  }
}
