// `policy suggest` on the real OpenClaw bundled skills: each suggested policy loads (schema,
// extends, its own examples), allows every step it grants, grants nothing a finding flags and no
// shell, interpreter or downloaded-code runner, and allows none of the hostile shell lists.
import { existsSync, readFileSync, readdirSync } from "node:fs";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { stringify } from "yaml";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { SkillResult } from "../../src/model.js";
import { judgeStep, loadPolicy } from "../../src/policy/index.js";
import { analyseShell } from "../../src/shell/index.js";
import { neverAllowReason } from "../../src/policy/never-allow.js";
import { suggestPolicy } from "../../src/policy/suggest.js";
import type { Policy } from "../../src/policy/types.js";
import { scanPaths } from "../../src/scan/index.js";
import { judge, repoRoot, shellReady, step } from "../unit/policy-helpers.js";

const corpusRoot =
  [path.resolve(repoRoot, "../shared/corpus"), path.resolve(repoRoot, "../../shared/corpus")].find((p) =>
    existsSync(p),
  ) ?? path.resolve(repoRoot, "../shared/corpus");
const bundled = path.join(corpusRoot, "benign/openclaw-bundled");

function hostile(): string[] {
  const shell = path.join(corpusRoot, "shell");
  const jsonl = (f: string, key: string): string[] =>
    readFileSync(path.join(shell, f), "utf8")
      .split("\n")
      .filter((l) => l.trim() !== "")
      .map((l) => (JSON.parse(l) as Record<string, string>)[key] ?? "");
  const lines = (f: string): string[] =>
    readFileSync(path.join(shell, f), "utf8")
      .split("\n")
      .filter((l) => l.trim() !== "");
  return [
    ...jsonl("gtfobins.jsonl", "snippet"),
    ...jsonl("bashfuscator_samples.jsonl", "obfuscated"),
    ...lines("patt_command_exec.txt"),
    ...lines("patt_command-execution-unix.txt"),
  ];
}

let dir: string;
let baseline: Policy;
let results: SkillResult[];
const suggested: Array<{ result: SkillResult; policy: Policy; granted: number }> = [];

beforeAll(async () => {
  await shellReady();
  dir = await mkdtemp(path.join(os.tmpdir(), "skillwall-suggest-"));
  const base = await loadPolicy("sandbox-only");
  baseline = await loadPolicy("baseline");
  const files = readdirSync(bundled).filter((f) => f.endsWith(".md"));
  results = (
    await scanPaths(
      files.map((f) => path.join(bundled, f)),
      { policy: base, cwd: bundled, workers: 1 },
    )
  ).results;
  for (const [i, result] of results.entries()) {
    const s = suggestPolicy(result, { baseline });
    const file = path.join(dir, `p${i}.yaml`);
    await writeFile(file, stringify(s.document, { lineWidth: 0 }));
    // Loading runs the policy's own examples: every granted step allowed, every skipped one denied.
    suggested.push({ result, policy: await loadPolicy(file), granted: s.granted.length });
  }
}, 300_000);

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("policy suggest on the OpenClaw bundled skills", () => {
  it("suggests a loadable policy for every skill and grants most of their steps", () => {
    expect(results.length).toBeGreaterThan(30);
    const total = results.reduce((n, r) => n + r.steps.length, 0);
    const granted = suggested.reduce((n, s) => n + s.granted, 0);
    // Measured 2026-12-06; the rest are flagged, unanalysable or run a shell/interpreter.
    console.log(`policy suggest: ${granted} of ${total} steps granted over ${results.length} skills`);
    expect(granted).toBeGreaterThan(total / 2);
  });

  it("each suggested policy allows the skill's granted steps and no step it refused to grant", () => {
    for (const { result, policy } of suggested) {
      const s = suggestPolicy(result, { baseline });
      for (const g of s.granted) expect(judge(g.step.text, policy).verdict, g.step.text).toBe("allow");
      for (const k of s.skipped)
        expect(judge(k.step.step.text, policy).verdict, k.step.step.text).not.toBe("allow");
    }
  });

  it("never grants a shell, an interpreter or a program that runs downloaded code", () => {
    for (const { result } of suggested) {
      for (const g of suggestPolicy(result, { baseline }).granted)
        for (const c of g.analysis.commands) expect(neverAllowReason(c), g.step.text).toBeUndefined();
    }
  });

  it("allows none of the hostile shell lists under any suggested policy", () => {
    const texts = hostile();
    expect(texts.length).toBeGreaterThan(1400);
    // Parse once (the home is baseline's in every suggested policy), judge under each policy.
    const analysed = texts.map((t) => ({ t, a: analyseShell(t, { home: baseline.home }) }));
    const allowed: string[] = [];
    for (const { result, policy } of suggested)
      for (const { t, a } of analysed)
        if (judgeStep(step(t), a, policy).verdict === "allow") allowed.push(`${result.source}: ${t}`);
    expect(allowed).toEqual([]);
  }, 300_000);
});

describe("policy suggest on the real Moltbook skill", () => {
  it("grants nothing a finding flags (the self-updating install steps)", async () => {
    const base = await loadPolicy("sandbox-only");
    const [result] = (
      await scanPaths([path.join(corpusRoot, "benign/moltbook/c2d8e44c_SKILL.md")], {
        policy: base,
        cwd: corpusRoot,
      })
    ).results;
    const s = suggestPolicy(result as SkillResult, { baseline: await loadPolicy("baseline") });
    const flaggedLines = new Set(
      (result as SkillResult).findings.filter((f) => f.severity !== "info").map((f) => f.line),
    );
    expect(s.granted.length).toBeGreaterThan(30);
    for (const g of s.granted) expect(flaggedLines.has(g.step.line), g.step.text).toBe(false);
    expect(s.skipped.some((k) => k.step.step.text.includes("skill.md >"))).toBe(true);
  });
});
