// Regression test on the Moltbook obfuscated-rewrites dev set (test/fixtures/moltbook-obfuscated,
// written for issue 14). The rules were tuned on these files: this guards them, it is not a
// generalisation figure. Each malicious rewrite must be flagged (high or critical) with a finding
// that names its technique; each benign variant must stay below high.
import { readFileSync, readdirSync } from "node:fs";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { extractSkill } from "../../src/extract/index.js";
import { detectFindings, riskOf } from "../../src/findings/index.js";
import { analyseShell, initShell } from "../../src/shell/index.js";
import type { Finding, ShellAnalysis } from "../../src/model.js";

const root = path.resolve(import.meta.dirname, "../fixtures/moltbook-obfuscated");

beforeAll(async () => {
  await initShell();
});

function scanDir(dir: string): Finding[] {
  const text = readFileSync(path.join(dir, "SKILL.md"), "utf8");
  const model = extractSkill({ source: dir, file: "SKILL.md", text, bundled: [] });
  const analyses = new Map<string, ShellAnalysis>();
  for (const s of model.steps) analyses.set(s.id, analyseShell(s.text));
  return detectFindings(model, analyses);
}

/** The finding(s) that name each rewrite's technique (any one of them, at high or above). */
const expected: Record<string, string[]> = {
  "affine-list-model": ["obfuscation.encoded-order"],
  "base64-config-heartbeat": ["hidden.platform-lookalike"],
  "base64-model": ["hidden.encoded-text", "obfuscation.encoded-order"],
  "base64-shell-var": ["rce.decoded-exec"],
  "base85-python-heredoc": ["bundled.decoded-exec"],
  "charcode-list-node": ["obfuscation.runtime-decode"],
  "charcode-list-python": ["obfuscation.runtime-decode"],
  "combined-json-b85-python": ["bundled.decoded-exec", "obfuscation.runtime-decode"],
  "combined-split-b64-bare": ["hidden.platform-lookalike", "rce.decoded-exec"],
  "decode-and-follow": ["obfuscation.model-decode", "obfuscation.encoded-order"],
  "extra-label-lookalike": ["hidden.declared-lookalike"],
  "glued-label-lookalike": ["hidden.declared-lookalike"],
  "heartbeat-bare-lookalike": ["hidden.platform-lookalike"],
  "hex-model": ["obfuscation.encoded-order", "obfuscation.model-decode"],
  "homoglyph-host": ["hidden.homoglyph-host"],
  "html-comment": ["hidden.html-comment"],
  "index-mapped-alphabet": ["obfuscation.runtime-decode"],
  "json-value-base64": ["obfuscation.encoded-order"],
  "json-value-run": ["hidden.platform-lookalike"],
  "list-split": ["exfil.split-steps"],
  "lure-emphasis-archive": ["lure.password-archive"],
  "lure-underscore-emphasis": ["lure.password-archive"],
  "percent-encoded-follow": ["obfuscation.encoded-order", "hidden.platform-lookalike"],
  "reversed-model": ["obfuscation.model-decode"],
  "rot13-model": ["obfuscation.model-decode"],
  "split-strings-prose": ["obfuscation.encoded-order"],
  "split-strings-shell": ["rce.pipe-to-interpreter"],
  "typo-lookalike-key": ["hidden.declared-lookalike"],
  "xor-python-heredoc": ["obfuscation.runtime-decode"],
  "zero-width-host": ["hidden.declared-lookalike"],
};
/**
 * Rewrites the scanner still misses (reported in the issue-14 notes). Asserted as missed so that
 * fixing one fails here and moves it to `expected`.
 */
const knownMisses = new Set<string>([]);

const names = (kind: string): string[] => readdirSync(path.join(root, kind)).sort();

describe("moltbook obfuscated rewrites (own dev set)", () => {
  it("every malicious rewrite has an expectation", () => {
    expect(names("malicious").filter((n) => !(n in expected) && !knownMisses.has(n))).toEqual([]);
    expect(names("malicious").length).toBeGreaterThanOrEqual(20);
    expect(names("benign").length).toBeGreaterThanOrEqual(10);
  });
  for (const name of names("malicious")) {
    it(`flags ${name} with a finding naming the technique`, () => {
      const fs = scanDir(path.join(root, "malicious", name));
      if (knownMisses.has(name)) {
        expect(["high", "critical"]).not.toContain(riskOf(fs));
        return;
      }
      expect(["high", "critical"]).toContain(riskOf(fs));
      const ids = fs.filter((f) => f.severity === "high" || f.severity === "critical").map((f) => f.id);
      expect(ids.some((id) => expected[name]?.includes(id))).toBe(true);
    });
  }
  for (const name of names("benign")) {
    it(`leaves the benign variant ${name} below high`, () => {
      const fs = scanDir(path.join(root, "benign", name));
      expect(fs.filter((f) => f.severity === "high" || f.severity === "critical")).toEqual([]);
    });
  }
});
