// The heartbeat profile: the policy unattended heartbeats run under, derived from the install
// policy and always stricter. The skill's own instruction files cannot be written (or read) by a
// step, egress narrows to the exact hosts the approved steps name, and the sandbox limits shrink.

import { createHash } from "node:crypto";
import type { SandboxLimits } from "../limits.js";
import { sandboxDefaults } from "../limits.js";
import type { Policy } from "../policy/types.js";
import { hostMatches } from "../remote/hosts.js";

/** Upper bounds for heartbeat containers; a policy may only go lower. */
export const heartbeatLimitCaps: SandboxLimits = {
  memoryBytes: 256 * 1024 * 1024,
  memorySwapBytes: 256 * 1024 * 1024,
  pids: 64,
  cpus: 0.5,
  fileSizeBytes: 8 * 1024 * 1024,
  tmpBytes: 16 * 1024 * 1024,
  timeoutMs: 30_000,
  outputBytes: 256 * 1024,
  openFiles: 128,
};

export interface HeartbeatProfileInput {
  /** Workspace-relative names of the skill's pinned files (SKILL.md, HEARTBEAT.md, …). */
  instructionFiles: readonly string[];
  /** The skill's workspace as the step sees it, "~/…" (e.g. "~/.moltbot/skills/moltbook"). */
  skillDir: string;
  /** Hosts the approved heartbeat steps name (from the judged commands). */
  stepHosts: readonly string[];
}

export function heartbeatPolicy(policy: Policy, input: HeartbeatProfileInput): Policy {
  const sandbox: Policy["sandbox"] = { ...policy.sandbox, autoApproveReview: false };
  for (const key of Object.keys(heartbeatLimitCaps) as Array<keyof SandboxLimits>) {
    const current = policy.sandbox[key] ?? sandboxDefaults[key];
    sandbox[key] = Math.min(current, heartbeatLimitCaps[key]);
  }
  // Exact hosts only: a host stays if a step names it AND the policy already allowed it.
  const narrow = (patterns: readonly string[]): string[] =>
    [...new Set(input.stepHosts.map((h) => h.toLowerCase()))]
      .filter((h) => patterns.some((p) => hostMatches(h, p)))
      .sort();
  // Exactly the pinned files where the step can reach them (its workspace, and the policy's
  // workdir when that differs): a broader "**/NAME" would also catch URL arguments that merely
  // end in the same name (curl https://host/skill.json).
  const dirs = [...new Set([input.skillDir, policy.workdir].map((d) => d.replace(/\/+$/, "")))];
  const blocked = input.instructionFiles.flatMap((f) => dirs.map((d) => `${d}/${f}`));
  const derived: Policy = {
    ...policy,
    name: `${policy.name} (heartbeat)`,
    blockedPaths: [...new Set([...policy.blockedPaths, ...blocked])],
    network: {
      ...policy.network,
      hosts: narrow(policy.network.hosts),
      httpHosts: narrow(policy.network.httpHosts),
    },
    sandbox,
    heartbeat: { ...policy.heartbeat },
  };
  derived.hash = createHash("sha256")
    .update(
      JSON.stringify({
        base: policy.hash,
        profile: "heartbeat-v1",
        blocked: derived.blockedPaths,
        network: derived.network,
        sandbox,
      }),
    )
    .digest("hex");
  return derived;
}
