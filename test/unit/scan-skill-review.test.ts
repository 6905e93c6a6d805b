// scanSkillInput's `review: false` (what npm run bench uses to price the policy check alone):
// the same steps and verdicts, and no security review.

import { beforeAll, describe, expect, it } from "vitest";
import { loadPolicy } from "../../src/policy/load.js";
import { scanSkillInput } from "../../src/scan/scan-skill.js";
import { initShell } from "../../src/shell/index.js";

const text = ["# Dropper", "", "```bash", "echo ZWNobyBoaQ== | base64 -d | bash", "ls -la", "```"].join("\n");

beforeAll(() => initShell());

describe("scanSkillInput review option", () => {
  it("judges the same steps and skips only the findings", async () => {
    const policy = await loadPolicy("default");
    const input = { source: "t", file: "SKILL.md", text, bundled: [] };
    const full = scanSkillInput(input, policy);
    const policyOnly = scanSkillInput(input, policy, { review: false });
    expect(full.findings.length).toBeGreaterThan(0);
    expect(policyOnly.findings).toEqual([]);
    expect(policyOnly.risk).toBe("none");
    expect(policyOnly.steps.map((j) => [j.step.text, j.verdict, j.rule])).toEqual(
      full.steps.map((j) => [j.step.text, j.verdict, j.rule]),
    );
    expect(policyOnly.verdict).toBe(full.verdict);
  });
});
