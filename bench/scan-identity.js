#!/usr/bin/env node
// A start-up change must not change what a scan says. This runs the CLI's one-file scan (the
// cold-start path: one process per file) on a fixed sample of corpus skills, in JSON and text,
// and writes each report to OUT_DIR. Run it before and after a change and compare:
//   node bench/scan-identity.js /tmp/before && (change, npm run build) &&
//   node bench/scan-identity.js /tmp/after && diff -r /tmp/before /tmp/after
// The sample: six markdown files (README.md aside) of each top-level corpus folder (benign, gray,
// malicious, ...), evenly spaced in sorted order, plus the project's own examples. `--corpus DIR`
// picks another corpus.

import { spawnSync } from "node:child_process";
import { mkdirSync, readdirSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(fileURLToPath(import.meta.url), "../..");
const args = process.argv.slice(2);
const corpusAt = args.indexOf("--corpus");
const corpus = corpusAt >= 0 ? args[corpusAt + 1] : path.join(root, "../shared/corpus");
const out = args.find((a, i) => !a.startsWith("--") && args[i - 1] !== "--corpus");
if (out === undefined) {
  console.error("usage: node bench/scan-identity.js OUT_DIR [--corpus DIR]");
  process.exit(2);
}

function skillFiles(dir) {
  const found = [];
  for (const name of readdirSync(dir).sort()) {
    const p = path.join(dir, name);
    const s = statSync(p);
    if (s.isDirectory()) found.push(...skillFiles(p));
    else if (name.endsWith(".md") && name !== "README.md") found.push(p);
  }
  return found;
}

const perFolder = 6;
const sample = [];
for (const name of readdirSync(corpus).sort()) {
  if (!statSync(path.join(corpus, name)).isDirectory()) continue;
  const files = skillFiles(path.join(corpus, name));
  const step = Math.max(1, Math.floor(files.length / perFolder));
  sample.push(...files.filter((_, i) => i % step === 0).slice(0, perFolder));
}
sample.push(...skillFiles(path.join(root, "examples")));
mkdirSync(out, { recursive: true });
for (const file of sample) {
  const name = path.relative(path.dirname(corpus), file).replaceAll(path.sep, "__");
  for (const format of ["json", "text"]) {
    const r = spawnSync(
      process.execPath,
      [path.join(root, "bin/skillwall.js"), "scan", file, "--policy", "default", "--format", format],
      { encoding: "utf8", maxBuffer: 64 * 1024 * 1024 },
    );
    if (r.error) throw r.error;
    writeFileSync(
      path.join(out, `${name}.${format}`),
      `exit ${r.status}\n${r.stdout}\n--- stderr\n${r.stderr}`,
    );
  }
}
console.log(`wrote ${sample.length * 2} reports of ${sample.length} skills to ${out}`);
