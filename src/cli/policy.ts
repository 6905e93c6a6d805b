// `skillwall policy check FILE...`, `skillwall policy show NAME` and `skillwall policy suggest SKILL`.

import type { Command } from "commander";
import { stringify } from "yaml";
import { InputError, PolicyError, describeError } from "../errors.js";
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
    .command("suggest")
    .description(
      "write the least-privilege policy that allows exactly a reviewed skill's steps (for a person to review and commit)",
    )
    .argument("<skill>", "skill file, skill folder, https URL, or - for stdin")
    .option("--install-only", "only the install steps (what run and install execute)")
    .option(
      "--from-run <audit-log>",
      "grant only the steps this run's audit log shows ran to a good end, and only the hosts they reached",
    )
    .option("-o, --output <file>", "write the policy to a file instead of stdout")
    .action(async (skill: string, opts: { installOnly?: boolean; output?: string; fromRun?: string }) => {
      ctx.exitCode = await suggestCommand(skill, opts, ctx);
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

async function suggestCommand(
  skill: string,
  opts: { installOnly?: boolean; output?: string; fromRun?: string },
  ctx: CliContext,
): Promise<number> {
  const { io } = ctx;
  const [{ scanPaths }, { suggestPolicy }, { readRecordedRun }, { writeNamedFile }, path] = await Promise.all(
    [
      import("../scan/index.js"),
      import("../policy/suggest.js"),
      import("../policy/from-run.js"),
      import("../hostfs/host-dir.js"),
      import("node:path"),
    ],
  );
  // Read (and verify) the run first: a bad log is an error before anything is scanned.
  const fromRun =
    opts.fromRun === undefined ? undefined : await readRecordedRun(path.resolve(io.cwd, opts.fromRun));
  // Judged under sandbox-only: every command is reached, and what cannot be analysed says so.
  const base = await loadPolicy("sandbox-only");
  const scanned = await scanPaths([skill], { policy: base, cwd: io.cwd, stdin: io.stdin });
  const first = scanned.errors[0];
  if (first) throw new InputError(first.code, `${first.source}: ${first.message}`);
  const result = scanned.results[0];
  if (!result) throw new InputError("no-skill", `${skill}: no skill found`);
  const baseline = await loadPolicy("baseline", { checkExamples: false });
  const s = suggestPolicy(result, {
    installOnly: opts.installOnly === true,
    baseline,
    ...(fromRun === undefined ? {} : { fromRun }),
  });
  const header = [
    `# Suggested by \`skillwall policy suggest\` for ${result.source}: REVIEW BEFORE COMMITTING.`,
    `# ${s.granted.length} step(s) granted, each pinned to the exact program, options, arguments and redirects it uses.`,
    ...s.skipped.map(
      (k) => `# not granted: ${k.step.step.file}:${k.step.step.line}: ${k.why.replace(/\n/g, " ")}`,
    ),
  ];
  const yaml = `${header.join("\n")}\n${stringify(s.document, { lineWidth: 0 })}`;
  if (opts.output !== undefined) {
    const file = path.resolve(io.cwd, opts.output);
    await writeNamedFile(opts.output, yaml, io.cwd);
    // The written file must load (schema, extends, examples): a broken suggestion is an error.
    await loadPolicy(file, { cwd: io.cwd });
    io.stderr.write(`wrote ${opts.output}: ${s.granted.length} step(s) granted, ${s.skipped.length} not\n`);
  } else io.stdout.write(yaml);
  return exitCodes.ok;
}
