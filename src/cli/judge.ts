// skillwall judge [--policy P] [--format text|json] -- 'COMMAND TEXT': the verdict the gate
// gives one agent command, without running anything (no Docker). Exit 0 allow, 1 review or
// deny, 2 usage or input error.

import path from "node:path";
import type { Command } from "commander";
import { InputError } from "../errors.js";
import { createJudge, type Judgement } from "../gate/judge.js";
import type { CliContext } from "./context.js";
import { exitCodes } from "./io.js";

interface JudgeCliOptions {
  policy: string;
  format: string;
  cwd?: string;
  home?: string;
}

export function registerJudge(program: Command, ctx: CliContext): void {
  program
    .command("judge")
    .description("judge one shell command as the agent gate would (no Docker, nothing runs)")
    .argument("<command...>", "the command text, after --")
    .option("-p, --policy <name|file>", "shipped policy name or policy file", "default")
    .option("-f, --format <format>", "text or json", "text")
    .option("--cwd <dir>", "directory the command would run in (default: the policy's workdir)")
    .option("--home <dir>", "what ~ means (default: the policy's home)")
    .action(async (words: string[], opts: JudgeCliOptions) => {
      ctx.exitCode = await judgeCli(words.join(" "), opts, ctx);
    });
}

async function judgeCli(text: string, opts: JudgeCliOptions, ctx: CliContext): Promise<number> {
  const { io } = ctx;
  if (opts.format !== "text" && opts.format !== "json") {
    throw new InputError("bad-format", `unknown format ${JSON.stringify(opts.format)}`, {
      fix: "use --format text or --format json",
    });
  }
  const judge = await createJudge({ policy: opts.policy, cwd: io.cwd, source: "judge" });
  const call = {
    ...(opts.cwd === undefined ? {} : { cwd: path.resolve(io.cwd, opts.cwd) }),
    ...(opts.home === undefined ? {} : { env: { HOME: path.resolve(io.cwd, opts.home) } }),
  };
  const j = judge.judge(text, call);
  io.stdout.write(
    opts.format === "json" ? JSON.stringify(judgementJson(j), null, 2) + "\n" : judgementText(j),
  );
  return j.verdict === "allow" ? exitCodes.ok : exitCodes.flagged;
}

/** The JSON contract of `skillwall judge --format json` (version 1). */
export function judgementJson(j: Judgement): Record<string, unknown> {
  return {
    version: 1,
    verdict: j.verdict,
    rule: j.rule,
    reason: j.reason,
    ...(j.fix === undefined ? {} : { fix: j.fix }),
    canonical: j.canonical ?? null,
    hosts: j.hosts,
    findings: j.findings.map((f) => ({
      id: f.id,
      severity: f.severity,
      category: f.category,
      message: f.message,
      evidence: f.evidence,
    })),
    commands: j.judged.commands.map((c) => ({
      argv: c.command.argv.map((w) => w.value),
      verdict: c.verdict,
      rule: c.rule,
      reason: c.reason,
    })),
    policy: j.policy,
    sha256: j.sha256,
  };
}

function judgementText(j: Judgement): string {
  const lines = [`${j.verdict}  ${j.rule}: ${j.reason}`];
  if (j.fix) lines.push(`  fix: ${j.fix}`);
  for (const f of j.findings) lines.push(`  finding ${f.severity} ${f.id}: ${f.message}`);
  for (const h of j.hosts) lines.push(`  reaches ${h.scheme}://${h.host}:${h.port}`);
  if (j.canonical !== undefined) lines.push(`  runs: ${JSON.stringify(j.canonical)}`);
  return lines.join("\n") + "\n";
}
