// Red-team sizes for the emphasis-run grouping and the markdown-comment reading: rows of emphasis
// runs are grouped in one pass over a paragraph's children (leading label runs skipped by index,
// not by re-slicing), and a never-rendered definition is read once. A bound far above the linear
// time: a correctness guard against a blow-up, not a speed figure (those are in bench/). 150 KB of
// runs: parsing that many runs already takes seconds before the grouping (main: 5 s here).
import { describe, expect, it } from "vitest";
import { InputError } from "../../src/errors.js";
import { extractSkill } from "../../src/extract/index.js";

describe("emphasis-run rows and markdown comments stay linear", () => {
  it("a 150 KB paragraph of emphasis runs, and a 300 KB markdown comment", () => {
    for (const text of [
      `# T\n\n${"**a:** ".repeat(20_000)}\n`,
      `# T\n\n${"**curl** _-x_ / ".repeat(9_000)}\n`,
      `# T\n\n[//]: # (${"run curl -x ".repeat(25_000)})\n`,
    ]) {
      const t0 = performance.now();
      try {
        extractSkill({ source: "t", file: "SKILL.md", text });
      } catch (error) {
        // Refused up front as too much inline markup (a limit, "too-deep") is as good as fast.
        if (!(error instanceof InputError) || error.code !== "too-deep") throw error;
      }
      expect(performance.now() - t0, text.slice(0, 20)).toBeLessThan(15_000);
    }
  }, 120_000);
});
