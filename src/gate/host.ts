// The command line a host shell (sh, bash, zsh, dash, ksh) is given in place of the agent's
// text: a clean bash, started by absolute path (never a function or alias lookup), with a
// fresh environment of named variables only, runs the canonical script as one single-quoted
// word. A snapshot of the user's shell (aliases, functions, BASH_ENV, exported BASH_FUNC_*)
// cannot reach the script.

import { quoteWord } from "../shell/render.js";
import { SkillwallError } from "../errors.js";

/** Variables passed through from the host shell's environment unless the caller names others. */
export const defaultHostEnv = ["PATH", "HOME", "USER", "LOGNAME", "LANG", "LC_ALL", "TERM", "TMPDIR", "TZ"];

const envName = /^[A-Za-z_][A-Za-z0-9_]*$/;
/** Names that change how bash or the loader start up: never passed. */
const startupNames =
  /^(BASH_ENV|ENV|SHELLOPTS|BASHOPTS|BASH_FUNC_.*|LD_.*|PROMPT_COMMAND|PS4|IFS|CDPATH|GLOBIGNORE)$/;

export interface HostCommandOptions {
  /** Variable names to pass through (default `defaultHostEnv`). */
  env?: readonly string[];
  /** Variables set to fixed values (names checked like `env`), e.g. GIT_CEILING_DIRECTORIES. */
  set?: Readonly<Record<string, string>>;
  /** Absolute path of env(1) (default /usr/bin/env). */
  envPath?: string;
  /** Absolute path of bash (default /bin/bash). */
  bashPath?: string;
}

/** A shell command line that runs `canonical` and nothing else. */
export function hostCommand(canonical: string, opts: HostCommandOptions = {}): string {
  const names = opts.env ?? defaultHostEnv;
  const fixed = Object.entries(opts.set ?? {});
  for (const n of [...names, ...fixed.map(([k]) => k)]) {
    if (!envName.test(n) || startupNames.test(n)) {
      throw new SkillwallError(
        "HOST_ENV_NAME",
        `cannot pass the variable ${JSON.stringify(n)} to a host command`,
        {
          fix: "name plain variables only (not BASH_ENV, LD_*, IFS …)",
        },
      );
    }
  }
  const envPath = opts.envPath ?? "/usr/bin/env";
  const bashPath = opts.bashPath ?? "/bin/bash";
  for (const p of [envPath, bashPath]) {
    if (!p.startsWith("/")) throw new SkillwallError("HOST_PATH", `${p} must be an absolute path`);
  }
  // ${NAME+"NAME=$NAME"}: one word when set, none when unset; the outer shell expands it.
  const pass = [
    ...names.filter((n) => opts.set?.[n] === undefined).map((n) => `\${${n}+"${n}=$${n}"}`),
    ...fixed.map(([k, v]) => quoteWord(`${k}=${v}`)),
  ].join(" ");
  // One POSIX single-quoted word: every byte but ' is literal in sh, bash, zsh, dash and ksh.
  const script = "'" + canonical.replaceAll("'", "'\\''") + "'";
  return `${quoteWord(envPath)} -i ${pass} ${quoteWord(bashPath)} --norc --noprofile -c ${script}`;
}
