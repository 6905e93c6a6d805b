// One heartbeat of an agent home: for each installed skill, re-fetch its pinned remote files.
// Unchanged → run the approved heartbeat steps under the stricter heartbeat profile. Changed →
// diff against the approved version, judge the new one, and hold it for review; the new steps
// never run until approved (by a person, or by policy.heartbeat.autoApproveAllowed when every
// changed step is allowed and no finding of medium or higher is added). The old approved steps
// keep running meanwhile only if policy.heartbeat.keepOldStepsWhilePending.

import path from "node:path";
import { SkillwallError, describeError } from "../errors.js";
import { publishLifecycle } from "../events.js";
import { readNamedFile } from "../hostfs/host-dir.js";
import { limits } from "../limits.js";
import type { JudgedStep, SkillResult, Verdict } from "../model.js";
import type { Policy } from "../policy/types.js";
import { getBlobText, putBlob } from "../remote/blobs.js";
import type { RemoteDeps, ScanFn, StepOutcome } from "../remote/deps.js";
import { sha256Hex } from "../remote/fetch.js";
import {
  readLockfile,
  stepHash,
  writeLockfile,
  type ApprovedStep,
  type LockedFile,
  type LockedSkill,
} from "../remote/lockfile.js";
import { agentHomePaths, skillWorkspace, skillWorkspaceRel } from "../remote/paths.js";
import { restorePinnedFiles } from "../remote/workspace-files.js";
import { ensureStateDir } from "../remote/state-dir.js";
import { atLeast, diffFile, type DiffSideInput, type FileDiff } from "./diff.js";
import { withLock } from "./lock.js";
import { judgePolicySteps } from "./policy-steps.js";
import { heartbeatPolicy } from "./profile.js";
import { nextRunAfterFailure, nextRunAfterSuccess, type ScheduleOptions } from "./schedule.js";
import {
  readState,
  recoverState,
  skillState,
  updateState,
  writeState,
  type HeartbeatResult,
  type PendingReview,
  type SkillState,
} from "./state.js";

export interface HeartbeatOptions {
  home: string;
  /** The install policy; the heartbeat derives its stricter profile from it. */
  policy: Policy;
  deps: RemoteDeps;
  schedule: ScheduleOptions;
  signal?: AbortSignal;
  /** Check every skill now, whatever its next run (`--once`). */
  force?: boolean;
}

export interface SkillHeartbeatReport {
  skill: string;
  result: HeartbeatResult;
  message: string;
  ran: StepOutcome[];
  pending?: PendingReview;
  nextRun: number;
}

export interface HomeHeartbeatReport {
  home: string;
  skills: SkillHeartbeatReport[];
  /** Earliest next run over the home's skills (Infinity when nothing is installed). */
  nextRun: number;
}

/** A small per-process cache of scan results by (policy hash, content hash): heartbeats repeat. */
export class ScanCache {
  readonly #max: number;
  readonly #entries = new Map<string, SkillResult>();
  constructor(max = 64) {
    this.#max = max;
  }
  async get(policy: Policy, file: string, source: string, text: string, scan: ScanFn): Promise<SkillResult> {
    const key = `${policy.hash}\u0000${file}\u0000${sha256Hex(text)}`;
    const hit = this.#entries.get(key);
    if (hit !== undefined) {
      this.#entries.delete(key);
      this.#entries.set(key, hit);
      return hit;
    }
    const result = await scan({ source, file, text, bundled: [] }, policy);
    this.#entries.set(key, result);
    if (this.#entries.size > this.#max) this.#entries.delete(this.#entries.keys().next().value!);
    return result;
  }
}

const defaultCache = new ScanCache();

function sideOf(r: SkillResult): DiffSideInput {
  return {
    steps: r.steps.map((j) => ({
      kind: j.step.kind,
      text: j.step.text,
      file: j.step.file,
      line: j.step.line,
      verdict: j.verdict,
      ...(j.step.heading === undefined ? {} : { heading: j.step.heading }),
    })),
    segments: r.model.segments,
    findings: r.findings,
  };
}

function worst(vs: Iterable<Verdict>): Verdict {
  let w: Verdict = "allow";
  for (const v of vs) if (v === "deny" || (v === "review" && w === "allow")) w = v;
  return w;
}

export function versionKey(files: ReadonlyArray<{ path: string; sha256: string }>): string {
  return sha256Hex(
    files
      .map((f) => `${f.path}\u0000${f.sha256}`)
      .sort()
      .join("\n"),
  );
}

function decode(bytes: Uint8Array): string {
  return new TextDecoder("utf-8", { fatal: true }).decode(bytes);
}

export class HeartbeatRunner {
  readonly #opts: HeartbeatOptions;
  readonly #cache: ScanCache;

  constructor(opts: HeartbeatOptions, cache: ScanCache = defaultCache) {
    this.#opts = opts;
    this.#cache = cache;
  }

  #now(): number {
    return (this.#opts.deps.now ?? Date.now)();
  }

  async #scan(policy: Policy, file: string, source: string, text: string): Promise<SkillResult> {
    return this.#cache.get(policy, file, source, text, this.#opts.deps.scan);
  }

  /** Checks every due skill of the home; state is saved after each skill. */
  async run(): Promise<HomeHeartbeatReport> {
    const { home } = this.#opts;
    await recoverState(home);
    const lock = await readLockfile(home);
    const state = await readState(home);
    const reports: SkillHeartbeatReport[] = [];
    let nextRun = Infinity;
    for (const name of Object.keys(lock.skills).sort()) {
      const locked = lock.skills[name]!;
      const st = Object.hasOwn(state.skills, name) ? state.skills[name] : undefined;
      const due = st?.nextRun === undefined ? 0 : Date.parse(st.nextRun);
      if (!this.#opts.force && due > this.#now()) {
        nextRun = Math.min(nextRun, due);
        continue;
      }
      if (this.#opts.signal?.aborted) {
        nextRun = Math.min(nextRun, this.#now());
        break;
      }
      const report = await this.#skill(locked, st);
      reports.push(report);
      nextRun = Math.min(nextRun, report.nextRun);
    }
    return { home, skills: reports, nextRun };
  }

  async #fetchFile(f: LockedFile): Promise<Buffer> {
    if (f.origin === "local") return readNamedFile(f.url!, limits.maxFetchBytes);
    return (await this.#opts.deps.fetcher.fetchText(f.url!)).bytes;
  }

  async #skill(locked: LockedSkill, prior: SkillState | undefined): Promise<SkillHeartbeatReport> {
    const { policy } = this.#opts;
    const now = this.#now();
    const name = locked.name;
    const remote = locked.files.filter((f) => f.origin !== "step-written" && f.url !== undefined);

    const fetched = new Map<string, { bytes: Buffer; sha256: string }>();
    try {
      for (const f of remote) {
        const bytes = await this.#fetchFile(f);
        fetched.set(f.path, { bytes, sha256: sha256Hex(bytes) });
      }
    } catch (err) {
      const failures = (prior?.failures ?? 0) + 1;
      const next = nextRunAfterFailure(now, failures, this.#opts.schedule);
      const message = describeError(err);
      publishLifecycle({
        event: "heartbeat-fetch-failed",
        skill: name,
        failures,
        nextRun: new Date(next).toISOString(),
        reason: message,
      });
      await this.#save(name, now, { result: "fetch-failed", message, failures, nextRun: next });
      return { skill: name, result: "fetch-failed", message, ran: [], nextRun: next };
    }

    const changed = remote.filter((f) => fetched.get(f.path)!.sha256 !== f.sha256);
    const next = nextRunAfterSuccess(now, this.#opts.schedule);
    const keepOld = policy.heartbeat.keepOldStepsWhilePending;
    const keeps = "the agent keeps reading the approved version";

    if (changed.length === 0) {
      if (prior?.pending)
        publishLifecycle({
          event: "heartbeat-pending-obsolete",
          skill: name,
          reason: "remote content is the approved version again",
        });
      const ran = await this.#runApproved(locked);
      const result: HeartbeatResult = ran.every((s) => s.ok) ? "unchanged" : "unchanged-steps-failed";
      const message = `unchanged; ${ranSummary(ran)}`;
      publishLifecycle({ event: "heartbeat", skill: name, result, steps: ran.length });
      await this.#save(name, now, { result, message, failures: 0, nextRun: next, pending: null, ran });
      return { skill: name, result, message, ran, nextRun: next };
    }

    const changedFiles = changed.map((f) => ({ path: f.path, sha256: fetched.get(f.path)!.sha256 }));
    const key = versionKey(changedFiles);
    if (prior?.rejected.includes(key)) {
      const ran = keepOld ? await this.#runApproved(locked) : [];
      const message = `remote version was rejected; ${keeps}; ${keepOld ? ranSummary(ran) : "no step ran"}`;
      publishLifecycle({ event: "heartbeat", skill: name, result: "rejected", steps: ran.length });
      await this.#save(name, now, { result: "rejected", message, failures: 0, nextRun: next, ran });
      return { skill: name, result: "rejected", message, ran, nextRun: next };
    }
    if (prior?.pending?.versionKey === key) {
      const ran = keepOld ? await this.#runApproved(locked) : [];
      const message = `change still pending review (skillwall review ${name}); ${keeps}; ${keepOld ? ranSummary(ran) : "no step ran"}`;
      publishLifecycle({ event: "heartbeat", skill: name, result: "pending", steps: ran.length });
      await this.#save(name, now, { result: "pending", message, failures: 0, nextRun: next, ran });
      return { skill: name, result: "pending", message, ran, nextRun: next, pending: prior.pending };
    }

    const pending = await this.#judgeChange(locked, changed, fetched, key, now);
    if (policy.heartbeat.autoApproveAllowed && pending.autoApprovable) {
      await this.#save(name, now, {
        result: "auto-approved",
        message: "",
        failures: 0,
        nextRun: next,
        pending,
      });
      const updated = await approvePending({
        home: this.#opts.home,
        skill: name,
        policy,
        deps: this.#opts.deps,
        by: "auto",
        cache: this.#cache,
      });
      publishLifecycle({
        event: "heartbeat-auto-approved",
        skill: name,
        files: pending.files.map((f) => f.path),
        reason:
          "policy.heartbeat.autoApproveAllowed: every changed step is allowed and no finding of medium or higher was added",
      });
      const ran = await this.#runApproved(updated);
      const message = `change auto-approved by policy; ${ranSummary(ran)}`;
      await this.#save(name, now, { result: "auto-approved", message, failures: 0, nextRun: next, ran });
      return { skill: name, result: "auto-approved", message, ran, nextRun: next };
    }
    publishLifecycle({
      event: "heartbeat-change-held",
      skill: name,
      files: pending.files.map((f) => f.path),
      verdict: pending.verdict,
      newFindings: pending.newFindings.length,
      added: pending.diffs.reduce((n, d) => n + d.added.length, 0),
      changed: pending.diffs.reduce((n, d) => n + d.changed.length, 0),
    });
    const ran = keepOld ? await this.#runApproved(locked) : [];
    const message = `changed: held for review (skillwall review ${name}); ${keeps}; ${keepOld ? ranSummary(ran) : "no step ran"}`;
    await this.#save(name, now, {
      result: "changed-held",
      message,
      failures: 0,
      nextRun: next,
      pending,
      ran,
    });
    return { skill: name, result: "changed-held", message, ran, pending, nextRun: next };
  }

  async #judgeChange(
    locked: LockedSkill,
    changed: LockedFile[],
    fetched: Map<string, { bytes: Buffer; sha256: string }>,
    key: string,
    now: number,
  ): Promise<PendingReview> {
    const { home, policy } = this.#opts;
    const diffs: FileDiff[] = [];
    const files: PendingReview["files"] = [];
    const verdicts: Verdict[] = [];
    for (const f of changed) {
      const got = fetched.get(f.path)!;
      await putBlob(home, got.bytes);
      files.push({
        path: f.path,
        role: f.role,
        ...(f.url === undefined ? {} : { url: f.url }),
        approvedSha256: f.sha256,
        sha256: got.sha256,
        size: got.bytes.length,
      });
      if (!f.path.endsWith(".md")) continue;
      const source = f.url ?? f.path;
      const before = await this.#scan(policy, f.path, source, await getBlobText(home, f.sha256));
      let after: SkillResult;
      try {
        after = await this.#scan(policy, f.path, source, decode(got.bytes));
      } catch (err) {
        throw new SkillwallError(
          "heartbeat-judge-failed",
          `could not judge the new ${f.path}: ${describeError(err)}`,
          { cause: err },
        );
      }
      const d = diffFile(f.path, sideOf(before), sideOf(after));
      diffs.push(d);
      for (const s of [...d.added, ...d.changed.map((c) => c.after)]) verdicts.push(s.verdict ?? "deny");
    }
    const newFindings = diffs.flatMap((d) => d.findings.added);
    const verdict = worst(verdicts);
    return {
      detectedAt: new Date(now).toISOString(),
      versionKey: key,
      policyHash: policy.hash,
      files,
      diffs,
      verdict,
      newFindings,
      autoApprovable: verdict === "allow" && !newFindings.some((f) => atLeast(f.severity, "medium")),
    };
  }

  /**
   * Runs the policy's heartbeat steps (never heartbeat.md's examples) under the heartbeat
   * profile: denied ones are reported as refused with the reason, review ones need the approval
   * recorded at install. Every outcome (with its reason and capped output) is returned.
   */
  async #runApproved(locked: LockedSkill): Promise<StepOutcome[]> {
    const { home, policy, deps } = this.#opts;
    if (policy.heartbeat.steps.length === 0) return [];
    const scan: ScanFn = (input, p) => this.#cache.get(p, input.file, input.source, input.text, deps.scan);
    const approved = new Set(locked.approvedSteps.filter((a) => a.phase === "heartbeat").map((a) => a.hash));
    const base = await judgePolicySteps(policy, policy, scan, locked.name);
    const stepHosts = base
      .filter((p) => p.judged.verdict !== "deny")
      .flatMap((p) => p.judged.commands.flatMap((c) => c.hosts.map((h) => h.host)));
    const profile = heartbeatPolicy(policy, {
      instructionFiles: locked.files.map((f) => f.path),
      skillDir: `~/${skillWorkspaceRel(locked.name)}`,
      stepHosts,
    });
    const outcomes = new Map<string, StepOutcome>();
    const idOf = new Map<string, string>();
    const toRun: JudgedStep[] = [];
    const judged = await judgePolicySteps(policy, profile, scan, locked.name);
    for (const { spec, judged: j } of judged) {
      idOf.set(j.step.id, spec.id);
      if (j.verdict === "deny")
        outcomes.set(spec.id, refusedStep(spec.id, "refused", `${j.rule}: ${j.reason}`));
      else if (j.verdict === "review" && !approved.has(stepHash(j.step.kind, j.step.text)))
        outcomes.set(
          spec.id,
          refusedStep(
            spec.id,
            "not-approved",
            `${j.rule}: needs review and was not approved (run skillwall install again on a terminal to approve it)`,
          ),
        );
      else toRun.push(j);
    }
    if (toRun.length > 0) {
      const workspace = skillWorkspace(home, locked.name);
      await restorePinned(home, locked);
      const result = await deps.run({
        skill: locked.name,
        phase: "heartbeat",
        steps: toRun,
        // Steps were judged under the profile (writes to instruction files denied there); the
        // runner's workspace check keeps the base blocked paths, since the workspace itself holds
        // the instruction files. restorePinned below is the backstop.
        policy: { ...profile, blockedPaths: policy.blockedPaths },
        agentHome: path.resolve(home),
        workspace,
        signal: this.#opts.signal ?? new AbortController().signal,
      });
      const tampered = await restorePinned(home, locked);
      if (tampered.length > 0)
        publishLifecycle({
          event: "heartbeat-instruction-file-restored",
          skill: locked.name,
          files: tampered,
        });
      for (const s of result.steps) {
        const id = idOf.get(s.stepId) ?? s.stepId;
        outcomes.set(id, { ...s, stepId: id });
      }
    }
    // In the policy's order; every outcome with its reason goes to the audit log.
    const ordered = judged.flatMap((p) => outcomes.get(p.spec.id) ?? []);
    for (const o of ordered)
      publishLifecycle({
        event: "heartbeat-step",
        skill: locked.name,
        step: o.stepId,
        ok: o.ok,
        outcome: o.outcome,
        exitCode: o.exitCode,
        ...(o.reason === undefined ? {} : { reason: o.reason }),
      });
    return ordered;
  }

  /** Saves one skill's outcome; a pending review the lockfile has meanwhile caught up with is dropped. */
  async #save(
    name: string,
    now: number,
    u: {
      result: HeartbeatResult;
      message: string;
      failures: number;
      nextRun: number;
      pending?: PendingReview | null;
      ran?: StepOutcome[];
    },
  ): Promise<void> {
    await updateState(this.#opts.home, async (state) => {
      const st = skillState(state, name);
      st.lastCheck = new Date(now).toISOString();
      st.lastResult = u.result;
      st.lastMessage = u.message;
      st.failures = u.failures;
      st.nextRun = new Date(u.nextRun).toISOString();
      if (u.ran && u.ran.length > 0) {
        const failed = u.ran.filter((s) => !s.ok).length;
        st.lastRun = {
          at: st.lastCheck,
          ok: failed === 0,
          steps: u.ran.length,
          failed,
          results: u.ran.map((s) => ({
            step: s.stepId,
            ok: s.ok,
            outcome: s.outcome,
            exitCode: s.exitCode,
            ...(s.reason === undefined ? {} : { reason: s.reason }),
            ...(s.stdout === undefined ? {} : { stdout: s.stdout }),
            ...(s.stderr === undefined ? {} : { stderr: s.stderr }),
          })),
        };
      }
      if (u.pending === null) delete st.pending;
      else if (u.pending !== undefined) {
        const lock = await readLockfile(this.#opts.home);
        const locked = lock.skills[name];
        const caughtUp =
          locked !== undefined &&
          u.pending.files.every((p) => locked.files.some((f) => f.path === p.path && f.sha256 === p.sha256));
        if (caughtUp) delete st.pending;
        else st.pending = u.pending;
      }
    });
  }
}

/** "ran 2 step(s), 1 failed: feed (refused: env var MOLTBOOK_API_KEY is not set)". */
export function ranSummary(ran: readonly StepOutcome[]): string {
  const failed = ran.filter((s) => !s.ok);
  if (ran.length === 0) return "no scripted heartbeat step (the policy lists none)";
  const why = failed.map((s) => `${s.stepId} (${s.outcome}${s.reason === undefined ? "" : `: ${s.reason}`})`);
  return `ran ${ran.length} policy heartbeat step(s)${failed.length === 0 ? "" : `, ${failed.length} failed: ${why.join(", ")}`}`;
}

function refusedStep(stepId: string, outcome: string, reason: string): StepOutcome {
  return { stepId, ok: false, outcome, exitCode: null, reason };
}

/**
 * Writes the approved bytes of every pinned file back into the workspace; returns the names that
 * differed. Through hostfs: a directory a step swapped for a symlink is replaced, never written
 * through (the supervisor runs as root).
 */
export async function restorePinned(home: string, locked: LockedSkill): Promise<string[]> {
  return restorePinnedFiles(home, locked.name, locked.files);
}

export interface DecideOptions {
  home: string;
  skill: string;
  policy: Policy;
  deps: Pick<RemoteDeps, "scan" | "now">;
  by: "user" | "auto";
  cache?: ScanCache;
  /**
   * A person explicitly overrides a `deny` verdict or a new high/critical finding (the CLI asks
   * for --override-deny and the typed skill name). Without it such a version is never pinned.
   */
  override?: boolean;
}

/** Why a held version cannot be approved without an explicit override (empty: it can). */
export function overrideReasons(pending: PendingReview): string[] {
  const out: string[] = [];
  if (pending.verdict === "deny") {
    const denied = pending.diffs.flatMap((d) =>
      [...d.added, ...d.changed.map((c) => c.after)].filter((x) => x.verdict === "deny"),
    );
    out.push(
      `verdict deny (${denied.length} denied step(s)${denied.length > 0 ? `, first ${denied[0]!.file}:${denied[0]!.line}` : ""})`,
    );
  }
  for (const f of pending.newFindings)
    if (atLeast(f.severity, "high")) out.push(`new ${f.severity} finding ${f.id} at ${f.file}:${f.line}`);
  return out;
}

function noPending(skill: string): SkillwallError {
  return new SkillwallError("no-pending-review", `${skill} has no change pending review`, {
    fix: "run skillwall status to see which skills have pending reviews",
  });
}

/**
 * Approves the held version: the lockfile pins the new files; approved steps become the steps
 * approved before that are still present, plus the added/changed steps the policy allows, plus
 * (when a person approves) the added/changed steps needing review. Denied steps never.
 */
export async function approvePending(opts: DecideOptions): Promise<LockedSkill> {
  const cache = opts.cache ?? defaultCache;
  await ensureStateDir(opts.home);
  return withLock(agentHomePaths(opts.home).mutationLock, "approve", async () => {
    const lock = await readLockfile(opts.home);
    const state = await readState(opts.home);
    const locked = lock.skills[opts.skill];
    const st = Object.hasOwn(state.skills, opts.skill) ? state.skills[opts.skill] : undefined;
    if (locked === undefined)
      throw new SkillwallError("not-installed", `${opts.skill} is not installed in ${opts.home}`, {
        fix: "skillwall install it first",
      });
    const pending = st?.pending;
    if (pending === undefined) throw noPending(opts.skill);
    const blocking = overrideReasons(pending);
    if (blocking.length > 0 && !(opts.override === true && opts.by === "user")) {
      publishLifecycle({ event: "review-approve-refused", skill: opts.skill, reasons: blocking });
      throw new SkillwallError(
        "approve-needs-override",
        `${opts.skill}: the held version is not approved: ${blocking.join("; ")}. The agent keeps reading the approved version`,
        {
          fix: `read it with skillwall review ${opts.skill}; reject it with skillwall reject ${opts.skill}, or pin it anyway with skillwall approve ${opts.skill} --override-deny on a terminal (you type the skill name)`,
        },
      );
    }
    if (blocking.length > 0)
      publishLifecycle({
        event: "review-approved-override",
        skill: opts.skill,
        version: pending.versionKey,
        reasons: blocking,
      });

    const changedHashes = new Set(
      pending.diffs.flatMap((d) => [...d.added, ...d.changed.map((c) => c.after)].map((s) => s.hash)),
    );
    const keep: ApprovedStep[] = locked.approvedSteps.filter(
      (a) => !pending.files.some((p) => p.path === a.file),
    );
    const now = new Date((opts.deps.now ?? Date.now)()).toISOString();
    for (const p of pending.files) {
      const lf = locked.files.find((f) => f.path === p.path);
      if (lf) {
        lf.sha256 = p.sha256;
        lf.size = p.size;
      }
      if (!p.path.endsWith(".md")) continue;
      const text = await getBlobText(opts.home, p.sha256);
      const result = await cache.get(opts.policy, p.path, p.url ?? p.path, text, opts.deps.scan);
      // heartbeat.md's examples are documentation: never approved as steps.
      const phaseOf = (j: JudgedStep): ApprovedStep["phase"] | undefined =>
        p.role !== "heartbeat" && j.step.install ? "install" : undefined;
      for (const j of result.steps) {
        const phase = phaseOf(j);
        if (phase === undefined || j.verdict === "deny") continue;
        const hash = stepHash(j.step.kind, j.step.text);
        const before = locked.approvedSteps.find((a) => a.hash === hash && a.phase === phase);
        const isNew = changedHashes.has(hash);
        let approvedBy: ApprovedStep["approvedBy"] | undefined;
        if (before && !isNew) approvedBy = before.approvedBy;
        else if (isNew && j.verdict === "allow") approvedBy = opts.by === "auto" ? "auto" : "policy";
        else if (isNew && j.verdict === "review" && opts.by === "user") approvedBy = "user";
        if (approvedBy === undefined || keep.some((a) => a.hash === hash && a.phase === phase)) continue;
        keep.push({
          hash,
          kind: j.step.kind,
          file: j.step.file,
          line: j.step.line,
          phase,
          verdict: j.verdict,
          approvedBy,
        });
      }
    }
    locked.approvedSteps = keep;
    locked.updatedAt = now;
    locked.policy = { name: opts.policy.name, hash: opts.policy.hash };
    for (const p of pending.files) await restorePinnedFiles(opts.home, opts.skill, [p]);
    await writeLockfile(opts.home, lock);
    delete st!.pending;
    await writeState(opts.home, state);
    publishLifecycle({
      event: "review-approved",
      skill: opts.skill,
      by: opts.by,
      version: pending.versionKey,
      steps: keep.length,
    });
    return locked;
  });
}

/** Rejects the held version: it is remembered so later heartbeats do not hold it again. */
export async function rejectPending(opts: Pick<DecideOptions, "home" | "skill">): Promise<void> {
  await updateState(opts.home, (state) => {
    const st = Object.hasOwn(state.skills, opts.skill) ? state.skills[opts.skill] : undefined;
    if (st?.pending === undefined) throw noPending(opts.skill);
    st.rejected = [...st.rejected.filter((k) => k !== st.pending!.versionKey), st.pending.versionKey].slice(
      -20,
    );
    publishLifecycle({ event: "review-rejected", skill: opts.skill, version: st.pending.versionKey });
    delete st.pending;
  });
}
