// A worker thread for bench/scan.js, configured exactly like skillwall's scan workers (same V8
// flags, same resource limits, set by the caller): it times `rounds` passes over `texts`, either
// skillwall's whole per-file scan or remark-parse + frontmatter alone (the floor), and posts the
// milliseconds of each pass and, for the last pass, of each file. Mode "policy-only" is the scan
// without the security review (findings), to show what extraction + shell + policy cost alone.

import v8 from "node:v8";
import { parentPort, workerData } from "node:worker_threads";
import { performance } from "node:perf_hooks";

const { mode, texts, rounds, v8Flags, policy, dist } = workerData;
v8.setFlagsFromString(v8Flags);

let scanOne;
if (mode === "remark") {
  const { unified } = await import("unified");
  const { default: remarkParse } = await import("remark-parse");
  const { default: remarkFrontmatter } = await import("remark-frontmatter");
  const processor = unified().use(remarkParse).use(remarkFrontmatter, ["yaml"]).freeze();
  scanOne = (text) => processor.parse(text);
} else {
  const { initShell, scanSkillInput } = await import(dist);
  await initShell();
  const opts = { review: mode !== "policy-only" };
  scanOne = (text, i) =>
    scanSkillInput({ source: `bench-${i}.md`, file: "SKILL.md", text, bundled: [] }, policy, opts);
}

const passes = [];
let perFile = [];
for (let r = 0; r < rounds; r++) {
  perFile = [];
  const start = performance.now();
  for (let i = 0; i < texts.length; i++) {
    const s = performance.now();
    scanOne(texts[i], i);
    perFile.push(performance.now() - s);
  }
  passes.push(performance.now() - start);
}
parentPort.postMessage({ passes, perFile });
