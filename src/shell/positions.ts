// Offsets in a text to 1-based line:column spans (UTF-16 units, like String.slice).
import type { Position, Span } from "../model.js";

export class LineIndex {
  private readonly starts: number[] = [0];

  /**
   * Lines of `text.slice(base, end)`: offsets passed in are into `text`, the positions returned
   * are relative to `base`, so a statement analysed inside its block reads as if parsed alone.
   */
  constructor(
    text: string,
    private readonly base = 0,
    end = text.length,
  ) {
    for (let i = text.indexOf("\n", base); i !== -1 && i < end; i = text.indexOf("\n", i + 1))
      this.starts.push(i + 1 - base);
  }

  position(at: number): Position {
    const offset = at - this.base;
    let lo = 0;
    let hi = this.starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if ((this.starts[mid] as number) <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo + 1, column: offset - (this.starts[lo] as number) + 1, offset };
  }

  span(start: number, end: number): Span {
    return { start: this.position(start), end: this.position(end) };
  }
}
