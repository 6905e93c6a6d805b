import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { corpusRoot, repoRoot, runCli } from "../helpers/cli.js";

interface JsonStep {
  text: string;
  line: number;
  column: number;
  install: boolean;
  verdict: string;
  rule: string;
  reason: string;
  fix?: string;
  kind: string;
  commands: Array<{ argv: string[] }>;
}
interface JsonReport {
  version: number;
  results: Array<{ source: string; verdict: string; risk: string; steps: JsonStep[]; findings: unknown[] }>;
  errors: Array<{ source: string; message: string }>;
}

const moltbookReal = path.join(corpusRoot, "benign/moltbook/c2d8e44c_SKILL.md");

async function scanJson(args: string[]): Promise<{ code: number; report: JsonReport; stderr: string }> {
  const run = await runCli(["scan", "--format", "json", ...args]);
  return { code: run.code, report: JSON.parse(run.stdout) as JsonReport, stderr: run.stderr };
}

describe("skillwall scan", () => {
  it("allows the example Moltbook skill under the moltbook policy and marks exactly its install block", async () => {
    const { code, report } = await scanJson(["examples/moltbook/SKILL.md", "--policy", "moltbook"]);
    expect(report.version).toBe(1);
    const steps = report.results[0]!.steps;
    expect(steps.filter((s) => s.verdict !== "allow").map((s) => `${s.line}: ${s.reason}`)).toEqual([]);
    expect(steps.filter((s) => s.install).map((s) => s.text.split(" ")[0])).toEqual([
      "mkdir",
      "curl",
      "curl",
      "curl",
      "curl",
    ]);
    expect(code).toBe(0);
  });

  it("on the real Moltbook skill.md: the five install commands, and every API call allowed or held for review", async () => {
    const { report } = await scanJson([moltbookReal, "--policy", "moltbook"]);
    const steps = report.results[0]!.steps;
    const install = steps.filter((s) => s.install);
    expect(install.map((s) => s.text)).toEqual([
      "mkdir -p ~/.moltbot/skills/moltbook",
      "curl -s https://www.moltbook.com/skill.md > ~/.moltbot/skills/moltbook/SKILL.md",
      "curl -s https://www.moltbook.com/heartbeat.md > ~/.moltbot/skills/moltbook/HEARTBEAT.md",
      "curl -s https://www.moltbook.com/messaging.md > ~/.moltbot/skills/moltbook/MESSAGING.md",
      "curl -s https://www.moltbook.com/skill.json > ~/.moltbot/skills/moltbook/package.json",
    ]);
    expect(install.every((s) => s.verdict === "allow")).toBe(true);
    // The install block sits right under "**Install locally:**" in the real file.
    expect(install[0]!.line).toBe(24);
    expect(install[0]!.column).toBe(1);
    const curlSteps = steps.filter((s) => s.kind === "fenced" && s.text.startsWith("curl"));
    expect(curlSteps.length).toBeGreaterThan(30);
    for (const s of curlSteps) {
      const uploadsAFile = s.text.includes("-F ");
      expect({ text: s.text, verdict: s.verdict }).toEqual({
        text: s.text,
        verdict: uploadsAFile ? "review" : "allow",
      });
    }
  });

  it("denies a dropper under the default policy, names the construct, and exits 1", async () => {
    const { code, report } = await scanJson(["examples/dropper/SKILL.md"]);
    expect(code).toBe(1);
    const result = report.results[0]!;
    expect(result.verdict).toBe("deny");
    expect(result.risk).toBe("critical");
    const quoted = result.steps.find((s) => s.kind === "blockquote" && s.text.includes("base64"));
    expect(quoted?.verdict).toBe("deny");
  });

  it("every denial says why and what would change it", async () => {
    const { report } = await scanJson(["examples/repo-tool/SKILL.md"]);
    for (const s of report.results[0]!.steps.filter((x) => x.verdict === "deny")) {
      expect(s.reason.length).toBeGreaterThan(10);
      expect(s.fix ?? "").not.toBe("");
    }
  });

  it("reads stdin with -", async () => {
    const run = await runCli(["scan", "-", "--format", "json"], { stdin: "```bash\necho hello\n```\n" });
    const report = JSON.parse(run.stdout) as JsonReport;
    expect(report.results[0]!.steps.map((s) => [s.text, s.verdict])).toEqual([["echo hello", "allow"]]);
    expect(run.code).toBe(0);
  });

  it("reports an unreadable file, still scans the others, and exits 2", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "skillwall-scan-"));
    const binary = path.join(dir, "binary.md");
    writeFileSync(binary, Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 0, 0, 0x0d, 0xff, 0xfe]));
    const run = await runCli([
      "scan",
      "--format",
      "json",
      path.join(dir, "missing.md"),
      binary,
      "examples/moltbook/SKILL.md",
    ]);
    expect(run.code).toBe(2);
    const report = JSON.parse(run.stdout) as JsonReport;
    expect(report.results.map((r) => path.basename(r.source))).toEqual(["SKILL.md"]);
    expect(report.errors.map((e) => path.basename(e.source)).sort()).toEqual(["binary.md", "missing.md"]);
    expect(run.stderr).toContain("missing.md");
    expect(run.stderr).not.toMatch(/\n\s+at /);
  });

  it("refuses a malformed policy with its location and a fix, and never falls back to defaults", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "skillwall-policy-"));
    const file = path.join(dir, "bad.yaml");
    writeFileSync(file, "name: bad\ncommands:\n  - id: x\n    program: echo\n    verdict: maybe\n");
    const run = await runCli(["scan", "examples/moltbook/SKILL.md", "--policy", file]);
    expect(run.code).toBe(2);
    expect(run.stdout).toBe("");
    expect(run.stderr).toMatch(/commands\[0\]\.verdict|\/commands\/0\/verdict/);
    expect(run.stderr).toMatch(/:5/);
    expect(run.stderr).not.toMatch(/\n\s+at /);
  });

  it("writes SARIF 2.1.0 to a file", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "skillwall-sarif-"));
    const out = path.join(dir, "out.sarif");
    const run = await runCli(["scan", "examples/dropper/SKILL.md", "--format", "sarif", "--output", out]);
    expect(run.code).toBe(1);
    expect(run.stdout).toBe("");
    const { readFileSync } = await import("node:fs");
    const sarif = JSON.parse(readFileSync(out, "utf8")) as {
      version: string;
      runs: Array<{ results: unknown[] }>;
    };
    expect(sarif.version).toBe("2.1.0");
    expect(sarif.runs[0]!.results.length).toBeGreaterThan(0);
  });

  it("writes nothing but its report on frontmatter with a collection as a key (no library warning on stderr)", () => {
    // A real process: YAML's warnings go through process.emitWarning, which an in-process run hides.
    const dir = mkdtempSync(path.join(tmpdir(), "sw-yaml-key-"));
    const file = path.join(dir, "SKILL.md");
    writeFileSync(file, "---\nname: x\n? { TITLE }\n: y\n---\n# hi\n");
    const bin = path.join(repoRoot, "bin/skillwall.js");
    const r = spawnSync(process.execPath, [bin, "scan", file, "--policy", "default", "--format", "json"], {
      encoding: "utf8",
    });
    expect((JSON.parse(r.stdout) as JsonReport).results).toHaveLength(1);
    expect(r.stderr).toBe("");
  });

  it("prints an input error's fix as its own indented line in the text report, never a literal \\n", () => {
    // The real CLI (dist/, after npm run build), with bad inputs mixed with a good one.
    const dir = mkdtempSync(path.join(tmpdir(), "sw-err-fix-"));
    const deep = path.join(dir, "deep.md");
    writeFileSync(deep, `${"> ".repeat(150)}x\n`);
    const good = path.join(dir, "good.md");
    writeFileSync(good, "---\nname: good\ndescription: a fine skill\n---\n# Good\nHello.\n");
    const bin = path.join(repoRoot, "bin/skillwall.js");
    const r = spawnSync(
      process.execPath,
      [bin, "scan", deep, path.join(dir, "missing.md"), good, "--policy", "default"],
      { encoding: "utf8", env: { ...process.env, NO_COLOR: "1" } },
    );
    expect(r.status).toBe(2);
    const lines = r.stdout.split("\n");
    const at = lines.findIndex((l) => l.includes("too-deep"));
    expect(lines[at]).toMatch(/^ {2}ERROR {2}\S*deep\.md {2}too-deep {2}markdown too complex/);
    expect(lines[at]).not.toContain("\\n");
    expect(lines[at + 1]).toMatch(/^ {4}fix: Flatten the nesting/);
    expect(r.stdout).not.toContain("\\n");
    expect(r.stdout).toMatch(/^ {2}ERROR {2}\S*missing\.md {2}not-found/m);
    expect(r.stdout).toMatch(/good\.md {2}sha256 \w+ {2}ALLOW/);
  });

  it("rejects an unknown format as a usage error", async () => {
    const run = await runCli(["scan", "examples/moltbook/SKILL.md", "--format", "xml"]);
    expect(run.code).toBe(2);
  });

  it("scans the whole shared corpus without an internal error", async () => {
    const run = await runCli(["scan", "--format", "json", "--fail-on", "none", corpusRoot]);
    const report = JSON.parse(run.stdout) as JsonReport;
    expect(report.results.length).toBeGreaterThan(300);
    expect(report.errors.filter((e) => /internal error/.test(e.message))).toEqual([]);
    // About 1,000 inputs in one process: a correctness check, not a timing (speed is in bench/);
    // the limit only has to outlast a machine shared with other jobs.
  }, 1_200_000);
});
