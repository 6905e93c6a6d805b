// Exfiltration split over list items: one item reads a credential ("Read
// `~/.config/x/credentials.json`"), a later item of the same list sends something to a host that is
// not the skill's declared service ("Send that request to https://…"). Each item alone reads as a
// harmless step; the list as a whole moves a secret to a third party. Items are read in order
// within one list (consecutive list-item segments, a bounded run); negated items are skipped.

import { limits } from "../../limits.js";
import type { DetectContext, ProseSource } from "../context.js";
import { baseDomain, urlsIn } from "../hosts.js";
import { negatedAt } from "../sentences.js";
import { declaredService, isPlaceholderHost } from "../service.js";
import { credentialPath, secretVar } from "../util.js";
import { declaredAnchors } from "./declared-lookalike.js";
import { declaredKeyHost } from "../documented-service.js";

const readsSecret =
  /\b(?:read|open|load|copy|take|get|cat|collect)\b[^.;\n]{0,80}?(?:api[ _-]?key|access token|secret|password|private key|credentials?)\b/i;
const sends = /\b(?:send|post|upload|submit|transmit|forward|push|put)\b/i;

function secretAt(item: string): number {
  const m = readsSecret.exec(item);
  if (m) return m.index;
  const p = credentialPath.exec(item) ?? secretVar.exec(item);
  return p && /\b(?:read|open|load|copy|take|get|cat|collect|contents?)\b/i.test(item) ? p.index : -1;
}

/** Runs of list items that belong to one list: consecutive list-item segments on nearby lines. */
function lists(prose: readonly ProseSource[]): ProseSource[][] {
  const out: ProseSource[][] = [];
  let cur: ProseSource[] = [];
  for (const p of prose) {
    const last = cur[cur.length - 1];
    if (p.kind !== "list-item" || p.quoted) {
      if (p.kind !== "list-item") {
        if (cur.length > 1) out.push(cur);
        cur = [];
      }
      continue;
    }
    if (last && (p.file !== last.file || p.line - last.line > 3)) {
      if (cur.length > 1) out.push(cur);
      cur = [];
    }
    cur.push(p);
  }
  if (cur.length > 1) out.push(cur);
  return out;
}

export function detectSplitSteps(ctx: DetectContext): void {
  const own = new Set([...declaredService(ctx), ...declaredAnchors(ctx)]);
  for (const list of lists(ctx.prose)) {
    const items = list.slice(0, limits.splitStepsMaxItems);
    const readIdx = items.findIndex((p) => {
      const at = secretAt(p.text);
      return at >= 0 && !negatedAt(p.text, at);
    });
    if (readIdx < 0) continue;
    // The key read from the project's .env or a key variable goes to its issuer (OPENAI_API_KEY →
    // api.openai.com): that is using the key, not moving it. A credential store read (~/.aws,
    // ~/.ssh, credentials.json) keeps every host foreign.
    const readText = items[readIdx]?.text ?? "";
    const storeRead = credentialPath.exec(
      readText.replace(/(?:^|[\s/"'=@`])\.env(?:\.\w+)?(?=$|[\s"';|&)`])/g, " "),
    );
    const issuer = (host: string): boolean => storeRead === null && declaredKeyHost(ctx, host);
    for (const p of items.slice(readIdx + 1)) {
      const s = sends.exec(p.text);
      if (!s || negatedAt(p.text, s.index)) continue;
      const third = urlsIn(p.text, true).find(
        (u) =>
          u.host &&
          !isPlaceholderHost(u.host) &&
          u.cls !== "local" &&
          !own.has(baseDomain(u.host.toLowerCase())) &&
          !issuer(u.host),
      );
      if (!third) continue;
      const read = items[readIdx] as ProseSource;
      ctx.report({
        id: "exfil.split-steps",
        severity: "high",
        file: p.file,
        line: p.line,
        column: p.column,
        message: `A list tells the agent to read a credential (line ${read.line}) and, in a later step, to send data to ${third.host}, which is not the skill's declared service.`,
        evidence: `${read.text.trim().slice(0, 140)} … ${p.text.trim().slice(0, 140)}`,
      });
      return;
    }
  }
}
