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
 * 63 KB, took 35 s); the largest real file in the corpus opens 268.
 */
export function parseMarkdown(text: string): Root {
  const problem = findExcessiveNesting(text, limits.maxMarkdownDepth);
  if (problem !== undefined) {
    throw new InputError(
      "too-deep",
      `markdown too complex to parse safely: ${problem} (limits: nesting ${limits.maxMarkdownDepth}, lists/blockquotes ${limits.maxMarkdownContainers})`,
      {
        fix: "Flatten the nesting or merge the lists of the file; no real skill comes near these limits.",
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
 * - lines inside fenced code are skipped (they nest nothing).
 * Returns a description of the first excess, or undefined.
 */
export function findExcessiveNesting(
  text: string,
  maxDepth: number,
  maxContainers: number = limits.maxMarkdownContainers,
): string | undefined {
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
        i = end + 1;
        line += 1;
        continue;
      }
    }
    if (fence !== 0) {
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

function isBlankCode(c: number): boolean {
  return c === 32 || c === 9 || c === 13 || c === 10;
}

function isSpaceOrEnd(text: string, i: number): boolean {
  if (i >= text.length) return true;
  const c = text.charCodeAt(i);
  return c === 32 || c === 9 || c === 10 || c === 13;
}
