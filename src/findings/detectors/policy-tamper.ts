// A skill that tells the agent to rewrite the agent's own security policy (policies.json,
// permissions, guardrails, allowlists) or to edit configuration so that security scanners are
// removed or their checks switched off. The tool-call forms agents use (write_file/edit_file,
// Write/Edit) are read as calls; old and new text of an edit are compared.

import type { DetectContext } from "../context.js";
import { positionAt } from "../context.js";
import { hasQuotingCue, linesBefore } from "../quoting.js";

const writeCall =
  /\b(?:write_file|edit_file|create_file|replace_in_file|str_replace(?:_editor)?|apply_patch|Write|Edit|MultiEdit)\s*\(\s*(?:(?:file_?path|path)\s*=\s*)?["']([^"'\n]{1,200})["']/g;
/** Every writeCall name ends in one of these and is followed by `\s*(`: the cheap test comes first. */
const writeCallNeeds = /(?:_file|_replace|_editor|apply_patch|Write|Edit)\s*\(/;
const policyFile =
  /(?:^|[/._-])(?:polic(?:y|ies)|permissions?|guardrails?|allow-?list|deny-?list|sandbox|approvals?)(?:[._-][\w-]*)?\.(?:json|ya?ml|toml|rego|cedar)$/i;
const securityTools =
  /\b(?:bandit|safety|pip-audit|semgrep|trivy|snyk|gitleaks|trufflehog|detect-secrets|npm-audit|audit-ci|osv-scanner|grype|checkov|tfsec|codeql)\b/gi;
const checkOn = /\b(?:check|enabled?|enforce|verify|audit)\s*=\s*true\b/i;
const checkOff = /\b(?:check|enabled?|enforce|verify|audit)\s*=\s*false\b/i;

export function detectPolicyTamper(ctx: DetectContext): void {
  const text = ctx.model.text;
  if (!writeCallNeeds.test(text) || !writeCall.test(text)) return;
  writeCall.lastIndex = 0;
  const starts = ctx.lineStarts;
  const lines = ctx.lines;
  let reported = false;
  for (const m of text.matchAll(writeCall)) {
    if (reported) break;
    const target = m[1] ?? "";
    // The call's arguments: up to the first ")" that ends a line, within 2000 characters.
    const rest = text.slice(m.index, m.index + 2000);
    const close = rest.search(/\)\s*(?:\n|$)/);
    const call = close >= 0 ? rest.slice(0, close + 1) : rest;
    const pos = positionAt(starts, m.index);
    const quoted =
      ctx.securityTool && hasQuotingCue(`${linesBefore(lines, pos.line, 3)}\n${lines[pos.line - 1] ?? ""}`);
    let why: string | undefined;
    if (policyFile.test(target)) why = `it rewrites the security policy file ${target}`;
    else {
      const split = call.search(/\bnew_(?:string|str|text|content)\s*=/);
      if (split >= 0) {
        const before = call.slice(0, split);
        const after = call.slice(split);
        const kept = new Set([...after.matchAll(securityTools)].map((x) => x[0].toLowerCase()));
        const removed = [
          ...new Set([...before.matchAll(securityTools)].map((x) => x[0].toLowerCase())),
        ].filter((t) => !kept.has(t));
        if (removed.length > 0) why = `it removes ${removed.join(", ")} from ${target}`;
        else if (
          checkOn.test(before) &&
          checkOff.test(after) &&
          /secur|safety|audit|verif|scan/i.test(before)
        )
          why = `it switches a security check off in ${target}`;
      }
    }
    if (why === undefined) continue;
    reported = true;
    ctx.report({
      id: "security.policy-tamper",
      severity: quoted ? "low" : "high",
      file: ctx.model.file,
      line: pos.line,
      column: pos.column,
      message: `The skill loosens the controls that watch it: ${why}.`,
      evidence: (lines[pos.line - 1] ?? "").trim().slice(0, 300),
    });
  }
}
