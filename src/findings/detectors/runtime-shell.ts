// Fail closed on shell commands assembled at run time from variables: a program name made of
// two or more variables (`"$r$s"`), eval / sh -c of text that is only concatenated variables (set in
// other code blocks), a download URL no single piece spells. What runs is not written anywhere
// in the skill; it is high "cannot be analysed", with the text read back from the skill's own
// literal assignments when they are all there. A single variable (`"$PYTHON" x.py`,
// `eval "$(brew shellenv)"`) and a path under a directory variable (`"$DIR/run.sh"`) are
// ordinary and not reported.

import type { DetectContext } from "../context.js";
import { expansion, expansionCount, literalVariables, substitute } from "../shell-vars.js";
import { shells, unwrap, baseName } from "../util.js";

const network = new Set(["curl", "wget", "nc", "ncat", "socat", "scp", "rsync", "ftp", "telnet"]);

/**
 * A program word built from pieces: two or more expansions and nothing but name characters
 * around them (`"$r$s"`, `${a}${b}l`). One variable glued to a literal (`${PREFIX}gcc`) is an
 * ordinary way to pick a tool and is not reported.
 */
export function assembledProgram(word: string): boolean {
  // Only a word of name characters and expansions: `secrets={"K": "$K"}` read as shell is not one.
  // `(?!\w)` ends a `$name` where the name ends, so the word splits one way only (no backtracking).
  if (!/^(?:[\w.-]|\$\{\w{1,64}\}|\$[A-Za-z_]\w{0,63}(?!\w)){1,64}$/.test(word)) return false;
  return expansionCount(word) >= 2;
}

/** Text for eval / sh -c that is nothing but two or more concatenated expansions. */
function onlyExpansions(text: string): boolean {
  return expansionCount(text) >= 2 && text.replace(expansion, "").trim() === "";
}

export function detectRuntimeShell(ctx: DetectContext): void {
  let vars: Map<string, string> | undefined;
  for (const src of ctx.shell) {
    if (src.quoted) continue;
    for (const cmd of src.commands) {
      const { argv } = unwrap(cmd.argv);
      const program = argv[0] ?? "";
      const name = baseName(program);
      let what: string | undefined;
      let shown: string | undefined;
      if (!program.includes("$") && !argv.some((a) => a.includes("$"))) continue;
      vars ??= literalVariables(ctx);
      if (assembledProgram(program)) {
        what = "the program it runs";
        shown = substitute(program, vars);
      } else if (name === "eval" || (shells.has(name) && argv.includes("-c"))) {
        const body = name === "eval" ? argv.slice(1).join(" ") : (argv[argv.indexOf("-c") + 1] ?? "");
        if (onlyExpansions(body)) {
          what = "the command it evaluates";
          shown = substitute(body, vars);
        }
      } else if (network.has(name)) {
        for (const a of argv.slice(1)) {
          if (expansionCount(a) < 2 || a.includes("://")) continue;
          const full = substitute(a, vars);
          // Reported only when the skill's own assignments spell a URL whose scheme and host no
          // single variable holds (`$BASE/tasks/$id` with BASE="https://api.x" is ordinary).
          const origin = /^[a-z][\w+.-]*:\/\/[^/\s"'$]+/i.exec(full)?.[0];
          if (origin === undefined) continue;
          if ([...a.matchAll(expansion)].some((m) => (vars?.get(m[1] ?? m[2] ?? "") ?? "").includes(origin)))
            continue;
          what = "the address it contacts";
          shown = full;
          break;
        }
      }
      if (what === undefined) continue;
      const pos = src.at(cmd.start);
      const original = what === "the address it contacts" ? undefined : program;
      const readBack = shown !== undefined && shown !== original && !/^\s*$/.test(shown) ? shown : undefined;
      ctx.report({
        id: "obfuscation.shell-assembled",
        severity: "high",
        file: src.file,
        line: pos.line,
        column: pos.column,
        message: `Cannot be analysed: the command assembles ${what} from shell variables at run time, so what runs is not written in the skill${readBack !== undefined ? ` (the skill's own assignments give "${readBack.slice(0, 160)}")` : ""}. Write the command out literally.`,
        evidence: src.text.slice(cmd.start, cmd.end).trim().slice(0, 300),
        ...(readBack !== undefined ? { decoded: readBack } : {}),
      });
    }
  }
}
