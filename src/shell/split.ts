// Split a code block into its top-level statements, so each command line becomes its own step.
import { withTree } from "./parser.js";

export interface Statement {
  text: string;
  /** 0-based offset of `text` inside the block. */
  offset: number;
}

// Control characters are dropped by the parser; splitting around them could lose bytes.
const UNSAFE = /[\x00-\x08\x0b-\x1f\x7f-\x9f]/;

/** Top-level statements of `text`, comments dropped; the whole text when it does not parse cleanly. */
export function splitStatements(text: string): Statement[] {
  return withTree(text, (tree) => {
    const root = tree.rootNode;
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
  });
}
