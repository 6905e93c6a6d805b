// The policy loader on hostile input: any bytes, any JSON/YAML shape. It must either load or
// refuse with a PolicyError that names a location — never crash, hang or fall back to defaults.

import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import fc from "fast-check";
import { stringify } from "yaml";
import { describe, expect, it } from "vitest";
import { PolicyError } from "../../src/errors.js";
import { loadPolicy } from "../../src/policy/load.js";

const dir = mkdtempSync(path.join(tmpdir(), "skillwall-policy-fuzz-"));
let n = 0;

async function outcome(text: string, ext: "yaml" | "json"): Promise<"loaded" | "refused"> {
  const file = path.join(dir, `p${n++}.${ext}`);
  writeFileSync(file, text);
  try {
    await loadPolicy(file);
    return "loaded";
  } catch (err) {
    expect(err).toBeInstanceOf(PolicyError);
    expect((err as PolicyError).message).toContain(path.basename(file));
    return "refused";
  }
}

// Policy-shaped values: the right keys with arbitrary contents, so the schema's deeper checks run.
const policyish = fc.record(
  {
    name: fc.oneof(fc.string(), fc.integer()),
    extends: fc.array(fc.oneof(fc.constantFrom("default", "common-tools", "nope", "../x"), fc.string())),
    commands: fc.array(
      fc.record(
        {
          id: fc.string(),
          program: fc.string(),
          verdict: fc.constantFrom("allow", "review", "deny", 3),
          options: fc.array(fc.record({ names: fc.array(fc.string()), value: fc.jsonValue() })),
          positionals: fc.array(fc.jsonValue()),
        },
        { requiredKeys: [] },
      ),
    ),
    blockedPaths: fc.array(fc.string()),
    examples: fc.record({ allow: fc.array(fc.string()), deny: fc.array(fc.string()) }, { requiredKeys: [] }),
  },
  { requiredKeys: [] },
);

describe("policy loader fuzz", () => {
  it("never throws anything but a located PolicyError on arbitrary text", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.string({ maxLength: 400 }),
        fc.constantFrom("yaml" as const, "json" as const),
        async (t, e) => {
          await outcome(t, e);
        },
      ),
      { numRuns: 150, seed: 7 },
    );
  });

  it("never throws anything but a PolicyError on policy-shaped values", async () => {
    await fc.assert(
      fc.asyncProperty(policyish, async (value) => {
        await outcome(stringify(value), "yaml");
        await outcome(JSON.stringify(value), "json");
      }),
      { numRuns: 150, seed: 11 },
    );
  });
});
