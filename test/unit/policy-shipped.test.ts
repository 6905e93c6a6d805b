import { describe, expect, it } from "vitest";
import { loadPolicy } from "../../src/policy/index.js";

describe("shipped policies", () => {
  for (const name of ["baseline", "default", "moltbook", "common-tools", "sandbox-only"]) {
    it(`${name} loads and its examples hold`, async () => {
      const policy = await loadPolicy(name);
      expect(policy.name).toBe(name);
      expect(policy.hash).toMatch(/^[0-9a-f]{64}$/);
    });
  }
});
