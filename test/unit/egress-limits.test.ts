// Egress limits from the policy: network.limits loads (and merges over extends), reaches the
// step's allowlist, and combines with the runner's limits so that the smaller cap holds.

import path from "node:path";
import { describe, expect, it } from "vitest";
import { buildStepAllowlist, policyAllowlist } from "../../src/egress/allowlist.js";
import { effectiveLimits, egressDefaults, limitsFromPolicy } from "../../src/egress/limits.js";
import { loadPolicy } from "../../src/policy/load.js";

const fixtures = path.resolve(import.meta.dirname, "../fixtures/egress");
const fetchMoltbook = [
  { verdict: "allow" as const, hosts: [{ scheme: "https", host: "moltbook.test", port: 443 }] },
];

describe("policy network.limits", () => {
  it("loads, and a policy's own limits override its base's key by key", async () => {
    const base = await loadPolicy(path.join(fixtures, "limits-base.yaml"));
    expect(base.network.limits).toEqual({ bytesIn: 65536, connections: 2 });
    const child = await loadPolicy(path.join(fixtures, "limits-child.yaml"));
    expect(child.network.limits).toEqual({ bytesIn: 131072, connections: 2, bytesOut: 1000 });
    expect(child.hash).not.toBe(base.hash);
  });

  it("is refused by the schema when a limit is unknown or negative", async () => {
    await expect(loadPolicy(path.join(fixtures, "limits-bad.yaml"))).rejects.toThrow(/packets|bytesIn/);
  });

  it("leaves policies without limits as they were (no limits key, defaults in the proxy)", async () => {
    const p = await loadPolicy("moltbook");
    expect(p.network.limits).toBeUndefined();
    const allow = buildStepAllowlist(fetchMoltbook, p.network);
    expect(allow.limits).toBeUndefined();
    expect(effectiveLimits(allow.limits, undefined)).toEqual(egressDefaults);
  });

  it("reaches the step's allowlist and the wrap allowlist in the proxy's terms", async () => {
    const p = await loadPolicy(path.join(fixtures, "limits-child.yaml"));
    const expected = { maxBytesIn: 131072, maxBytesOut: 1000, maxConnections: 2 };
    expect(buildStepAllowlist(fetchMoltbook, p.network).limits).toEqual(expected);
    expect(policyAllowlist(p.network).limits).toEqual(expected);
    expect(limitsFromPolicy({ requestMs: 5000 })).toEqual({ requestTimeoutMs: 5000 });
  });

  it("takes the policy's value, the runner's where only it sets one, and the smaller where both do", () => {
    const limits = effectiveLimits(
      { maxBytesIn: 1000, maxConnections: 10, requestTimeoutMs: 60_000 },
      { maxBytesIn: 5000, maxConnections: 3, idleTimeoutMs: 50 },
    );
    expect(limits).toEqual({
      ...egressDefaults,
      maxBytesIn: 1000,
      maxConnections: 3,
      requestTimeoutMs: 60_000,
      idleTimeoutMs: 50,
    });
  });
});
