// splitAndAnalyse parses a block once: every statement's analysis must equal analyseShell on the
// statement's own text (same commands, problems, spans and offsets relative to the statement).
import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import { analyseShell, initShell, splitAndAnalyse, splitStatements } from "../../src/shell/index.js";
import { limits } from "../../src/limits.js";

beforeAll(async () => {
  await initShell();
});

function expectSameAsAnalyseShell(text: string, home = "/home/u"): void {
  const parts = splitAndAnalyse(text, { home });
  expect(parts.map(({ text: t, offset }) => ({ text: t, offset }))).toEqual(splitStatements(text));
  for (const part of parts) expect(part.analysis).toEqual(analyseShell(part.text, { home }));
}

function markdownFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    const p = path.join(dir, name);
    if (statSync(p).isDirectory()) out.push(...markdownFiles(p));
    else if (name.endsWith(".md")) out.push(p);
  }
  return out;
}

describe("splitAndAnalyse (one parse for split and analysis)", () => {
  it("analyses each statement of a split block exactly as analyseShell analyses its text", () => {
    const blocks = [
      "mkdir -p ~/x\ncurl -s https://a.example \\\n  -o ~/x/a && echo ok\n",
      "# setup\nexport A=1\n\ncd ~/x; ls -la | grep foo > out.txt\n",
      "cat > ~/f <<'EOF'\nbody $HOME\nEOF\necho done\n",
      "cat <<EOF > f\n$(whoami)\nEOF\nsleep 1 &\necho $((1+2))\n",
      "tar xzf a.tgz -C ~/w\n\u202eecho hidden\necho \ud83d\ude00 ok\n",
      "echo a \\\n b\\\nc\nfor i in 1 2; do echo $i; done\n(cd /tmp && ls)\n{ echo g; }\n",
      'a=1 b=2 cmd <(ls) >(cat) 2>&1 >&- <<< "$x"\necho `id`\n',
    ];
    for (const text of blocks) expectSameAsAnalyseShell(text);
    // Most of them do split (the others exercise the whole-block path).
    expect(blocks.filter((text) => splitStatements(text).length > 1).length).toBeGreaterThan(4);
  });

  it("analyses a block that stays whole exactly as analyseShell does", () => {
    const blocks = [
      "curl -s https://a.example \\\n  -H 'Authorization: Bearer $KEY' \\\n  -d '{\"a\": 1}'",
      "cat > ~/f <<'EOF'\nbody $HOME\nEOF",
      "if true; then\n  echo $(whoami)\nfi",
      "echo 'unterminated\nrm -rf /",
      "ls\u0007\necho hi",
    ];
    for (const text of blocks) {
      const parts = splitAndAnalyse(text, { home: "/home/u" });
      expect(parts).toHaveLength(1);
      expect(parts[0]?.text).toBe(text);
      expect(parts[0]?.analysis).toEqual(analyseShell(text, { home: "/home/u" }));
    }
  });

  it("reports an over-long statement as the limit problem, like analyseShell", () => {
    const long = `echo ${"a".repeat(limits.maxCommandChars)} \\\n  b`;
    const [whole] = splitAndAnalyse(long);
    expect(whole?.analysis).toEqual(analyseShell(long));
    expect(whole?.analysis.problems.map((p) => p.code)).toEqual(["limit"]);
    const parts = splitAndAnalyse(`ls\n${long}\n`);
    expect(parts).toHaveLength(2);
    expect(parts[1]?.analysis.problems.map((p) => p.code)).toEqual(["limit"]);
  });

  it("matches analyseShell on every fenced block of the real corpus", () => {
    const corpus = path.resolve(import.meta.dirname, "../..", "../shared/corpus");
    let statements = 0;
    for (const file of markdownFiles(corpus)) {
      const md = readFileSync(file, "utf8");
      for (const m of md.matchAll(/```[a-z]*\n([\s\S]*?)```/g)) {
        const text = m[1] ?? "";
        if (!text.includes("\n") || text.length > limits.maxCommandChars * 4) continue;
        expectSameAsAnalyseShell(text);
        statements += splitStatements(text).length;
      }
    }
    expect(statements).toBeGreaterThan(1000);
    // The whole corpus: room to finish on a loaded machine (speed is measured in bench/, not here).
  }, 300_000);

  it("matches analyseShell on arbitrary shell-like blocks", () => {
    const piece = fc.constantFrom(
      ..."abc ;|&<>()$`'\"\\{}*~#=\n\t!-/".split(""),
      "echo x\n",
      "ls -l &\n",
      "$(",
      "${",
      "<<EOF\n",
      "\nEOF\n",
      "&&",
      "\\\n",
      "\u202e",
      "\ud800",
      "é",
    );
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 40 }), (pieces) => expectSameAsAnalyseShell(pieces.join(""))),
      { seed: 20240611, numRuns: 1500 },
    );
  });
});
