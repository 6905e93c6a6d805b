// Persistence the skill has no reason for. Writing a shell start-up file, a cron job, a git hook,
// the agent's memory or instruction files, or ssh authorized_keys is routine for a skill whose
// declared purpose is that kind of set-up (a dotfiles manager, a scheduler, a commit linter, an
// agent-memory tool) and a foothold for one about anything else (a PDF summariser that edits
// ~/.bashrc). The persistent target is one property, a name and description that do not touch
// its class the second; only both together are high. Read in two places: the persist.* findings
// the shell and code rules already made (medium on their own), and prose orders to change such a
// target (not negated, not descriptive, not addressed to the user).

import type { DetectContext } from "../context.js";
import { describes, negatedAt, sentencesOf, userIsActor } from "../sentences.js";

interface TargetClass {
  name: string;
  target: RegExp;
  /** Words of a purpose that covers this kind of persistence. */
  purpose: RegExp;
}

const classes: TargetClass[] = [
  {
    name: "a shell start-up file",
    target:
      /\.(?:bashrc|zshrc|bash_profile|bash_login|zprofile|zshenv|zlogin|profile|kshrc|cshrc)\b|\/etc\/(?:profile|bash\.bashrc|environment)\b/,
    purpose:
      /\b(?:shell|bash|zsh|fish|terminal|dotfiles?|prompt|alias(?:es)?|path|environment|env|install\w*|setup|set up|cli|command[- ]line|toolchain|sdk|version manager|nvm|pyenv|conda|rc files?)\b/i,
  },
  {
    name: "a scheduled job",
    target:
      /\bcrontab\b|\/etc\/cron|\/var\/spool\/cron|\bcron (?:jobs?|entr(?:y|ies))\b|\bsystemd\b|\.service\b|\.timer\b|LaunchAgents|LaunchDaemons|\blaunchd\b|\blaunchctl\b/,
    purpose:
      /\b(?:cron|schedul\w*|periodic\w*|recurring|daily|hourly|nightly|weekly|timer|daemon|service|background|monitor\w*|backup\w*|automat\w*|reminder\w*|heartbeat|uptime|watch\w*|sync\w*|job|jobs|deploy\w*|server|systemd|launchd)\b/i,
  },
  {
    name: "a git hook",
    target:
      /\.git\/hooks\b|\b(?:pre|post)-(?:commit|push|merge|checkout|rebase) hooks?\b|\bgit hooks?\b|\bcore\.hooksPath\b/,
    purpose: /\b(?:git|hooks?|commits?|lint\w*|format\w*|pre-commit|husky|ci|checks?|conventional)\b/i,
  },
  {
    name: "the agent's memory or instruction files",
    target:
      /\b(?:HEARTBEAT|SOUL|MEMORY|AGENTS|CLAUDE|IDENTITY|TOOLS|BOOTSTRAP)\.md\b|\.claude\/(?:settings|commands|agents)|\.cursor\/rules|\.cursorrules\b|\.openclaw\/(?:openclaw\.json|workspace)|\bopenclaw\.json\b/,
    purpose:
      /\b(?:memory|memories|remember\w*|agents?|claude|persona|personality|identity|soul|heartbeat|journal\w*|context|instructions?|onboard\w*|bootstrap\w*|config\w*|settings?|workspace|rules?|cursor|openclaw)\b/i,
  },
  {
    name: "ssh access",
    target: /\bauthorized_keys\b|\.ssh\/config\b/,
    purpose:
      /\b(?:ssh|server|servers|remote|deploy\w*|vps|host|hosts|cluster|provision\w*|devops|infrastructure)\b/i,
  },
];

const changeVerb =
  /\b(?:add|append|write|insert|modify|edit|change|update|overwrite|replace|install|create|register|schedule|set up|put|inject|patch)\b/i;

function classOf(text: string): TargetClass | undefined {
  return classes.find((c) => c.target.test(text));
}

function offPurpose(ctx: DetectContext, c: TargetClass): boolean {
  const fm = ctx.model.frontmatter;
  const purpose = `${(fm?.name ?? "").replace(/[-_]/g, " ")} ${fm?.description ?? ""}`;
  // A skill that declares nothing cannot be judged off its purpose.
  if (purpose.trim() === "") return false;
  return !c.purpose.test(purpose);
}

export function detectOffPurposePersistence(ctx: DetectContext): void {
  // 1. Persistence the shell/code rules found, medium on its own.
  const seen = new Set<string>();
  for (const f of [...ctx.findings]) {
    if (!f.id.startsWith("persist.") || f.severity !== "medium") continue;
    const c = classOf(`${f.evidence} ${f.message}`);
    if (!c || !offPurpose(ctx, c)) continue;
    const key = `${f.file}:${f.line}`;
    if (seen.has(key)) continue;
    seen.add(key);
    ctx.report({
      id: "persist.off-purpose",
      severity: "high",
      file: f.file,
      line: f.line,
      column: f.column,
      message: `The skill writes ${c.name}, which its declared name and description give it no reason to touch: persistence beyond the task.`,
      evidence: f.evidence,
    });
  }
  // 2. Prose orders to change such a target.
  for (const p of ctx.prose) {
    if (p.kind === "table-cell" || p.kind === "code-inline" || p.quoted) continue;
    for (const sent of sentencesOf(p.text)) {
      const s = sent.text;
      if (s.length < 12 || describes(s)) continue;
      const c = classOf(s);
      if (!c) continue;
      const v = changeVerb.exec(s);
      if (!v || negatedAt(s, v.index) || userIsActor(s, v.index)) continue;
      // The verb must come before the target it changes, in the same clause.
      const t = c.target.exec(s);
      if (!t || t.index < v.index || /[;]/.test(s.slice(v.index, t.index))) continue;
      if (!offPurpose(ctx, c)) continue;
      const key = `${p.file}:${p.line}`;
      if (seen.has(key)) continue;
      seen.add(key);
      const before = p.text.slice(0, sent.offset + v.index);
      const nl = before.split("\n").length - 1;
      ctx.report({
        id: "persist.off-purpose",
        severity: "high",
        file: p.file,
        line: p.kind === "description" ? p.line : p.line + nl,
        column: p.column,
        message: `The agent is told to change ${c.name}, which the skill's declared name and description give it no reason to touch: persistence beyond the task.`,
        evidence: s.trim().slice(0, 300),
      });
    }
  }
}
