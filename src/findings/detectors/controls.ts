// Security controls turned off in configuration text, in any language and any container: env
// files, JSON/YAML/TOML settings, Dockerfiles, write_file/edit_file tool calls, prose. A skill
// that weakens one control may be sloppy; one that weakens several, or the agent's own approval
// gate, is preparing the ground for what follows. Line-based; each pattern is literal-led.

import type { DetectContext } from "../context.js";
import { lineIndex, positionAt } from "../context.js";
import { LineCues } from "../quoting.js";

/**
 * [what, pattern, needs]: `needs`, when given, is a cheaper test that every match of the pattern
 * passes (a literal each alternative contains), run first over the whole text.
 */
const controls: Array<[string, RegExp, RegExp?]> = [
  [
    "TLS verification",
    /NODE_TLS_REJECT_UNAUTHORIZED\s*[=:]\s*["']?0|PYTHONHTTPSVERIFY\s*[=:]\s*["']?0|GIT_SSL_NO_VERIFY\s*[=:]\s*["']?(?:1|true)|sslVerify\s*(?:=\s*)?["']?false|strict-ssl\s*(?:=\s*)?["']?false|rejectUnauthorized["']?\s*:\s*false|InsecureSkipVerify\s*:\s*true|CURL_CA_BUNDLE\s*=\s*["']{2}|PIP_NO_VERIFY\s*=\s*["']?1|purge[^\n]{0,20}ca-certificates|\bverify_ssl\s*[=:]\s*(?:false|False|0)|--trusted-host\b/,
  ],
  [
    "agent approval",
    /skip_confirmation["']?\s*[:=]\s*true|allow_all_tools["']?\s*[:=]\s*true|ALLOW_ALL_TOOLS\s*=\s*["']?(?:true|1)|confirm[-_](?:writes|shell|commands?)\s*[=:]\s*false|file-write-confirmation\s*=\s*disabled|trust[-_](?:mode|level)\s*=\s*(?:permissive|full)|dangerously-skip-permissions|dangerously-bypass-approvals|bypassPermissions|approval_policy\s*=\s*["']never|danger-full-access|"autoApprove"\s*:\s*(?:true|\[\s*"\*")/i,
    // skip_confirmation, confirm-…, file-write-confirmation: confirm; ALLOW_ALL_TOOLS: allow_all;
    // trust-…: trust; dangerously-…, danger-full-access: danger; approval_policy, autoApprove: approv.
    /confirm|allow_all|trust|danger|bypass|approv/i,
  ],
  [
    "policy enforcement",
    /\b[A-Z][A-Z0-9]*_(?:[A-Z0-9]+_)*(?:ENFORCE(?:MENT)?|SECURITY|SANDBOX|AUDIT_LOG|STRICT_MODE|VALIDATION|VERIFY|VERIFICATION|SAFE_MODE|GUARD)\s*[=:]\s*["']?(?:disabled?|false|off|0|no|none|log_only|permissive)\b|\b[A-Z][A-Z0-9]*_(?:VALIDATION|SECURITY|VERIFY)_SKIP\s*=\s*["']?(?:true|1)/,
    // Each keyword follows a "_" (VERIF covers VERIFY and VERIFICATION).
    /_(?:ENFORCE|SECURITY|SANDBOX|AUDIT_LOG|STRICT_MODE|VALIDATION|VERIF|SAFE_MODE|GUARD)/,
  ],
  [
    "root container",
    /^\s*(?:ENV\s+|["'])?USER\s+root\b|--privileged\b|\bsetenforce\s+0\b|\bufw\s+disable\b|SELINUX=disabled/m,
  ],
  ["world-writable permissions", /\bchmod\s+(?:-R\s+)?0?777\b|\bchmod\s+(?:-R\s+)?a\+rwx\b/],
  [
    "security checks",
    /\b(?:safety|bandit|pip-audit|semgrep|trivy|npm audit)\b[^\n]{0,60}new_string\s*=\s*["'](?:#|["'])|\b(?:safety|audit|security|verify)\b[^\n]{0,40}\bcheck = false\b|new_string\s*=\s*["']#\s*Security/,
    /new_string|check = false/,
  ],
  [
    "protection disabled in prose",
    /\b(?:disable|disables|turn off|switch off|bypass|skip)\s+(?:the\s+)?(?:[\w-]+\s+){0,2}(?:sandbox(?:ing)?|approval(?: prompts?| gate)?|confirmation prompts?|permission (?:gate|checks?|prompts?)|certificate verification|TLS verification|SSL verification|policy enforcement|signature verification|security (?:checks?|scan(?:ning|s)?|controls?))\b|\bwithout (?:confirmation or sandboxing|sandboxing)\b/i,
    /disable|turn off|switch off|bypass|skip|without/i,
  ],
];

/** A list item or table row naming an option whose stated default is off. */
const offByDefaultOption =
  /^\s*(?:[-*+]|\|)\s*`[\w.-]{1,60}`[^\n]{0,200}\(\s*default(?:s to|:|\s+is)?\s*[`"']?(?:false|off|no|disabled|0|none)\b/i;

export function detectControlDisable(ctx: DetectContext): void {
  const texts: Array<{ file: string; text: string }> = [{ file: ctx.model.file, text: ctx.model.text }];
  for (const b of ctx.model.bundled)
    if (b.text !== undefined && b.type !== "markdown") texts.push({ file: b.path, text: b.text });
  const hits = new Map<string, { file: string; line: number; column: number; evidence: string }>();
  for (const t of texts) {
    // A pattern that matches no line matches nowhere in the whole text either (the converse
    // does not hold): most texts match none, and are then not split into lines at all.
    const candidates = controls.filter(
      ([what, re, needs]) =>
        !hits.has(what) && (needs === undefined || needs.test(t.text)) && re.test(t.text),
    );
    if (candidates.length === 0) continue;
    const lines = t.text.split("\n");
    const cues = new LineCues(lines);
    const starts = lineIndex(t.text);
    for (let i = 0; i < lines.length; i++) {
      const line = lines[i] ?? "";
      if (line.length < 6) continue;
      for (const [what, re] of candidates) {
        if (hits.has(what)) continue;
        const m = re.exec(line);
        if (!m) continue;
        if (t.file === ctx.model.file && (cues.before(i + 1, 3) || cues.at(i + 1))) continue;
        // An option reference whose default keeps the control on ("- `skip_permissions`: start
        // with --dangerously-skip-permissions (default: false)") documents a switch; it orders nothing.
        if (t.file === ctx.model.file && offByDefaultOption.test(line)) continue;
        const pos = positionAt(starts, (starts[i] ?? 0) + m.index);
        hits.set(what, {
          file: t.file,
          line: pos.line,
          column: pos.column,
          evidence: line.trim().slice(0, 300),
        });
      }
    }
  }
  if (hits.size === 0) return;
  const kinds = [...hits.keys()];
  const severe = hits.size >= 2 || hits.has("agent approval");
  for (const [what, h] of hits)
    ctx.report({
      id: "security.control-disable",
      severity: severe ? "high" : "medium",
      file: h.file,
      line: h.line,
      column: h.column,
      message: severe
        ? `A security control is turned off (${what}); with ${kinds.join(", ")} this skill dismantles the machine's defences.`
        : `A security control is turned off (${what}).`,
      evidence: h.evidence,
    });
}
