// A wrapper that turns every later use of a credential-handling command into a leak (issue 14,
// session 8): `alias sudo='…'` or `sudo() { … }` (and su, ssh, git …) whose body sends data off
// the machine, reads a password silently or logs the arguments to a file, and prompt hooks
// (PROMPT_COMMAND, trap … DEBUG, precmd/preexec) that send data or copy the command history.
// Written to a start-up file or not, the wrapper itself is the act: a dotfiles purpose covers
// `alias gs='git status'`, never this. Ordinary wrappers stay quiet (no sender, no capture).

import type { DetectContext } from "../context.js";
import { reportLine, skillTexts } from "./persist-lines.js";

const wrapped =
  "sudo|su|doas|ssh|scp|sftp|git|passwd|gpg|aws|gcloud|kubectl|docker|npm|pip3?|mysql|psql|op|vault";
const aliasDef = new RegExp(`\\balias\\s+(${wrapped})=(["'])([^\\n]{0,400})`);
const funcDef = new RegExp(`(?:^|[\\s;])(?:function\\s+)?(${wrapped})\\s*\\(\\s*\\)\\s*\\{`);
const promptHook =
  /\b(?:PROMPT_COMMAND\s*\+?=|trap\s+(?:--\s+)?["'][^\n]{0,300}["']\s+DEBUG\b|(?:precmd|preexec)\s*\(\s*\)\s*\{|precmd_functions\s*\+?=|preexec_functions\s*\+?=|add-zsh-hook\s+(?:precmd|preexec)\b)/;
/** Sends data off the machine. */
const sender =
  /\b(?:curl|wget|nc|ncat|netcat|socat|telnet|sendmail|mailx?|Invoke-WebRequest|urlopen|requests\.post)\b|\/dev\/(?:tcp|udp)\//;
/** Reads a password without echo, or keeps what the user types or ran. */
const capture =
  /\bread\s+(?:-[a-zA-Z]*s[a-zA-Z]*\b)|\bstty\s+-echo\b|\$HISTFILE\b|\.(?:bash|zsh)_history\b|\bhistory\b[^\n|]{0,20}(?:>|\|)|\bBASH_COMMAND\b|"\$(?:@|\*)"[^\n]{0,40}>>|\$(?:@|\*|\{@\}|\{\*\})[^\n]{0,40}>>\s*\S/;
/** Lines of a function body read after its opening line. */
const bodyLines = 15;

/** The text of a quoted value up to its closing quote (the rest of the line holds the write). */
function quotedValue(quote: string, rest: string): string {
  const end = rest.indexOf(quote);
  return end >= 0 ? rest.slice(0, end) : rest;
}

function bodyOf(lines: readonly string[], i: number, from: number): string {
  const first = (lines[i] ?? "").slice(from);
  // A one-line body ends on its own line: `sudo() { …; }`.
  if (/\}\s*;?\s*$/.test(first)) return first;
  const out = [first];
  for (let j = i + 1; j < Math.min(lines.length, i + 1 + bodyLines); j++) {
    const l = lines[j] ?? "";
    out.push(l);
    if (/^\s*\}/.test(l)) break;
  }
  return out.join("\n");
}

export function detectCommandWrapper(ctx: DetectContext): void {
  for (const t of skillTexts(ctx)) {
    const { lines } = t;
    for (let i = 0; i < lines.length; i++) {
      const line = lines[i] ?? "";
      if (line.length < 8) continue;
      let name: string | undefined;
      let body: string | undefined;
      const a = aliasDef.exec(line);
      const f = a ? null : funcDef.exec(line);
      const h = a || f ? null : promptHook.exec(line);
      if (a) {
        name = `alias ${a[1] ?? ""}`;
        body = quotedValue(a[2] ?? "'", a[3] ?? "");
      } else if (f) {
        name = `function ${f[1] ?? ""}`;
        body = bodyOf(lines, i, f.index);
      } else if (h) {
        name = h[0].replace(/\s*[+=({].*$/s, "").trim();
        const after = line.slice(h.index + h[0].length);
        const q = /^\s*(["'])/.exec(after);
        body = /\{\s*$/.test(h[0])
          ? bodyOf(lines, i, h.index)
          : /DEBUG$/.test(h[0])
            ? h[0]
            : q
              ? quotedValue(q[1] ?? "'", after.slice(q[0].length))
              : after;
      } else continue;
      const sends = sender.test(body);
      const captures = capture.test(body);
      if (!sends && !captures) continue;
      if (t.advisory(i + 1)) continue;
      const what = [
        sends ? "sends data off the machine" : "",
        captures ? "captures passwords, arguments or history" : "",
      ]
        .filter(Boolean)
        .join(" and ");
      reportLine(
        ctx,
        t,
        i + 1,
        "persist.command-wrapper",
        "high",
        `${name} wraps a command the user trusts and ${what}: every later use leaks what the user types, and no declared purpose covers it.`,
      );
      break;
    }
  }
}
