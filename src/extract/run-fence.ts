// Interpreter code in a fence the skill tells the agent to run (issue 14, fail closed): a
// ```python, ```ruby or ```node block after "Run this:" or under an install heading is code an
// agent executes, in a language skillwall does not parse as it parses shell. Such a block is
// reported not analysed (as a bundled .py or .rb file is); a block shown as an example is left
// alone. Negated lead-ins ("do not run this") do not count.

/** Languages whose code acts on the system when an agent runs it. */
const INTERPRETED = new Set(
  (
    "python py python3 javascript js node nodejs mjs cjs jsx typescript ts tsx deno ruby rb perl pl php lua " +
    "r go golang swift groovy kotlin kts scala elixir ex exs dart julia jl tcl"
  ).split(" "),
);

/** The fence's language word when it names such a language. */
export function interpretedLang(lang: string | null | undefined): string | undefined {
  const word = /^[a-z0-9_+-]+/.exec(
    (lang ?? "")
      .trim()
      .toLowerCase()
      .replace(/^\{\s*\.?|^language-/, ""),
  )?.[0];
  return word !== undefined && INTERPRETED.has(word) ? word : undefined;
}

/** A lead-in that tells the agent to run the block that follows ("Run this script:", "Execute:"). */
export function isRunLeadIn(paragraphText: string): boolean {
  // A lead-in introduces the block: it ends with ":" ("Run this to set up:").
  const text = paragraphText.trim().replace(/[*_\s]+$/, "");
  if (text.length > 300 || !text.endsWith(":")) return false;
  if (/\b(?:do not|don'?t|never|avoid)\s+(?:\w+\s+){0,2}(?:run|execute|exec)\b/i.test(text)) return false;
  return (
    /\b(?:run|execute|exec)\b/i.test(text) ||
    /\b(?:paste|save)\b[^.\n]{0,80}\b(?:and|then)\s+(?:run|execute)\b/i.test(text)
  );
}
