// Fail closed on names assembled at run time: bundled code that builds a sensitive API name or a
// credential path out of string pieces ('chil' + 'd_process', 'ev' + 'al') hides from every
// reader what it calls. The pieces are joined (one linear pass per file) and the result checked;
// a name no single piece spells out is reported as "cannot be analysed".

import type { DetectContext } from "../context.js";
import { lineIndex, positionAt } from "../context.js";
import { credentialPath } from "../util.js";

// Adjacent string literals joined by + (JS, Python).
const concatenation = /(?:(["'])(?:(?!\1)[^\\\n]){0,80}\1\s*\+\s*){1,12}(["'])(?:(?!\2)[^\\\n]){0,80}\2/g;
const piece = /(["'])((?:(?!\1)[^\\\n]){0,80})\1/g;
const sensitiveName =
  /^(?:child_process|eval|exec|execSync|spawn|spawnSync|Function|fetch|XMLHttpRequest|require|import|__import__|subprocess|system|popen|os\.system|socket|env|environ|readFileSync|writeFileSync|base64|atob|Buffer|http|https|net|dgram|curl|wget|bash|sh|powershell)$/;

export function detectAssembled(ctx: DetectContext): void {
  for (const b of ctx.model.bundled) {
    const text = b.text;
    if ((b.type !== "javascript" && b.type !== "python") || text === undefined) continue;
    let starts: number[] | undefined;
    for (const m of text.matchAll(concatenation)) {
      const parts = [...m[0].matchAll(piece)].map((p) => p[2] ?? "");
      const joined = parts.join("");
      const hidden =
        (sensitiveName.test(joined) && !parts.some((p) => sensitiveName.test(p))) ||
        (credentialPath.test(joined) && !parts.some((p) => credentialPath.test(p)));
      if (!hidden) continue;
      starts ??= lineIndex(text);
      const pos = positionAt(starts, m.index);
      ctx.report({
        id: "obfuscation.assembled-name",
        severity: "high",
        file: b.path,
        line: pos.line,
        column: pos.column,
        message: `Cannot be analysed: the code assembles "${joined}" from string pieces at run time, hiding what it calls or reads.`,
        evidence: m[0].slice(0, 200),
      });
    }
  }
}
