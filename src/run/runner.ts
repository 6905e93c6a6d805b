// Run the approved steps of a skill, in order, each in a fresh hardened container executing the
// resolved script (never the original text). Refused steps never run; review steps run only when
// approved. Containers are created ahead of time (the next few steps while one runs) and removed
// in the background, so a step costs little more than a bare `docker run`.

import { randomUUID } from "node:crypto";
import path from "node:path";
import { workspaceQuota, type SandboxLimits, type WorkspaceQuota } from "../limits.js";
import type { JudgedStep } from "../model.js";
import type { NetworkPolicy, Policy } from "../policy/types.js";
import { publishExecution, publishLifecycle } from "../events.js";
import { buildStepAllowlist, needsNetwork } from "../egress/allowlist.js";
import type { StepAllowlist } from "../egress/types.js";
import type { ContainerClient } from "./container-client.js";
import { openEgress, type EgressOptions, type OpenedEgress } from "./egress-step.js";
import { executeContainer, noRunResult, type ContainerOutcome, type ContainerRun } from "./execute.js";
import { iptablesFirewall } from "./firewall.js";
import { limitsRecord, resolveLimits } from "./limits.js";
import { reapStale, reapStaleNetworks, removeRunContainers, removeRunNetworks } from "./reaper.js";
import { resolvedScript, type ScriptRenderer } from "./render.js";
import { initShell } from "../shell/parser.js";
import { loadSeccompProfile } from "./seccomp.js";
import { buildStepSpec } from "./spec.js";
import {
  canMountWorkspace,
  holdBindSource,
  openWorkspaceVolume,
  reapWorkspaceVolumes,
} from "./workspace-volume.js";
import { changedSkillFiles, prepareWorkspace, snapshotFiles, type Workspace } from "./workspace.js";

export type StepOutcome = ContainerOutcome | "refused" | "not-approved" | "skipped";

/** How a step ended: the container's figures (zero/empty for a step that never ran) plus the step's. */
export interface StepRun extends Pick<
  ContainerRun,
  "exitCode" | "signal" | "durationMs" | "stdout" | "stderr" | "stdoutBytes" | "stderrBytes" | "outputCapped"
> {
  stepId: string;
  file: string;
  line: number;
  verdict: JudgedStep["verdict"];
  outcome: StepOutcome;
  /** Why a step did not run (refusal reason, missing approval, earlier failure). */
  reason?: string;
  fix?: string;
  /** The resolved script executed (env parts as ${NAME}, never their values). */
  script?: string;
  containerId?: string;
  /** Steps that had the network: what they could reach and what went through the proxy. */
  egress?: StepEgressSummary;
}

export interface StepEgressSummary {
  network: string;
  /** "host:port (scheme)" the step's allowlist held. */
  allowed: string[];
  /** Hosts the step named that the policy does not grant, with why. */
  refused: StepAllowlist["refused"];
  requestsAllowed: number;
  requestsDenied: number;
  bytesIn: number;
  bytesOut: number;
  /** The proxy stopped before the step ended (the step was killed). */
  proxyStopped: boolean;
}

export interface RunResult {
  runId: string;
  imageId: string;
  limits: SandboxLimits;
  workspace?: Workspace;
  steps: StepRun[];
  /** Host paths of markdown files (SKILL.md, HEARTBEAT.md, *.md) the steps wrote: scan them again. */
  writtenSkillFiles: string[];
  /** True when every selected step ran and ended "ok". */
  ok: boolean;
  aborted: boolean;
}

export interface RunOptions {
  client: ContainerClient;
  /** Image id (or reference) of the step image. */
  image: string;
  /**
   * `network` grants hosts: a step whose checked arguments name a granted host gets its own
   * internal network and egress proxy (allowlist = named ∩ granted); without it, or for every
   * other step, NetworkMode is "none".
   */
  policy: Pick<Policy, "sandbox" | "env" | "blockedPaths"> & { network?: NetworkPolicy };
  /** Where the skill lives on both sides; omit to run without any host mount. */
  workspace?: { agentHome: string; relDir: string };
  /** Asked once per `review` step before anything runs. */
  approve?: (step: JudgedStep) => boolean | Promise<boolean>;
  /** --yes: approves review steps only when policy.sandbox.autoApproveReview is true. */
  yes?: boolean;
  keepGoing?: boolean;
  /** Where the values of policy env vars come from (default process.env). */
  env?: NodeJS.ProcessEnv;
  signal?: AbortSignal;
  limits?: Partial<SandboxLimits>;
  render?: ScriptRenderer;
  runId?: string;
  /** For execution events: the skill's source and sha256. */
  source?: { source: string; sha256: string };
  /** How many containers to create ahead of the running step (default 3). */
  lookahead?: number;
  /** Size of the workspace filesystem (default workspaceQuota in src/limits.ts). */
  workspaceQuota?: Partial<WorkspaceQuota>;
  /** Remove leftovers of crashed runs first (default true). */
  reap?: boolean;
  /** Egress settings: extra CA file, proxy limits, and the TEST-ONLY host map (egress-step.ts). */
  egress?: EgressOptions;
  /** Called when a step's egress is up (tests use it to stop the proxy mid-step). */
  onEgress?: (step: JudgedStep, egress: OpenedEgress) => void;
  onStepStart?: (step: JudgedStep, index: number) => void;
  onStepEnd?: (run: StepRun, index: number) => void;
}

interface Planned {
  judged: JudgedStep;
  script: string;
  env: Map<string, string>;
  /** Set when the step needs the network. */
  allow?: StepAllowlist;
}

function notRun(j: JudgedStep, outcome: StepOutcome, reason: string, fix?: string): StepRun {
  return {
    stepId: j.step.id,
    file: j.step.file,
    line: j.step.line,
    verdict: j.verdict,
    outcome,
    reason,
    ...(fix !== undefined ? { fix } : {}),
    ...noRunResult,
  };
}

/** The env a step gets: only the policy's variables that its commands expand, with their values. */
function stepEnv(
  j: JudgedStep,
  policy: RunOptions["policy"],
  source: NodeJS.ProcessEnv,
): Map<string, string> | { missing: string; declared: boolean } {
  const out = new Map<string, string>();
  for (const c of j.commands) {
    for (const name of c.env) {
      if (!Object.hasOwn(policy.env, name)) return { missing: name, declared: false };
      const value = source[name];
      if (value === undefined) return { missing: name, declared: true };
      out.set(name, value);
    }
  }
  return out;
}

async function plan(
  judged: JudgedStep[],
  opts: RunOptions,
  runId: string,
): Promise<Array<StepRun | Planned>> {
  const out: Array<StepRun | Planned> = [];
  for (const j of judged) {
    if (j.verdict === "deny") {
      out.push(notRun(j, "refused", `${j.rule}: ${j.reason}`, j.fix));
      continue;
    }
    if (j.verdict === "review") {
      const auto = opts.yes === true && opts.policy.sandbox.autoApproveReview === true;
      const approved = auto || (opts.approve ? await opts.approve(j) : false);
      publishLifecycle({
        event: "approval",
        step: j.step.id,
        line: j.step.line,
        approved,
        by: auto ? "policy" : "user",
      });
      if (!approved) {
        out.push(
          notRun(
            j,
            "not-approved",
            `${j.rule}: needs review and was not approved`,
            "approve it when asked, or run interactively",
          ),
        );
        continue;
      }
    }
    let script: string;
    try {
      script = resolvedScript(j.analysis, opts.render);
    } catch (err) {
      const e = err as Error & { fix?: string };
      out.push(notRun(j, "refused", e.message, e.fix));
      continue;
    }
    const env = stepEnv(j, opts.policy, opts.env ?? process.env);
    if (!(env instanceof Map)) {
      out.push(
        env.declared
          ? notRun(j, "refused", `env var ${env.missing} is not set`, `export ${env.missing} before running`)
          : notRun(
              j,
              "refused",
              `env var ${env.missing} is not passed by the policy`,
              `add ${env.missing} to env: in the policy`,
            ),
      );
      continue;
    }
    const network = opts.policy.network;
    const allow =
      network === undefined ? undefined : buildStepAllowlist(j.commands, network, { step: j.step.id, runId });
    out.push({ judged: j, script, env, ...(allow && needsNetwork(allow) ? { allow } : {}) });
  }
  return out;
}

function containerUser(): { uid: number; gid: number; chown: boolean } {
  const uid = process.getuid?.() ?? 1000;
  const gid = process.getgid?.() ?? 1000;
  // As root, steps run as the image's unprivileged "agent" and the workspace is handed to it;
  // as a normal user, steps run with the user's own ids so the files stay theirs.
  return uid === 0 ? { uid: 1000, gid: 1000, chown: true } : { uid, gid, chown: false };
}

export async function runSteps(judged: JudgedStep[], opts: RunOptions): Promise<RunResult> {
  await initShell(); // each rendering is parsed back before it runs (render.ts)
  const client = opts.client;
  const runId = opts.runId ?? randomUUID();
  const limits = resolveLimits(opts.policy.sandbox, opts.limits);
  const { json: seccompJson } = loadSeccompProfile();
  const user = containerUser();
  const firewall = opts.egress?.firewall ?? iptablesFirewall();
  if (opts.reap !== false) {
    await reapStale(client).catch(() => undefined);
    await reapStaleNetworks(client, firewall).catch(() => undefined);
    if (canMountWorkspace()) await reapWorkspaceVolumes().catch(() => undefined);
  }

  const workspace = opts.workspace
    ? await prepareWorkspace({
        agentHome: opts.workspace.agentHome,
        relDir: opts.workspace.relDir,
        blockedPaths: opts.policy.blockedPaths,
        ...(user.chown ? { owner: { uid: user.uid, gid: user.gid } } : {}),
      })
    : undefined;
  const before = workspace ? await snapshotFiles(workspace) : new Map();
  const planned = await plan(judged, opts, runId);
  const toRun = planned.filter((p): p is Planned => "script" in p && "judged" in p);
  // Steps write to a quota filesystem copied from the workspace (workspace-volume.ts), as root.
  const volume =
    workspace && toRun.length > 0 && canMountWorkspace()
      ? await openWorkspaceVolume({
          client,
          image: opts.image,
          runId,
          seccompJson,
          user,
          limits,
          workspace,
          quota: { ...workspaceQuota, ...opts.workspaceQuota },
        })
      : undefined;
  // Not root: nothing is mounted by descriptor and Docker resolves the workspace's path at each
  // container start; holdBindSource refuses a workspace another user could swap meanwhile.
  if (workspace && toRun.length > 0 && volume === undefined)
    await (await holdBindSource(workspace.hostDir)).release();
  const stepWorkspace = volume?.workspace ?? workspace;

  const created = new Map<number, Promise<string>>();
  const removals: Array<Promise<void>> = [];
  const ensureCreated = (i: number): Promise<string> | undefined => {
    const p = toRun[i];
    // Egress steps are created when their network exists (runEgressStep), not ahead.
    if (!p || p.allow) return undefined;
    let c = created.get(i);
    if (!c) {
      c = client.create(
        buildStepSpec({
          image: opts.image,
          runId,
          stepLabel: p.judged.step.id,
          script: p.script,
          env: p.env,
          limits,
          seccompJson,
          ...(stepWorkspace ? { workspace: stepWorkspace } : {}),
          user,
        }),
      );
      c.catch(() => undefined);
      created.set(i, c);
    }
    return c;
  };

  /**
   * One step with the network: open its egress, create and run its container, watch the proxy
   * (if it stops early, the step is killed), then remove the container before its network.
   */
  const runEgressStep = async (
    item: Planned,
    index: number,
  ): Promise<{ run: ContainerRun; summary: StepEgressSummary } | { error: string; fix?: string }> => {
    const networks = client.networks?.();
    if (!networks) {
      return { error: "this step needs the network, and the container client cannot create networks" };
    }
    let egress: OpenedEgress;
    try {
      egress = await openEgress(networks, firewall, {
        runId,
        stepIndex: index,
        allow: item.allow!,
        options: opts.egress ?? {},
      });
    } catch (err) {
      const e = err as Error & { fix?: string };
      return { error: `could not set up the step's network: ${e.message}`, ...(e.fix ? { fix: e.fix } : {}) };
    }
    let containerId: string | undefined;
    try {
      try {
        containerId = await client.create(
          buildStepSpec({
            image: opts.image,
            runId,
            stepLabel: item.judged.step.id,
            script: item.script,
            env: new Map([...egress.env, ...item.env]),
            limits,
            seccompJson,
            ...(stepWorkspace ? { workspace: stepWorkspace } : {}),
            user,
            networkMode: egress.networkName,
            readOnlyMounts: egress.mounts,
          }),
        );
      } catch (err) {
        return { error: `could not create the container: ${(err as Error).message}` };
      }
      // One signal for "stop this step": the run's abort, or the proxy stopping first.
      const stepAbort = new AbortController();
      let stepOver = false;
      let proxyStopped = false;
      const onRunAbort = () => stepAbort.abort();
      opts.signal?.addEventListener("abort", onRunAbort, { once: true });
      if (opts.signal?.aborted) stepAbort.abort();
      void egress.proxy.closed.then(() => {
        if (stepOver) return;
        proxyStopped = true;
        stepAbort.abort();
      });
      opts.onEgress?.(item.judged, egress);
      let run: ContainerRun;
      try {
        run = await executeContainer(client, containerId, {
          timeoutMs: limits.timeoutMs,
          outputBytes: limits.outputBytes,
          signal: stepAbort.signal,
        });
      } finally {
        stepOver = true;
        opts.signal?.removeEventListener("abort", onRunAbort);
      }
      const stats = egress.proxy.stats();
      return {
        run,
        summary: {
          network: egress.networkName,
          allowed: egress.allow.rules.map((r) => `${r.host}:${r.ports.join("|")} (${r.scheme})`),
          refused: egress.allow.refused,
          requestsAllowed: stats.allowed,
          requestsDenied: stats.denied,
          bytesIn: stats.bytesIn,
          bytesOut: stats.bytesOut,
          proxyStopped,
        },
      };
    } finally {
      // The container must be gone before its network can be removed.
      if (containerId !== undefined) await client.remove(containerId).catch(() => undefined);
      await egress.close().catch(() => undefined);
    }
  };

  const results: StepRun[] = [];
  let stopped: string | undefined;
  let aborted = false;
  let runIndex = 0;
  const lookahead = Math.max(0, opts.lookahead ?? 3);
  try {
    for (const [index, item] of planned.entries()) {
      if (!("script" in item && "judged" in item)) {
        results.push(item);
        opts.onStepEnd?.(item, index);
        continue;
      }
      const j = item.judged;
      const myIndex = runIndex++;
      if (opts.signal?.aborted) aborted = true;
      if (aborted || stopped !== undefined) {
        const r = notRun(
          j,
          "skipped",
          aborted ? "the run was interrupted" : `an earlier step failed (${stopped})`,
        );
        results.push(r);
        opts.onStepEnd?.(r, index);
        continue;
      }
      for (let k = myIndex; k <= myIndex + lookahead; k++) void ensureCreated(k);
      opts.onStepStart?.(j, index);
      let id: string;
      let run: ContainerRun;
      let egressSummary: StepEgressSummary | undefined;
      let egressFailure: string | undefined;
      if (item.allow) {
        const e = await runEgressStep(item, myIndex);
        if ("error" in e) {
          const r = { ...notRun(j, "error", e.error, e.fix), script: item.script };
          results.push(r);
          opts.onStepEnd?.(r, index);
          if (!opts.keepGoing) stopped = `${j.step.id}: error`;
          continue;
        }
        run = e.run;
        egressSummary = e.summary;
        if (e.summary.proxyStopped) {
          egressFailure =
            "the egress proxy stopped during the step; the step was killed and nothing more could leave the sandbox";
        }
        id = run.containerId;
      } else {
        try {
          id = await (ensureCreated(myIndex) as Promise<string>);
        } catch (err) {
          const r = {
            ...notRun(j, "error", `could not create the container: ${(err as Error).message}`),
            script: item.script,
          };
          results.push(r);
          opts.onStepEnd?.(r, index);
          if (!opts.keepGoing) stopped = `${j.step.id}: error`;
          continue;
        }
        run = await executeContainer(client, id, {
          timeoutMs: limits.timeoutMs,
          outputBytes: limits.outputBytes,
          ...(opts.signal ? { signal: opts.signal } : {}),
        });
        removals.push(client.remove(id).catch(() => undefined));
      }
      const outcome: StepOutcome = egressFailure !== undefined ? "error" : run.outcome;
      const reason = egressFailure ?? run.error;
      const r: StepRun = {
        stepId: j.step.id,
        file: j.step.file,
        line: j.step.line,
        verdict: j.verdict,
        outcome,
        ...(reason !== undefined ? { reason } : {}),
        ...(egressSummary ? { egress: egressSummary } : {}),
        script: item.script,
        containerId: run.containerId,
        exitCode: run.exitCode,
        signal: run.signal,
        durationMs: Math.round(run.durationMs),
        stdout: run.stdout,
        stderr: run.stderr,
        stdoutBytes: run.stdoutBytes,
        stderrBytes: run.stderrBytes,
        outputCapped: run.outputCapped,
      };
      results.push(r);
      publishExecution({
        runId,
        source: opts.source?.source ?? j.step.file,
        sha256: opts.source?.sha256 ?? "",
        line: j.step.line,
        argv: ["bash", "--norc", "--noprofile", "-c", item.script],
        commands: j.commands.map((c) => c.command.argv.map((w) => w.value)),
        containerId: run.containerId,
        imageId: opts.image,
        limits: limitsRecord(limits),
        exitCode: run.exitCode,
        signal: run.signal,
        outcome,
        durationMs: Math.round(run.durationMs),
        stdoutBytes: run.stdoutBytes,
        stderrBytes: run.stderrBytes,
      });
      opts.onStepEnd?.(r, index);
      if (outcome === "aborted") aborted = true;
      else if (outcome !== "ok" && !opts.keepGoing) stopped = `${j.step.id}: ${outcome}`;
    }
  } finally {
    // Pre-created containers that never ran, and any a failure left behind.
    for (const c of created.values()) removals.push(c.then((id) => client.remove(id)).catch(() => undefined));
    await Promise.all(removals);
    if (aborted || opts.signal?.aborted) {
      await removeRunContainers(client, runId).catch(() => undefined);
      await removeRunNetworks(client, firewall, runId).catch(() => undefined);
    }
    // What the steps wrote goes back to the skill directory before it is compared.
    await volume?.close();
  }

  const after = workspace ? await snapshotFiles(workspace) : new Map();
  const written = workspace
    ? changedSkillFiles(before, after).map((rel) => path.join(workspace.hostDir, ...rel.split("/")))
    : [];
  return {
    runId,
    imageId: opts.image,
    limits,
    ...(workspace ? { workspace } : {}),
    steps: results,
    writtenSkillFiles: written,
    ok: results.every((r) => r.outcome === "ok"),
    aborted: aborted || opts.signal?.aborted === true,
  };
}
