// Programs no policy rule should allow, and why, for the fix a report shows. A shell or an
// interpreter runs whatever code it is handed, so a rule for it allows every command; text
// decoded or downloaded and piped into one is code nobody reviewed; npx and its kin fetch a
// package and run it. A fix hint that said "add a commands rule for program bash" would teach
// the reader to open the hole the policy exists to close.

import type { SimpleCommand } from "../model.js";
import { basename, isInterpreter, isWrapper } from "./programs.js";

/** Programs whose output is text decoded from something unreadable (base64 payloads …). */
const decoders = new Set([
  "base64",
  "base32",
  "basenc",
  "xxd",
  "uudecode",
  "openssl",
  "gunzip",
  "zcat",
  "gzip",
  "bzip2",
  "bzcat",
  "xz",
  "xzcat",
  "rev",
  "tr",
  "printf",
  "echo",
]);

/** Programs whose output comes from the network. */
const downloaders = new Set([
  "curl",
  "wget",
  "fetch",
  "aria2c",
  "http",
  "https",
  "xh",
  "nc",
  "ncat",
  "netcat",
  "socat",
  "ftp",
  "tftp",
  "lynx",
  "w3m",
]);

/** Programs that download a package and run it: `npx pkg`, `uvx pkg`, `pipx run pkg` … */
const runners = new Set(["npx", "bunx", "pnpx", "uvx"]);
const runnerSubcommands: Record<string, ReadonlySet<string>> = {
  npm: new Set(["exec", "x"]),
  pnpm: new Set(["dlx", "exec"]),
  yarn: new Set(["dlx"]),
  pipx: new Set(["run"]),
  bun: new Set(["x"]),
};

const tail =
  "no rule should allow it: keep the step denied, or replace it with the commands the code would " +
  "run, each judged on its own";

/**
 * Why `cmd` must never be allowed by a rule, or undefined when an ordinary rule could allow it.
 * `feeder` is the previous stage of its pipeline, when there is one. A wrapper (`sudo bash`,
 * `env python3`) is looked through to the program it runs.
 */
export function neverAllowReason(cmd: SimpleCommand, feeder?: SimpleCommand): string | undefined {
  const words = cmd.argv.map((w) => w.value);
  let at = 0;
  while (at < words.length - 1 && isWrapper(words[at] ?? "")) {
    at++;
    while (at < words.length - 1 && /^-|^[A-Za-z_][A-Za-z0-9_]*=/.test(words[at] ?? "")) at++;
  }
  const program = words[at];
  if (program === undefined) return undefined;
  const name = basename(program);
  if (isInterpreter(name)) {
    const from = feeder?.argv[0] === undefined ? undefined : basename(feeder.argv[0].value);
    if (from !== undefined && downloaders.has(from))
      return `${name} would run whatever ${from} downloads, chosen by the server at run time; ${tail}`;
    if (from !== undefined && decoders.has(from))
      return `${name} would run text decoded by ${from}, hidden from review; ${tail}`;
    return `${name} is a shell or interpreter that runs any code it is given (a rule for it would allow every command); ${tail}`;
  }
  if (runners.has(name)) return `${name} downloads a package and runs its code unreviewed; ${tail}`;
  const sub = words[at + 1];
  if (sub !== undefined && runnerSubcommands[name]?.has(sub) === true)
    return `${name} ${sub} downloads a package and runs its code unreviewed; ${tail}`;
  return undefined;
}

/** Prefix used by every fix that no policy change can satisfy (reports and tests look for it). */
export const noPolicyFix = "cannot be allowed by policy";
