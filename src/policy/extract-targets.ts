// What an archive extraction writes. `tar -xzf a.tgz` and `unzip a.zip` write every member of
// the archive below the destination: a member named skills/pwn/SKILL.md plants a skill, AGENTS.md
// a start-up file. The member names exist only in the archive on the host: the gate lists them at
// judge time (src/gate/extract-members.ts) with what is recorded here.

import type { ParsedOption } from "./options.js";
import type { CommandRule, ValueSpec } from "./types.js";

export interface ExtractTargets {
  format: "tar" | "zip";
  /** The archive operand as written (relative to the command's working directory); undefined: stdin or none. */
  archive: string | undefined;
  /** The directory members land below, as written. */
  dest: string;
  /** The destination's value spec (undefined: not a typed path). */
  spec: ValueSpec | undefined;
  /** tar --strip-components: leading name components dropped from each member. */
  strip: number;
}

function find(options: readonly ParsedOption[], names: readonly string[]): ParsedOption | undefined {
  // By the spec's spellings: the parse may have met an abbreviation (--extr) or a bundle (-xzf).
  return options.find((o) => names.includes(o.name) || o.spec.names.some((n) => names.includes(n)));
}

/** The spec the rule gives the destination option, used also when the call leaves it out (`.`). */
function destSpec(rule: CommandRule, names: readonly string[]): ValueSpec | undefined {
  return rule.options.find((o) => o.names.some((n) => names.includes(n)))?.value;
}

/** What an extraction by `program` writes, or undefined when the call extracts nothing. */
export function extractTargets(
  program: string,
  options: readonly ParsedOption[],
  positionals: ReadonlyArray<{ value: string }>,
  rule: CommandRule,
): ExtractTargets | undefined {
  const name = program.split("/").pop() ?? "";
  if (name === "tar" || name === "bsdtar" || name === "gtar") {
    if (!find(options, ["-x", "--extract", "--get"])) return undefined;
    const dir = ["-C", "--directory"];
    const c = find(options, dir);
    const strip = find(options, ["--strip-components"])?.value?.value;
    return {
      format: "tar",
      archive: find(options, ["-f", "--file"])?.value?.value,
      dest: c?.value?.value ?? ".",
      spec: c?.spec.value ?? destSpec(rule, dir),
      strip: strip === undefined ? 0 : Number(strip),
    };
  }
  if (name === "unzip") {
    // unzip -l/-t/-v/-Z list or test; -p/-c write to stdout: nothing lands on disk.
    if (find(options, ["-l", "-t", "-v", "-Z", "-p", "-c", "-z"])) return undefined;
    const d = find(options, ["-d"]);
    return {
      format: "zip",
      archive: positionals[0]?.value,
      dest: d?.value?.value ?? ".",
      spec: d?.spec.value ?? destSpec(rule, ["-d"]),
      strip: 0,
    };
  }
  return undefined;
}
