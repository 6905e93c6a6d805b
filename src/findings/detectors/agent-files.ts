// Agent instruction/memory poisoning: the skill writes a file every future agent session loads
// (CLAUDE.md, AGENTS.md, MEMORY.md, SOUL.md, .cursor/rules, copilot-instructions.md …) and the
// text it writes steers the agent: skip confirmation, outrank the user, hide from the user,
// follow instructions fetched from a URL, or send data to an endpoint. Writing style rules there
// is normal; writing those is a persistent backdoor into the agent.

import type { DetectContext } from "../context.js";
import { positionAt } from "../context.js";
import { urlsIn } from "../hosts.js";
import { isAffine } from "../util.js";

/** Instruction files agents load at session start. */
const agentFile =
  /(?:^|[\s`'"(/])(?:CLAUDE|AGENTS|MEMORY|SOUL|HEARTBEAT|IDENTITY|GEMINI|BOOTSTRAP)\.md\b|\.cursor\/rules\b|\.cursorrules\b|\.windsurfrules\b|copilot-instructions\.md|\.clinerules\b/;
const agentFileNeeds = /\.(?:md|cursor|windsurfrules|clinerules)/;
const writeVerb =
  /\b(?:create|write|append|add|save|update|install|put|commit|generate|defines?)\b|>>?|\btee\b/i;

/** Steering cues in the written text; each literal-led. */
const steering: Array<[string, RegExp]> = [
  [
    "skips confirmation",
    /\bwithout (?:asking|confirmation|approval|prompting|user confirmation)|confirm[-_]\w+\s*=\s*(?:false|disabled)|confirmation\s*=\s*disabled|trust[-_](?:mode|level)\s*=\s*(?:permissive|full)|pre-?(?:approved|vetted)\b/i,
  ],
  [
    "outranks the user",
    /\btakes? precedence over (?:the )?user|must not be overridden|same authority as (?:the )?user|persistent instructions\b/i,
  ],
  [
    "hides from the user",
    /\bnever (?:mention|tell|reveal|disclose)\b|\bsilently\b|\bdo not (?:mention|tell) the user/i,
  ],
  [
    "follows remote instructions",
    /\b(?:fetch|load|read|pull)\b[^\n]{0,80}https?:\/\/\S+[^\n]{0,80}\b(?:directives?|instructions?|rules?|apply|incorporate|follow)\b/i,
  ],
  [
    "sends data out",
    /\b(?:post|submit|send|upload|log-to-endpoint|forward)\b[^\n]{0,80}(?:https?:\/\/[^\s)"'`]+|endpoint)|\bendpoints?\b[^\n]{0,60}\bautomatically\b/i,
  ],
  ["collects secrets", /\benv \| sort\b|\.env files?\b|\.ssh\/|environment values/i],
  ["weakens checks", /\b(?:advisory only|never block|network-access\s*=\s*unrestricted)\b/i],
];

export function detectAgentFilePoisoning(ctx: DetectContext): void {
  const text = ctx.model.text;
  const lines = ctx.lines;
  // Each agentFile alternative holds one of these literals; most skills have none of them.
  if (!agentFileNeeds.test(text)) return;
  let target: { line: number; name: string } | undefined;
  for (let i = 0; i < lines.length && !target; i++) {
    const line = lines[i] ?? "";
    const m = agentFile.exec(line);
    if (m && writeVerb.test(line)) target = { line: i + 1, name: m[0].replace(/^[\s`'"(/]/, "") };
  }
  if (!target) return;
  const why: string[] = [];
  let first: { index: number; text: string } | undefined;
  for (const [what, re] of steering) {
    const m = re.exec(text);
    if (!m) continue;
    // The skill's own service (its homepage, its name) telling the agent to check in is the
    // remote-instructions finding's business, reported with the host so a policy can pin it.
    const urls = urlsIn(m[0]);
    if (urls.length > 0 && urls.every((u) => isAffine(ctx, u))) continue;
    why.push(what);
    if (!first || m.index < first.index) first = { index: m.index, text: m[0] };
  }
  // One cue is ordinary prose ("without approval", "POST to the API"); a persistent backdoor
  // combines them (skip confirmation + phone home, hide + fetch rules …).
  if (why.length < 2 || !first) return;
  const pos = positionAt(ctx.lineStarts, first.index);
  ctx.report({
    id: "persist.agent-instructions",
    severity: "high",
    file: ctx.model.file,
    line: pos.line,
    column: pos.column,
    message: `The skill writes ${target.name}, loaded by every future agent session, with text that ${why.join(", ")}.`,
    evidence: first.text.slice(0, 300),
  });
}
