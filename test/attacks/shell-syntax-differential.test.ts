// Differential fuzzing of syntax: random token soup (operators, redirects, separators, case
// terminators, continuations, heredocs, keywords). Whatever the analyser calls clean, bash must
// parse too (`bash -n`, nothing runs): tree-sitter accepting what bash rejects is how `a >`
// newline `b`, `>2>&1` and `;;` outside a case reached a clean verdict.
import { spawnSync } from "node:child_process";
import { beforeAll, describe, expect, it } from "vitest";
import { analyseShell, initShell } from "../../src/shell/index.js";
import { BASH } from "./shell-bash-oracle.js";
import { extraRun, rng, type Rng } from "./shell-fuzz-gen.js";

beforeAll(async () => {
  await initShell();
});

const TOKENS = [
  ...["zq", "a", "-b", "'c d'", '"e"', "f", "x=1", "${a}", "$(b)", "`c`", "in", "do", "done", "then", "fi"],
  ...[">", ">>", "<", "2>", "&>", "<<<", "2>&1", ">&2", "<<E\nx\nE\n"],
  ...["|", "||", "&&", ";", "\n", "&", "!", "(", ")", "{", "}", ";;", "|&", "#c", "\\\n"],
  ...[" ", " ", " ", "="],
];

function soup(r: Rng): string {
  let text = "zq";
  const n = 2 + Math.floor(r() * 8);
  for (let i = 0; i < n; i++)
    text += (r() < 0.5 ? " " : "") + (TOKENS[Math.floor(r() * TOKENS.length)] as string);
  return text;
}

function fuzz(seed: number, cases: number): number {
  const r = rng(seed);
  let clean = 0;
  for (let i = 0; i < cases; i++) {
    const text = soup(r);
    if (analyseShell(text).problems.length > 0) continue;
    clean++;
    const bash = spawnSync(BASH, ["--norc", "--noprofile", "-n", "-c", text], { encoding: "utf8" });
    expect(bash.stderr, `seed ${seed} case ${i}: ${JSON.stringify(text)}`).toBe("");
    expect(bash.status, `seed ${seed} case ${i}: ${JSON.stringify(text)}`).toBe(0);
  }
  return clean;
}

describe("differential fuzzing of syntax against bash -n", () => {
  for (const seed of [1, 2]) {
    it(`fixed seed ${seed}: bash parses whatever the analyser calls clean`, () => {
      // The soup must reach clean texts, or this test could not fail.
      expect(fuzz(seed, 1500)).toBeGreaterThan(150);
    });
  }
  const extra = extraRun(1000);
  it(`seed ${extra.seed}, ${extra.cases} cases (make fuzz: SHELL_FUZZ_SEED, SHELL_FUZZ_CASES)`, () => {
    expect(fuzz(extra.seed, extra.cases)).toBeGreaterThan(100);
  });
});
