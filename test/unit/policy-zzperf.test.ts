import { readFileSync } from "node:fs";
import { test } from "vitest";
import { loadPolicy, judgeStep } from "../../src/policy/index.js";
import { analyseShell } from "../../src/shell/index.js";
import { shellReady, step } from "./policy-helpers.js";
test("perf", async () => {
  await shellReady();
  const text = readFileSync("../shared/corpus/benign/moltbook/c2d8e44c_SKILL.md", "utf8");
  const blocks = [...text.matchAll(/^```bash\n([\s\S]*?)^```/gm)].map((m) => m[1] as string);
  for (const name of ["moltbook", "common-tools"]) {
    const p = await loadPolicy(name);
    const analyses = blocks.map((b) => analyseShell(b, { home: p.home }));
    let t = performance.now();
    for (let i = 0; i < 50; i++) analyses.forEach((a, k) => judgeStep(step(blocks[k] as string), a, p));
    console.log(name, blocks.length, "blocks; judge ms per file:", ((performance.now() - t) / 50).toFixed(2));
    t = performance.now();
    for (let i = 0; i < 50; i++) blocks.forEach((b) => analyseShell(b, { home: p.home }));
    console.log("analyse ms per file:", ((performance.now() - t) / 50).toFixed(2));
  }
  let t = performance.now();
  await loadPolicy("common-tools");
  console.log("load common-tools ms", (performance.now() - t).toFixed(1));
  t = performance.now();
  await loadPolicy("common-tools", { checkExamples: false });
  console.log("load common-tools no examples ms", (performance.now() - t).toFixed(1));
});
