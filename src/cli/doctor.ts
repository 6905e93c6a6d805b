// skillwall doctor: Docker, image, seccomp and runtime status, each with the fix when it fails.

import { Option, type Command } from "commander";
import { DockerClient } from "../run/docker.js";
import { runDoctor } from "../run/doctor.js";
import type { CliContext } from "./context.js";
import { exitCodes } from "./io.js";

export function registerDoctor(program: Command, ctx: CliContext): void {
  program
    .command("doctor")
    .description(
      "check that the sandbox works here: Docker, seccomp, runtime, step image, a hardened container",
    )
    .addOption(new Option("-f, --format <format>", "output format").choices(["text", "json"]).default("text"))
    .action(async (opts: { format: "text" | "json" }) => {
      const checks = await runDoctor(new DockerClient());
      if (opts.format === "json") ctx.io.stdout.write(`${JSON.stringify({ version: 1, checks }, null, 2)}\n`);
      else {
        for (const c of checks) {
          ctx.io.stdout.write(
            `${c.ok ? "ok  " : "FAIL"}  ${c.name}: ${c.detail}\n${c.fix ? `      fix: ${c.fix}\n` : ""}`,
          );
        }
      }
      ctx.exitCode = checks.every((c) => c.ok) ? exitCodes.ok : exitCodes.flagged;
    });
}
