// Helpers over resolved shell words: slicing a word after an option prefix, and spotting
// env expansions that the shell would split and glob (unquoted $NAME).

import type { Word, WordPart } from "../model.js";

/** The word's text from character `from` of its value on; undefined if that cuts into an env part. */
export function sliceWord(word: Word, from: number): Word | undefined {
  let skip = from;
  const parts: WordPart[] = [];
  for (const part of word.parts) {
    if (skip === 0) {
      parts.push(part);
      continue;
    }
    if (part.kind === "env") return undefined;
    if (part.value.length <= skip) {
      skip -= part.value.length;
      continue;
    }
    parts.push({ kind: "literal", value: part.value.slice(skip) });
    skip = 0;
  }
  if (skip > 0) return undefined;
  return { raw: word.raw, value: word.value.slice(from), parts, span: word.span };
}

/** True when the first `length` characters of the value are literal text. */
export function literalPrefix(word: Word, length: number): boolean {
  let need = length;
  for (const part of word.parts) {
    if (need <= 0) return true;
    if (part.kind === "env") return false;
    need -= part.value.length;
  }
  return need <= 0;
}

export function envNames(word: Word): string[] {
  const names: string[] = [];
  for (const part of word.parts) if (part.kind === "env") names.push(part.name);
  return names;
}

export function isLiteral(word: Word): boolean {
  return word.dynamic === undefined && word.parts.every((p) => p.kind === "literal");
}

/**
 * Names of `$NAME` / `${NAME}` expansions written outside double quotes in the raw text. The
 * shell splits and globs those, so one word in the analysis could become several arguments.
 */
export function unquotedExpansions(raw: string): string[] {
  const found: string[] = [];
  let inDouble = false;
  for (let i = 0; i < raw.length; i++) {
    const c = raw[i];
    if (c === "\\") {
      i++;
      continue;
    }
    if (!inDouble && c === "$" && raw[i + 1] === "'") {
      // ANSI-C quoting $'…': backslash escapes inside, including \'.
      i += 2;
      while (i < raw.length && raw[i] !== "'") i += raw[i] === "\\" ? 2 : 1;
      continue;
    }
    if (!inDouble && c === "'") {
      const close = raw.indexOf("'", i + 1);
      i = close < 0 ? raw.length : close;
      continue;
    }
    if (c === '"') {
      inDouble = !inDouble;
      continue;
    }
    if (c === "$" && !inDouble) {
      const rest = raw.slice(i + 1);
      const m = /^\{?([A-Za-z_][A-Za-z0-9_]*)/.exec(rest);
      if (m) found.push(m[1] as string);
    }
  }
  return found;
}
