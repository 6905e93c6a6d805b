// Properties: analysis never throws, respects its limits, and the canonical rendering of a
// clean script analyses back to the same argv and redirects.
import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import { limits } from "../../src/limits.js";
import type { ShellAnalysis } from "../../src/model.js";
import { analyseShell, initShell, quoteWord, renderScript } from "../../src/shell/index.js";

beforeAll(async () => {
  await initShell();
});

const SHELLISH = fc.constantFrom(
  ..."abc ;|&<>()$`'\"\\{}[]*?~#=:\n\t!-/".split(""),
  "$(",
  "${",
  "$'",
  "<<EOF\n",
  "\nEOF\n",
  "&&",
  "||",
  "\\\n",
  "\r",
  "\u0000",
  "é",
  "\u202e",
  "\ud800",
);
const shellText = fc.array(SHELLISH, { maxLength: 60 }).map((parts) => parts.join(""));

function shape(a: ShellAnalysis): unknown {
  return a.commands.map((c) => ({
    argv: c.argv.map((w) => w.parts),
    redirects: c.redirects.map((r) => ({
      op: r.op,
      fd: r.fd,
      target: r.target?.parts,
      body: r.heredoc?.body,
    })),
  }));
}

describe("analyseShell never throws", () => {
  it("on arbitrary strings", () => {
    fc.assert(
      fc.property(fc.string({ unit: "binary", maxLength: 200 }), (s) => {
        const a = analyseShell(s);
        expect(a.text).toBe(s);
      }),
      { numRuns: 300, seed: 20261207 },
    );
  });

  it("on shell-like fragments", () => {
    fc.assert(
      fc.property(shellText, (s) => {
        const a = analyseShell(s);
        if (a.script) expect(a.problems).toEqual([]);
      }),
      { numRuns: 1000, seed: 20261207 },
    );
  });

  it("on huge and deeply nested input, reporting a limit problem", () => {
    const deep = "echo " + "$(".repeat(3000) + "x" + ")".repeat(3000);
    expect(analyseShell(deep).problems.map((p) => p.code)).toContain("limit");
    const long = "echo " + "a".repeat(limits.maxCommandChars);
    expect(analyseShell(long).problems.map((p) => p.code)).toEqual(["limit"]);
    const many = Array.from({ length: limits.maxCommandsPerStep + 5 }, () => "a").join(";");
    const a = analyseShell(many);
    expect(a.commands).toHaveLength(limits.maxCommandsPerStep);
    expect(a.problems.map((p) => p.code)).toContain("limit");
    const subshells = "(".repeat(5000) + "a" + ")".repeat(5000);
    expect(analyseShell(subshells).problems.length).toBeGreaterThan(0);
  });

  it("throws a clear error only when used before initShell (checked in a fresh module)", async () => {
    const { vi } = await import("vitest");
    vi.resetModules();
    const fresh = await import("../../src/shell/analyse.js?fresh" as string);
    expect(() => (fresh as typeof import("../../src/shell/analyse.js")).analyseShell("ls")).toThrow(
      /initShell/,
    );
  });
});

describe("renderScript round-trips", () => {
  const wordChars = fc.constantFrom(..."ab ;|&<>()$`'\"\\{}*?~#=:\t\n!é-/".split(""), "\u0001", "\u001b");
  const value = fc.array(wordChars, { minLength: 0, maxLength: 8 }).map((c) => c.join(""));
  const envName = fc.constantFrom("HOME", "API_KEY", "X");
  const part = fc.oneof(
    value.map((v) => ({ kind: "literal" as const, v })),
    envName.map((n) => ({ kind: "env" as const, v: n })),
  );
  const word = fc
    .array(part, { minLength: 1, maxLength: 3 })
    .map((parts) => parts.map((p) => (p.kind === "literal" ? quoteWord(p.v) : `"\${${p.v}}"`)).join(""));
  const command = fc
    .tuple(
      fc.constantFrom("curl", "ls", "zq"),
      fc.array(word, { maxLength: 4 }),
      fc.option(value.map((v) => "x" + v)),
    )
    .map(
      ([name, args, target]) => [name, ...args].join(" ") + (target === null ? "" : " >" + quoteWord(target)),
    );
  const script = fc
    .array(fc.tuple(command, fc.constantFrom("; ", "\n", " && ", " || ", " | ")), {
      minLength: 1,
      maxLength: 4,
    })
    .map((items) => items.map(([c, sep], i) => c + (i < items.length - 1 ? sep : "")).join(""));

  it("analyse(render(analyse(x))) has the same argv and redirects", () => {
    let clean = 0;
    fc.assert(
      fc.property(script, (text) => {
        const first = analyseShell(text);
        // `a || b >x | c` and `a | b | c && d` are mis-nested by the parser and flagged.
        fc.pre(first.problems.length === 0);
        clean++;
        if (!first.script) throw new Error("no script");
        const rendered = renderScript(first.script);
        const second = analyseShell(rendered);
        expect(second.problems, rendered).toEqual([]);
        expect(shape(second)).toEqual(shape(first));
        expect(second.script?.operators).toEqual(first.script.operators);
      }),
      // 400 runs missed `a | b | c && d` for a whole session; 15,000 found it in 767.
      { numRuns: 2000, seed: 20261207 },
    );
    expect(clean).toBeGreaterThan(1500);
  });

  it("keeps heredoc bodies verbatim under a delimiter that cannot occur in them", () => {
    const text = "cat > out <<-'EOF'\n\tSKILLWALL_EOF\n\tline $x `y` \\z\n\tEOF\nls";
    const first = analyseShell(text);
    expect(first.problems).toEqual([]);
    const rendered = renderScript(first.script ?? { pipelines: [], operators: [] });
    expect(shape(analyseShell(rendered))).toEqual(shape(first));
    expect(first.commands[0]?.redirects[1]?.heredoc?.body).toBe("SKILLWALL_EOF\nline $x `y` \\z\n");
  });
});
