// skillwall wrap [--policy …] [--agent-home DIR] [--image IMAGE] -- COMMAND…: run a whole agent
// process in the hardened sandbox with the egress proxy as its only way out (allowlist = the
// policy's network hosts). stdin/stdout/stderr pass through; the exit code comes back.
// docs/wrap.md shows how to run an OpenClaw gateway this way.

import { StringDecoder } from "node:string_decoder";
import type { Command } from "commander";
import { loadPolicy } from "../policy/load.js";
import { DockerClient } from "../run/docker.js";
import { requireStepImage } from "../run/image.js";
import { abortOnSignals } from "../run/signals.js";
import { runWrapped } from "../run/wrap.js";
import type { CliContext } from "./context.js";
import { exitCodes } from "./io.js";
import { egressOptions } from "./sandbox-shared.js";
import { agentHomeOf } from "./install.js";
import { agentHomeOption, caFileOption, policyOption, stateDirOption } from "./options.js";

interface WrapCliOptions {
  policy: string;
  agentHome?: string;
  stateDir?: string;
  image?: string;
  caFile?: string;
  env?: string[];
  timeout?: string;
}

export function registerWrap(program: Command, ctx: CliContext): void {
  program
    .command("wrap")
    .description(
      "run a whole agent process in the sandbox; it reaches only the hosts the policy's network section grants",
    )
    .argument("<command...>", "the command and its arguments, after --")
    .addOption(policyOption())
    .addOption(agentHomeOption())
    .addOption(stateDirOption())
    .option("--image <image>", "image to run (default: the step image); build it FROM the step image")
    .addOption(caFileOption())
    .option(
      "-e, --env <NAME>",
      "pass this env var's value to the process (repeatable)",
      // No default value: commander would print "(default: [])" in the help.
      (v: string, acc: string[] | undefined) => [...(acc ?? []), v],
    )
    .option("--timeout <seconds>", "kill the process after this long (default: no limit)")
    .action(async (command: string[], opts: WrapCliOptions) => {
      ctx.exitCode = await wrapCommand(command, opts, ctx);
    });
}

async function wrapCommand(command: string[], opts: WrapCliOptions, ctx: CliContext): Promise<number> {
  const { io } = ctx;
  const policy = await loadPolicy(opts.policy, { cwd: io.cwd });
  const env = new Map<string, string>();
  for (const name of opts.env ?? []) {
    const value = io.env[name];
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name) || value === undefined) {
      io.stderr.write(`skillwall: --env ${name}: not a set environment variable\n`);
      return exitCodes.usage;
    }
    env.set(name, value);
  }
  let timeoutMs: number | undefined;
  if (opts.timeout !== undefined) {
    const s = Number(opts.timeout);
    if (!Number.isFinite(s) || s <= 0) {
      io.stderr.write(`skillwall: --timeout must be a positive number of seconds\n`);
      return exitCodes.usage;
    }
    timeoutMs = Math.round(s * 1000);
  }
  const egress = egressOptions(io, opts.caFile);
  const client = new DockerClient();
  const image = opts.image ?? (await requireStepImage(client)).id;
  const guard = abortOnSignals();
  const outDecoder = new StringDecoder("utf8");
  const errDecoder = new StringDecoder("utf8");
  try {
    const result = await runWrapped({
      client,
      image,
      policy,
      command,
      ...(opts.agentHome !== undefined ? { agentHome: agentHomeOf(io, opts.agentHome, opts.stateDir) } : {}),
      stdin: io.stdin,
      // Decoders keep a UTF-8 character split across two chunks whole.
      stdout: { write: (b: Buffer) => io.stdout.write(outDecoder.write(b)) },
      stderr: { write: (b: Buffer) => io.stderr.write(errDecoder.write(b)) },
      env,
      egress,
      ...(timeoutMs !== undefined ? { timeoutMs } : {}),
      signal: guard.signal,
    });
    if (result.outcome !== "ok" && result.outcome !== "failed") {
      io.stderr.write(`skillwall: ${result.outcome}${result.reason ? `: ${result.reason}` : ""}\n`);
    }
    return guard.exitCode() ?? result.exitCode;
  } finally {
    guard.dispose();
  }
}
