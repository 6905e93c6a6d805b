// Split a code block into its top-level statements, so each command line becomes its own step.
import type { Node } from "web-tree-sitter";
import type { ShellAnalysis } from "../model.js";
import { analyseTree, tooLong, type AnalyseOptions } from "./analyse.js";
import { withTree } from "./parser.js";

export interface Statement {
  text: string;
  /** 0-based offset of `text` inside the block. */
  offset: number;
}

export interface AnalysedStatement extends Statement {
  /** Present when the statement is the whole block: analysed from the split's own parse. */
  analysis?: ShellAnalysis;
}

// Control characters are dropped by the parser; splitting around them could lose bytes.
const UNSAFE = /[\x00-\x08\x0b-\x1f\x7f-\x9f]/;

/** Top-level statements of `text`, comments dropped; the whole text when it does not parse cleanly. */
export function splitStatements(text: string): Statement[] {
  return withTree(text, (tree) => statementsOf(text, tree.rootNode));
}

/**
 * Like splitStatements, but a block that stays whole (one statement, or one that does not parse
 * cleanly) is analysed from the same parse instead of being parsed a second time. The analysis
 * is exactly analyseShell(text): same text, same tree.
 */
export function splitAndAnalyse(text: string, opts: AnalyseOptions = {}): AnalysedStatement[] {
  return withTree(text, (tree) => {
    const statements: AnalysedStatement[] = statementsOf(text, tree.rootNode);
    const only = statements.length === 1 ? statements[0] : undefined;
    if (only !== undefined && only.text === text)
      only.analysis = tooLong(text, opts) ?? analyseTree(text, tree.rootNode, opts);
    return statements;
  });
}

function statementsOf(text: string, root: Node): Statement[] {
  if (root.hasError || UNSAFE.test(text)) return text.trim() === "" ? [] : [{ text, offset: 0 }];
  const out: Statement[] = [];
  const kids = root.children;
  for (let i = 0; i < kids.length; i++) {
    const kid = kids[i];
    if (!kid || !kid.isNamed || kid.type === "comment") continue;
    let end = kid.endIndex;
    // Keep a trailing `&` with its statement so the background construct is still seen.
    const next = kids[i + 1];
    if (next?.type === "&") end = next.endIndex;
    out.push({ text: text.slice(kid.startIndex, end), offset: kid.startIndex });
  }
  return out;
}
