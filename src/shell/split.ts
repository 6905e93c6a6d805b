// Split a code block into its top-level statements, so each command line becomes its own step.
import type { Node } from "web-tree-sitter";
import type { ShellAnalysis } from "../model.js";
import {
  analyseStatement,
  analyseTree,
  blockStructure,
  parsedOrRefused,
  tooLong,
  tooManyHeredocs,
  type AnalyseOptions,
} from "./analyse.js";

export interface Statement {
  text: string;
  /** 0-based offset of `text` inside the block. */
  offset: number;
}

export interface AnalysedStatement extends Statement {
  /** The statement's analysis, taken from the block's own parse: equal to analyseShell(text). */
  analysis: ShellAnalysis;
}

// Control characters are dropped by the parser; splitting around them could lose bytes.
const UNSAFE = /[\x00-\x08\x0b-\x1f\x7f-\x9f]/;

/** Top-level statements of `text`, comments dropped; the whole text when it does not split cleanly. */
export function splitStatements(text: string): Statement[] {
  return splitAndAnalyse(text).map(({ text: own, offset }) => ({ text: own, offset }));
}

/**
 * Like splitStatements, with each statement analysed from the block's one parse: a block that
 * stays whole is analysed from its tree, and each statement of a split block from its subtree
 * (positions relative to the statement), exactly as analyseShell(statement.text) would.
 * A problem of the whole block that lies between statements (a backslash-newline that joins a
 * statement to the comment after it, `;` read where bash reads `;&`) keeps the block whole: the
 * split would drop the bytes bash reads there.
 */
export function splitAndAnalyse(text: string, opts: AnalyseOptions = {}): AnalysedStatement[] {
  // Refused before the parse: the parse itself is what grows with the square of their number.
  const heredocs = tooManyHeredocs(text, opts);
  if (heredocs) return [{ text, offset: 0, analysis: heredocs }];
  return parsedOrRefused(
    text,
    opts,
    (tree) => {
      const root = tree.rootNode;
      if (text.trim() === "") return [];
      const whole = (): AnalysedStatement[] => [
        { text, offset: 0, analysis: tooLong(text, opts) ?? analyseTree(text, root, opts) },
      ];
      if (wholeBlock(text, root)) return whole();
      const ranges = statementNodes(root);
      const blockProblems = blockStructure(text, root);
      const inside = (start: number, end: number): boolean =>
        ranges.some((r) => start >= r.start && end <= r.end);
      if (blockProblems.some((p) => !inside(p.span.start.offset, p.span.end.offset))) return whole();
      return ranges.map(({ nodes, start, end }) => ({
        text: text.slice(start, end),
        offset: start,
        analysis: analyseStatement(text, nodes, start, end, opts),
      }));
    },
    (analysis) => [{ text, offset: 0, analysis }],
  );
}

function wholeBlock(text: string, root: Node): boolean {
  return root.hasError || UNSAFE.test(text);
}

/** Top-level statements as node ranges; a trailing `&` stays with its statement. */
function statementNodes(root: Node): Array<{ nodes: Node[]; start: number; end: number }> {
  const out: Array<{ nodes: Node[]; start: number; end: number }> = [];
  const kids = root.children;
  for (let i = 0; i < kids.length; i++) {
    const kid = kids[i];
    if (!kid || !kid.isNamed || kid.type === "comment") continue;
    // Keep a trailing `&` with its statement so the background construct is still seen.
    const next = kids[i + 1];
    if (next?.type === "&") out.push({ nodes: [kid, next], start: kid.startIndex, end: next.endIndex });
    else out.push({ nodes: [kid], start: kid.startIndex, end: kid.endIndex });
  }
  return out;
}
