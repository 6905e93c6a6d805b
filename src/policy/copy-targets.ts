// Where a copy or move really writes. `cp SRC… DEST` (mv, install, ln alike) writes DEST itself
// only when DEST is not a directory; when it is one, now or by the time the command runs
// (`mkdir -p d && cp x d`), it writes DEST/<name of SRC>, and a recursive copy or the move of a
// directory writes every name of SRC's tree below that. Judging DEST as written let
// `mv pwn .agents/skills` plant a skill and `cp d/BOOT.md .` a start-up file. So every place a
// source may land is judged as a write target, with the destination's own value spec: DEST
// itself and DEST/<name> (a directory can appear before the command runs), only DIR/<name> with
// `-t DIR`, only DEST with `-T`. The names inside a copied tree exist only on the host: the
// gate walks them at judge time (src/gate/copy-trees.ts) with the places recorded here.

import type { Word } from "../model.js";
import type { ParsedOption } from "./options.js";
import type { Policy, ValueSpec } from "./types.js";
import { normaliseGlob, resolvePath } from "./paths.js";
import { unnamedProtectedWrite } from "./protected.js";
import { matchValue, type ValueFail } from "./values.js";

/** Programs with a `SRC… DIR` form that write DIR/<name of SRC>. */
const intoDirectory = new Set(["cp", "mv", "install", "ln"]);

export interface CopyTargets {
  /** The source operands, as written (relative to the command's working directory). */
  sources: string[];
  /** For each source: where its name (and tree) may land, as written. */
  roots: string[][];
  /** The sources' trees are written below their roots: cp -r/-R/-a, mv. */
  trees: boolean;
  /** The value spec the destination is judged with (undefined: not a typed path). */
  spec: ValueSpec | undefined;
}

function flag(options: readonly ParsedOption[], names: readonly string[]): ParsedOption | undefined {
  // By the spec's spellings: the parse may have met an abbreviation (--recur) or a bundle.
  return options.find((o) => names.includes(o.name) || o.spec.names.some((n) => names.includes(n)));
}

/**
 * The places the sources of `program` land, from the rule's parse of its arguments, or
 * undefined when the program has no directory form (or the call names no destination).
 * `positionalSpecs[i]` is the value spec positional i was matched with.
 */
export function copyTargets(
  program: string,
  options: readonly ParsedOption[],
  positionals: ReadonlyArray<{ word: Word; spec: ValueSpec | undefined }>,
): CopyTargets | undefined {
  const name = program.split("/").pop() ?? "";
  if (!intoDirectory.has(name)) return undefined;
  // install -d creates each operand as a directory: no source, no destination.
  if (name === "install" && flag(options, ["-d", "--directory"])) return undefined;
  const target = flag(options, ["-t", "--target-directory"]);
  const noTarget = flag(options, ["-T", "--no-target-directory"]) !== undefined;
  const values = positionals.map((p) => p.word.value);
  let sources: string[];
  let dest: string;
  let spec: ValueSpec | undefined;
  if (target?.value !== undefined) {
    sources = values;
    dest = target.value.value;
    spec = target.spec.value;
  } else if (name === "ln" && values.length === 1) {
    // `ln TARGET` makes ./<name of TARGET>.
    sources = values;
    dest = ".";
    spec = positionals[0]?.spec;
  } else {
    if (values.length < 2) return undefined;
    sources = values.slice(0, -1);
    dest = values[values.length - 1] as string;
    spec = positionals[positionals.length - 1]?.spec;
  }
  const roots = sources.map((src) => {
    // `x/.` lands in DEST itself, `x/..` in DEST/.. : the name as the program takes it.
    const base = src.replace(/\/+$/, "").split("/").pop() ?? "";
    const inside = base === "" ? dest : `${dest.replace(/\/+$/, "")}/${base}`;
    if (noTarget) return [dest];
    if (target?.value !== undefined) return [inside];
    return [dest, inside];
  });
  const recursive =
    name === "mv" ||
    (name === "cp" && flag(options, ["-r", "-R", "--recursive", "-a", "--archive"]) !== undefined);
  return { sources, roots, trees: recursive, spec };
}

/**
 * Why writing `path` (as written, relative to the policy's workdir) breaks the destination's
 * spec or lands on one of the agent's own files, or undefined when it may be written.
 */
export function landingMiss(
  path: string,
  spec: ValueSpec | undefined,
  policy: Policy,
  where: string,
  what: string,
): ValueFail | undefined {
  if (spec?.type === "path") {
    const word: Word = {
      raw: path,
      value: path,
      parts: [{ kind: "literal", value: path }],
      span: { start: { line: 1, column: 1, offset: 0 }, end: { line: 1, column: 1, offset: 0 } },
    };
    const r = matchValue(word, spec, { policy, where, what, write: true });
    return r.ok ? undefined : r;
  }
  // Not a typed path: only the agent's own files are known to be refused.
  const workdir = normaliseGlob(policy.workdir, policy.home, policy.home);
  const resolved = resolvePath(path, workdir);
  const hit = unnamedProtectedWrite(resolved, [], policy.home, policy.ownSkillFolders);
  if (hit === undefined) return undefined;
  return {
    ok: false,
    reason: `${what} writes ${resolved}, one of the agent's own files (${hit})`,
    fix: "only a rule whose path allow list names it can allow this write",
  };
}
