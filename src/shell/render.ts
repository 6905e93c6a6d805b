// Canonical bash for an analysed script: what runs is exactly what was checked.
import { SkillwallError } from "../errors.js";
import type { ListOperator, Redirect, ShellAnalysis, SimpleCommand, Word } from "../model.js";

const BARE = /^[A-Za-z0-9_@%+:,./-]+$/;
const CONTROL = /[\x00-\x1f\x7f-\x9f]/;

/** Quote `s` as one bash word: bare when harmless, '…' normally, $'…' when it holds control characters. */
export function quoteWord(s: string): string {
  if (BARE.test(s)) return s;
  if (!CONTROL.test(s)) return "'" + s.replaceAll("'", "'\\''") + "'";
  let out = "$'";
  for (const ch of s) {
    const code = ch.codePointAt(0) as number;
    // Backslash and quote as hex too: tree-sitter-bash misreads `\\'` at the end of $'…'.
    if (code < 0x20 || code === 0x7f || ch === "\\" || ch === "'")
      out += "\\x" + code.toString(16).padStart(2, "0");
    else if (code >= 0x80 && code <= 0x9f) {
      throw new SkillwallError(
        "SHELL_RENDER_UNSAFE",
        `cannot render the C1 control character U+00${code.toString(16)}`,
        {
          fix: "values with C1 control characters are never static; analyse the step again",
        },
      );
    } else out += ch;
  }
  return out + "'";
}

/** The value of a word as bash source: literal parts quoted, env parts as "${NAME}". */
export function renderWord(word: Word): string {
  if (word.dynamic !== undefined) {
    throw new SkillwallError(
      "SHELL_RENDER_DYNAMIC",
      `cannot render the dynamic word ${word.raw} (${word.dynamic})`,
      {
        fix: "only render the script of an analysis without problems",
      },
    );
  }
  if (word.parts.length === 0) return "''";
  return word.parts.map((p) => (p.kind === "literal" ? quoteWord(p.value) : `"\${${p.name}}"`)).join("");
}

/** The text a word resolves to, with env parts as ${NAME}. */
export function wordText(word: Word): string {
  return word.parts.map((p) => (p.kind === "literal" ? p.value : "${" + p.name + "}")).join("");
}

function heredocDelimiter(body: string): string {
  let delimiter = "SKILLWALL_EOF";
  for (let n = 1; body.includes(delimiter); n++) delimiter = `SKILLWALL_EOF_${n}`;
  return delimiter;
}

function renderRedirect(r: Redirect, bodies: string[]): string {
  const fd = r.fd === undefined ? "" : String(r.fd);
  if (r.heredoc) {
    const delimiter = heredocDelimiter(r.heredoc.body);
    const body =
      r.heredoc.body === "" || r.heredoc.body.endsWith("\n") ? r.heredoc.body : r.heredoc.body + "\n";
    bodies.push(body + delimiter + "\n");
    return `${fd}${r.op}'${delimiter}'`;
  }
  if (!r.target) throw new SkillwallError("SHELL_RENDER_REDIRECT", `redirect ${r.op} has no target`);
  if ((r.op === ">&" || r.op === "<&") && r.target.value === "-" && r.target.parts.length === 1)
    return `${fd}${r.op}-`;
  return `${fd}${r.op}${renderWord(r.target)}`;
}

function renderCommand(cmd: SimpleCommand, bodies: string[]): string {
  if (cmd.assignments.length > 0) {
    throw new SkillwallError("SHELL_RENDER_ASSIGNMENT", "cannot render environment assignment prefixes", {
      fix: "assignments are denied by analysis; render only scripts without problems",
    });
  }
  return [...cmd.argv.map(renderWord), ...cmd.redirects.map((r) => renderRedirect(r, bodies))].join(" ");
}

/** Canonical bash text of an analysed script (`analysis.script`). Throws if it holds anything dynamic. */
export function renderScript(script: NonNullable<ShellAnalysis["script"]>): string {
  let out = "";
  let bodies: string[] = [];
  script.pipelines.forEach((pipeline, i) => {
    out += pipeline.map((cmd) => renderCommand(cmd, bodies)).join(" | ");
    const op: ListOperator | undefined = script.operators[i];
    if (op === "&&" || op === "||") {
      if (bodies.length > 0) {
        throw new SkillwallError("SHELL_RENDER_HEREDOC", `cannot render a heredoc followed by ${op}`, {
          fix: "put the heredoc command last in its && / || list",
        });
      }
      out += ` ${op} `;
    } else if (bodies.length > 0 || op === undefined) {
      // A heredoc body must follow a newline (and the script ends with one).
      out += "\n" + bodies.join("");
      bodies = [];
    } else {
      // "; " rather than a newline: the parser mis-nests some pipelines followed by a newline.
      out += "; ";
    }
  });
  return out;
}
