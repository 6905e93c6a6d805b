// Differential fuzzing of structure: random lists of pipelines (`;`, newlines, `&&`, `||`, `|`,
// line breaks, comments and continuations around operators, redirects) under the real bash, where commands named zqF… fail.
// For every text the analyser calls clean, the commands bash runs must be exactly those its
// script runs under bash's rules (a pipeline runs every stage; its status is the last stage's;
// && and || have equal precedence, left to right), and the canonical rendering we execute must
// run the same. The word-level differential (shell-differential.test.ts) has no pipes or ||:
// this one found tree-sitter reading `a | b | c && d` as `a | (b | c && d)`.
import { beforeAll, describe, expect, it } from "vitest";
import type { ShellAnalysis, SimpleCommand } from "../../src/model.js";
import { analyseShell, initShell, renderScript } from "../../src/shell/index.js";
import { ORACLE_HOME, runUnderBash } from "./shell-bash-oracle.js";
import { extraRun, rng, type Rng } from "./shell-fuzz-gen.js";

beforeAll(async () => {
  await initShell();
});

const FAIL = "zqF";
const pick = <T>(r: Rng, items: readonly T[]): T => items[Math.floor(r() * items.length)] as T;

function command(r: Rng, n: number): string {
  let text = (r() < 0.35 ? FAIL : "zq") + String(n);
  const args = Math.floor(r() * 3);
  for (let i = 0; i < args; i++) text += " " + pick(r, ["a", "-b", "c=d", "'e f'", '"g"', "h\\ i"]);
  // " >" + newline: bash wants the target on the operator's line (a syntax error otherwise);
  // a backslash-newline continues the line.
  if (r() < 0.2) text += pick(r, [" >f", " >>f", " 2>f", ">f", " >\nf", " > \\\nf"]) + String(n);
  return text;
}

const SEPARATORS = [
  "; ",
  "\n",
  " && ",
  " || ",
  " | ",
  "|",
  " &&\n",
  " ||\n",
  " |\n",
  "&&",
  "||",
  // Comments and line continuations around operators.
  " && # c\n",
  " | # c |\n",
  " # c && d\n",
  " \\\n&& ",
  " | \\\n",
  ";\n\n",
];

/**
 * A command, sometimes with a here-document. Its body goes after the next real newline (a
 * backslash-newline is not one), so the generator holds it until a separator ends the line.
 */
function listLine(r: Rng): string {
  let line = "";
  let pending: string[] = [];
  const more = 1 + Math.floor(r() * 5);
  for (let i = 0; i <= more; i++) {
    if (i > 0) {
      const sep = pick(r, SEPARATORS);
      line += sep;
      if (sep.endsWith("\n") && !sep.endsWith("\\\n") && pending.length > 0) {
        line += pending.join("");
        pending = [];
      }
    }
    line += command(r, i);
    if (r() < 0.15) {
      const tag = `E${i}`;
      line += pick(r, [` <<${tag}`, ` <<'${tag}'`, ` <<-${tag}`]);
      pending.push(`body ${i} | && ;\n${tag}\n`);
    }
  }
  return pending.length > 0 ? `${line}\n${pending.join("")}` : line;
}

function argvOf(c: SimpleCommand): string[] {
  return c.argv.map((w) => w.value);
}

/**
 * What bash runs for the analysed script, when commands named zqF… fail: each command with what
 * its stdin carries under the `pipes` oracle (the name of the stage before it, unless that
 * stage's stdout goes to a file).
 */
function simulate(script: NonNullable<ShellAnalysis["script"]>): Array<{ argv: string[]; fedBy: string }> {
  const ran: Array<{ argv: string[]; fedBy: string }> = [];
  let status = 0;
  script.pipelines.forEach((pipeline, i) => {
    const op = i === 0 ? ";" : script.operators[i - 1];
    if ((op === "&&" && status !== 0) || (op === "||" && status === 0)) return;
    pipeline.forEach((c, k) => {
      const before = pipeline[k - 1];
      const toFile = before?.redirects.some((r) => (r.fd ?? 1) === 1 && (r.op === ">" || r.op === ">>"));
      ran.push({ argv: argvOf(c), fedBy: before === undefined || toFile ? "" : argvOf(before)[0]! });
    });
    status = argvOf(pipeline.at(-1)!)[0]!.startsWith(FAIL) ? 1 : 0;
  });
  return ran;
}

const sorted = (argvs: string[][]): string[] => argvs.map((a) => JSON.stringify(a)).sort();

function fuzz(
  seed: number,
  cases: number,
): { clean: number; skippedBranches: number; heredocs: number; pipelines: number } {
  const r = rng(seed);
  let clean = 0;
  let skippedBranches = 0;
  let heredocs = 0;
  let pipelines = 0;
  for (let i = 0; i < cases; i++) {
    const line = listLine(r);
    const analysis = analyseShell(line, { home: ORACLE_HOME });
    if (analysis.problems.length > 0 || !analysis.script) continue;
    clean++;
    if (line.includes("<<")) heredocs++;
    const context = `seed ${seed} case ${i}: ${JSON.stringify(line)}`;
    // What is judged is what the script holds.
    expect(sorted(analysis.script.pipelines.flat().map(argvOf)), context).toEqual(
      sorted(analysis.commands.map(argvOf)),
    );
    const ran = simulate(analysis.script);
    const want = sorted(ran.map((c) => c.argv));
    if (want.length < analysis.commands.length) skippedBranches++;
    const got = runUnderBash(line, { failPrefix: FAIL });
    expect(got.stderr, context).not.toMatch(/syntax error/);
    // Pipeline stages run concurrently: compare as multisets.
    expect(sorted(got.argvs), context).toEqual(want);
    const rendered = renderScript(analysis.script);
    const again = runUnderBash(rendered, { failPrefix: FAIL });
    expect(sorted(again.argvs), `${context} rendered as ${JSON.stringify(rendered)}`).toEqual(want);
    expect(again.files, `${context} rendered as ${JSON.stringify(rendered)}`).toEqual(got.files);
    // Pipeline membership (what policy pipeFrom rules and findings read): each stage is fed by
    // the stage the analysis puts before it. Here-documents feed stdin themselves: skipped.
    if (!line.includes("<<")) {
      const fed = runUnderBash(line, { failPrefix: FAIL, pipes: true });
      expect(sorted(fed.argvs), `${context} (stdin of each stage)`).toEqual(
        sorted(ran.map((c) => [...c.argv, `stdin=${c.fedBy}`])),
      );
      pipelines++;
    }
  }
  return { clean, skippedBranches, heredocs, pipelines };
}

describe("differential fuzzing of lists and pipelines against bash", () => {
  for (const seed of [1, 2, 3]) {
    it(`fixed seed ${seed}: bash runs exactly the commands the analysed script runs`, () => {
      const { clean, skippedBranches, heredocs, pipelines } = fuzz(seed, 200);
      // The generator must reach clean texts, short-circuited branches and here-documents, or
      // this could not fail.
      expect(clean).toBeGreaterThan(80);
      expect(skippedBranches).toBeGreaterThan(20);
      expect(heredocs).toBeGreaterThan(10);
      expect(pipelines).toBeGreaterThan(60);
    });
  }
  const extra = extraRun(150);
  it(`seed ${extra.seed}, ${extra.cases} cases (make fuzz: SHELL_FUZZ_SEED, SHELL_FUZZ_CASES)`, () => {
    expect(fuzz(extra.seed, extra.cases).clean).toBeGreaterThan(40);
  });
});
