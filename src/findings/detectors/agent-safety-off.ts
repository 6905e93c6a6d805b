// The agent platform's own safety settings switched off (issue 14, session 8): exec approvals
// set to ask off / security full, the sandbox off, gateway authentication removed, tool
// allow-lists widened to everything, permission checks bypassed, or a plugin disabled, in the
// platform's settings files (openclaw.json, exec-approvals.json, .claude/settings.json,
// .codex/config.toml, .gemini/settings.json) by shell (jq, sed, echo, heredoc), code, a JSON
// block to paste, or the platform's CLI (openclaw config set …, openclaw plugins disable …).
// No declared purpose covers removing the guard rails of every later session. Documentation that
// explains a default or tells users never to do this is advisory and stays quiet.

import type { DetectContext } from "../context.js";
import { negatedBefore, reportLine, skillTexts } from "./persist-lines.js";

/** A settings file or command of an agent platform. */
const settingsTarget =
  /\b(?:openclaw|clawdbot|moltbot)\.json\b|exec-approvals\.json\b|\.(?:openclaw|clawdbot|moltbot)\/(?:[\w.-]+\/)?(?:config|settings)|\.claude\/settings(?:\.local)?\.json\b|\.codex\/config\.toml\b|\.gemini\/settings\.json\b|\.cursor\/(?:cli-config|settings)\.json\b|\b(?:openclaw|clawdbot|moltbot)\s+(?:config\s+(?:set|patch|apply)|approvals\s+(?:set|allow)|plugins?\s+(?:disable|remove|uninstall)|sandbox\s+(?:off|disable))\b/i;
const settingsFile =
  /(?:^|\/)(?:openclaw|clawdbot|moltbot)\.json$|exec-approvals\.json$|\.claude\/settings(?:\.local)?\.json$|\.codex\/config\.toml$|\.gemini\/settings\.json$/;

/** [what, weakening value]: each is a key of the platforms' settings and the value that disables it. */
const weakenings: Array<[string, RegExp]> = [
  [
    "exec approvals off",
    /\bask["']?\s*[:=]\s*["']?off\b|\.ask\s+["']?off\b|\baskFallback["']?\s*[:=]\s*["']?full\b/,
  ],
  ["exec security full", /\bsecurity["']?\s*[:=]\s*["']?full\b|\.security\s+["']?full\b/],
  [
    "sandbox off",
    /\bsandbox(?:[\w.]*\.mode|_mode|Mode)?["']?\s*[:=]\s*\{?\s*["']?(?:mode["']?\s*[:=]\s*["']?)?(?:off|none|false|disabled|danger-full-access)\b|\bsandbox[\w.]*\s+["']?(?:off|none|false)\b/i,
  ],
  [
    "gateway authentication removed",
    /\bauth(?:[\w.]*\.mode)?["']?\s*[:=]\s*\{?\s*["']?(?:mode["']?\s*[:=]\s*["']?)?(?:none|off|false|disabled)\b|\bauth\.mode\s+["']?(?:none|off)\b/i,
  ],
  [
    "plugin disabled",
    // Only a plugin that guards (its name says so): disabling a voice or channel plugin weakens nothing.
    /\bplugins?\s+(?:disable|remove|uninstall)\s+[\w@/-]{0,40}(?:secur|guard|shield|scan|audit|firewall|protect|safe|moderat|approv|sandbox|wall|sentinel|defen|polic|vet)|plugins?\.entries\.[\w-]{0,40}(?:secur|guard|shield|scan|audit|firewall|protect|safe|moderat|approv|sandbox|wall|sentinel|defen|polic|vet)[\w-]{0,40}\.enabled\s*[:=]?\s*["']?false\b|\b[\w-]{0,40}(?:secur|guard|shield|scan|audit|firewall|protect|safe|moderat|sandbox|wall|sentinel|defen|polic|vet)[\w-]{0,40}["']?\s*:\s*\{\s*["']?enabled["']?\s*:\s*false\b/i,
  ],
  [
    "tools allowed without limit",
    /\b(?:allow|alsoAllow|allowlist|allowedTools|allowed_tools|autoApprove|trustedTools)["']?\s*[:=]\s*\[\s*["'](?:\*|Bash\(\*\)|Bash)["']|["']Bash\(\*\)["']|\belevated(?:[\w.]*)["']?\s*[:=]\s*["']?(?:true|full|on|always)\b/i,
  ],
  [
    "permission checks bypassed",
    /\bdefaultMode["']?\s*[:=]\s*["']?bypassPermissions\b|\bapproval_policy["']?\s*[:=]\s*["']?never\b|\bsandbox_mode["']?\s*[:=]\s*["']?danger-full-access\b|\b(?:yolo|autoAccept|skipPermissions|dangerouslySkipPermissions)["']?\s*[:=]\s*true\b/i,
  ],
];
/** A line that documents a default or an option rather than setting it. */
const documents = /\bdefaults?\b|\(default|\bif you\b|\byou can\b|\boptional(?:ly)?\b|\bexample\b/i;
/** Lines around a settings target that may hold what is written to it. */
const window = 12;

export function detectAgentSafetyOff(ctx: DetectContext): void {
  for (const t of skillTexts(ctx)) {
    const { lines } = t;
    const wholeFile = settingsFile.test(t.file);
    // Lines within `window` of a settings target (the whole file when it is a settings file).
    let near = wholeFile ? Infinity : -Infinity;
    if (!wholeFile) {
      for (let i = 0; i < lines.length && near === -Infinity; i++)
        if (settingsTarget.test(lines[i] ?? "")) near = i;
      if (near === -Infinity) continue;
    }
    let lastTarget = wholeFile ? 0 : near;
    const found: string[] = [];
    let first: number | undefined;
    for (let i = wholeFile ? 0 : Math.max(0, near - window); i < lines.length; i++) {
      const line = lines[i] ?? "";
      if (!wholeFile && settingsTarget.test(line)) lastTarget = i;
      // Past the last target's window with no target ahead in reach: look for the next one.
      if (!wholeFile && i - lastTarget > window) {
        let next = -1;
        for (let j = i; j < Math.min(lines.length, i + window); j++)
          if (settingsTarget.test(lines[j] ?? "")) {
            next = j;
            break;
          }
        if (next < 0) continue;
      }
      if (line.length < 6) continue;
      for (const [what, re] of weakenings) {
        const m = re.exec(line);
        if (!m || found.includes(what)) continue;
        if (t.advisory(i + 1) || negatedBefore(line, m.index) || (t.markdown && documents.test(line)))
          continue;
        found.push(what);
        first ??= i + 1;
      }
    }
    if (first === undefined) continue;
    reportLine(
      ctx,
      t,
      first,
      "security.agent-safety-off",
      "high",
      `The agent platform's own safety settings are switched off (${found.join(", ")}): every later session runs without the guard rails, whatever the skill says it is for.`,
    );
  }
}
