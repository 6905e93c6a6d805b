// Secret data flow across steps: a variable or file filled from credential files or the
// environment in one step (`CONFIG=$(cat .env)`, `for f in ~/.aws/credentials …`, `cat .env >>
// /tmp/x`) and used as the body of an upload in a later one (`curl -d "$CONFIG"`, `echo "$X" | nc
// host`, `wget --post-file=/tmp/x`). The scan splits code blocks into one step per statement, so
// per-command checks never see both halves. Text-level and line-based: linear in the text size.

import type { DetectContext, ShellSource } from "../context.js";
import { isHostileClass, urlsIn } from "../hosts.js";
import { credentialPath } from "../util.js";
import { declaredKeyHost, proseDeclaredKeys } from "../documented-service.js";

const forLoop = /\bfor\s+([A-Za-z_]\w*)\s+in\s+([^;\n]*)/g;
const assignment = /(?:^|[\s;&|(])(?:export\s+|local\s+|readonly\s+)?([A-Za-z_]\w*)\+?=(\S.*)$/;
const envDump = /\$\(\s*(?:env|printenv|set)\s*(?:\||\))|\/proc\/(?:self|\d+)\/environ/;
const networkSender =
  /(?:^|[\s;&|(`])(?:curl|wget|nc|ncat|netcat|socat|http|https|xh|scp|rsync|Invoke-WebRequest|Invoke-RestMethod|mail|mailx|mutt|sendmail|send_email|swaks)\s/;
/** Parts of a network command that are not its body: headers carry a token to its own service. */
const headerArg = /(?:-H|--header)\s+(?:"[^"]*"|'[^']*'|\S+)/g;
const redirectTarget = />>?\s*["']?([^\s;&|"')]+)/g;

interface Taint {
  vars: Set<string>;
  files: Set<string>;
}

function refs(text: string, t: Taint): string | undefined {
  // Without tainted variables, or without a "$", no variable reference can be tainted.
  if (t.vars.size > 0 && text.includes("$"))
    for (const m of text.matchAll(/\$\{?([A-Za-z_]\w*)/g))
      if (t.vars.has(m[1] ?? "")) return `$${m[1] ?? ""}`;
  for (const f of t.files) if (text.includes(f)) return f;
  return undefined;
}

function parenDepth(text: string): number {
  let d = 0;
  for (const ch of text)
    if (ch === "(") d++;
    else if (ch === ")") d--;
  return d;
}

/** Shell text with `\`-continued lines joined, each logical line with its offset. */
function logicalLines(text: string): Array<{ text: string; offset: number }> {
  const out: Array<{ text: string; offset: number }> = [];
  let cur = "";
  let start = 0;
  let offset = 0;
  for (const raw of text.split("\n")) {
    if (cur === "") start = offset;
    offset += raw.length + 1;
    if (raw.endsWith("\\")) {
      cur += `${raw.slice(0, -1)} `;
      continue;
    }
    out.push({ text: cur + raw, offset: start });
    cur = "";
  }
  if (cur !== "") out.push({ text: cur, offset: start });
  return out;
}

/** An environment-variable-style key name (FOO_API_KEY, BAR_TOKEN). */
const keyName = /\b[A-Z][A-Z0-9]*(?:_[A-Z0-9]+){0,8}_(?:API_KEY|KEY|TOKEN|SECRET|PASSWORD|PAT|AUTH)\b/g;

/**
 * Whether an assignment's value takes exactly one key the skill declares out of `.env` and reads
 * no other store: `$(grep FOO_API_KEY .env | cut -d= -f2)`.
 */
function takesOneDeclaredKey(value: string, declared: ReadonlySet<string>): boolean {
  const names = new Set([...value.matchAll(keyName)].map((m) => m[0]));
  if (names.size !== 1 || ![...names].every((n) => declared.has(n))) return false;
  return !credentialPath.test(value.replace(/(?:^|[\s/"'=@])\.env\b/g, " ")) && !envDump.test(value);
}

/** Whether every tainted thing the body sends is a variable holding the skill's own key. */
function onlyOwnKeys(body: string, t: Taint, own: ReadonlySet<string>): boolean {
  for (const f of t.files) if (body.includes(f)) return false;
  let any = false;
  for (const m of body.matchAll(/\$\{?([A-Za-z_]\w*)/g)) {
    const v = m[1] ?? "";
    if (!t.vars.has(v)) continue;
    if (!own.has(v)) return false;
    any = true;
  }
  return any;
}

export function detectDataFlow(ctx: DetectContext): void {
  const declared = proseDeclaredKeys(ctx);
  const byFile = new Map<string, ShellSource[]>();
  for (const src of ctx.shell) {
    if (src.encoded) continue;
    const list = byFile.get(src.file);
    if (list) list.push(src);
    else byFile.set(src.file, [src]);
  }
  for (const sources of byFile.values()) {
    const taint: Taint = { vars: new Set(), files: new Set() };
    // Variables holding one declared key taken by name out of .env (KEY=$(grep FOO_API_KEY .env | cut …)).
    const ownKeys = new Set<string>();
    const seenText = new Set<string>();
    let open: { name: string; depth: number } | undefined;
    for (const src of [...sources].sort((a, b) => a.order - b.order)) {
      if (seenText.has(src.text)) continue;
      seenText.add(src.text);
      for (const line of logicalLines(src.text)) {
        const code = line.text.replace(/(?:^|\s)#.*$/, "");
        if (code.trim() === "") continue;
        const secretHere = credentialPath.test(code) || envDump.test(code) || refs(code, taint) !== undefined;
        if (code.includes("for"))
          for (const m of code.matchAll(forLoop))
            if (credentialPath.test(m[2] ?? "") || refs(m[2] ?? "", taint)) taint.vars.add(m[1] ?? "");
        const sends = networkSender.test(code);
        if (sends) {
          const body = code.replace(headerArg, " ");
          const via = refs(body, taint);
          if (via !== undefined) {
            const urls = urlsIn(code, true);
            // No affinity pass here: a host named like the skill ("config-sync" for a config
            // sync skill) is exactly how such a flow is disguised. Local targets are fine.
            if (urls.length > 0 && urls.every((u) => u.cls === "local")) continue;
            // The skill's declared key, taken by name out of .env, sent to that key's host.
            if (
              onlyOwnKeys(body, taint, ownKeys) &&
              urls.length > 0 &&
              urls.every((u) => declaredKeyHost(ctx, u.host))
            )
              continue;
            const hostile = urls.some((u) => isHostileClass(u.cls));
            const pos = src.at(line.offset);
            ctx.report({
              id: "exfil.data-flow",
              severity: src.quoted ? "low" : hostile ? "critical" : "high",
              file: src.file,
              line: pos.line,
              column: pos.column,
              message: `${via}, filled from credential files or the environment in an earlier step, is sent to ${urls[0]?.host ?? "a remote host"}.`,
              evidence: line.text.trim().slice(0, 300),
            });
          }
          continue;
        }
        const a = assignment.exec(code);
        if (a && (credentialPath.test(a[2] ?? "") || envDump.test(a[2] ?? "") || refs(a[2] ?? "", taint))) {
          taint.vars.add(a[1] ?? "");
          if (takesOneDeclaredKey(a[2] ?? "", declared)) ownKeys.add(a[1] ?? "");
        }
        // VAR=$( … spanning lines (a heredoc body): secrets on the lines inside fill VAR.
        if (open !== undefined && secretHere) taint.vars.add(open.name);
        if (a && open === undefined) {
          const depth = parenDepth(a[2] ?? "");
          if (depth > 0) open = { name: a[1] ?? "", depth };
        } else if (open !== undefined) {
          open.depth += parenDepth(code);
          if (open.depth <= 0) open = undefined;
        }
        if (secretHere)
          for (const m of code.matchAll(redirectTarget)) {
            const target = m[1] ?? "";
            if (target !== "" && !/^(?:&?\d|\/dev\/null)$/.test(target)) taint.files.add(target);
          }
      }
    }
  }
}
