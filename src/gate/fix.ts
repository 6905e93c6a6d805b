// A denial's fix must never tell the operator to allow something that runs arbitrary code: an
// interpreter or shell, a wrapper that runs its arguments, or a tool that fetches and runs a
// package. For those the fix says what to do instead.

import type { SimpleCommand } from "../model.js";
import { basename, isInterpreter, isWrapper } from "../policy/programs.js";

/** Tools that download a package and run it in one go. */
const downloadRunners = new Set(["npx", "pnpx", "bunx", "uvx", "pipx", "dlx"]);
/** Package managers whose sub-command runs a downloaded package (`npm exec`, `pnpm dlx`). */
const runnerSubcommands: Record<string, ReadonlySet<string>> = {
  npm: new Set(["exec", "x"]),
  pnpm: new Set(["dlx", "exec"]),
  yarn: new Set(["dlx", "exec"]),
  bun: new Set(["x"]),
  uv: new Set(["run", "tool"]),
};

/** Why the command's program must never be allowed by a policy rule, or undefined. */
export function runsArbitraryCode(argv: readonly string[]): string | undefined {
  const program = basename(argv[0] ?? "");
  if (isInterpreter(program))
    return `${program} is an interpreter or shell: it runs whatever code it is given`;
  if (isWrapper(program)) return `${program} runs its arguments as another command`;
  if (downloadRunners.has(program)) return `${program} downloads a package and runs its code`;
  const sub = runnerSubcommands[program];
  const first = argv.slice(1).find((a) => !a.startsWith("-"));
  if (sub && first !== undefined && sub.has(first))
    return `${program} ${first} downloads a package and runs its code`;
  return undefined;
}

/** The fix to show for a denied command: the evaluator's, unless it would allow code execution. */
export function safeFix(cmd: SimpleCommand | undefined, fix: string | undefined): string | undefined {
  if (!cmd) return fix;
  const why = runsArbitraryCode(cmd.argv.map((w) => w.value));
  if (why === undefined) return fix;
  return `cannot be allowed by policy: ${why}; run the specific tool the agent needs as its own command`;
}
