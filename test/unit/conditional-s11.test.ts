// The conditional-s11 set (test/fixtures/conditional-s11): marker-gated orders written in session
// 11 from the mechanism, with benign twins. `npm run eval` prints how many are flagged and clean.
// This test checks that the set is well formed and that every item goes through the real input
// reader and the scanner; the rules it motivated have their own tests
// (findings-environment-gated.test.ts).
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { extractSkill } from "../../src/extract/index.js";
import { detectFindings, riskOf } from "../../src/findings/index.js";
import { readSkillInputs } from "../../src/input/index.js";
import { analyseShell, initShell } from "../../src/shell/index.js";
import type { ShellAnalysis } from "../../src/model.js";

const root = path.resolve(import.meta.dirname, "../fixtures/conditional-s11");
const items = (["malicious", "benign"] as const).flatMap((kind) =>
  readdirSync(path.join(root, kind))
    .sort()
    .map((name) => ({ kind, name, dir: path.join(root, kind, name) })),
);

beforeAll(async () => {
  await initShell();
});

describe("conditional-s11 set (own, tuned on)", () => {
  it("holds about twenty items of each kind, each with a frontmatter name matching its folder", () => {
    expect(items.filter((i) => i.kind === "malicious").length).toBeGreaterThanOrEqual(20);
    expect(items.filter((i) => i.kind === "benign").length).toBeGreaterThanOrEqual(20);
    for (const { name, dir } of items) {
      const text = readFileSync(path.join(dir, "SKILL.md"), "utf8");
      expect(text.startsWith(`---\nname: ${name}\n`), `${name} frontmatter`).toBe(true);
    }
  });

  it("reads and scans every item through the real input reader", async () => {
    for (const { name, dir } of items) {
      const [r] = await readSkillInputs([dir], { cwd: root });
      expect(r?.ok, `${name} read`).toBe(true);
      if (!r?.ok) continue;
      const model = extractSkill(r.input);
      const analyses = new Map<string, ShellAnalysis>();
      for (const s of model.steps) analyses.set(s.id, analyseShell(s.text));
      expect(["none", "info", "low", "medium", "high", "critical"]).toContain(
        riskOf(detectFindings(model, analyses)),
      );
    }
  });
});
