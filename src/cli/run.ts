// skillwall run SKILL: scan, show what will run and what is refused, then run the approved steps
// in order, each in a fresh hardened container. Files the steps wrote that are skills themselves
// are scanned again and their verdicts reported.

import path from "node:path";
import { InvalidArgumentError, Option, type Command } from "commander";
import { agentHomeOption, caFileOption, policyOption, workspaceOption, yesOption } from "./options.js";
import { InputError } from "../errors.js";
import type { JudgedStep, SkillResult } from "../model.js";
import { loadPolicy } from "../policy/load.js";
import { DockerClient } from "../run/docker.js";
import { requireStepImage } from "../run/image.js";
import { runSteps, type RunResult } from "../run/runner.js";
import { rescanWritten } from "../run/rescan.js";
import { scanPaths } from "../scan/index.js";
import { abortOnSignals } from "../run/signals.js";
import { defaultAgentHome, workspaceRelFor } from "../run/workspace.js";
import type { CliContext } from "./context.js";
import { exitCodes } from "./io.js";
import {
  describeStepRun,
  egressOptions,
  oneLine,
  promptApprover,
  resolveAgentHome,
  type SandboxCliOptions,
} from "./sandbox-shared.js";

export type StepSelection = { kind: "install" } | { kind: "all" } | { kind: "lines"; lines: Set<number> };

export function parseSteps(value: string): StepSelection {
  if (value === "install" || value === "all") return { kind: value };
  const lines = value.split(",").map((s) => Number(s.trim()));
  if (lines.length === 0 || lines.some((n) => !Number.isInteger(n) || n < 1)) {
    throw new InvalidArgumentError(`--steps takes install, all, or line numbers like 12,30; got ${value}`);
  }
  return { kind: "lines", lines: new Set(lines) };
}

export function selectSteps(steps: JudgedStep[], sel: StepSelection): JudgedStep[] {
  switch (sel.kind) {
    case "all":
      return steps;
    case "install":
      return steps.filter((s) => s.step.install);
    case "lines":
      return steps.filter((s) => sel.lines.has(s.step.line));
  }
}

interface RunCliOptions extends SandboxCliOptions {
  steps: StepSelection;
  dryRun?: boolean;
  yes?: boolean;
  keepGoing?: boolean;
  format: "text" | "json";
}

export function registerRun(program: Command, ctx: CliContext): void {
  program
    .command("run")
    .description(
      "scan a skill, then run its approved steps in hardened containers (no network, except the hosts the policy grants a step, through skillwall's proxy)",
    )
    .argument("<skill>", "skill file, skill folder, https URL, or - for stdin")
    .addOption(policyOption())
    .addOption(agentHomeOption())
    .addOption(workspaceOption("the policy's workdir, else .moltbot/skills/<name>"))
    .addOption(
      new Option("--steps <which>", "install, all, or line numbers: 12,30")
        .argParser(parseSteps)
        .default({ kind: "install" } as StepSelection, "install"),
    )
    .option("--dry-run", "show what would run and what is refused, run nothing")
    .addOption(yesOption())
    .option("--keep-going", "run the remaining steps after a failed one")
    .addOption(caFileOption())
    .addOption(new Option("-f, --format <format>", "output format").choices(["text", "json"]).default("text"))
    .action(async (skill: string, opts: RunCliOptions) => {
      ctx.exitCode = await runCommand(skill, opts, ctx);
    });
}

function planLine(j: JudgedStep): string {
  const mark = j.verdict === "allow" ? "run   " : j.verdict === "review" ? "review" : "refuse";
  const why = j.verdict === "allow" ? "" : `  (${j.rule}: ${j.reason})`;
  return `  ${mark} ${j.step.file}:${j.step.line}  ${oneLine(j.step.text, 90)}${why}\n`;
}

async function runCommand(skill: string, opts: RunCliOptions, ctx: CliContext): Promise<number> {
  const { io } = ctx;
  const policy = await loadPolicy(opts.policy, { cwd: io.cwd });
  const scanned = await scanPaths([skill], { policy, cwd: io.cwd, stdin: io.stdin });
  const first = scanned.errors[0];
  if (first) throw new InputError(first.code, `${first.source}: ${first.message}`);
  const result = scanned.results[0];
  if (!result) throw new InputError("no-skill", `${skill}: no skill found`);
  const selected = selectSteps(result.steps, opts.steps);
  const text = opts.format === "text";

  if (text) {
    io.stdout.write(
      `${result.source} (${selected.length} of ${result.steps.length} steps selected, policy ${policy.name})\n`,
    );
    for (const j of selected) io.stdout.write(planLine(j));
  }
  if (opts.dryRun) {
    if (!text)
      io.stdout.write(
        `${JSON.stringify({ version: 1, dryRun: true, steps: selected.map(planJson) }, null, 2)}\n`,
      );
    return selected.every((j) => j.verdict === "allow") ? exitCodes.ok : exitCodes.flagged;
  }

  const client = new DockerClient();
  const image = await requireStepImage(client);
  const skillName =
    result.model.frontmatter?.name ??
    path.basename(result.source === "-" ? "stdin" : path.dirname(path.resolve(io.cwd, result.source)));
  const guard = abortOnSignals();
  let run: RunResult;
  try {
    const approve = promptApprover(io);
    run = await runSteps(selected, {
      client,
      image: image.id,
      policy,
      workspace: {
        agentHome: resolveAgentHome(io, opts.agentHome, defaultAgentHome(io.env)),
        relDir: opts.workspace ?? workspaceRelFor(policy.workdir, skillName),
      },
      ...(approve ? { approve } : {}),
      yes: opts.yes === true,
      keepGoing: opts.keepGoing === true,
      env: io.env,
      egress: egressOptions(io, opts.caFile),
      signal: guard.signal,
      source: { source: result.source, sha256: result.sha256 },
      ...(text ? { onStepEnd: (r) => void io.stdout.write(describeStepRun(r)) } : {}),
    });
  } finally {
    guard.dispose();
  }

  const rescans = run.workspace
    ? await rescanWritten(run.workspace, run.writtenSkillFiles, policy)
    : { results: [], errors: [] };
  if (text) {
    for (const r of rescans.results) io.stdout.write(`wrote ${r.source}: ${rescanSummary(r)}\n`);
    for (const e of rescans.errors) io.stdout.write(`wrote ${e.source}: could not scan (${e.message})\n`);
    io.stdout.write(`${run.ok ? "all steps ran" : "not every step ran"} (run ${run.runId})\n`);
  } else {
    io.stdout.write(
      `${JSON.stringify(
        {
          version: 1,
          runId: run.runId,
          imageId: run.imageId,
          limits: run.limits,
          workspace: run.workspace,
          ok: run.ok,
          aborted: run.aborted,
          steps: run.steps,
          written: rescans.results.map((r) => ({
            path: r.source,
            verdict: r.verdict,
            risk: r.risk,
            findings: r.findings.length,
          })),
        },
        null,
        2,
      )}\n`,
    );
  }
  const bySignal = guard.exitCode();
  if (bySignal !== undefined) return bySignal;
  // A written file that could not be scanned is not analysed: flagged, never passed.
  const rescanFlagged =
    rescans.errors.length > 0 ||
    rescans.results.some((r) => r.verdict !== "allow" || r.risk === "high" || r.risk === "critical");
  return run.ok && !rescanFlagged ? exitCodes.ok : exitCodes.flagged;
}

function planJson(j: JudgedStep): Record<string, unknown> {
  return {
    id: j.step.id,
    file: j.step.file,
    line: j.step.line,
    verdict: j.verdict,
    rule: j.rule,
    reason: j.reason,
    text: j.step.text,
  };
}

function rescanSummary(r: SkillResult): string {
  return `${r.verdict}, risk ${r.risk}, ${r.findings.length} finding${r.findings.length === 1 ? "" : "s"} — run \`skillwall scan ${r.source}\` before using it`;
}
