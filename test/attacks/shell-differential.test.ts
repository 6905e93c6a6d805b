// Differential fuzzing: every command the analyser calls static must have exactly the argv and
// redirect targets the real bash produces, and so must the canonical rendering we execute.
import { beforeAll, describe, expect, it } from "vitest";
import { analyseShell, initShell, renderScript } from "../../src/shell/index.js";
import type { ShellAnalysis } from "../../src/model.js";
import { ORACLE_HOME, runUnderBash } from "./shell-bash-oracle.js";
import { commandLine, extraRun, rng } from "./shell-fuzz-gen.js";

beforeAll(async () => {
  await initShell();
});

const FILE_WRITE_OPS = new Set([">", ">>", ">|", "&>", "&>>"]);

function isStatic(a: ShellAnalysis): boolean {
  if (a.problems.length > 0 || !a.script) return false;
  return a.commands.every(
    (c) =>
      c.argv.every((w) => w.parts.every((p) => p.kind === "literal")) &&
      c.redirects.every((r) => r.target?.parts.every((p) => p.kind === "literal") ?? true),
  );
}

function expected(a: ShellAnalysis): { argvs: string[][]; files: string[] } {
  const files = new Set<string>();
  for (const c of a.commands)
    for (const r of c.redirects) if (FILE_WRITE_OPS.has(r.op) && r.target) files.add(r.target.value);
  // bash runs a name containing "/" as a path (not found, no handler call): nothing to record.
  const recorded = a.commands.filter((c) => !(c.argv[0]?.value ?? "/").includes("/"));
  return { argvs: recorded.map((c) => c.argv.map((w) => w.value)), files: [...files].sort() };
}

function fuzz(seed: number, cases: number): { total: number; static: number } {
  const r = rng(seed);
  let statics = 0;
  for (let i = 0; i < cases; i++) {
    const line = commandLine(r);
    const analysis = analyseShell(line, { home: ORACLE_HOME });
    if (!isStatic(analysis) || !analysis.script) continue;
    statics++;
    const want = expected(analysis);
    const got = runUnderBash(line);
    const context = `seed ${seed} case ${i}: ${JSON.stringify(line)}`;
    expect({ argvs: got.argvs, files: got.files }, context).toEqual(want);
    const rendered = renderScript(analysis.script);
    const again = runUnderBash(rendered);
    expect(
      { argvs: again.argvs, files: again.files },
      `${context} rendered as ${JSON.stringify(rendered)}`,
    ).toEqual(want);
  }
  return { total: cases, static: statics };
}

describe("differential fuzzing against /usr/bin/bash", () => {
  for (const seed of [1, 2, 3]) {
    it(`fixed seed ${seed}: static commands match bash argv and redirect targets`, () => {
      const { static: statics } = fuzz(seed, 300);
      // The generator must exercise the static path, or this test could not fail.
      expect(statics).toBeGreaterThan(60);
    });
  }
  const extra = extraRun(150);
  it(`seed ${extra.seed}, ${extra.cases} cases (make fuzz: SHELL_FUZZ_SEED, SHELL_FUZZ_CASES)`, () => {
    const { static: statics } = fuzz(extra.seed, extra.cases);
    expect(statics).toBeGreaterThan(20);
  });
});
