// The shipped policies, loaded and checked once at build time (npm run build writes
// dist/policy/shipped-policies.json): a one-file scan then skips the YAML parse, the schema
// check and the examples run of policies/*.yaml (most of its cold start). An entry is used only
// when every file it was built from (the policy and its bases) still has the recorded sha256;
// otherwise the policy is loaded and checked from its files as usual. Only shipped names use it.

import { createHash } from "node:crypto";
// Synchronous reads: a few small package files, and each asynchronous call was a round trip
// through libuv's thread pool on a one-file scan's start-up path (5 stats in a row).
import { readFileSync, statSync } from "node:fs";
import { basename, join } from "node:path";
import type { Policy } from "./types.js";

export const shippedCacheVersion = 1;

export interface ShippedCacheEntry {
  /** File name (in policies/) → sha256 of its bytes: the policy and every base it extends. */
  files: Record<string, string>;
  /** The merged, checked policy; `sources` hold file names, not paths. */
  policy: Policy;
}

export interface ShippedCache {
  version: number;
  /**
   * mtime of the built modules that load, merge and judge policies (relative to dist/policy/):
   * a rebuild of the code without a new cache (tsc alone) leaves a cache that is ignored.
   */
  code: Record<string, number>;
  entries: Record<string, ShippedCacheEntry>;
}

/** The built modules whose code decides what a loaded policy is (see ShippedCache.code). */
export const cacheCodeFiles = ["load.js", "merge.js", "evaluate.js", "schema.js", "../shell/index.js"];

export function codeStamp(distPolicyDir: URL): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const f of cacheCodeFiles) out[f] = statSync(new URL(f, distPolicyDir)).mtimeMs;
  return Promise.resolve(out);
}

const sha256 = (b: Buffer): string => createHash("sha256").update(b).digest("hex");

/** The cache entry of a shipped policy loaded (and checked) from its files. */
export function cacheEntry(policy: Policy): Promise<ShippedCacheEntry> {
  const files: Record<string, string> = {};
  for (const s of policy.sources) files[basename(s)] = sha256(readFileSync(s));
  return Promise.resolve({ files, policy: { ...policy, sources: policy.sources.map((s) => basename(s)) } });
}

/**
 * The cached policy for `file` (a shipped policy in `policiesDir`), or undefined when there is
 * no entry or any file it was built from changed since.
 */
export async function fromShippedCache(
  cache: ShippedCache | undefined,
  file: string,
  policiesDir: string,
): Promise<Policy | undefined> {
  if (cache?.version !== shippedCacheVersion) return undefined;
  const entry = cache.entries[basename(file)];
  if (entry === undefined || join(policiesDir, basename(file)) !== file) return undefined;
  for (const [name, want] of Object.entries(entry.files)) {
    let bytes: Buffer;
    try {
      bytes = readFileSync(join(policiesDir, name));
    } catch {
      return undefined;
    }
    if (sha256(bytes) !== want) return undefined;
  }
  const policy = structuredClone(entry.policy);
  policy.sources = policy.sources.map((s) => join(policiesDir, s));
  return policy;
}

/** The cache written next to the built loader, if there is one (absent when running from src/). */
export async function readShippedCache(url: URL): Promise<ShippedCache | undefined> {
  try {
    const cache = JSON.parse(readFileSync(url, "utf8")) as ShippedCache;
    const now = await codeStamp(new URL("./", url));
    return cacheCodeFiles.every((f) => cache.code?.[f] === now[f]) ? cache : undefined;
  } catch {
    return undefined;
  }
}
