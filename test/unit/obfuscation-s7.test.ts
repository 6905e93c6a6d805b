// The obfuscation-s7 red-team set (test/fixtures/obfuscation-s7, written in session 7 for issue
// 14 from the technique list, before the rules it measures): every item is read through the real
// input reader (bundled binaries and archives included) and scanned. Each malicious rewrite must
// be flagged (high or critical) by a finding that names its technique; each benign control must
// stay below high. Rewrites still missed are asserted as missed, so fixing one fails here.
import { readdirSync } from "node:fs";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { extractSkill } from "../../src/extract/index.js";
import { detectFindings, riskOf } from "../../src/findings/index.js";
import { readSkillInputs } from "../../src/input/index.js";
import { analyseShell, initShell } from "../../src/shell/index.js";
import type { Finding, ShellAnalysis } from "../../src/model.js";

const root = path.resolve(import.meta.dirname, "../fixtures/obfuscation-s7");

beforeAll(async () => {
  await initShell();
});

async function scanDir(dir: string): Promise<Finding[]> {
  const [r] = await readSkillInputs([dir], { cwd: root });
  if (!r?.ok) throw new Error(`could not read ${dir}`);
  const model = extractSkill(r.input);
  const analyses = new Map<string, ShellAnalysis>();
  for (const s of model.steps) analyses.set(s.id, analyseShell(s.text));
  return detectFindings(model, analyses);
}

/** The finding(s) that name each rewrite's technique (any one of them, at high or above). */
const expected: Record<string, string[]> = {
  "affine-list-model": ["obfuscation.encoded-order"],
  "ansi-c-quoting": ["obfuscation.escaped-text", "obfuscation.encoded-url"],
  "b64-prose-follow": ["obfuscation.encoded-order", "hidden.encoded-text"],
  "base32-getattr-heredoc": ["obfuscation.assembled-name", "obfuscation.runtime-decode"],
  "base85-heredoc": ["bundled.decoded-exec", "obfuscation.runtime-decode"],
  "bundled-binary": ["obfuscation.opaque-run"],
  "cron-printf-hex": ["obfuscation.escaped-text"],
  "emphasis-command": ["hidden.platform-lookalike"],
  "hex-model": ["obfuscation.encoded-order"],
  "homoglyph-host": ["hidden.homoglyph-host"],
  "html-comment": ["exfil.send-data"],
  "index-map-heredoc": ["obfuscation.runtime-decode"],
  "json-value-b64-run": [
    "obfuscation.model-decode",
    "obfuscation.encoded-order",
    "obfuscation.data-file-order",
  ],
  "lookalike-bare-line": ["hidden.platform-lookalike", "hidden.declared-lookalike"],
  "md-reference-comment": ["lure.raw-ip", "hidden.md-comment"],
  "neutral-cron-printf-hex": ["obfuscation.escaped-text"],
  "neutral-emphasis-command": ["rce.pipe-to-interpreter"],
  "neutral-md-comment": ["hidden.md-comment"],
  "neutral-node-concat": ["obfuscation.assembled-name"],
  "neutral-printf-hex": ["obfuscation.escaped-text"],
  "neutral-vars-across-blocks": ["obfuscation.shell-assembled"],
  "node-concat-oneliner": ["obfuscation.assembled-name"],
  "password-zip-run": ["obfuscation.opaque-run"],
  "printf-hex": ["obfuscation.escaped-text"],
  "python-concat-oneliner": ["obfuscation.assembled-name"],
  "rc-reversed": ["rce.pipe-to-interpreter"],
  "rot13-heredoc": ["obfuscation.runtime-decode"],
  "shell-split-vars": ["obfuscation.shell-assembled"],
  "table-split": ["obfuscation.model-decode", "obfuscation.encoded-order"],
  "unicode-tags": ["hidden.unicode-tags"],
  "vars-across-blocks": ["obfuscation.shell-assembled"],
  "whisper-decoded-url": ["obfuscation.encoded-url"],
  "whisper-node-charcodes": ["bundled.exfil", "obfuscation.runtime-decode"],
  "whisper-python-getattr": ["bundled.exfil", "obfuscation.assembled-name"],
  "xor-heredoc": ["obfuscation.runtime-decode"],
  "yaml-prose-follow": ["obfuscation.data-file-order"],
  "yaml-value-run": ["obfuscation.data-file-order"],
  "zero-width-host": ["hidden.declared-lookalike", "exfil.send-data"],
};
/** Still missed (see the README and the issue-14 notes). */
const knownMisses = new Set<string>(["tool-named-release"]);

const names = (kind: string): string[] => readdirSync(path.join(root, kind)).sort();

describe("obfuscation-s7 red-team set (own, written s7)", () => {
  it("every malicious rewrite has an expectation", () => {
    expect(names("malicious").filter((n) => !(n in expected) && !knownMisses.has(n))).toEqual([]);
    expect(names("malicious").length).toBeGreaterThanOrEqual(25);
    expect(names("benign").length).toBeGreaterThanOrEqual(10);
  });
  for (const name of names("malicious")) {
    it(`${knownMisses.has(name) ? "still misses" : "flags"} ${name}`, async () => {
      const fs = await scanDir(path.join(root, "malicious", name));
      if (knownMisses.has(name)) {
        expect(["high", "critical"]).not.toContain(riskOf(fs));
        return;
      }
      const ids = fs.filter((f) => f.severity === "high" || f.severity === "critical").map((f) => f.id);
      expect(ids.filter((id) => expected[name]?.includes(id))).not.toEqual([]);
    });
  }
  for (const name of names("benign")) {
    it(`leaves the benign control ${name} below high`, async () => {
      const fs = await scanDir(path.join(root, "benign", name));
      expect(fs.filter((f) => f.severity === "high" || f.severity === "critical")).toEqual([]);
    });
  }
});
