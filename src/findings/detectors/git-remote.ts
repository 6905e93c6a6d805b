// A bundled script that adds a git remote, or re-points one, to a host that is not the skill's
// declared service (issue 14, session 6). The remote stays in the repository's .git/config after
// the task: every later `git push` to it (by the script, the agent or the user) copies the user's
// code to that host. The markdown only says "run the sync script"; the redirection is in the
// code. Only literal URLs are judged (a remote taken from the user's configuration is the user's
// choice), and template hosts (`<your-server>`, example.com) are not destinations.
// Shell scripts are read through their parsed commands (and line by line when no step was made
// of them); Python/JavaScript through the argv list or command string they pass to a process call. Linear: one literal-led regex per line.

import type { DetectContext } from "../context.js";
import { lineIndex, positionAt } from "../context.js";
import { baseDomain } from "../hosts.js";
import { declaredService } from "../service.js";
import { nameOf, reportAt, unwrap } from "../util.js";

/** Template hosts: a script shipped with one is a form to fill in, not a destination. */
const template = /[<>{}$…]|(?:^|\.)example\.(?:com|org|net)$|(?:^|[.-])(?:your|xxx+|placeholder)(?:[.-]|$)/i;

/** The host of a git remote URL (https://host/…, ssh://git@host/…, git@host:owner/repo). */
export function remoteHost(url: string): string | undefined {
  const m =
    /^(?:[a-z+]+:\/\/)?(?:[^@/\s]+@)?([a-z0-9.-]+\.[a-z]{2,}|\[[0-9a-f:]+\]|\d{1,3}(?:\.\d{1,3}){3})(?::\d+)?[/:]/i.exec(
      url.trim().slice(0, 300),
    );
  return m?.[1]?.toLowerCase();
}

function foreign(ctx: DetectContext, url: string): string | undefined {
  const host = remoteHost(url);
  if (host === undefined || template.test(host)) return undefined;
  return declaredService(ctx).has(baseDomain(host)) ? undefined : host;
}

const message = (host: string): string =>
  `A bundled script adds or re-points a git remote to ${host}, which is not this skill's declared service: the remote stays in the repository's configuration and every push to it copies the user's code there.`;

// In Python/JavaScript: ["git", "remote", "add", "name", "url"] or "git remote add name url".
const codeRemote =
  /["'`]git["'`]\s*,\s*["'`]remote["'`]\s*,\s*["'`](?:add|set-url)["'`]\s*,\s*(?:["'`][^"'`\n]{0,80}["'`]|\w+)\s*,\s*(?:["'`]([^"'`\s]{4,300})["'`]|([A-Za-z_]\w*))|\bgit\s+remote\s+(?:add|set-url)\s+(?:-\S+\s+){0,3}\S+\s+["']?([^\s"'`]{2,300})/;
// Python/JavaScript `NAME = "literal"` (optionally const/let/var).
const codeAssignment =
  /^\s*(?:const\s+|let\s+|var\s+)?([A-Za-z_]\w*)\s*=\s*["'`]([^"'`\s]{4,300})["'`]\s*;?\s*$/;

function codeAssignments(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of text.split("\n")) {
    const m = codeAssignment.exec(line);
    if (m?.[1] !== undefined && m[2] !== undefined && !out.has(m[1])) out.set(m[1], m[2]);
  }
  return out;
}

// `NAME=value`, `NAME="value"`, `: "${NAME:=value}"`, `NAME="${NAME:-value}"` with a literal value.
const assignment =
  /^\s*(?:export\s+|readonly\s+|local\s+|declare\s+(?:-\w+\s+)?)?([A-Za-z_]\w*)=(?:["']?\$\{\1:?[-=]["']?([^"'}\s]{4,300})["']?\}["']?|["']?([^"'$\s;]{4,300}))|\$\{([A-Za-z_]\w*):?[-=]["']?([^"'}\s]{4,300})["']?\}/;

/** Literal values of the variables a script text assigns (first assignment wins). */
export function literalAssignments(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of text.split("\n")) {
    const m = assignment.exec(line);
    const name = m?.[1] ?? m?.[4];
    const value = m?.[2] ?? m?.[3] ?? m?.[5];
    if (name !== undefined && value !== undefined && !out.has(name)) out.set(name, value);
  }
  return out;
}

/** A remote URL word with `$NAME` / `${NAME}` resolved from the script's own literal assignments. */
function resolved(word: string, vars: ReadonlyMap<string, string>): string {
  const m = /^\$\{?([A-Za-z_]\w*)\}?$/.exec(word.trim());
  return m ? (vars.get(m[1] ?? "") ?? word) : word;
}

export function detectGitRemote(ctx: DetectContext): void {
  const varsOf = new Map<string, Map<string, string>>();
  for (const src of ctx.shell) {
    if (src.file === ctx.model.file || src.quoted) continue;
    for (const cmd of src.commands) {
      if (nameOf(cmd) !== "git") continue;
      const { argv } = unwrap(cmd.argv);
      const ops = argv.slice(1).filter((a) => !a.startsWith("-"));
      if (ops[0] !== "remote" || (ops[1] !== "add" && ops[1] !== "set-url")) continue;
      let vars = varsOf.get(src.file);
      if (!vars) varsOf.set(src.file, (vars = literalAssignments(src.text)));
      const host = foreign(ctx, resolved(ops[3] ?? "", vars));
      if (host === undefined) continue;
      reportAt(ctx, src, cmd.start, "bundled.git-remote", "high", message(host), argv.join(" "));
      return;
    }
  }
  for (const b of ctx.model.bundled) {
    // Shell files too: a script the extractor did not turn into a step is still read line by line.
    if ((b.type !== "python" && b.type !== "javascript" && b.type !== "shell") || b.text === undefined)
      continue;
    if (!/remote/.test(b.text)) continue;
    let vars: Map<string, string> | undefined;
    const comment = b.type === "javascript" ? /^\s*(?:\/\/|\*)/ : /^\s*#/;
    let offset = 0;
    for (const line of b.text.split("\n")) {
      const at = offset;
      offset += line.length + 1;
      if (comment.test(line)) continue;
      const m = codeRemote.exec(line);
      if (!m) continue;
      vars ??= b.type === "shell" ? literalAssignments(b.text) : codeAssignments(b.text);
      const word = m[1] ?? (m[2] !== undefined ? `$${m[2]}` : (m[3] ?? ""));
      const host = foreign(ctx, resolved(word, vars));
      if (host === undefined) continue;
      const pos = positionAt(lineIndex(b.text), at);
      ctx.report({
        id: "bundled.git-remote",
        severity: "high",
        file: b.path,
        line: pos.line,
        column: pos.column,
        message: message(host),
        evidence: line.trim().slice(0, 300),
      });
      return;
    }
  }
}
