// The limits a step container gets: sandboxDefaults, overridden by the policy's sandbox section.
// An unusable value is a policy error, never silently replaced by the default.

import { PolicyError } from "../errors.js";
import { sandboxDefaults, type SandboxLimits } from "../limits.js";
import type { Policy } from "../policy/types.js";

const limitNames = Object.keys(sandboxDefaults) as Array<keyof SandboxLimits>;

/** Smallest sensible values: below these a shell cannot even start. */
const minimums: SandboxLimits = {
  memoryBytes: 16 * 1024 * 1024,
  memorySwapBytes: 16 * 1024 * 1024,
  pids: 8,
  cpus: 0.05,
  fileSizeBytes: 1024,
  tmpBytes: 1024 * 1024,
  timeoutMs: 100,
  outputBytes: 1024,
  openFiles: 32,
};

export function resolveLimits(
  sandbox: Policy["sandbox"] | undefined,
  overrides: Partial<SandboxLimits> = {},
): SandboxLimits {
  const out = { ...sandboxDefaults } as SandboxLimits;
  for (const source of [sandbox ?? {}, overrides] as Array<Partial<SandboxLimits>>) {
    for (const name of limitNames) {
      const value = source[name];
      if (value === undefined) continue;
      if (typeof value !== "number" || !Number.isFinite(value) || value < minimums[name]) {
        throw new PolicyError(
          "sandbox-limit",
          `sandbox.${name} must be a number >= ${minimums[name]}, got ${String(value)}`,
          {
            fix: `set sandbox.${name} to at least ${minimums[name]} (default ${sandboxDefaults[name]})`,
          },
        );
      }
      out[name] = value;
    }
  }
  // Only memorySwapBytes set lower than memory would be rejected by Docker: keep swap >= memory.
  if (out.memorySwapBytes < out.memoryBytes) out.memorySwapBytes = out.memoryBytes;
  return out;
}

/** Limits as reported (audit events, `run --format json`): plain numbers by name. */
export function limitsRecord(l: SandboxLimits): Record<string, number> {
  return { ...l };
}
