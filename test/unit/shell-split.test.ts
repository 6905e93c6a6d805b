import { beforeAll, describe, expect, it } from "vitest";
import { analyseShell, initShell, quoteWord, splitStatements } from "../../src/shell/index.js";

beforeAll(async () => {
  await initShell();
});

describe("splitStatements", () => {
  it("returns each top-level statement with its offset, comments dropped", () => {
    const text =
      "# install\nmkdir -p ~/x\ncurl -s https://a.example \\\n  -o ~/x/a && echo ok\ncat > f <<'EOF'\nbody\nEOF\n";
    const parts = splitStatements(text);
    expect(parts.map((p) => p.text)).toEqual([
      "mkdir -p ~/x",
      "curl -s https://a.example \\\n  -o ~/x/a && echo ok",
      "cat > f <<'EOF'\nbody\nEOF",
    ]);
    for (const p of parts) expect(text.slice(p.offset, p.offset + p.text.length)).toBe(p.text);
  });

  it("keeps a trailing & with its statement", () => {
    expect(splitStatements("sleep 1 & ls").map((p) => p.text)).toEqual(["sleep 1 &", "ls"]);
  });

  it("returns the whole text when it does not parse", () => {
    expect(splitStatements("echo 'unterminated\nls")).toEqual([
      { text: "echo 'unterminated\nls", offset: 0 },
    ]);
  });
});

describe("analysis positions", () => {
  it("maps words to 1-based line:column and 0-based offsets", () => {
    const a = analyseShell("ls\n  curl  'x y'");
    const w = a.commands[1]?.argv[1];
    expect(w?.value).toBe("x y");
    expect(w?.span.start).toEqual({ line: 2, column: 9, offset: 11 });
    expect(w?.span.end).toEqual({ line: 2, column: 14, offset: 16 });
  });

  it("records pipeline stage positions", () => {
    const a = analyseShell("a | b | c; d");
    expect(a.commands.map((c) => [c.pipeline.index, c.pipeline.length])).toEqual([
      [0, 3],
      [1, 3],
      [2, 3],
      [0, 1],
    ]);
    expect(new Set(a.commands.slice(0, 3).map((c) => c.pipeline.id)).size).toBe(1);
  });
});

describe("quoteWord", () => {
  it("leaves harmless words bare and quotes everything else", () => {
    expect(quoteWord("https://a.example/x")).toBe("https://a.example/x");
    expect(quoteWord("")).toBe("''");
    expect(quoteWord("it's")).toBe("'it'\\''s'");
    expect(quoteWord("a=b")).toBe("'a=b'");
    expect(quoteWord("~")).toBe("'~'");
    expect(quoteWord("a\tb")).toBe("$'a\\x09b'");
  });
});
