// Fail closed on orders kept in data files: the skill tells the agent to run or follow a command,
// script or instructions stored in a bundled JSON/YAML/TOML/INI/XML file ("run the `bootstrap`
// command listed in config.yaml", "carry out the on_first_run instructions in feeds.yaml"). The
// review reads markdown and scripts as instructions, not the values of a data file, so what the
// agent would do is not analysed: high "cannot be analysed". Negated, advisory and user-addressed
// sentences are left alone, and so is a data file named without such an order ("follow the
// schema in config.json").

import type { DetectContext } from "../context.js";
import { describes, negatedAt, sentencesOf, userIsActor } from "../sentences.js";
import { baseName } from "../util.js";

// html/htm/xhtml: typed as data (bundled-kinds.ts), so no prose detector reads them either (rt10).
const dataFile = /\.(?:json5?|jsonc|ya?ml|toml|ini|cfg|conf|xml|plist|html?|xhtml)$/i;
/** Package manifests hold scripts run through their own tool (`npm run x`), which steps show. */
const manifest = /^(?:package(?:-lock)?\.json|tsconfig[\w.-]*\.json|composer\.json|pyproject\.toml)$/i;
const order =
  /\b(?:run|execute|eval(?:uate)?|carry out|follow|obey|perform)\b[^.;\n]{0,80}?\b(?:commands?|instructions?|steps?|scripts?|values?|entry|entries|directions|actions?|tasks?|hooks?|payload|snippet|code)\b/i;

/** "follow <file> step by step / exactly / to the letter", "carry out <file>'s steps". */
function followsFile(text: string, named: string): RegExpExecArray | null {
  const file = named.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  return new RegExp(
    `\\b(?:run|execute|carry out|follow|obey|perform)\\b[^;\\n]{0,80}?${file}(?:'s\\s+(?:steps?|instructions?|commands?)|\\s+(?:step[- ]by[- ]step|exactly|to the letter|in full|line by line))\\b`,
    "i",
  ).exec(text);
}

export function detectDataFileOrder(ctx: DetectContext): void {
  const names = ctx.model.bundled
    .map((b) => baseName(b.path))
    .filter((n) => dataFile.test(n) && !manifest.test(n));
  if (names.length === 0) return;
  const texts = [
    { file: ctx.model.file, text: ctx.model.text },
    ...ctx.model.bundled
      .filter((b) => b.type === "markdown" && b.text !== undefined)
      .map((b) => ({ file: b.path, text: b.text ?? "" })),
  ];
  for (const { file, text } of texts) {
    const lines = text.split("\n");
    for (let i = 0; i < lines.length; i++) {
      const line = lines[i] ?? "";
      const lower = line.toLowerCase();
      const named = names.find((n) => lower.includes(n.toLowerCase()));
      if (named === undefined) continue;
      for (const s of sentencesOf(line)) {
        if (!s.text.toLowerCase().includes(named.toLowerCase())) continue;
        // The order's [^.] span stops at the file name's dots, so "follow guide.json step by step"
        // and "follow guide.html exactly" (the order is the file itself) are read apart (rt10).
        const m = order.exec(s.text) ?? followsFile(s.text, named);
        if (!m) continue;
        if (negatedAt(s.text, m.index) || userIsActor(s.text, m.index) || describes(s.text)) continue;
        ctx.report({
          id: "obfuscation.data-file-order",
          severity: "high",
          file,
          line: i + 1,
          column: s.offset + 1,
          message: `Cannot be analysed: the skill tells the agent to run or follow what a data file holds (${named}); the review does not read a data file's values as commands or instructions. Put the command or instruction in the skill's text.`,
          evidence: s.text.trim().slice(0, 300),
        });
        return;
      }
    }
  }
}
