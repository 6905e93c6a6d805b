// Bundled code the skill never calls: a script or module whose name appears nowhere in SKILL.md or
// in any other file the skill ships. Nothing the skill documents runs it, so it is either dead
// weight or loaded some other way (a plugin directory, an import hook) — the place a payload
// hides behind a clean-looking skill. Reported low (context for a reviewer, never a verdict on its
// own): raising the file's other findings on this ground cost false positives (docs/eval.md).

import type { DetectContext } from "../context.js";

const codeTypes = new Set(["python", "javascript", "shell"]);
/** Entry points run by package managers or tooling rather than by name. */
const conventional =
  /(?:^|\/)(?:setup\.py|conftest\.py|__init__\.py|__main__\.py|index\.(?:js|mjs|cjs|ts)|main\.(?:py|js|ts)|cli\.(?:py|js|ts)|[\w.-]*\.config\.(?:js|mjs|cjs|ts)|[\w.-]*\.d\.ts)$|(?:^|\/)(?:tests?|__tests__|spec|examples?|docs?)\//i;

export function detectUnreferenced(ctx: DetectContext): void {
  const code = ctx.model.bundled.filter((b) => codeTypes.has(b.type) && b.text !== undefined);
  if (code.length === 0) return;
  for (const b of code) {
    if (conventional.test(b.path)) continue;
    const base = b.path.slice(b.path.lastIndexOf("/") + 1);
    const stem = base.replace(/\.[^.]+$/, "");
    if (stem.length < 2) continue;
    // Referenced by file name (SKILL.md, docs, other scripts) or imported by module name.
    let importOf: RegExp | undefined;
    // The plain substring test first: most texts do not hold the stem at all.
    const named = (text: string): boolean =>
      text.includes(base) ||
      (text.includes(stem) &&
        (importOf ??= new RegExp(
          `(?:import|from|require\\(|source)\\s*[^\\n]{0,80}\\b${escape(stem)}\\b`,
        )).test(text));
    if (named(ctx.model.text)) continue;
    if (ctx.model.bundled.some((o) => o !== b && o.text !== undefined && named(o.text))) continue;
    ctx.report({
      id: "bundled.unreferenced",
      severity: "low",
      file: b.path,
      line: 1,
      column: 1,
      message: `${b.path} is shipped but nothing in the skill calls it: code the instructions never run.`,
      evidence: b.path,
    });
  }
}

function escape(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
