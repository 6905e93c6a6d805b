// Every Bashfuscator-obfuscated command is denied under every shipped policy except
// sandbox-only, and under sandbox-only it is still denied when it cannot be resolved statically.
import { readFileSync } from "node:fs";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { loadPolicy } from "../../src/policy/index.js";
import { corpusRoot, judge, shellReady } from "../unit/policy-helpers.js";

const samples = readFileSync(path.join(corpusRoot, "shell/bashfuscator_samples.jsonl"), "utf8")
  .split("\n")
  .filter((l) => l.trim() !== "")
  .map((l) => JSON.parse(l) as { mutator: string; original: string; obfuscated: string });

beforeAll(shellReady);

describe("Bashfuscator samples", () => {
  it("the corpus is there", () => {
    expect(samples.length).toBeGreaterThanOrEqual(70);
  });
  for (const name of ["default", "moltbook", "common-tools"]) {
    it(`${name}: every obfuscated command is denied`, async () => {
      const policy = await loadPolicy(name);
      const notDenied = samples
        .map((s) => ({ s, j: judge(s.obfuscated, policy) }))
        .filter(({ j }) => j.verdict !== "deny")
        .map(({ s, j }) => `${s.mutator}: ${s.obfuscated.slice(0, 80)} → ${j.verdict}`);
      expect(notDenied).toEqual([]);
    });
  }
  it("sandbox-only: what the analyser calls dynamic is still denied, with the construct named", async () => {
    const policy = await loadPolicy("sandbox-only");
    let dynamic = 0;
    for (const s of samples) {
      const j = judge(s.obfuscated, policy);
      if (j.analysis.problems.length > 0) {
        dynamic++;
        expect(j.verdict).toBe("deny");
        expect(j.fix).toContain("cannot be allowed by policy");
      }
    }
    expect(dynamic).toBeGreaterThan(samples.length / 2);
  });
});
