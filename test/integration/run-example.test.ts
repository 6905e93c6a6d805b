// The README's promise: after setup, `skillwall run` an example skill with a shipped policy.
import { existsSync, readdirSync } from "node:fs";
import { mkdtemp } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { runCli } from "../helpers/cli.js";
import { docker } from "./sandbox-docker.js";

describe("skillwall run examples/notes --policy common-tools (real Docker)", () => {
  beforeAll(async () => {
    await docker(); // fails, never skips, without a Docker daemon
  });

  it("runs the install steps in containers and their effect lands in the agent home", async () => {
    const home = await mkdtemp(path.join(os.tmpdir(), "skillwall-example-"));
    // The audit log lives where neither the sandbox (the home is handed to it) nor other users
    // (/tmp itself is refused as root's audit folder) can write.
    const auditDir = await mkdtemp(path.join(os.tmpdir(), "skillwall-example-audit-"));
    const run = await runCli([
      "run",
      "examples/notes/SKILL.md",
      "--policy",
      "common-tools",
      "--agent-home",
      home,
      "--yes",
      "--audit-log",
      path.join(auditDir, "audit.jsonl"),
    ]);
    expect(run.stderr).toBe("");
    expect(run.stdout).toContain("all steps ran");
    expect(run.code).toBe(0);
    const notes = path.join(home, ".openclaw/workspace/notes");
    expect(readdirSync(notes).sort()).toEqual(["archive", "inbox"]);
    expect(existsSync(path.join(notes, "archive/first-inbox"))).toBe(true);
    // The listing step's output comes back from the container.
    expect(run.stdout).toMatch(/inbox/);
  });
});
