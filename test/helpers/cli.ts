// Runs the CLI in-process with captured streams, as a user would call it.

import { existsSync } from "node:fs";
import path from "node:path";
import { Readable } from "node:stream";
import { fileURLToPath } from "node:url";
import { main } from "../../src/cli.js";
import type { CliIO } from "../../src/cli/io.js";

export const repoRoot = path.resolve(fileURLToPath(import.meta.url), "../../..");
// Next to the main checkout; a git worktree is one level deeper; SKILLWALL_CORPUS overrides both.
export const corpusRoot =
  process.env["SKILLWALL_CORPUS"] ??
  [path.resolve(repoRoot, "../shared/corpus"), path.resolve(repoRoot, "../../shared/corpus")].find((p) =>
    existsSync(p),
  ) ??
  path.resolve(repoRoot, "../shared/corpus");

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

export async function runCli(
  args: string[],
  opts: { stdin?: string; env?: Record<string, string>; cwd?: string } = {},
): Promise<CliRun> {
  let stdout = "";
  let stderr = "";
  const io: CliIO = {
    stdout: { write: (s: string) => (stdout += s) },
    stderr: { write: (s: string) => (stderr += s) },
    stdin: Readable.from(opts.stdin === undefined ? [] : [opts.stdin]),
    env: { NO_COLOR: "1", ...opts.env },
    cwd: opts.cwd ?? repoRoot,
  };
  const code = await main(args, io);
  return { code, stdout, stderr };
}
