// Public obfuscation samples: the analyser never throws and never calls one of them clean
// unless every word resolved statically (those are left to the policy).
import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { beforeAll, describe, expect, it } from "vitest";
import { analyseShell, initShell } from "../../src/shell/index.js";

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const corpus = path.resolve(repoRoot, "../shared/corpus/shell");

beforeAll(async () => {
  await initShell();
});

describe("Bashfuscator samples", () => {
  it("each yields a problem or at least one command; none throws", () => {
    const lines = readFileSync(path.join(corpus, "bashfuscator_samples.jsonl"), "utf8")
      .split("\n")
      .filter(Boolean);
    expect(lines.length).toBeGreaterThan(50);
    let clean = 0;
    let flagged = 0;
    for (const line of lines) {
      const sample = JSON.parse(line) as { obfuscated: string; mutator: string };
      const a = analyseShell(sample.obfuscated);
      expect(a.problems.length + a.commands.length, sample.mutator).toBeGreaterThan(0);
      if (a.problems.length > 0) flagged++;
      else clean++;
    }
    console.log(`bashfuscator: ${flagged} flagged, ${clean} static (left to the policy) of ${lines.length}`);
    // Every Bashfuscator mutator relies on expansions; none is static.
    expect(clean).toBe(0);
  });

  it("command-injection payload lists never throw", () => {
    for (const file of ["patt_command_exec.txt", "patt_command-execution-unix.txt"]) {
      for (const payload of readFileSync(path.join(corpus, file), "utf8").split("\n")) {
        const a = analyseShell(payload);
        expect(a.text).toBe(payload);
      }
    }
  });
});
