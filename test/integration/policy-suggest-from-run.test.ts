// `skillwall policy suggest SKILL --from-run AUDIT-LOG` after a real `skillwall run` in the
// sandbox: the suggested policy grants the steps the run ran to a good end and nothing else (a
// step the run did not select, a step that failed), it loads with its own examples, and it
// allows none of the hostile shell lists. An edited audit log is refused.
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { judgeStep, loadPolicy } from "../../src/policy/index.js";
import { analyseShell } from "../../src/shell/index.js";
import { corpusRoot, judge, shellReady, step } from "../unit/policy-helpers.js";
import { runCli } from "../helpers/cli.js";
import { docker, tempAgentHome } from "./sandbox-docker.js";

const skill = [
  "---",
  "name: fromrun",
  "---",
  "# From run (test)",
  "",
  "## Install",
  "",
  "```bash",
  "mkdir -p ~/.openclaw/workspace/fromrun/data",
  "```",
  "",
  "```bash",
  "ls -la ~/.openclaw/workspace/fromrun/missing-9d2c",
  "```",
  "",
  "## Use",
  "",
  "```bash",
  "echo hello > ~/.openclaw/workspace/fromrun/data/hello.txt",
  "```",
  "",
].join("\n");

let dir: string;
let home: string;
let log: string;
let policyFile: string;
let suggestRun: { code: number; stdout: string; stderr: string };

beforeAll(async () => {
  await docker();
  await shellReady();
  dir = await mkdtemp(path.join(os.tmpdir(), "skillwall-from-run-"));
  await writeFile(path.join(dir, "SKILL.md"), skill);
  home = await tempAgentHome();
  log = path.join(dir, "run.jsonl");
  policyFile = path.join(dir, "suggested.yaml");
  // Install steps only (the Use step is not selected); the ls step fails (exit 2).
  const run = await runCli([
    "--audit-log",
    log,
    "run",
    path.join(dir, "SKILL.md"),
    "--policy",
    "common-tools",
    "--agent-home",
    home,
    "--yes",
    "--keep-going",
  ]);
  expect(run.stdout + run.stderr).toMatch(/missing-9d2c/);
  suggestRun = await runCli([
    "policy",
    "suggest",
    path.join(dir, "SKILL.md"),
    "--from-run",
    log,
    "-o",
    policyFile,
  ]);
}, 600_000);

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
  await rm(home, { recursive: true, force: true });
});

describe("policy suggest --from-run", () => {
  it("grants exactly the step the run ran to a good end", async () => {
    expect(suggestRun.code, suggestRun.stderr).toBe(0);
    expect(suggestRun.stderr).toContain("1 step(s) granted, 2 not");
    const text = await readFile(policyFile, "utf8");
    expect(text).toMatch(/not granted: .*:13: it failed in the recorded run/);
    expect(text).toMatch(/not granted: .*:19: the recorded run .* did not run it/);
    const policy = await loadPolicy(policyFile);
    expect(judge("mkdir -p ~/.openclaw/workspace/fromrun/data", policy).verdict).toBe("allow");
    expect(judge("ls -la ~/.openclaw/workspace/fromrun/missing-9d2c", policy).verdict).toBe("deny");
    expect(judge("echo hello > ~/.openclaw/workspace/fromrun/data/hello.txt", policy).verdict).toBe("deny");
    expect(judge("mkdir -p ~/.openclaw/workspace/other", policy).verdict).toBe("deny");
  });

  it("the suggested policy allows none of the hostile shell lists", async () => {
    const policy = await loadPolicy(policyFile);
    const { readFileSync } = await import("node:fs");
    const texts = readFileSync(path.join(corpusRoot, "shell/gtfobins.jsonl"), "utf8")
      .split("\n")
      .filter((l) => l.trim() !== "")
      .map((l) => (JSON.parse(l) as { snippet: string }).snippet)
      .concat(readFileSync(path.join(corpusRoot, "shell/patt_command_exec.txt"), "utf8").split("\n"));
    const allowed = texts.filter(
      (t) =>
        t.trim() !== "" &&
        judgeStep(step(t), analyseShell(t, { home: policy.home }), policy).verdict === "allow",
    );
    expect(allowed).toEqual([]);
  });

  it("refuses an edited audit log, naming the line", async () => {
    const text = await readFile(log, "utf8");
    const edited = path.join(dir, "edited.jsonl");
    await writeFile(
      edited,
      text.replace('"exitCode":2', '"exitCode":0').replace('"outcome":"failed"', '"outcome":"ok"'),
    );
    const r = await runCli(["policy", "suggest", path.join(dir, "SKILL.md"), "--from-run", edited]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/edited\.jsonl:\d+: the audit log does not verify: edited/);
    expect(r.stdout).toBe("");
  });
});
