// The benign-fp9 set (test/fixtures/benign-fp9): benign whole skills written in session 9 for
// issue 14's false positives (own-service clients, vendor installers, security tools quoting
// attacks, backups, pipelines, notes). `npm run eval` prints how many stay clean. This test checks
// only that the set is well formed and that every item goes through the real input reader and the
// scanner; the per-rule guards it motivated have their own tests (findings-fp9.test.ts).
import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { extractSkill } from "../../src/extract/index.js";
import { detectFindings, riskOf } from "../../src/findings/index.js";
import { readSkillInputs } from "../../src/input/index.js";
import { analyseShell, initShell } from "../../src/shell/index.js";
import type { ShellAnalysis } from "../../src/model.js";

const root = path.resolve(import.meta.dirname, "../fixtures/benign-fp9");
const names = readdirSync(root)
  .filter((n) => statSync(path.join(root, n)).isDirectory())
  .sort();

beforeAll(async () => {
  await initShell();
});

describe("benign-fp9 set (own, tuned on)", () => {
  it("holds enough whole skills, each with a frontmatter name matching its folder", () => {
    expect(names.length).toBeGreaterThanOrEqual(45);
    for (const name of names) {
      const text = readFileSync(path.join(root, name, "SKILL.md"), "utf8");
      expect(text.startsWith(`---\nname: ${name}\n`), `${name} frontmatter`).toBe(true);
      expect(text.split("\n").length, `${name} length`).toBeGreaterThanOrEqual(20);
    }
  });

  it("reads and scans every item through the real input reader", async () => {
    for (const name of names) {
      const dir = path.join(root, name);
      const [r] = await readSkillInputs([dir], { cwd: root });
      expect(r?.ok, `${name} read`).toBe(true);
      if (!r?.ok) continue;
      const model = extractSkill(r.input);
      const analyses = new Map<string, ShellAnalysis>();
      for (const s of model.steps) analyses.set(s.id, analyseShell(s.text));
      const risk = riskOf(detectFindings(model, analyses));
      expect(["none", "info", "low", "medium", "high", "critical"]).toContain(risk);
    }
  });
});
