import { beforeAll, describe, expect, it } from "vitest";
import { analyseShell, initShell, splitAndAnalyse, splitStatements } from "../../src/shell/index.js";
import { limits } from "../../src/limits.js";

beforeAll(async () => {
  await initShell();
});

describe("splitAndAnalyse (one parse for split and analysis)", () => {
  it("splits like splitStatements and leaves multi-statement parts to be analysed", () => {
    const text = "mkdir -p ~/x\ncurl -s https://a.example \\\n  -o ~/x/a && echo ok\n";
    const parts = splitAndAnalyse(text);
    expect(parts.map(({ text: t, offset }) => ({ text: t, offset }))).toEqual(splitStatements(text));
    expect(parts.every((p) => p.analysis === undefined)).toBe(true);
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

  it("reports an over-long whole block as the limit problem, like analyseShell", () => {
    const text = `echo ${"a".repeat(limits.maxCommandChars)} \\\n  b`;
    const [part] = splitAndAnalyse(text);
    expect(part?.analysis).toEqual(analyseShell(text));
    expect(part?.analysis?.problems.map((p) => p.code)).toEqual(["limit"]);
  });
});
