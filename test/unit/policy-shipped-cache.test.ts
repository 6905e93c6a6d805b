// The build-time cache of the shipped policies (src/policy/shipped-cache.ts): an entry gives
// exactly the policy loaded and checked from the files, and is refused as soon as one of the
// files it was built from differs (the policy is then loaded from its files, examples checked).
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { loadPolicy, policiesDir } from "../../src/policy/load.js";
import {
  cacheEntry,
  fromShippedCache,
  shippedCacheVersion,
  type ShippedCache,
} from "../../src/policy/shipped-cache.js";
import { shellReady } from "./policy-helpers.js";

const names = readdirSync(policiesDir).filter((f) => f.endsWith(".yaml"));
let cache: ShippedCache;

beforeAll(async () => {
  await shellReady();
  cache = { version: shippedCacheVersion, code: {}, entries: {} };
  for (const f of names) cache.entries[f] = await cacheEntry(await loadPolicy(join(policiesDir, f)));
});

describe("shipped policy cache", () => {
  it("an entry is the policy loaded from the files, for every shipped policy", async () => {
    expect(names.length).toBeGreaterThan(4);
    for (const f of names) {
      const file = join(policiesDir, f);
      expect(await fromShippedCache(cache, file, policiesDir), f).toEqual(await loadPolicy(file));
    }
  });

  it("is refused when a file it was built from changed, for another version, or outside policies/", async () => {
    const file = join(policiesDir, "common-tools.yaml");
    const stale = structuredClone(cache);
    // common-tools extends default extends baseline: a change in the base counts too.
    stale.entries["common-tools.yaml"]!.files["baseline.yaml"] = "0".repeat(64);
    expect(await fromShippedCache(stale, file, policiesDir)).toBeUndefined();
    expect(await fromShippedCache({ ...cache, version: 0 }, file, policiesDir)).toBeUndefined();
    expect(await fromShippedCache(cache, "/tmp/common-tools.yaml", policiesDir)).toBeUndefined();
    expect(await fromShippedCache(undefined, file, policiesDir)).toBeUndefined();
  });

  it("each entry records every file of its extends chain", () => {
    expect(Object.keys(cache.entries["common-tools.yaml"]!.files).sort()).toEqual([
      "baseline.yaml",
      "common-tools.yaml",
      "default.yaml",
    ]);
  });
});
