import { readFileSync } from "node:fs";
import { it } from "vitest";
import { heartbeatPolicy } from "../../src/heartbeat/profile.js";
import { loadPolicy } from "../../src/policy/load.js";
import { scanSkillInput } from "../../src/scan/scan-skill.js";
import { initShell } from "../../src/shell/index.js";
it("debug", async () => {
  await initShell();
  const policy = await loadPolicy("moltbook");
  const text = readFileSync("test/fixtures/heartbeat/moltbook/heartbeat-changed.md", "utf8");
  const base = await scanSkillInput({ source: "x", file: "HEARTBEAT.md", text, bundled: [] }, policy);
  const prof = heartbeatPolicy(policy, { instructionFiles: ["SKILL.md", "HEARTBEAT.md", "skill.json", "package.json"], stepHosts: ["www.moltbook.com"] });
  const r = await scanSkillInput({ source: "x", file: "HEARTBEAT.md", text, bundled: [] }, prof);
  for (const [i, j] of r.steps.entries()) console.log(base.steps[i]!.verdict, j.verdict, j.rule, j.reason, j.step.text);
});
