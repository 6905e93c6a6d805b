// `skillwall wrap -- COMMAND…`: a whole agent process (an OpenClaw gateway, a CLI agent) in the
// same hardened container a step gets, with the agent home mounted at /home/agent and the egress
// proxy as its only way out (allowlist = every host the policy grants). stdin, stdout and stderr
// are passed through unchanged and unlimited (they belong to the caller, not to a skill); the exit
// code comes back. There is no wall-clock limit unless one is given.

import { randomUUID } from "node:crypto";
import { publishExecution, publishLifecycle } from "../events.js";
import { policyAllowlist } from "../egress/allowlist.js";
import type { Policy } from "../policy/types.js";
import { SkillwallError } from "../errors.js";
import type { DockerClient } from "./docker.js";
import { openEgress, type EgressOptions, type OpenedEgress } from "./egress-step.js";
import { iptablesFirewall } from "./firewall.js";
import { limitsRecord, resolveLimits } from "./limits.js";
import { reapStale, reapStaleNetworks } from "./reaper.js";
import { loadSeccompProfile } from "./seccomp.js";
import { killUntilEnded } from "./execute.js";
import { buildStepSpec } from "./spec.js";
import { prepareAgentHome } from "./workspace.js";
import { holdBindSource, type HeldBind } from "./workspace-volume.js";
import { ensureStateDir } from "../remote/state-dir.js";

export interface WrapOptions {
  client: DockerClient;
  image: string;
  policy: Pick<Policy, "sandbox" | "blockedPaths" | "network">;
  /** argv run in the container (no shell unless the command is one). */
  command: string[];
  /** Host directory mounted as /home/agent; omit for a scratch home. */
  agentHome?: string;
  stdin?: NodeJS.ReadableStream;
  stdout: { write(chunk: Buffer): unknown };
  stderr: { write(chunk: Buffer): unknown };
  /** Extra env for the process (name → value), e.g. the agent's API keys the caller chose. */
  env?: ReadonlyMap<string, string>;
  egress?: EgressOptions;
  /** Wall-clock limit in ms (default none). */
  timeoutMs?: number;
  signal?: AbortSignal;
  /** Called when the egress is up (tests). */
  onEgress?: (egress: OpenedEgress) => void;
}

export interface WrapResult {
  runId: string;
  containerId: string;
  exitCode: number;
  outcome: "ok" | "failed" | "oom-killed" | "timed-out" | "aborted" | "egress-stopped" | "error";
  reason?: string;
  egress?: {
    network: string;
    requestsAllowed: number;
    requestsDenied: number;
    bytesIn: number;
    bytesOut: number;
  };
}

export async function runWrapped(opts: WrapOptions): Promise<WrapResult> {
  if (opts.command.length === 0) {
    throw new SkillwallError("wrap-no-command", "wrap needs a command to run", {
      fix: "skillwall wrap [--policy …] -- COMMAND ARGS…",
    });
  }
  const client = opts.client;
  const runId = randomUUID();
  const firewall = opts.egress?.firewall ?? iptablesFirewall();
  await reapStale(client).catch(() => undefined);
  await reapStaleNetworks(client, firewall).catch(() => undefined);
  // The long-running agent gets the policy's limits, but no wall clock unless asked for.
  const limits = resolveLimits(opts.policy.sandbox, { timeoutMs: Math.max(100, opts.timeoutMs ?? 100) });
  const { json: seccompJson } = loadSeccompProfile();
  const asRoot = process.getuid?.() === 0;
  const user = asRoot
    ? { uid: 1000, gid: 1000 }
    : { uid: process.getuid?.() ?? 1000, gid: process.getgid?.() ?? 1000 };
  // The agent can write its whole home: skillwall's trust state for it must live elsewhere and
  // be out of the agent's reach (refused otherwise); state an older version kept inside is moved out.
  if (opts.agentHome !== undefined) await ensureStateDir(opts.agentHome);
  const workspace =
    opts.agentHome === undefined
      ? undefined
      : await prepareAgentHome({
          agentHome: opts.agentHome,
          blockedPaths: opts.policy.blockedPaths,
          ...(asRoot ? { owner: user } : {}),
        });

  let bind: HeldBind | undefined;
  const releaseBind = async (): Promise<void> => {
    const b = bind;
    bind = undefined;
    await b?.release();
  };
  const allow = policyAllowlist(opts.policy.network, { step: "wrap", runId });
  const networks = client.networks();
  const egress =
    allow.rules.length > 0
      ? await openEgress(networks, firewall, { runId, stepIndex: 0, allow, options: opts.egress ?? {} })
      : undefined;
  let containerId: string | undefined;
  try {
    // Docker mounts by path when the container starts: the checked home is handed over by a
    // path only root can change, held until the container has started.
    if (workspace !== undefined) bind = await holdBindSource(workspace.hostDir, workspace.identity);
    containerId = await client.create(
      buildStepSpec({
        image: opts.image,
        runId,
        stepLabel: "wrap",
        script: "",
        command: opts.command,
        stdin: opts.stdin !== undefined,
        env: new Map([...(egress?.env ?? []), ...(opts.env ?? [])]),
        limits,
        seccompJson,
        ...(workspace && bind ? { workspace: { ...workspace, hostDir: bind.source } } : {}),
        user,
        ...(egress ? { networkMode: egress.networkName, readOnlyMounts: egress.mounts } : {}),
      }),
    );
    const id = containerId;
    const attachment = await client.attachInteractive(id, opts.stdin, (stream, data) =>
      (stream === "stdout" ? opts.stdout : opts.stderr).write(data),
    );
    let stopReason: "timed-out" | "aborted" | "egress-stopped" | undefined;
    let over = false;
    const stop = (why: NonNullable<typeof stopReason>) => {
      if (over || stopReason !== undefined) return;
      stopReason = why;
      void killUntilEnded(client, id, () => over);
    };
    const onAbort = () => stop("aborted");
    opts.signal?.addEventListener("abort", onAbort, { once: true });
    if (egress) {
      void egress.proxy.closed.then(() => stop("egress-stopped"));
      opts.onEgress?.(egress);
    }
    const started = performance.now();
    const timer =
      opts.timeoutMs === undefined ? undefined : setTimeout(() => stop("timed-out"), opts.timeoutMs);
    let status: number;
    try {
      await client.start(id);
      await releaseBind();
      if (opts.signal?.aborted) stop("aborted");
      status = await client.wait(id);
    } finally {
      over = true;
      clearTimeout(timer);
      opts.signal?.removeEventListener("abort", onAbort);
    }
    await Promise.race([attachment.done, new Promise((r) => setTimeout(r, 500).unref())]);
    attachment.close();
    const state = await client.inspect(id);
    const outcome: WrapResult["outcome"] =
      stopReason ?? (state.oomKilled ? "oom-killed" : status === 0 ? "ok" : "failed");
    const stats = egress?.proxy.stats();
    publishExecution({
      runId,
      source: "wrap",
      sha256: "",
      line: 0,
      argv: opts.command,
      containerId: id,
      imageId: opts.image,
      limits: limitsRecord(limits),
      exitCode: status,
      outcome,
      durationMs: Math.round(performance.now() - started),
      stdoutBytes: 0,
      stderrBytes: 0,
    });
    return {
      runId,
      containerId: id,
      // A process killed by us reports 137; keep it, the outcome says why.
      exitCode: status,
      outcome,
      ...(stopReason === "egress-stopped"
        ? {
            reason: "the egress proxy stopped; the agent was killed and nothing more could leave the sandbox",
          }
        : {}),
      ...(egress && stats
        ? {
            egress: {
              network: egress.networkName,
              requestsAllowed: stats.allowed,
              requestsDenied: stats.denied,
              bytesIn: stats.bytesIn,
              bytesOut: stats.bytesOut,
            },
          }
        : {}),
    };
  } finally {
    await releaseBind().catch(() => undefined);
    if (containerId !== undefined) await client.remove(containerId).catch(() => undefined);
    await egress?.close().catch(() => undefined);
    publishLifecycle({ event: "wrap-ended", runId });
  }
}
