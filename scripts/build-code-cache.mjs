#!/usr/bin/env node
// Build step (npm run build, after build-cli-bundle.mjs): writes V8's code cache next to each CLI
// bundle chunk (dist/bundle/CHUNK.cjs.v8cache), which bin/skillwall.js loads to skip compiling the
// bundle on every start (src/cli-bundle-loader.ts says how a cache is tied to its chunk's bytes).
// The cache is taken after warm-up runs of the CLI in a child process, so it also holds the
// functions compiled lazily while scanning, not only the top level of each chunk.

import { spawnSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(fileURLToPath(import.meta.url), "../..");
const bundleDir = path.join(root, "dist/bundle");
/** What the cache is warmed with: the one-file scan of `npm run bench:cold`. */
const warmUps = [["scan", "examples/notes/SKILL.md", "--policy", "default"]];

if (process.argv[2] === "--child") {
  const { loadCliBundle, encodeCodeCache, codeCacheSuffix } = await import(
    path.join(root, "dist/cli-bundle-loader.cjs")
  );
  // As bin/skillwall.js does: the early entry first, then the CLI.
  const bundle = loadCliBundle(bundleDir, "cli-early.cjs");
  const { main } = bundle.require("skillwall.cjs");
  for (const argv of warmUps) {
    bundle.entry.startShellWasmCompileFor(argv);
    await main(argv);
  }
  let bytes = 0;
  for (const [file, { script }] of bundle.chunks) {
    const data = script.createCachedData();
    writeFileSync(file + codeCacheSuffix, encodeCodeCache(readFileSync(file), data));
    bytes += data.length;
  }
  process.stderr.write(`wrote the code cache of ${bundle.chunks.size} chunks (${bytes} bytes)\n`);
  process.exitCode = 0;
} else {
  // The warm-up's report goes nowhere; its exit code is the report's verdict, not a failure.
  const r = spawnSync(process.execPath, [fileURLToPath(import.meta.url), "--child"], {
    cwd: root,
    // A warm-up is not a scan anyone asked for: no audit record of it.
    env: Object.fromEntries(Object.entries(process.env).filter(([k]) => k !== "SKILLWALL_AUDIT_LOG")),
    stdio: ["ignore", "ignore", "pipe"],
    encoding: "utf8",
  });
  process.stderr.write(r.stderr);
  if (r.status !== 0) process.exit(1);
}
