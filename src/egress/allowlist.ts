// A step's egress allowlist: the hosts its own checked arguments name (JudgedCommand.hosts),
// intersected with what the policy grants (network.hosts / httpHosts / ports). Pure.

import type { JudgedCommand } from "../model.js";
import type { NetworkPolicy } from "../policy/types.js";
import { canonicalHost, hostMatches } from "./host.js";
import { limitsFromPolicy, type EgressLimits } from "./limits.js";
import type { AllowRule, StepAllowlist } from "./types.js";

const defaultPort: Record<string, number> = { https: 443, http: 80 };

/** The ports the policy grants for a scheme: network.ports, or the scheme's default. */
function grantedPorts(network: NetworkPolicy, scheme: "https" | "http"): number[] {
  return network.ports.length > 0 ? network.ports : [defaultPort[scheme]!];
}

export function buildStepAllowlist(
  commands: readonly Pick<JudgedCommand, "verdict" | "hosts">[],
  network: NetworkPolicy,
  ids: { step?: string; runId?: string } = {},
): StepAllowlist {
  const rules = new Map<string, AllowRule>();
  const refused: StepAllowlist["refused"] = [];
  for (const cmd of commands) {
    if (cmd.verdict === "deny") continue; // a denied command never runs, so it gets no egress
    for (const named of cmd.hosts) {
      const scheme = named.scheme.toLowerCase();
      const host = canonicalHost(named.host);
      const refuse = (reason: string) => refused.push({ host: named.host, port: named.port, scheme, reason });
      if (host === undefined) {
        refuse("not a valid host name");
        continue;
      }
      if (scheme !== "https" && scheme !== "http") {
        refuse(`scheme ${scheme} is not proxied (only https and http)`);
        continue;
      }
      const grantList = scheme === "https" ? network.hosts : network.httpHosts;
      const grant = grantList.find((p) => hostMatches(p, host));
      if (grant === undefined) {
        refuse(
          scheme === "https"
            ? `not in network.hosts; add "${host}" there to allow it`
            : `plain http is not allowed for it; add "${host}" to network.httpHosts to allow it`,
        );
        continue;
      }
      if (!grantedPorts(network, scheme).includes(named.port)) {
        refuse(`port ${named.port} is not in network.ports (${grantedPorts(network, scheme).join(", ")})`);
        continue;
      }
      const key = `${scheme}://${host}`;
      const existing = rules.get(key);
      if (existing) {
        if (!existing.ports.includes(named.port)) existing.ports.push(named.port);
      } else {
        const list = scheme === "https" ? "network.hosts" : "network.httpHosts";
        rules.set(key, { id: `${list}[${grant}]`, host, ports: [named.port], scheme });
      }
    }
  }
  return {
    ...(ids.step === undefined ? {} : { step: ids.step }),
    ...(ids.runId === undefined ? {} : { runId: ids.runId }),
    rules: [...rules.values()],
    allowAddresses: [...network.allowAddresses],
    refused,
    ...policyLimits(network),
  };
}

/** The policy's egress limits for the step's proxy, when it sets any. */
function policyLimits(network: NetworkPolicy): { limits?: Partial<EgressLimits> } {
  return network.limits === undefined ? {} : { limits: limitsFromPolicy(network.limits) };
}

/** Does this step need a network at all? Steps without rules stay on NetworkMode none. */
export function needsNetwork(allow: StepAllowlist): boolean {
  return allow.rules.length > 0;
}

/**
 * The allowlist of a whole agent process (`skillwall wrap`): every host the policy grants, on the
 * ports it grants — there are no checked arguments to intersect with.
 */
export function policyAllowlist(
  network: NetworkPolicy,
  ids: { step?: string; runId?: string } = {},
): StepAllowlist {
  const rules: AllowRule[] = [];
  const add = (list: readonly string[], scheme: "https" | "http", listName: string) => {
    for (const pattern of list) {
      const wildcard = pattern.startsWith("*.");
      const host = wildcard ? canonicalHost(pattern.slice(2)) : canonicalHost(pattern);
      if (host === undefined) continue;
      rules.push({
        id: `${listName}[${pattern}]`,
        host: wildcard ? `*.${host}` : host,
        ports: [...grantedPorts(network, scheme)],
        scheme,
      });
    }
  };
  add(network.hosts, "https", "network.hosts");
  add(network.httpHosts, "http", "network.httpHosts");
  return {
    ...(ids.step === undefined ? {} : { step: ids.step }),
    ...(ids.runId === undefined ? {} : { runId: ids.runId }),
    rules,
    allowAddresses: [...network.allowAddresses],
    refused: [],
    ...policyLimits(network),
  };
}
