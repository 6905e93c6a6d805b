// Text hidden as escape sequences in a shell command: a run of \xHH (or \NNN octal) escapes in a
// printf format or a $'…' word that spells printable text (`printf '\x2a\x2f\x33…' | crontab -`).
// The shell expands them when the command runs, so a reader of the skill sees noise where the
// command is. Terminal colour codes (`\x1b[32m`) are one escape among plain text and stay clean:
// only a run of escapes that decodes to plain printable text with letters is reported.

import { limits } from "../../limits.js";
import type { DetectContext } from "../context.js";

const hexRun = /(?:\\x[0-9a-fA-F]{2}){2,4000}/g;
const octalRun = /(?:\\0?[0-3][0-7]{2}){2,4000}/g;

function decodeRun(run: string): string {
  const codes = run.startsWith("\\x")
    ? run
        .split("\\x")
        .slice(1)
        .map((h) => parseInt(h, 16))
    : run
        .split("\\")
        .slice(1)
        .map((o) => parseInt(o, 8));
  return String.fromCharCode(...codes);
}

export function detectEscapedText(ctx: DetectContext): void {
  for (const src of ctx.shell) {
    if (src.quoted || src.depth > 0 || !src.text.includes("\\")) continue;
    for (const re of [hexRun, octalRun]) {
      for (const m of src.text.matchAll(re)) {
        const count = m[0].split("\\").length - 1;
        if (count < limits.escapedTextMinRun) continue;
        const text = decodeRun(m[0]);
        if (!/^[\x20-\x7e\t\n]+$/.test(text) || (text.match(/[A-Za-z]/g) ?? []).length < 4) continue;
        const pos = src.at(m.index);
        ctx.report({
          id: "obfuscation.escaped-text",
          severity: "high",
          file: src.file,
          line: pos.line,
          column: pos.column,
          message: `A command hides its text as ${count} escape sequences the shell expands at run time ("${text.slice(0, 120)}"); no ordinary command needs that. Write the text out literally.`,
          evidence: m[0].slice(0, 200),
          decoded: text,
        });
        return;
      }
    }
  }
}
