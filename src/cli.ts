// argv → library → exit code. Thin on purpose: every command lives in src/cli/<name>.ts and
// calls the library; this file only wires them and turns errors into exit code 2.

import { Command, CommanderError } from "commander";
import { SkillwallError, describeError } from "./errors.js";
import type { CliContext, RegisterCommand } from "./cli/context.js";
import { exitCodes, processIO, type CliIO } from "./cli/io.js";
import { openCliAudit } from "./cli/audit-sink.js";
import type { AuditLog } from "./audit/log.js";
import { commandName, startShellWasmCompileFor } from "./cli/shell-start.js";

type Loader = () => Promise<RegisterCommand[]>;
// Which of them parse shell (their parser's wasm is compiled while the rest loads): src/cli/shell-start.ts.
type CommandModule = { names: string[]; load: Loader };

// Sub-commands are loaded on demand: a one-file scan must not pay for importing Docker, undici
// and the heartbeat machinery (cold start is part of the scan's budget).
const commandModules: CommandModule[] = [
  { names: ["scan"], load: async () => [(await import("./cli/scan.js")).registerScan] },
  { names: ["run"], load: async () => [(await import("./cli/run.js")).registerRun] },
  { names: ["judge"], load: async () => [(await import("./cli/judge.js")).registerJudge] },
  { names: ["openclaw"], load: async () => [(await import("./cli/openclaw.js")).registerOpenClaw] },
  { names: ["exec"], load: async () => [(await import("./cli/exec.js")).registerExec] },
  { names: ["wrap"], load: async () => [(await import("./cli/wrap.js")).registerWrap] },
  { names: ["image"], load: async () => [(await import("./cli/image.js")).registerImage] },
  { names: ["doctor"], load: async () => [(await import("./cli/doctor.js")).registerDoctor] },
  { names: ["audit"], load: async () => [(await import("./cli/audit.js")).registerAudit] },
  { names: ["policy"], load: async () => [(await import("./cli/policy.js")).registerPolicy] },
  { names: ["install"], load: async () => [(await import("./cli/install.js")).registerInstall] },
  { names: ["serve"], load: async () => [(await import("./cli/serve.js")).registerServe] },
  {
    names: ["heartbeat", "review", "approve", "reject", "status"],
    load: async () => {
      const m = await import("./cli/heartbeat.js");
      return [m.registerHeartbeat, m.registerReview, m.registerApprove, m.registerReject, m.registerStatus];
    },
  },
];

/** The modules needed for argv: the named sub-command's, or all of them (help, unknown command). */
async function loadCommands(argv: string[]): Promise<RegisterCommand[]> {
  const name = commandName(argv);
  // `skillwall --version` needs no sub-command at all.
  if (name === undefined && (argv.includes("--version") || argv.includes("-V"))) return [];
  const wanted = commandModules.filter((m) => name !== undefined && m.names.includes(name));
  startShellWasmCompileFor(argv);
  const modules = wanted.length > 0 ? wanted : commandModules;
  return (await Promise.all(modules.map((m) => m.load()))).flat();
}

function rootCommand(io: CliIO): Command {
  return new Command("skillwall")
    .description("A firewall for AI-agent skills")
    .version("0.1.0")
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.stdout.write(s), writeErr: (s) => io.stderr.write(s) })
    .showHelpAfterError("(run skillwall --help for usage)")
    .option(
      "--audit-log <file>",
      "append audit records to this file (default: one file per run under ~/.local/share/skillwall/audit)",
    );
}

/**
 * The whole command tree, every sub-command registered, for tests that check the docs against
 * the CLI's own definition (nothing runs: actions need parse()).
 */
export async function cliProgram(io: CliIO = processIO()): Promise<Command> {
  const program = rootCommand(io);
  const ctx: CliContext = { io, exitCode: exitCodes.ok };
  for (const register of await loadCommands([])) register(program, ctx);
  return program;
}

export async function main(argv: string[], io: CliIO = processIO()): Promise<number> {
  if (commandName(argv) === "exec") argv = (await import("./cli/exec.js")).separateExecCommand(argv);
  const ctx: CliContext = { io, exitCode: exitCodes.ok };
  const program = rootCommand(io);
  let audit: AuditLog | undefined;
  program.hook("preAction", async (root, action) => {
    const explicit = (root.opts() as { auditLog?: string }).auditLog;
    audit = await openCliAudit(io, topLevelName(action), explicit);
  });
  try {
    for (const register of await loadCommands(argv)) register(program, ctx);
    await program.parseAsync(argv, { from: "user" });
    await audit?.close();
    return ctx.exitCode;
  } catch (err) {
    await audit?.close();
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

/** "run" for `skillwall run`, "audit" for `skillwall audit verify`. */
function topLevelName(cmd: Command): string {
  let c = cmd;
  while (c.parent && c.parent.parent) c = c.parent;
  return c.name();
}
