// Fixture folders: test/fixtures/policy/cases/<case>/ with commands.txt (one step per line;
// lines starting with a tab continue the previous step), a policy (policy.yaml, or policy.txt
// naming a shipped one) and expected.json (verdict, optional rule and reason substring).
import { existsSync, readFileSync, readdirSync } from "node:fs";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { loadPolicy } from "../../src/policy/index.js";
import { judge, repoRoot, shellReady } from "./policy-helpers.js";

const casesDir = path.join(repoRoot, "test/fixtures/policy/cases");

interface Expected {
  verdict: "allow" | "review" | "deny";
  rule?: string;
  reason?: string;
}

function steps(text: string): string[] {
  const out: string[] = [];
  for (const line of text.split("\n")) {
    if (line.startsWith("\t") && out.length > 0) out[out.length - 1] += `\n${line}`;
    else if (line.trim() !== "") out.push(line);
  }
  return out;
}

beforeAll(shellReady);

describe("policy fixture cases", () => {
  const cases = readdirSync(casesDir);
  it("has cases", () => {
    expect(cases.length).toBeGreaterThanOrEqual(5);
  });
  for (const name of cases) {
    it(name, async () => {
      const dir = path.join(casesDir, name);
      const ref = existsSync(path.join(dir, "policy.yaml"))
        ? path.join(dir, "policy.yaml")
        : readFileSync(path.join(dir, "policy.txt"), "utf8").trim();
      const policy = await loadPolicy(ref);
      const commands = steps(readFileSync(path.join(dir, "commands.txt"), "utf8"));
      const expected = JSON.parse(readFileSync(path.join(dir, "expected.json"), "utf8")) as Expected[];
      expect(commands.length).toBe(expected.length);
      commands.forEach((text, i) => {
        const want = expected[i] as Expected;
        const got = judge(text, policy);
        const label = `${name}[${i}] ${text}\n→ ${got.verdict} ${got.rule}: ${got.reason}`;
        expect(got.verdict, label).toBe(want.verdict);
        if (want.rule !== undefined) expect(got.rule, label).toBe(want.rule);
        if (want.reason !== undefined) expect(got.reason, label).toContain(want.reason);
        if (got.verdict === "deny") expect(got.fix, label).toBeTruthy();
      });
    });
  }
});
