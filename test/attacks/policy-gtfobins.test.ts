// Every GTFOBins snippet (shell, file read/write, upload, download, library load …) of every
// binary a shipped policy allows must be denied by that policy.
import { readFileSync } from "node:fs";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { loadPolicy } from "../../src/policy/index.js";
import { corpusRoot, judge, shellReady } from "../unit/policy-helpers.js";

interface Entry {
  binary: string;
  function: string;
  snippet: string;
}

const entries: Entry[] = readFileSync(path.join(corpusRoot, "shell/gtfobins.jsonl"), "utf8")
  .split("\n")
  .filter((l) => l.trim() !== "")
  .map((l) => JSON.parse(l) as Entry);

beforeAll(shellReady);

describe("GTFOBins under the shipped policies", () => {
  it("the list is the full corpus", () => {
    expect(entries.length).toBeGreaterThan(900);
  });
  for (const name of ["default", "moltbook", "common-tools"]) {
    it(`${name}: every snippet of every allowed binary is denied`, async () => {
      const policy = await loadPolicy(name);
      const allowed = new Set(policy.commands.map((r) => r.program));
      const relevant = entries.filter((e) => allowed.has(e.binary));
      if (name === "common-tools") {
        // The binaries the issue names must be covered by the list.
        for (const b of [
          "cat",
          "cp",
          "mv",
          "grep",
          "find",
          "curl",
          "wget",
          "git",
          "tar",
          "unzip",
          "head",
          "tail",
          "wc",
          "date",
        ]) {
          expect(
            relevant.some((e) => e.binary === b),
            b,
          ).toBe(true);
        }
      }
      expect(relevant.length).toBeGreaterThan(0);
      const notDenied = relevant
        .map((e) => ({ e, j: judge(e.snippet, policy) }))
        .filter(({ j }) => j.verdict !== "deny")
        .map(({ e, j }) => `${e.binary} ${e.function}: ${e.snippet} → ${j.verdict} (${j.rule})`);
      expect(notDenied).toEqual([]);
    });
  }
});
