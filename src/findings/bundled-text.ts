// The skill's bundled text files joined and lower-cased, worked out once per skill: the rules that
// ask "is this word or host named anywhere else in the skill" read it from every context, and each
// bundled document is read in a context of its own that shares the same `bundled` array.

import type { BundledFile } from "../model.js";

const joined = new WeakMap<readonly BundledFile[], string>();

/** Every non-binary bundled file's text, joined by newlines and lower-cased. */
export function bundledTextLower(bundled: readonly BundledFile[]): string {
  let t = joined.get(bundled);
  if (t === undefined) {
    t = bundled
      .filter((b) => b.type !== "binary")
      .map((b) => b.text ?? "")
      .join("\n")
      .toLowerCase();
    joined.set(bundled, t);
  }
  return t;
}
