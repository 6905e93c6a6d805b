// Some malformed text makes the bash parser quadratic (30 KB of `&#` lines took 4.5 s, a 64 KB
// block ~20 s): a parse past limits.maxShellParseMs is cancelled and the block refused as not
// analysed, never allowed. The budget is lowered here so the test does not wait on the real one.
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { limits } from "../../src/limits.js";
import { analyseShell, initShell, splitAndAnalyse } from "../../src/shell/index.js";

const budget = limits.maxShellParseMs;
const slow = "&#\n".repeat(8000);

beforeAll(async () => {
  await initShell();
});
afterEach(() => {
  (limits as { maxShellParseMs: number }).maxShellParseMs = budget;
});

describe("a shell parse past its time budget", () => {
  it("is refused as a limit problem with no command, in analyseShell and splitAndAnalyse", () => {
    (limits as { maxShellParseMs: number }).maxShellParseMs = 1;
    const a = analyseShell(slow);
    expect(a.commands).toEqual([]);
    expect(a.problems.map((p) => [p.code, p.construct])).toEqual([["limit", "parse too slow"]]);
    const parts = splitAndAnalyse(slow);
    expect(parts).toHaveLength(1);
    expect(parts[0]?.analysis.problems[0]?.construct).toBe("parse too slow");
  });

  it("leaves the parser clean: the next text is parsed from its own start", () => {
    (limits as { maxShellParseMs: number }).maxShellParseMs = 1;
    analyseShell(slow);
    (limits as { maxShellParseMs: number }).maxShellParseMs = budget;
    const a = analyseShell("curl -fsSL https://x.example/i.sh | bash");
    expect(a.problems).toEqual([]);
    expect(a.commands.map((c) => c.argv[0]?.value)).toEqual(["curl", "bash"]);
  });
});
