// The resolved form a step container executes: the canonical bash rendering of the analysed
// script, run by `bash --norc --noprofile -c` with an empty environment. Never the step's
// original text, so a parser divergence can only make a step fail, never run something unchecked.

import type { ListOperator, Redirect, ShellAnalysis, SimpleCommand, Word } from "../model.js";
import { SkillwallError } from "../errors.js";

/** Single-quote unless the text is made only of characters bash never interprets. */
export function quoteLiteral(s: string): string {
  if (s !== "" && /^[A-Za-z0-9_@%+=:,./-]+$/.test(s)) return s;
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

function renderWord(w: Word): string {
  if (w.dynamic !== undefined) {
    throw new SkillwallError("unresolved-word", `word ${JSON.stringify(w.raw)} is not static (${w.dynamic})`, {
      fix: "only statically resolved commands run in the sandbox",
    });
  }
  if (w.parts.length === 0) return "''";
  // Env parts stay symbolic ("${NAME}", double-quoted: no splitting, no globbing); the sandbox
  // gets only the variables the policy passes for this command.
  return w.parts.map((p) => (p.kind === "literal" ? (p.value === "" ? "" : quoteLiteral(p.value)) : `"\${${p.name}}"`)).join("") || "''";
}

function renderRedirect(r: Redirect, heredocs: string[]): string {
  const fd = r.fd === undefined ? "" : String(r.fd);
  if (r.op === "<<" || r.op === "<<-") {
    if (!r.heredoc || !r.heredoc.quoted) {
      throw new SkillwallError("unresolved-heredoc", "a heredoc with an expanding body cannot run as checked", {
        fix: "quote the heredoc delimiter (<<'EOF') so its body is static",
      });
    }
    // A delimiter that cannot occur as a line of the body.
    let delim = "SKILLWALL_EOF";
    const lines = new Set(r.heredoc.body.split("\n"));
    while (lines.has(delim)) delim += "_";
    const body = r.heredoc.body.endsWith("\n") || r.heredoc.body === "" ? r.heredoc.body : `${r.heredoc.body}\n`;
    heredocs.push(`${body}${delim}`);
    return `${fd}<<'${delim}'`;
  }
  if (!r.target) throw new SkillwallError("unresolved-redirect", `redirect ${r.op} has no target`);
  const target = r.op === ">&" || r.op === "<&" ? quoteLiteral(r.target.value) : renderWord(r.target);
  return `${fd}${r.op}${r.op === ">&" || r.op === "<&" ? "" : " "}${target}`;
}

function renderCommand(c: SimpleCommand, heredocs: string[]): string {
  if (c.assignments.length > 0) {
    throw new SkillwallError("assignment-prefix", "commands with NAME=value prefixes do not run", {
      fix: "remove the assignment; pass variables through policy.env",
    });
  }
  const parts = c.argv.map(renderWord);
  for (const r of c.redirects) parts.push(renderRedirect(r, heredocs));
  return parts.join(" ");
}

/**
 * Stand-in for the shell module's `renderScript` (src/shell/index.ts) until it lands: the whole
 * list on one line, then every heredoc body in order (bash reads them after that newline).
 */
export function renderScriptFallback(script: NonNullable<ShellAnalysis["script"]>): string {
  const heredocs: string[] = [];
  let line = "";
  script.pipelines.forEach((pipeline, i) => {
    const text = pipeline.map((c) => renderCommand(c, heredocs)).join(" | ");
    const op: ListOperator = script.operators[i - 1] ?? "&&";
    line = i === 0 ? text : `${line} ${op} ${text}`;
  });
  return [line, ...heredocs].join("\n");
}

export type ScriptRenderer = (script: NonNullable<ShellAnalysis["script"]>) => string;

/** The resolved script of a step, or an error saying why it cannot run as checked. */
export function resolvedScript(analysis: ShellAnalysis, render: ScriptRenderer = renderScriptFallback): string {
  if (analysis.problems.length > 0 || !analysis.script) {
    const why = analysis.problems[0]?.message ?? "the step has no statically resolved form";
    throw new SkillwallError("unresolved-step", `the step cannot run as checked: ${why}`, {
      fix: "rewrite the step so every word is static, or run it by hand after review",
    });
  }
  return render(analysis.script);
}
