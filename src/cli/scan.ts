// skillwall scan PATH|URL|- ... : judge every step against a policy, report, exit 0/1/2.

import { writeNamedFile } from "../hostfs/host-dir.js";
import { InvalidArgumentError, Option, type Command } from "commander";
import type { Severity, SkillResult } from "../model.js";
import { loadPolicy } from "../policy/load.js";
import { renderReport, type ReportFormat } from "../report/index.js";
import { namesOneFile } from "../input/index.js";
import { scanPaths } from "../scan/index.js";
import type { CliContext } from "./context.js";
import { exitCodes, useColor } from "./io.js";
import { withPlainRegexBuild } from "./plain-regex-build.js";

const severities: Severity[] = ["info", "low", "medium", "high", "critical"];

export function registerScan(program: Command, ctx: CliContext): void {
  program
    .command("scan")
    .description("parse skills, resolve every command and judge it against a policy (runs nothing)")
    .argument("<inputs...>", "skill files, skill folders, folders of skills, https URLs, or - for stdin")
    .option("-p, --policy <name|file>", "shipped policy name or policy file", "default")
    .addOption(
      new Option("-f, --format <format>", "report format")
        .choices(["text", "json", "sarif", "html"])
        .default("text"),
    )
    .option("-o, --output <file>", "write the report to a file instead of stdout")
    .addOption(
      new Option("--fail-on <severity>", "exit 1 when a finding reaches this severity")
        .choices([...severities, "none"])
        .default("high"),
    )
    .option("-v, --verbose", "list every allowed step too (default: one line counting them)")
    .option("--workers <n>", "worker threads for many inputs (default: one per core)", parseCount)
    .action(async (inputs: string[], opts: ScanCliOptions) => {
      ctx.exitCode = await runScan(inputs, opts, ctx);
    });
}

interface ScanCliOptions {
  policy: string;
  format: ReportFormat;
  output?: string;
  failOn: Severity | "none";
  workers?: number;
  verbose?: boolean;
}

async function runScan(inputs: string[], opts: ScanCliOptions, ctx: CliContext): Promise<number> {
  const { io } = ctx;
  const policy = await loadPolicy(opts.policy, { cwd: io.cwd });
  const scan = () =>
    scanPaths(inputs, {
      policy,
      cwd: io.cwd,
      // Only `-` reads stdin: io.stdin is not touched otherwise (processIO says why).
      ...(inputs.includes("-") ? { stdin: io.stdin } : {}),
      ...(opts.workers === undefined ? {} : { workers: opts.workers }),
    });
  // One file: its regexes are built faster, and matched on little text (plain-regex-build.ts).
  const outcome = (await namesOneFile(inputs, io.cwd)) ? await withPlainRegexBuild(scan) : await scan();
  const report = renderReport(
    opts.format,
    outcome.results,
    outcome.errors,
    { policy: { name: policy.name, hash: policy.hash } },
    { color: opts.output === undefined && useColor(io), baseDir: io.cwd, verbose: opts.verbose === true },
  );
  if (opts.output !== undefined) await writeNamedFile(opts.output, report, io.cwd);
  else io.stdout.write(report);
  for (const e of outcome.errors) io.stderr.write(`skillwall: ${e.source}: ${e.message}\n`);

  if (outcome.errors.length > 0) return exitCodes.usage;
  return outcome.results.some((r) => flagged(r, opts.failOn)) ? exitCodes.flagged : exitCodes.ok;
}

function flagged(result: SkillResult, failOn: Severity | "none"): boolean {
  if (result.verdict !== "allow") return true;
  if (failOn === "none" || result.risk === "none") return false;
  return severities.indexOf(result.risk) >= severities.indexOf(failOn);
}

function parseCount(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 64)
    throw new InvalidArgumentError(`--workers must be a whole number 0..64, got ${value}`);
  return n;
}
