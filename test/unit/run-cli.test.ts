import { describe, expect, it } from "vitest";
import { parseSteps, selectSteps } from "../../src/cli/run.js";
import { describeStepRun } from "../../src/cli/sandbox-shared.js";
import { workspaceRelFor } from "../../src/run/workspace.js";
import { bashStep } from "../fixtures/run/judged.js";

describe("run --steps", () => {
  const a = bashStep("echo a", { line: 10 });
  const b = bashStep("echo b", { line: 20 });
  const c = bashStep("echo c", { line: 30 });
  b.step.install = false;

  it("selects install steps by default, all steps, or steps by line", () => {
    expect(selectSteps([a, b, c], parseSteps("install")).map((s) => s.step.line)).toEqual([10, 30]);
    expect(selectSteps([a, b, c], parseSteps("all")).map((s) => s.step.line)).toEqual([10, 20, 30]);
    expect(selectSteps([a, b, c], parseSteps("20, 30")).map((s) => s.step.line)).toEqual([20, 30]);
  });

  it("rejects anything else with the accepted forms", () => {
    for (const bad of ["", "x", "1,,2", "-3", "1.5"])
      expect(() => parseSteps(bad), bad).toThrow(/install, all, or line numbers/);
  });
});

describe("workspaceRelFor", () => {
  it("mounts the policy's workdir when it lies below the home, else the skill's own directory", () => {
    expect(workspaceRelFor("~/.moltbot/skills/moltbook", "x")).toBe(".moltbot/skills/moltbook");
    expect(workspaceRelFor("/home/agent/.openclaw/workspace", "x")).toBe(".openclaw/workspace");
    expect(workspaceRelFor("~", "My Skill")).toBe(".moltbot/skills/my-skill");
    expect(workspaceRelFor("/etc", "demo")).toBe(".moltbot/skills/demo");
    expect(workspaceRelFor("~/../../etc", "demo")).toBe(".moltbot/skills/demo");
  });
});

describe("describeStepRun", () => {
  it("says how the step ended and indents its output", () => {
    const text = describeStepRun({
      stepId: "SKILL.md#3:1",
      file: "SKILL.md",
      line: 3,
      verdict: "allow",
      outcome: "timed-out",
      exitCode: 137,
      signal: "SIGKILL",
      durationMs: 4000,
      stdout: "one\ntwo\n",
      stderr: "",
      stdoutBytes: 8,
      stderrBytes: 0,
      outputCapped: false,
    });
    expect(text).toBe("SKILL.md:3  timed-out (exit 137, SIGKILL, 4000 ms)\n  stdout:\n    one\n    two\n");
  });
});
