// Shared helpers for the policy tests: hand-built words/commands and a one-call judge.
import { existsSync } from "node:fs";
import path from "node:path";
import type { JudgedStep, SimpleCommand, Span, Step, Word } from "../../src/model.js";
import { judgeStep } from "../../src/policy/index.js";
import type { Policy } from "../../src/policy/types.js";
import { analyseShell, initShell } from "../../src/shell/index.js";

export const repoRoot = path.resolve(import.meta.dirname, "../..");
// The shared corpus sits next to the main checkout; a git worktree is one level deeper.
export const corpusRoot =
  [path.resolve(repoRoot, "../shared/corpus"), path.resolve(repoRoot, "../../shared/corpus")].find((p) =>
    existsSync(p),
  ) ?? path.resolve(repoRoot, "../shared/corpus");

const span: Span = { start: { line: 1, column: 1, offset: 0 }, end: { line: 1, column: 1, offset: 0 } };

/** A literal word; `$NAME` segments become env parts (as the analyser renders a quoted "$NAME"). */
export function word(text: string, raw = text): Word {
  const parts: Word["parts"] = [];
  let rest = text;
  while (rest.length > 0) {
    const m = /\$\{?([A-Za-z_][A-Za-z0-9_]*)\}?/.exec(rest);
    if (!m) {
      parts.push({ kind: "literal", value: rest });
      break;
    }
    if (m.index > 0) parts.push({ kind: "literal", value: rest.slice(0, m.index) });
    parts.push({ kind: "env", name: m[1] as string });
    rest = rest.slice(m.index + m[0].length);
  }
  const value = parts.map((p) => (p.kind === "env" ? `\${${p.name}}` : p.value)).join("");
  return { raw, value, parts, span };
}

export function command(argv: string[], extra: Partial<SimpleCommand> = {}): SimpleCommand {
  return {
    argv: argv.map((a) => word(a, a.includes("$") ? `"${a}"` : a)),
    redirects: [],
    assignments: [],
    context: "top",
    pipeline: { index: 0, length: 1, id: 1 },
    span,
    ...extra,
  };
}

export function step(text: string): Step {
  return {
    id: "test#1:1",
    kind: "fenced",
    file: "test.md",
    line: 1,
    column: 1,
    text,
    offset: 0,
    install: false,
  };
}

let ready: Promise<void> | undefined;
export async function shellReady(): Promise<void> {
  ready ??= initShell();
  await ready;
}

/** Analyse and judge a shell text (call shellReady() first). */
export function judge(text: string, policy: Policy): JudgedStep {
  return judgeStep(step(text), analyseShell(text, { home: policy.home }), policy);
}
