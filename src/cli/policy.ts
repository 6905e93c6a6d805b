// `skillwall policy check FILE...` and `skillwall policy show NAME`.

import type { Command } from "commander";
import { stringify } from "yaml";
import { PolicyError, describeError } from "../errors.js";
import { exampleCount, loadPolicy } from "../policy/index.js";
import type { Policy } from "../policy/types.js";
import type { CliContext } from "./context.js";
import { exitCodes } from "./io.js";

/** The merged policy as a plain document (what `policy show` prints). */
export function policyDocument(policy: Policy): Record<string, unknown> {
  const { sources, hash, ...rest } = policy;
  return { ...(JSON.parse(JSON.stringify(rest)) as Record<string, unknown>), sources, hash };
}

export function registerPolicy(program: Command, ctx: CliContext): void {
  const policy = program.command("policy").description("validate and show policies");

  policy
    .command("check")
    .description("validate policy files against the schema and run their examples")
    .argument("<file...>", "policy files (.yaml, .yml, .json, OpenClaw config.yaml) or shipped names")
    .action(async (files: string[]) => {
      let failed = false;
      for (const file of files) {
        try {
          const loaded = await loadPolicy(file, { cwd: ctx.io.cwd });
          const rules = loaded.commands.length + loaded.deny.length;
          ctx.io.stdout.write(`ok: ${loaded.name} (${rules} rules, ${exampleCount(loaded)} examples)\n`);
        } catch (err) {
          if (!(err instanceof PolicyError)) throw err;
          failed = true;
          ctx.io.stderr.write(`error: ${describeError(err)}\n`);
        }
      }
      ctx.exitCode = failed ? exitCodes.usage : exitCodes.ok;
    });

  policy
    .command("show")
    .description("print a policy after extends merging, as YAML")
    .argument("<name>", "a shipped policy name or a policy file")
    .action(async (name: string) => {
      const loaded = await loadPolicy(name, { cwd: ctx.io.cwd, checkExamples: false });
      ctx.io.stdout.write(`# ${loaded.name}: merged from ${loaded.sources.join(", ")}\n`);
      ctx.io.stdout.write(stringify(policyDocument(loaded), { lineWidth: 0 }));
      ctx.exitCode = exitCodes.ok;
    });
}
