// skillwall install URL|PATH: fetch, scan, review, approve, run the install steps, pin in the lockfile.

import path from "node:path";
import { useStateDir } from "../remote/paths.js";
import { createInterface } from "node:readline/promises";
import type { Command } from "commander";
import { realDeps } from "../heartbeat/real-deps.js";
import type { Policy } from "../policy/types.js";
import { loadPolicy } from "../policy/load.js";
import { approveAllowedOnly, installSkill, type Approver, type InstallPlan } from "../remote/install.js";
import { escapeTerminal, renderReport } from "../report/index.js";
import { defaultAgentHome } from "../run/workspace.js";
import type { CliContext } from "./context.js";
import { egressOptions } from "./sandbox-shared.js";
import {
  agentHomeOption,
  caFileOption,
  policyOption,
  stateDirOption,
  workspaceOption,
  yesOption,
} from "./options.js";
import { exitCodes, useColor, type CliIO } from "./io.js";
import type { StepOutcome } from "../remote/deps.js";

interface InstallCliOptions {
  name?: string;
  policy: string;
  agentHome?: string;
  stateDir?: string;
  yes?: boolean;
  caFile?: string;
  workspace?: string;
}

/** The agent home given (or the default); `stateDir` (--state-dir) is where its trust state lives. */
export function agentHomeOf(io: CliIO, dir: string | undefined, stateDir?: string): string {
  const home = dir === undefined ? defaultAgentHome(io.env) : path.resolve(io.cwd, dir);
  if (stateDir !== undefined) useStateDir(home, path.resolve(io.cwd, stateDir));
  return home;
}

/** The --state-dir help, shared by every command that takes --agent-home. */
export { stateDirHelp } from "./options.js";

/** Asks about each review step on a TTY; without a TTY nothing needing review is approved. */
function interactiveApprover(io: CliIO, policy: Policy): Approver {
  return async (_plan, review) => {
    if (io.stdin.isTTY !== true) {
      io.stderr.write(
        `skillwall: ${review.length} step(s) need review and stdin is not a terminal: not approved (use --yes for what the policy allows)\n`,
      );
      return approveAllowedOnly(policy)(_plan, review);
    }
    const rl = createInterface({ input: io.stdin, output: io.stderr as NodeJS.WritableStream });
    const approved = new Set<string>();
    try {
      for (const c of review) {
        const s = c.judged.step;
        const answer = await rl.question(
          `approve ${c.phase} step ${s.file}:${s.line}\n    ${s.text}\n  (${c.judged.rule}: ${c.judged.reason}) [y/N] `,
        );
        if (/^y(es)?$/i.test(answer.trim())) approved.add(c.hash);
      }
    } finally {
      rl.close();
    }
    return approved;
  };
}

export function registerInstall(program: Command, ctx: CliContext): void {
  program
    .command("install")
    .description(
      "fetch a skill (and the files it declares), review it, run its approved install steps, pin it in the lockfile",
    )
    .argument("<source>", "https URL of skill.md, or a skill file / folder")
    .option("--name <name>", "skill name (default: the frontmatter name)")
    .addOption(policyOption())
    .addOption(agentHomeOption())
    .addOption(workspaceOption("the skill's folder, .moltbot/skills/<name>"))
    .addOption(stateDirOption())
    .addOption(yesOption())
    .addOption(caFileOption())
    .action(async (source: string, opts: InstallCliOptions) => {
      ctx.exitCode = await runInstall(source, opts, ctx);
    });
}

async function runInstall(source: string, opts: InstallCliOptions, ctx: CliContext): Promise<number> {
  const { io } = ctx;
  const policy = await loadPolicy(opts.policy, { cwd: io.cwd });
  const home = agentHomeOf(io, opts.agentHome, opts.stateDir);
  const deps = await realDeps({ policy, egress: egressOptions(io, opts.caFile) });
  try {
    const src = /^[a-z][a-z0-9+.-]*:\/\//i.test(source) ? source : path.resolve(io.cwd, source);
    const base = approveAllowedOnly(policy);
    const showReview = (plan: InstallPlan): void => {
      const results = plan.files.flatMap((f) => (f.result ? [f.result] : []));
      io.stderr.write(
        renderReport(
          "text",
          results,
          [],
          { policy: { name: policy.name, hash: policy.hash } },
          { color: useColor(io, "stderr") },
        ),
      );
    };
    const approve: Approver = (plan, review) =>
      opts.yes === true ? base(plan, review) : interactiveApprover(io, policy)(plan, review);
    const report = await installSkill({
      source: src,
      ...(opts.name === undefined ? {} : { name: opts.name }),
      ...(opts.workspace === undefined ? {} : { workspaceRel: opts.workspace }),
      home,
      policy,
      deps,
      approve,
      onPlan: showReview,
      onRun: (run) => {
        for (const step of run.steps) if (!step.ok) io.stderr.write(describeFailedStep(step));
      },
    });
    if (report.writtenOutside.length > 0)
      io.stderr.write(
        `skillwall: the install steps wrote ${report.writtenOutside.length} file(s) outside the skill's folder (not pinned, not part of the skill): ${report.writtenOutside.map((p) => escapeTerminal(p)).join(", ")}\n`,
      );
    const denied = report.plan.candidates.filter((c) => c.judged.verdict === "deny").length;
    const notApproved = report.plan.candidates.length - denied - report.approved.length;
    const high = report.plan.files.some((f) =>
      f.result?.findings.some((x) => x.severity === "high" || x.severity === "critical"),
    );
    io.stdout.write(
      `installed ${report.locked.name} into ${home}: ${report.locked.files.length} file(s) pinned, ` +
        `${report.approved.length} step(s) approved, ${notApproved} not approved, ${denied} denied; ` +
        `ran ${report.run?.steps.length ?? 0} install step(s)\n`,
    );
    return denied > 0 || notApproved > 0 || high === true ? exitCodes.flagged : exitCodes.ok;
  } finally {
    await deps.close();
  }
}

/** A failed install step: where, how it ended, why, the fix, and what it printed. */
export function describeFailedStep(step: StepOutcome): string {
  const where = step.file === undefined ? step.stepId : `${step.file}:${step.line ?? 0}`;
  const status = step.exitCode === null ? step.outcome : `${step.outcome} (exit ${step.exitCode})`;
  const lines = [`install step failed: ${where}  ${status}`];
  if (step.reason !== undefined) lines.push(`    ${step.reason}`);
  if (step.fix !== undefined) lines.push(`    fix: ${step.fix}`);
  const output = (label: string, text: string | undefined): void => {
    if (text === undefined || text.trim() === "") return;
    lines.push(
      `  ${label}:`,
      ...text
        .replace(/\n$/, "")
        .split("\n")
        .map((l) => `    ${escapeTerminal(l)}`),
    );
  };
  output("stdout", step.stdout);
  output("stderr", step.stderr);
  if ((step.stdout ?? "").trim() === "" && (step.stderr ?? "").trim() === "")
    lines.push("  (the step printed nothing)");
  return `${lines.join("\n")}\n`;
}
