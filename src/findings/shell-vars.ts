// Shell variables a skill assigns to literal text (`a="ht"`, `export URL='…'`), collected over
// every shell source of the skill: a command split into variables set in several code blocks is
// read back by substituting them. Line-based regex; bounded runs, so linear.

import type { DetectContext } from "./context.js";

/** `NAME=value` at a word start: double-quoted, single-quoted or bare value. */
const assignment =
  /(?:^|[\s;&|(])(?:(?:export|local|readonly|declare)\s+)?([A-Za-z_]\w{0,63})=("(?:[^"\\\n]|\\.){0,400}"|'[^'\n]{0,400}'|[^\s;&|'"()]{1,400})/g;
/** A parameter expansion as the shell readers print it (`${a}`), or the plain `$a` form. */
export const expansion = /\$\{(\w{1,64})\}|\$([A-Za-z_]\w{0,63})/g;

/** Variables assigned literal text anywhere in the skill's shell sources; the last one wins. */
export function literalVariables(ctx: DetectContext): Map<string, string> {
  const vars = new Map<string, string>();
  for (const src of ctx.shell) {
    if (!src.text.includes("=")) continue;
    for (const m of src.text.matchAll(assignment)) {
      const raw = m[2] ?? "";
      const value = /^["']/.test(raw) ? raw.slice(1, -1) : raw;
      vars.set(m[1] ?? "", value);
    }
  }
  return vars;
}

/** The word with the variables the skill assigns substituted (two rounds); unknown ones stay. */
export function substitute(word: string, vars: ReadonlyMap<string, string>): string {
  let out = word;
  for (let round = 0; round < 2; round++)
    out = out.replace(expansion, (whole, a: string | undefined, b: string | undefined) => {
      const v = vars.get(a ?? b ?? "");
      return v === undefined ? whole : v;
    });
  return out;
}

/** How many parameter expansions the word holds. */
export function expansionCount(word: string): number {
  let n = 0;
  for (const _ of word.matchAll(expansion)) n++;
  return n;
}
