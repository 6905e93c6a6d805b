import type { Command } from "commander";
import type { CliIO } from "./io.js";

/** Each sub-command module exports `register(program, ctx)`; its action stores the exit code in ctx. */
export interface CliContext {
  io: CliIO;
  exitCode: number;
}

export type RegisterCommand = (program: Command, ctx: CliContext) => void;
