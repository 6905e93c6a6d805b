// Runs shell text under the real bash without executing anything: PATH points nowhere and a
// command_not_found_handle records each command's argv (NUL-separated) into a file. Redirect
// targets show up as files created in an empty working directory. With `failPrefix`, the commands
// so named fail (exit 1), so && and || lists take both branches.
import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

export const BASH = "/usr/bin/bash";
export const ORACLE_HOME = "/home/agent";

/**
 * Records the argv; a command whose name starts with `failPrefix` returns 1, any other 0. With
 * `pipes`, each command also records what it read on stdin and writes its own name to stdout,
 * so a pipeline stage's record names the stage that fed it (read is a builtin: with PATH pointing
 * nowhere, `cat` would call this very handler).
 */
const prelude = (failPrefix: string | undefined, pipes: boolean): string =>
  "command_not_found_handle() { " +
  (pipes
    ? `local in=; IFS= read -r -d '' in; in=\${in%$'\\n'}; printf '%s\\0' "$(($# + 1))" "$@" "stdin=\${in//$'\\n'/ }" >>"$SW_ORACLE_OUT"; printf '%s\\n' "$1"; `
    : `printf '%s\\0' "$#" "$@" >>"$SW_ORACLE_OUT"; `) +
  (failPrefix === undefined ? "return 0; }\n" : `[[ $1 != ${failPrefix}* ]]; }\n`);

export interface BashRun {
  argvs: string[][];
  files: string[];
  status: number | null;
  stderr: string;
}

export function runUnderBash(text: string, opts: { failPrefix?: string; pipes?: boolean } = {}): BashRun {
  const root = mkdtempSync(path.join(tmpdir(), "sw-oracle-"));
  const cwd = path.join(root, "cwd");
  const out = path.join(root, "argv.bin");
  try {
    spawnSync("mkdir", [cwd]);
    const result = spawnSync(
      BASH,
      ["--norc", "--noprofile", "-c", prelude(opts.failPrefix, opts.pipes ?? false) + text],
      {
        cwd,
        env: { PATH: "/nonexistent", HOME: ORACLE_HOME, SW_ORACLE_OUT: out, LC_ALL: "C.UTF-8" },
        encoding: "utf8",
        timeout: 5_000,
      },
    );
    let raw = "";
    try {
      raw = readFileSync(out, "utf8");
    } catch {
      raw = "";
    }
    const fields = raw.split("\0");
    fields.pop();
    const argvs: string[][] = [];
    for (let i = 0; i < fields.length;) {
      const count = Number(fields[i]);
      argvs.push(fields.slice(i + 1, i + 1 + count));
      i += 1 + count;
    }
    return { argvs, files: readdirSync(cwd).sort(), status: result.status, stderr: result.stderr };
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}
