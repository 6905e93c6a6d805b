// argv → library → exit code. Thin on purpose: every command lives in src/cli/<name>.ts and
// calls the library; this file only wires them and turns errors into exit code 2.

import { Command, CommanderError } from "commander";
import { SkillwallError, describeError } from "./errors.js";
import type { CliContext, RegisterCommand } from "./cli/context.js";
import { exitCodes, processIO, type CliIO } from "./cli/io.js";
import { registerScan } from "./cli/scan.js";
import { registerAudit } from "./cli/audit.js";
import { registerPolicy } from "./cli/policy.js";
import { registerInstall } from "./cli/install.js";
import {
  registerApprove,
  registerHeartbeat,
  registerReject,
  registerReview,
  registerStatus,
} from "./cli/heartbeat.js";
import { registerRun } from "./cli/run.js";
import { registerExec } from "./cli/exec.js";
import { registerImage } from "./cli/image.js";
import { registerDoctor } from "./cli/doctor.js";

const commands: RegisterCommand[] = [
  registerScan,
  registerRun,
  registerExec,
  registerImage,
  registerDoctor,
  registerAudit,
  registerPolicy,
  registerInstall,
  registerHeartbeat,
  registerReview,
  registerApprove,
  registerReject,
  registerStatus,
];

export async function main(argv: string[], io: CliIO = processIO()): Promise<number> {
  const ctx: CliContext = { io, exitCode: exitCodes.ok };
  const program = new Command("skillwall")
    .description("A firewall for AI-agent skills")
    .version("0.1.0")
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.stdout.write(s), writeErr: (s) => io.stderr.write(s) })
    .showHelpAfterError("(run skillwall --help for usage)");
  for (const register of commands) register(program, ctx);
  try {
    await program.parseAsync(argv, { from: "user" });
    return ctx.exitCode;
  } catch (err) {
    if (err instanceof CommanderError) {
      // --help and --version exit through here with code 0.
      return err.exitCode === 0 ? exitCodes.ok : exitCodes.usage;
    }
    io.stderr.write(`skillwall: ${describeError(err)}\n`);
    if (!(err instanceof SkillwallError) && io.env.SKILLWALL_DEBUG)
      io.stderr.write(`${(err as Error).stack}\n`);
    return err instanceof SkillwallError && err.code === "refused" ? exitCodes.refused : exitCodes.usage;
  }
}
