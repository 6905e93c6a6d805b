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
// Arrays of string literals joined at run time: ['child', 'process'].join('_'), '_'.join([...]),
// and an array held in a variable and joined later (parts = [...]; cmd = parts.join('')).
const arrayLiteral =
  /\[\s*(?:(["'])(?:(?!\1)[^\\\n]){0,80}\1\s*,\s*){1,40}(["'])(?:(?!\2)[^\\\n]){0,80}\2\s*,?\s*\]/g;
const joinAfter = /^\s*\.join\(\s*(?:(["'])((?:(?!\1)[^\\\n]){0,8})\1)?\s*\)/;
const joinBefore = /(["'])((?:(?!\1)[^\\\n]){0,8})\1\.join\(\s*$/;
const arrayName = /(?:^|[\s;(])(?:(?:const|let|var)\s+)?([A-Za-z_$][\w$]*)\s*=\s*$/;
/** A shell command assembled from pieces: the program and a URL or an argument. */
const assembledCommand = /^(?:curl|wget|nc|ncat|bash|sh|powershell|nslookup|python3?)\s+\S/;
const sensitiveName =
  /^(?:child_process|eval|exec|execSync|spawn|spawnSync|Function|fetch|XMLHttpRequest|require|import|__import__|subprocess|system|popen|os\.system|socket|env|environ|readFileSync|writeFileSync|base64|atob|Buffer|http|https|net|dgram|curl|wget|bash|sh|powershell)$/;

export function detectAssembled(ctx: DetectContext): void {
  for (const b of ctx.model.bundled) {
    const text = b.text;
    if ((b.type !== "javascript" && b.type !== "python") || text === undefined) continue;
    let starts: number[] | undefined;
    for (const a of assembledNames(text)) {
      starts ??= lineIndex(text);
      report(ctx, b.path, positionAt(starts, a.index), a.joined, a.evidence);
    }
  }
}

/** Names, credential paths and commands that code (JS/Python) assembles from string pieces. */
export function assembledNames(text: string): Array<{ index: number; joined: string; evidence: string }> {
  const out: Array<{ index: number; joined: string; evidence: string }> = [];
  for (const m of text.matchAll(concatenation)) {
    const parts = [...m[0].matchAll(piece)].map((p) => p[2] ?? "");
    const joined = parts.join("");
    if (hides(parts, joined)) out.push({ index: m.index, joined, evidence: m[0] });
  }
  if (!text.includes(".join(")) return out;
  for (const m of text.matchAll(arrayLiteral)) {
    const parts = [...m[0].matchAll(piece)].map((p) => p[2] ?? "");
    const end = m.index + m[0].length;
    const after = joinAfter.exec(text.slice(end, end + 40));
    const before = joinBefore.exec(text.slice(Math.max(0, m.index - 40), m.index));
    let sep: string | undefined = after ? (after[2] ?? ",") : before?.[2];
    if (sep === undefined) {
      // Held in a variable: the first `name.join(…)` after the array decides the separator.
      const name = arrayName.exec(text.slice(Math.max(0, m.index - 60), m.index))?.[1];
      if (name === undefined) continue;
      const later = new RegExp(
        `\\b${name.replace(/\$/g, "\\$")}\\.join\\(\\s*(?:(["'])((?:(?!\\1)[^\\\\\\n]){0,8})\\1)?\\s*\\)`,
      ).exec(text.slice(end, end + 4000));
      if (!later) continue;
      sep = later[2] ?? ",";
    }
    const joined = parts.join(sep);
    if (hides(parts, joined)) out.push({ index: m.index, joined, evidence: m[0] });
  }
  return out;
}

/** True when the joined text is a sensitive name, credential path or command that no piece spells. */
function hides(parts: string[], joined: string): boolean {
  return (
    (sensitiveName.test(joined) && !parts.some((p) => sensitiveName.test(p))) ||
    (credentialPath.test(joined) && !parts.some((p) => credentialPath.test(p))) ||
    // A command counts only when its program name itself is split (argv joined with spaces is not).
    (assembledCommand.test(joined) &&
      !parts.some((p) => assembledCommand.test(p)) &&
      joined.split(/\s/)[0] !== parts[0]?.trim())
  );
}

export function report(
  ctx: DetectContext,
  file: string,
  pos: { line: number; column: number },
  joined: string,
  evidence: string,
): void {
  ctx.report({
    id: "obfuscation.assembled-name",
    severity: "high",
    file,
    line: pos.line,
    column: pos.column,
    message: `Cannot be analysed: the code assembles "${joined.slice(0, 120)}" from string pieces at run time, hiding what it calls or reads.`,
    evidence: evidence.slice(0, 200),
  });
}
