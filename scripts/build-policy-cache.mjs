#!/usr/bin/env node
// Build step (npm run build, after tsc): loads every shipped policy from policies/*.yaml with its
// examples checked and writes dist/policy/shipped-policies.json (src/policy/shipped-cache.ts),
// so a one-file scan does not parse, validate and check them again at every start. A policy that
// fails to load fails the build.

import { readdirSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const root = path.resolve(fileURLToPath(import.meta.url), "../..");
const dist = (p) => pathToFileURL(path.join(root, "dist", p)).href;
const { loadPolicy, policiesDir } = await import(dist("policy/load.js"));
const { cacheEntry, codeStamp, shippedCacheVersion } = await import(dist("policy/shipped-cache.js"));
const out = path.join(root, "dist/policy/shipped-policies.json");
// The old cache goes first: every policy below is loaded from its files, examples checked.
rmSync(out, { force: true });
const entries = {};
for (const f of readdirSync(path.join(root, "policies")).sort()) {
  if (!f.endsWith(".yaml")) continue;
  // From the files, examples checked (the cache does not exist yet, or is being replaced).
  const policy = await loadPolicy(path.join(policiesDir, f));
  entries[f] = await cacheEntry(policy);
}
const code = await codeStamp(pathToFileURL(path.join(root, "dist/policy/")));
writeFileSync(out, JSON.stringify({ version: shippedCacheVersion, code, entries }));
console.log(`wrote ${path.relative(root, out)} (${Object.keys(entries).length} policies)`);
