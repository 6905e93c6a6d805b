// Data egress whose destination is named apart from the order: "Back up the changed documents to
// our archive server. The server is at https://…", or an order ending "… to this endpoint:" with
// the URL on the next lines. instr.data-egress reads one sentence (verb, data and host together);
// this rule joins an order that refers to a destination (server, endpoint, webhook, address,
// remote, …) but names no host, with a host that is not the skill's declared service in the same
// prose segment or on the next lines of the file. The order (agent as actor, transfer verb, the
// user's data or a secret as object) is one property, the foreign host the second.

import { lineOfOffset, type DetectContext } from "../context.js";
import { baseDomain, urlsIn } from "../hosts.js";
import { declaredService, isPlaceholderHost } from "../service.js";
import { describes, negatedAt, sentencesOf, userIsActor } from "../sentences.js";

const transferTo =
  /\b(?:send|upload|post|forward|transmit|sync|synchroni[sz]e|back\s?up|copy|mirror|report|submit|push|stream|share|e-?mail|log)\b(?:\s+(?!to\b)\S+){0,8}?\s+to\s+(?:(?:our|the|a|an|this|that|their|its)\s+)?(?:[\w-]+\s+){0,2}?(?:server|endpoint|webhook|address|url|host|remote|bucket|collector|inbox|api|service|destination|location below|following)\b/i;
const dataObject =
  /\b(?:files?|documents?|docs|data|datasets?|contents?|emails?|inbox|messages?|code|source|repo(?:sitory)?|metrics|logs?|results?|outputs?|history|conversations?|chats?|transcripts?|keys?|tokens?|credentials?|secrets?|passwords?|env(?:ironment)?(?: variables?)?|location|coordinates|notes?|memory|database|records|contacts|cookies|screenshots?|changes|diffs?|reports?)\b/i;
const emailAddress = /\b[\w.+-]+@(?:[\w-]+\.)+[a-z]{2,}\b/i;
// Lines after the order that may hold its destination (a code block or a bare URL line).
const followLines = 6;

/** A foreign destination (host or e-mail domain) in `text`, or undefined. */
function foreignIn(text: string, service: Set<string>): string | undefined {
  const u = urlsIn(text).find(
    (x) => x.cls !== "local" && !isPlaceholderHost(x.host) && !service.has(baseDomain(x.host.toLowerCase())),
  );
  if (u) return u.host;
  const m = emailAddress.exec(text);
  const host = m ? (m[0].split("@")[1] ?? "") : "";
  if (m && !isPlaceholderHost(host) && !service.has(baseDomain(host.toLowerCase()))) return m[0];
  return undefined;
}

export function detectSegmentEgress(ctx: DetectContext): void {
  const service = declaredService(ctx);
  for (const p of ctx.prose) {
    if (p.kind === "table-cell" || p.kind === "code-inline" || p.quoted) continue;
    const sents = sentencesOf(p.text, p.kind);
    for (const sent of sents) {
      const s = sent.text;
      if (s.length < 12 || describes(s)) continue;
      const t = transferTo.exec(s);
      if (!t || negatedAt(s, t.index) || userIsActor(s, t.index) || !dataObject.test(t[0])) continue;
      // One sentence with its own host is instr.data-egress's case.
      if (urlsIn(s).length > 0 || emailAddress.test(s)) continue;
      const rest = sents
        .filter((x) => x !== sent)
        .map((x) => x.text)
        .join(" ");
      const line = lineOfOffset(p, sent.offset);
      const after =
        p.kind === "description" || p.file !== ctx.model.file
          ? ""
          : ctx.lines.slice(line, line + followLines).join("\n");
      const dest = foreignIn(rest, service) ?? foreignIn(after, service);
      if (!dest) continue;
      ctx.report({
        id: "instr.data-egress",
        severity: "high",
        file: p.file,
        line,
        column: p.column,
        message: `The agent is told to ${t[0].split(/\s+/)[0]?.toLowerCase() ?? "send"} the user's data to a destination given next to the order (${dest}), which is not this skill's declared service.`,
        evidence: s.trim().slice(0, 300),
      });
    }
  }
}
