// skillwall exec -- 'COMMAND TEXT': judge one command the way an agent's shell tool would send
// it, run it in the sandbox if allowed, and pass its stdout, stderr and exit code through. A
// refusal exits 126 with the reason and the policy change that would allow it on stderr.

import type { Command } from "commander";
import { agentHomeOption, caFileOption, policyOption, workspaceOption } from "./options.js";
import { createJudge } from "../gate/judge.js";
import { DockerClient } from "../run/docker.js";
import { requireStepImage } from "../run/image.js";
import { runSteps } from "../run/runner.js";
import { abortOnSignals } from "../run/signals.js";
import { defaultAgentHome, workspaceRelFor } from "../run/workspace.js";
import type { CliContext } from "./context.js";
import { exitCodes } from "./io.js";
import { egressOptions, promptApprover, resolveAgentHome, type SandboxCliOptions } from "./sandbox-shared.js";

/** exec's own options that take a value (kept next to their definitions below). */
const valueOptions = new Set(["-p", "--policy", "--ca-file", "--agent-home", "--workspace", "--audit-log"]);

/**
 * `skillwall exec ls -la` means the command `ls -la`: everything from the first word that is not
 * one of exec's own options is the command, so a `--` is put there when the user left it out
 * (otherwise the parser reads `-la` as an option of skillwall's and refuses it, or worse,
 * `-p` in the command would choose the policy).
 */
export function separateExecCommand(argv: readonly string[]): string[] {
  const at = argv.indexOf("exec");
  if (at < 0 || argv.includes("--")) return [...argv];
  for (let i = at + 1; i < argv.length; i++) {
    const a = argv[i] as string;
    if (valueOptions.has(a)) {
      i++;
      continue;
    }
    if (a === "-h" || a === "--help" || (a.startsWith("--") && a.includes("="))) continue;
    return [...argv.slice(0, i), "--", ...argv.slice(i)];
  }
  return [...argv];
}

export function registerExec(program: Command, ctx: CliContext): void {
  program
    .command("exec")
    .description(
      "judge one shell command (as an agent's exec tool sends it) and run it in the sandbox if allowed",
    )
    .argument(
      "<command...>",
      "the command text (everything after exec's own options; `--` before it is optional)",
    )
    .addOption(policyOption())
    .addOption(agentHomeOption())
    .addOption(workspaceOption("the policy's workdir"))
    .addOption(caFileOption())
    .action(async (words: string[], opts: SandboxCliOptions) => {
      ctx.exitCode = await execCommand(words.join(" "), opts, ctx);
    });
}

async function execCommand(text: string, opts: SandboxCliOptions, ctx: CliContext): Promise<number> {
  const { io } = ctx;
  // The same judge the agent gate uses; in the sandbox, paths mean what the policy's home says
  // (the mounts confine them there), not what this host's files are: no host path check.
  const judge = await createJudge({ policy: opts.policy, cwd: io.cwd, source: "exec", hostPaths: false });
  const { policy } = judge;
  const judgement = judge.judge(text);
  // A finding can hold back what the policy allows: the runner sees the gate's verdict.
  const judged = {
    ...judgement.judged,
    verdict: judgement.verdict,
    rule: judgement.rule,
    reason: judgement.reason,
  };
  const sha256 = judgement.sha256;
  const refuse = (reason: string, fix: string | undefined): number => {
    io.stderr.write(`skillwall: refused: ${reason}\n${fix ? `  fix: ${fix}\n` : ""}`);
    return exitCodes.refused;
  };
  if (judgement.verdict === "deny") return refuse(`${judgement.rule}: ${judgement.reason}`, judgement.fix);

  const client = new DockerClient();
  const image = await requireStepImage(client);
  const guard = abortOnSignals();
  try {
    const approve = promptApprover(io);
    const run = await runSteps([judged], {
      client,
      image: image.id,
      policy,
      workspace: {
        agentHome: resolveAgentHome(io, opts.agentHome, defaultAgentHome(io.env)),
        relDir: opts.workspace ?? workspaceRelFor(policy.workdir, "exec"),
      },
      ...(approve ? { approve } : {}),
      env: io.env,
      egress: egressOptions(io, opts.caFile),
      signal: guard.signal,
      source: { source: "exec", sha256 },
    });
    const r = run.steps[0];
    if (!r) return exitCodes.usage;
    if (r.outcome === "refused" || r.outcome === "not-approved") return refuse(r.reason ?? r.outcome, r.fix);
    io.stdout.write(r.stdout);
    io.stderr.write(r.stderr);
    if (r.outcome !== "ok" && r.outcome !== "failed") {
      io.stderr.write(
        `skillwall: ${r.outcome}${r.outputCapped ? " (output capped)" : ""}${r.reason ? `: ${r.reason}` : ""}\n`,
      );
    }
    return guard.exitCode() ?? r.exitCode ?? exitCodes.usage;
  } finally {
    guard.dispose();
  }
}
