// The egress decision for one target, before any name is resolved: is host AND port in the
// step's allowlist for this scheme? Pure.

import { hostMatches, showTarget, type Target } from "./host.js";
import type { AllowRule, StepAllowlist } from "./types.js";

export type TargetVerdict =
  { ok: true; rule: string } | { ok: false; rule: string; reason: string; detail?: string };

/** "moltbook.test:443 (https), cdn.test:80 (http)" — what the agent may reach, for a 403. */
export function describeAllowed(allow: StepAllowlist): string {
  if (allow.rules.length === 0) return "nothing (this step has no network grant)";
  return allow.rules.map((r) => `${r.host}:${r.ports.join("|")} (${r.scheme})`).join(", ");
}

/** The one-line 403 text an agent reads. Only canonical hosts and fixed words go into it. */
export function denialLine(
  v: { rule: string; reason: string; detail?: string },
  allow: StepAllowlist,
): string {
  const detail = v.detail === undefined ? "" : `: ${v.detail}`;
  return `skillwall-egress: ${v.reason} (rule ${v.rule}${detail}); allowed: ${describeAllowed(allow)}`;
}

export function judgeTarget(target: Target, scheme: "https" | "http", allow: StepAllowlist): TargetVerdict {
  const shown = showTarget(target);
  const sameScheme = allow.rules.filter((r) => r.scheme === scheme);
  const byHost: AllowRule[] = sameScheme.filter((r) => hostMatches(r.host, target.host));
  const hit = byHost.find((r) => r.ports.includes(target.port));
  if (hit) return { ok: true, rule: hit.id };
  if (byHost.length > 0) {
    return {
      ok: false,
      rule: "port-not-allowed",
      reason: `port ${shown} is not allowed for this step`,
      detail: `${byHost[0]!.id} allows port ${byHost.flatMap((r) => r.ports).join(", ")}`,
    };
  }
  if (
    scheme === "http" &&
    allow.rules.some((r) => r.scheme === "https" && hostMatches(r.host, target.host))
  ) {
    return {
      ok: false,
      rule: "plain-http-not-allowed",
      reason: `plain http to ${shown} is not allowed for this step`,
      detail: "use https, or add the host to network.httpHosts",
    };
  }
  if (target.ipFamily !== 0) {
    return { ok: false, rule: "ip-literal", reason: `raw IP address ${shown} is not allowed for this step` };
  }
  const named = allow.refused.find((r) => r.host.toLowerCase() === target.host);
  const verdict: TargetVerdict = {
    ok: false,
    rule: "host-not-allowed",
    reason: `host ${shown} is not allowed for this step`,
  };
  if (named) verdict.detail = `the step names it, but ${named.reason}`;
  return verdict;
}
