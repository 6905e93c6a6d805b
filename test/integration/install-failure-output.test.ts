// `skillwall install` on a skill whose install step fails in the real sandbox: the failed step's
// own output and the way forward are printed (before, it exited 2 with only "read the step
// output above" and no output at all).
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli } from "../helpers/cli.js";
import { docker, tempAgentHome } from "./sandbox-docker.js";

const skill = [
  "---",
  "name: failing",
  "---",
  "# Failing (test)",
  "",
  "## Install",
  "",
  "```bash",
  "ls -la ~/.openclaw/workspace/definitely-not-here-7f3a",
  "```",
  "",
].join("\n");

let dir: string;
let home: string;

beforeAll(async () => {
  await docker();
  dir = await mkdtemp(path.join(os.tmpdir(), "skillwall-install-fail-"));
  await writeFile(path.join(dir, "SKILL.md"), skill);
  home = await tempAgentHome();
}, 600_000);

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
  await rm(home, { recursive: true, force: true });
});

describe("install prints why a step failed", () => {
  it("shows the step, its exit code and the program's own stderr, then the fix", async () => {
    const run = await runCli(["install", dir, "--policy", "common-tools", "--agent-home", home, "--yes"]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/install step failed: SKILL\.md:9 {2}failed \(exit 2\)/);
    expect(run.stderr).toMatch(
      /stderr:\n {4}ls: cannot access '\/home\/agent\/\.openclaw\/workspace\/definitely-not-here-7f3a'/,
    );
    expect(run.stderr).toContain("fix: each failed step's output and fix are printed above");
  }, 300_000);
});
