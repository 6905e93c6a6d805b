// Documentation placeholders (`<name>`) are not shell: when they break the analysis, the reason a
// reader sees names the placeholder first. Valid redirections are left alone.

import { beforeAll, describe, expect, it } from "vitest";
import { analyseShell, initShell } from "../../src/shell/index.js";

beforeAll(initShell);

describe("template placeholders", () => {
  it("is the first problem when a placeholder breaks the text", () => {
    for (const text of ["adk init <name>", "gh pr comment <PR#> --body x", "tool run --file=<path>"]) {
      const a = analyseShell(text);
      expect(a.script, text).toBeUndefined();
      expect(a.problems[0]?.construct, text).toBe("template placeholder <…>");
      expect(a.problems.length, text).toBeGreaterThan(1);
    }
  });

  it("points at the placeholder", () => {
    const p = analyseShell("echo hi; adk init <name>").problems[0]!;
    expect(p.message).toMatch(/^<name> is a placeholder/);
    expect(p.span.start.column).toBe(19);
  });

  it("does not touch text that analyses cleanly (cat <in> out is two redirections)", () => {
    const a = analyseShell("cat <in> out");
    expect(a.problems).toEqual([]);
    expect(a.commands[0]!.redirects.map((r) => `${r.op}${r.target?.value}`)).toEqual(["<in", ">out"]);
  });
});
