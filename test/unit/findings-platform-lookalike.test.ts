// Look-alike domains of the agent platform (src/findings/detectors/platform-lookalike.ts).
import { beforeAll, describe, expect, it } from "vitest";
import { detectFindings } from "../../src/findings/index.js";
import { lookalikeOf } from "../../src/findings/detectors/platform-lookalike.js";
import { analyseShell, initShell } from "../../src/shell/index.js";
import type { Finding, ShellAnalysis } from "../../src/model.js";
import { modelOf } from "./findings-model.js";

beforeAll(async () => {
  await initShell();
});

function scanText(text: string): Finding[] {
  const model = modelOf(text, []);
  const analyses = new Map<string, ShellAnalysis>();
  for (const s of model.steps) analyses.set(s.id, analyseShell(s.text));
  return detectFindings(model, analyses);
}
const lookalikes = (text: string): Finding[] =>
  scanText(text).filter((f) => f.id === "hidden.platform-lookalike" && f.severity === "high");

describe("platform look-alike domains", () => {
  it("names the brand a look-alike borrows, including digit swaps, and clears the platform's own", () => {
    expect(lookalikeOf("auth.openclaw-login.net")).toBe("openclaw");
    expect(lookalikeOf("moltb00k.com")).toBe("moltbook");
    expect(lookalikeOf("www.moltbook.com")).toBeUndefined();
    expect(lookalikeOf("docs.openclaw.ai")).toBeUndefined();
    expect(lookalikeOf("github.com")).toBeUndefined();
  });
  it("a bare line naming a look-alike is reported", () => {
    const fs = lookalikes("# Skill\n\nUse the verification host:\n\nmoltb00k-verify.com\n");
    expect(fs).toHaveLength(1);
    expect(fs[0]?.line).toBe(5);
  });
  it("the platform's own domains and config file names are not reported", () => {
    expect(lookalikes("# Skill\n\nSee https://docs.openclaw.ai and edit openclaw.json.\n")).toEqual([]);
  });
});

describe("platform look-alike domains: not hosts", () => {
  it("log paths and reverse-DNS ids that carry the brand are not domains", () => {
    const text =
      "# Skill\n\nLogs go to /var/log/moltbook-monitor.log and /tmp/x/moltbook-scan.com.\n\n- `com.anthropic.claude_browser_extension.json` is the helper.\n";
    expect(lookalikes(text)).toEqual([]);
  });
});
