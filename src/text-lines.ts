// Line positions in a text: where each line starts, and the 1-based line:column of an offset.
// One copy for the extractor, the shell analysis, the detectors and the reports.

/**
 * 0-based offsets at which each line starts; index 0 is line 1. With `base`/`end`, the lines of
 * `text.slice(base, end)`, offsets relative to `base`.
 */
export function lineIndex(text: string, base = 0, end = text.length): number[] {
  const starts = [0];
  for (let i = text.indexOf("\n", base); i >= 0 && i < end; i = text.indexOf("\n", i + 1))
    starts.push(i + 1 - base);
  return starts;
}

/** 1-based line:column of an offset (binary search over lineIndex). */
export function positionAt(starts: readonly number[], offset: number): { line: number; column: number } {
  let lo = 0;
  let hi = starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if ((starts[mid] ?? 0) <= offset) lo = mid;
    else hi = mid - 1;
  }
  return { line: lo + 1, column: offset - (starts[lo] ?? 0) + 1 };
}
