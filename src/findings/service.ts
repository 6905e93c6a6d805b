// The skill's own declared service: the hosts a skill may legitimately send its user's data and
// its own credentials to. Learned from the skill itself: hosts tied to its name or homepage
// (affinity), and the API host its documentation keeps using (seen on several lines). A host
// named once in an instruction is a third party.

import type { DetectContext } from "./context.js";
import { baseDomain } from "./hosts.js";
import { isAffine } from "./util.js";
import { limits } from "../limits.js";

/** Registrable domains (baseDomain) of the skill's declared service. */
export function declaredService(ctx: DetectContext): Set<string> {
  const out = new Set<string>();
  const linesOf = new Map<string, Set<number>>();
  for (const u of ctx.urls) {
    if (u.file !== ctx.model.file || !u.host) continue;
    const key = baseDomain(u.host.toLowerCase());
    if (isAffine(ctx, u)) out.add(key);
    let lines = linesOf.get(key);
    if (!lines) linesOf.set(key, (lines = new Set()));
    lines.add(u.line);
  }
  for (const [key, lines] of linesOf) if (lines.size >= limits.serviceHostMinLines) out.add(key);
  return out;
}

/** Template and documentation hosts that stand for "your server here", not a destination. */
export function isPlaceholderHost(host: string): boolean {
  const h = host.toLowerCase().replace(/[.,;:]+$/, "");
  return (
    h === "" ||
    !h.includes(".") ||
    /(?:^|\.)example\.(?:com|org|net)$/.test(h) ||
    /^(?:localhost|127\.\d+\.\d+\.\d+|0\.0\.0\.0|\[::1\])$/.test(h) ||
    /[<>{}$…]|\.\.\.|(?:^|[.-])(?:your|my|xxx+|placeholder|hostname|domain|server|host)(?:[.-]|$)/.test(h)
  );
}
