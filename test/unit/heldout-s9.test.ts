// The heldout-s9 set (test/fixtures/heldout-s9): a second independent held-out set, written in
// session 9 for issue 14 after heldout-s8 had been read item by item, by a helper who did not read
// the rules or any other set's items. This test checks only that the set is well formed and that
// every item goes through the real input reader and the scanner, so `npm run eval` measures all
// of it. It asserts no detection result on purpose: a per-item or per-rate expectation would
// invite tuning on the set (see its README).
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { extractSkill } from "../../src/extract/index.js";
import { detectFindings, riskOf } from "../../src/findings/index.js";
import { readSkillInputs } from "../../src/input/index.js";
import { analyseShell, initShell } from "../../src/shell/index.js";
import type { ShellAnalysis } from "../../src/model.js";

const root = path.resolve(import.meta.dirname, "../fixtures/heldout-s9");
const kinds = ["malicious", "benign"] as const;
const names = (kind: string): string[] => readdirSync(path.join(root, kind)).sort();

beforeAll(async () => {
  await initShell();
});

describe("heldout-s9 held-out set (own, written s9, never tuned on)", () => {
  it("CLASSES.tsv names every item once, with a class", () => {
    const rows = readFileSync(path.join(root, "CLASSES.tsv"), "utf8")
      .split("\n")
      .slice(1)
      .filter(Boolean)
      .map((l) => l.split("\t"));
    const listed = rows.map(([kind, name]) => `${kind}/${name}`).sort();
    const onDisk = kinds.flatMap((k) => names(k).map((n) => `${k}/${n}`)).sort();
    expect(listed).toEqual(onDisk);
    expect(rows.filter((r) => !r[2] || !r[3])).toEqual([]);
    expect(names("malicious").length).toBeGreaterThanOrEqual(40);
    expect(names("benign").length).toBeGreaterThanOrEqual(40);
  });

  for (const kind of kinds)
    it(`reads and scans every ${kind} item through the real input reader`, async () => {
      for (const name of names(kind)) {
        const dir = path.join(root, kind, name);
        const text = readFileSync(path.join(dir, "SKILL.md"), "utf8");
        expect(text.startsWith("---\nname: "), `${kind}/${name} frontmatter`).toBe(true);
        const [r] = await readSkillInputs([dir], { cwd: root });
        expect(r?.ok, `${kind}/${name} read`).toBe(true);
        if (!r?.ok) continue;
        const model = extractSkill(r.input);
        const analyses = new Map<string, ShellAnalysis>();
        for (const s of model.steps) analyses.set(s.id, analyseShell(s.text));
        const risk = riskOf(detectFindings(model, analyses));
        expect(["none", "info", "low", "medium", "high", "critical"]).toContain(risk);
      }
    });
});
