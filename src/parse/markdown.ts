// Markdown → mdast with one processor, built once and frozen (building a processor per file
// costs more than parsing a small skill). No GFM on purpose: it halves parse speed; bare URLs
// are found by src/parse/urls.ts instead.

import type { Root } from "mdast";
import remarkFrontmatter from "remark-frontmatter";
import remarkParse from "remark-parse";
import { unified } from "unified";
import { InputError } from "../errors.js";
import { limits } from "../limits.js";

const processor = unified().use(remarkParse).use(remarkFrontmatter, ["yaml"]).freeze();

/**
 * Parse markdown (with YAML frontmatter) into mdast. Throws InputError "too-deep" for input
 * nested past limits.maxMarkdownDepth: remark's time grows with the square of the nesting
 * (100k `>` takes ~50 s, 10k nested list markers ~36 s), so such input is refused up front.
 * The same for more than limits.maxMarkdownContainers separate lists/blockquotes: micromark's
 * time grows with the square of their number too (4,000 one-item lists between paragraphs,
 * 63 KB, took 35 s); the largest real file in the corpus opens 268. And for more inline markup
 * per paragraph than limits.maxInlineMarkupWork (see there): one 1 MB paragraph of `<<EOF ` lines
 * took 8.8 s, time growing with the square of its size.
 */
export function parseMarkdown(text: string): Root {
  const problem = findExcessiveNesting(text, limits.maxMarkdownDepth);
  if (problem !== undefined) {
    throw new InputError(
      "too-deep",
      `markdown too complex to parse safely: ${problem} (limits: nesting ${limits.maxMarkdownDepth}, lists/blockquotes ${limits.maxMarkdownContainers}, inline markup work ${limits.maxInlineMarkupWork})`,
      {
        fix: "Flatten the nesting, merge the lists, or split long paragraphs with blank lines; no real skill comes near these limits.",
      },
    );
  }
  return processor.parse(text);
}

/**
 * A cheap linear pre-check of the raw text. It over-estimates (it ignores code fences), which
 * only matters for absurd input: the limit is far beyond any real skill.
 * - container depth of a line: leading `>` and list markers plus indentation / 2;
 * - link/image bracket depth: running `[` minus `]` within a block (reset at blank lines);
 * - link destinations: running `](` minus `)` within a block;
 * - emphasis: unclosed opening `*`/`_` runs within a block, and a run longer than 2 × limit;
 * - lines inside fenced code are skipped (they nest nothing);
 * - inline markup work: per paragraph, the fewer of its text runs (line ends and markup that ends
 *   a run) and its markup that may fall back to text, times its length, summed over the file. It counts every line, fenced code too:
 *   a fence the check misreads must not hide a paragraph.
 * Returns a description of the first excess, or undefined.
 */
export function findExcessiveNesting(
  text: string,
  maxDepth: number,
  maxContainers: number = limits.maxMarkdownContainers,
  maxInlineWork: number = limits.maxInlineMarkupWork,
): string | undefined {
  // Inline markup work: the paragraph so far (runs it may break into, markup that may fall back
  // to text, length) and the work of the file's earlier paragraphs.
  let paragraphRuns = 0;
  let paragraphFallbacks = 0;
  let paragraphEmphasis = 0;
  let paragraphChars = 0;
  let earlierWork = 0;
  let paragraphLine = 1;
  let line = 1;
  // Separate lists/blockquotes opened so far (a container line after a non-container line).
  let containers = 0;
  let prevContainer = false;
  let i = 0;
  let bracketDepth = 0;
  // Link destinations `](` not yet closed by `)`: micromark rescans the rest of the block for
  // each (100 KB of `[x](` on one line took 15 s).
  let destinations = 0;
  let emphasisDepth = 0;
  let fence = 0;
  let fenceLength = 0;
  const n = text.length;
  while (i < n) {
    // Container prefix of this line.
    let depth = 0;
    let indent = 0;
    let j = i;
    for (;;) {
      const c = text.charCodeAt(j);
      if (c === 32) {
        indent += 1;
        j += 1;
      } else if (c === 9) {
        indent += 4;
        j += 1;
      } else if (c === 62 /* > */) {
        depth += 1;
        j += 1;
      } else if ((c === 45 || c === 42 || c === 43) /* - * + */ && isSpaceOrEnd(text, j + 1)) {
        depth += 1;
        j += 1;
      } else if (c >= 48 && c <= 57) {
        let k = j;
        while (k < n && k - j < 9 && text.charCodeAt(k) >= 48 && text.charCodeAt(k) <= 57) k += 1;
        const d = text.charCodeAt(k);
        if ((d === 46 || d === 41) /* . ) */ && isSpaceOrEnd(text, k + 1)) {
          depth += 1;
          j = k + 1;
        } else break;
      } else break;
    }
    if (depth > 0 && !prevContainer && ++containers > maxContainers)
      return `line ${line} opens list or blockquote number ${containers}; more than ${maxContainers} in one file`;
    prevContainer = depth > 0;
    if (depth > 0 && depth + Math.floor(indent / 2) > maxDepth) {
      return `line ${line} opens ${depth + Math.floor(indent / 2)} nested blockquotes/lists`;
    }
    let end = text.indexOf("\n", j);
    if (end < 0) end = n;
    // Only a line of spaces and `>` surely ends a paragraph (a lone `*` or `1.` may not).
    let runs = 1; // its line end
    let fallbacks = 0;
    let emphasis = 0;
    let blankLine = true;
    for (let k = i; k < end; k += 1) {
      const c = text.charCodeAt(k);
      if (endsTextRun(c)) runs += 1;
      if (mayFallBackToText(c)) fallbacks += 1;
      // An emphasis marker costs ~4 text splices (60 KB of `*a`: 13 s).
      if (c === 42 || c === 95 /* * _ */) emphasis += 4;
      if (!isBlankCode(c) && c !== 62 /* > */) blankLine = false;
    }
    let inlineExcess: string | undefined;
    if (blankLine) {
      earlierWork += (Math.min(paragraphRuns, paragraphFallbacks) + paragraphEmphasis) * paragraphChars;
      paragraphRuns = 0;
      paragraphFallbacks = 0;
      paragraphEmphasis = 0;
      paragraphChars = 0;
    } else {
      if (paragraphChars === 0) paragraphLine = line;
      paragraphRuns += runs;
      paragraphFallbacks += fallbacks;
      paragraphEmphasis += emphasis;
      paragraphChars += end - i + 1;
      // A text splice happens only in a run holding a markup character that fell back to text;
      // emphasis splices at most once per `*` or `_`.
      const work =
        earlierWork + (Math.min(paragraphRuns, paragraphFallbacks) + paragraphEmphasis) * paragraphChars;
      if (work > maxInlineWork)
        inlineExcess = `the paragraph from line ${paragraphLine} to line ${line} has too many lines and markup characters for its size (${paragraphRuns} text runs, ${paragraphFallbacks} markup characters that may be text, ${paragraphEmphasis} emphasis markers, ${paragraphChars} characters; more than ${maxInlineWork} units of inline markup work in one file)`;
    }
    // Fenced code: nothing inside it nests, so only the fence lines matter.
    const fc = text.charCodeAt(j);
    if (fc === 96 || fc === 126 /* ` ~ */) {
      let r = j;
      while (r < end && text.charCodeAt(r) === fc) r += 1;
      if (r - j >= 3) {
        if (fence === 0) {
          fence = fc;
          fenceLength = r - j;
        } else if (fc === fence && r - j >= fenceLength) fence = 0;
        if (inlineExcess !== undefined) return inlineExcess;
        i = end + 1;
        line += 1;
        continue;
      }
    }
    if (fence !== 0) {
      if (inlineExcess !== undefined) return inlineExcess;
      i = end + 1;
      line += 1;
      continue;
    }
    // Rest of the line: brackets and emphasis runs.
    let blank = true;
    let other = false;
    let longestRun = 0;
    for (let k = j; k < end; k += 1) {
      const c = text.charCodeAt(k);
      if (c === 42 || c === 95 /* * _ */) {
        // A delimiter run: opening after a blank, closing before one.
        let r = k + 1;
        while (r < end && text.charCodeAt(r) === c) r += 1;
        if (r - k > longestRun) longestRun = r - k;
        const before = k > j ? text.charCodeAt(k - 1) : 32;
        const after = r < end ? text.charCodeAt(r) : 32;
        if (isBlankCode(before) && !isBlankCode(after)) {
          emphasisDepth += 1;
          if (emphasisDepth > maxDepth)
            return `line ${line} opens more than ${maxDepth} nested emphasis spans`;
        } else if (!isBlankCode(before) && isBlankCode(after) && emphasisDepth > 0) emphasisDepth -= 1;
        blank = false;
        k = r - 1;
        continue;
      }
      if (!isBlankCode(c)) {
        blank = false;
        other = true;
      }
      if (c === 91 /* [ */) {
        bracketDepth += 1;
        if (bracketDepth > maxDepth) return `line ${line} nests more than ${maxDepth} links or images`;
      } else if (c === 93 /* ] */ && bracketDepth > 0) bracketDepth -= 1;
      else if (c === 40 /* ( */ && k > j && text.charCodeAt(k - 1) === 93) {
        destinations += 1;
        if (destinations > maxDepth)
          return `line ${line} opens more than ${maxDepth} link destinations '](' that do not close`;
      } else if (c === 41 /* ) */ && destinations > 0) destinations -= 1;
    }
    if (other && longestRun > 2 * maxDepth) return `line ${line} has a run of ${longestRun} emphasis markers`;
    if (inlineExcess !== undefined) return inlineExcess;
    if (blank && depth === 0) {
      bracketDepth = 0;
      destinations = 0;
      emphasisDepth = 0;
    }
    i = end + 1;
    line += 1;
  }
  return undefined;
}

/**
 * Characters after which micromark may start a new run of text pieces: the markup constructs that
 * succeed without a closer (& \ ` [ ] * _), `>` (every `<` construct that succeeds ends with
 * one; a `<` alone is only text) and a bare carriage return (a line end).
 */
function endsTextRun(c: number): boolean {
  return (
    c === 38 || c === 92 || c === 96 || c === 91 || c === 93 || c === 42 || c === 95 || c === 62 || c === 13
  );
}

/**
 * Markup characters that may fail as a construct and become a text piece of their own (the
 * second piece of a run, which micromark then splices): < ! & \ ` ]. A `[`, `*` or `_` always
 * opens a construct at first.
 */
function mayFallBackToText(c: number): boolean {
  return c === 60 || c === 33 || c === 38 || c === 92 || c === 96 || c === 93;
}

function isBlankCode(c: number): boolean {
  return c === 32 || c === 9 || c === 13 || c === 10;
}

function isSpaceOrEnd(text: string, i: number): boolean {
  if (i >= text.length) return true;
  const c = text.charCodeAt(i);
  return c === 32 || c === 9 || c === 10 || c === 13;
}
