// Update-source redirection and remote instruction execution: the skill tells the agent to fetch
// text from a URL and follow it, or overwrites its own files from a URL. Reported with the host so
// a policy can pin it; hostile hosts (paste sites, raw IPs) raise it to critical.

import type { DetectContext } from "../context.js";
import { isHostileClass, urlsIn } from "../hosts.js";
import { cmdText, fetchers, nameOf, reportAt, unwrap } from "../util.js";

const fetchVerb = /\b(?:fetch|read|load|check|download|curl|get|pull|visit|open|retrieve|re-?fetch)\b/i;
const followVerb =
  /\b(?:follow|execute|obey|apply|do what|carry out|act on|run what|instructions?|directives?)\b/i;
const skillFiles =
  /(?:^|\/)(?:SKILL|skill|HEARTBEAT|heartbeat|SOUL|AGENTS|CLAUDE|MEMORY|messaging|rules)\.(?:md|json)$|\/skills\/|\.(?:moltbot|openclaw|clawdbot|claude)\//;

export function detectRemoteInstructions(ctx: DetectContext): void {
  for (const p of ctx.prose) {
    if (!p.text.includes("://") || !fetchVerb.test(p.text) || !followVerb.test(p.text)) continue;
    for (const u of urlsIn(p.text)) {
      if (!/\.(?:md|txt|json)$|heartbeat|instructions|skill|prompt|rules/i.test(u.path)) continue;
      const hostile = isHostileClass(u.cls);
      ctx.report({
        id: "remote.instructions",
        severity: p.quoted ? "low" : hostile ? "critical" : "medium",
        file: p.file,
        line: p.line,
        column: p.column,
        message: `The agent is told to fetch instructions from ${u.host} and follow them; whoever controls ${u.host} controls the agent (pin this host in policy).`,
        evidence: u.url,
      });
      break;
    }
  }
  for (const src of ctx.shell) {
    for (const cmd of src.commands) {
      if (!fetchers.has(nameOf(cmd))) continue;
      const { argv } = unwrap(cmd.argv);
      const target = [
        ...cmd.redirects.filter((r) => r.op === ">" || r.op === ">>").map((r) => r.target),
        ...argv.filter((_, i) => /^(?:-o|--output|-O)$/.test(argv[i - 1] ?? "")),
      ].find((t) => skillFiles.test(t));
      if (target === undefined) continue;
      const url = argv.flatMap((a) => urlsIn(a, true))[0];
      if (!url) continue;
      const hostile = isHostileClass(url.cls);
      reportAt(
        ctx,
        src,
        cmd.start,
        "remote.self-update",
        hostile ? "critical" : "medium",
        `The skill overwrites ${target} with content from ${url.host}, handing future control of the agent to that host (pin it in policy).`,
        cmdText(src, cmd),
      );
    }
  }
}
