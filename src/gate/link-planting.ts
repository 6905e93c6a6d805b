// Links planted and used in one command. The host check (./host-paths.ts) resolves every path
// operand when the command is judged, before any part of it runs. In
// `git clone URL repo && cat > repo/link <<EOF`, repo/link does not exist then; the clone makes
// it a symlink to ~/.bashrc, and cat writes through it. So a part that may create or rename
// entries the text does not show (./creates-entries.ts) must be the last part that touches a
// path: nothing after it, nor beside it in its pipeline (stages run at the same time), may name a
// file, redirect to one or change directory. The agent runs such a command on its own and the
// next command is judged, and its paths resolved, after it finished.
//
// Earlier parts are fine: they run before it. A judged command is a flat list of pipelines
// joined by && || ; (loops, functions, subshells and & are refused earlier), so list order is run
// order; a stage whose pipeline is not in that list is treated as after everything.

import type { JudgedStep, Redirect, SimpleCommand } from "../model.js";
import { limits } from "../limits.js";
import { mayPlantLinks } from "./creates-entries.js";

export interface PlantingRefusal {
  rule: "link-planting";
  reason: string;
  fix: string;
}

/** Programs that open no file named by an argument and change nothing. */
const noFiles = new Set(["echo", "printf", "true", "false", ":", "pwd", "sleep", "tr"]);
/** `>&2`, `2>&1`, `<&-`: descriptors, not files. */
const fdTarget = /^(?:\d+-?|-)$/;
const inline = new Set<Redirect["op"]>(["<<", "<<-", "<<<"]);

/**
 * Filters that read only stdin when every argument is an option (`sort -u`, `wc -l`, `cut -d, -f1`)
 * or the count of head/tail's -n/-c (`head -n 50`): a bare `5` would be a file named 5.
 */
const stdinFilters = new Set(["head", "tail", "wc", "sort", "uniq", "cut", "nl", "cat"]);
const countOptions = new Set(["-n", "-c", "--lines", "--bytes"]);
/** Their options that name a file (short clusters holding o or T: sort -uo FILE). */
const fileOption =
  /^(?:-[^-]*[oT]|--(?:output|temporary-directory|compress-program|files0-from|random-source)(?:=|$))/;

function readsStdinOnly(program: string, args: readonly string[]): boolean {
  if (!stdinFilters.has(program)) return false;
  return args.every((a, i) => {
    if (/^\d+$/.test(a))
      return (program === "head" || program === "tail") && countOptions.has(args[i - 1] ?? "");
    return a.startsWith("-") && a !== "--" && !fileOption.test(a);
  });
}

/** A part that opens no path at all: it cannot be led anywhere by a link made before it. */
function touchesNoPath(cmd: SimpleCommand): boolean {
  const word = cmd.argv[0]?.value ?? "";
  const program = word.includes("/") ? "" : word;
  const args = cmd.argv.slice(1).map((w) => w.value);
  const free = noFiles.has(program) || readsStdinOnly(program, args);
  if (!free) return false;
  return cmd.redirects.every(
    (r) =>
      inline.has(r.op) ||
      ((r.op === ">&" || r.op === "<&") && fdTarget.test(r.target?.value ?? "")) ||
      r.target?.value === "/dev/null",
  );
}

/** The refusal for a command whose later part may use a link an earlier part made, if any. */
export function linkPlantingRefusal(judged: JudgedStep): PlantingRefusal | undefined {
  const commands = judged.commands.map((c) => c.command);
  if (commands.length < 2) return undefined;
  const position = new Map<number, number>();
  judged.analysis.script?.pipelines.forEach((p, i) => {
    for (const c of p) position.set(c.pipeline.id, i);
  });
  const at = (c: SimpleCommand): number => position.get(c.pipeline.id) ?? Number.POSITIVE_INFINITY;
  const sameStage = (a: SimpleCommand, b: SimpleCommand): boolean =>
    a.pipeline.id === b.pipeline.id && a.pipeline.index === b.pipeline.index;
  for (const planter of commands) {
    const why = mayPlantLinks(planter);
    if (why === undefined) continue;
    const later = commands.find(
      (c) =>
        !sameStage(c, planter) &&
        (at(c) > at(planter) ||
          c.pipeline.id === planter.pipeline.id ||
          at(c) === Number.POSITIVE_INFINITY) &&
        !touchesNoPath(c),
    );
    if (!later) continue;
    const first = shown(planter, judged.analysis.text);
    return {
      rule: "link-planting",
      reason:
        `'${first}' may create or rename files the command does not show (${why}), and ` +
        `'${shown(later, judged.analysis.text)}' ${at(later) === at(planter) ? "beside it in the pipeline" : "after it"} ` +
        "uses paths that could by then be symbolic links to anywhere on this host",
      fix: `run '${first}' as its own command; skillwall checks each command's paths just before it runs`,
    };
  }
  return undefined;
}

/**
 * The first part of `judged` that may plant links, as written (shortened), or undefined. The
 * OpenClaw gate runs no other call beside such a command: calls of one model reply run at once.
 */
export function linkPlanter(judged: JudgedStep): string | undefined {
  const planter = judged.commands.find((c) => mayPlantLinks(c.command) !== undefined);
  return planter && shown(planter.command, judged.analysis.text);
}

/** The command as written (shortened), for the reason. */
function shown(cmd: SimpleCommand, text: string): string {
  const s = text.slice(cmd.span.start.offset, cmd.span.end.offset).replace(/\s+/g, " ").trim();
  const max = limits.maxReasonCommandChars;
  return s.length > max ? `${s.slice(0, max - 1)}…` : s;
}
