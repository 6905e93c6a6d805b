// `skillwall install`: fetch skill.md and the files it declares (or read a local file/folder),
// scan them, let a person (or --yes: the policy alone) approve, write the approved files into
// the skill workspace, run the approved install steps in the sandbox, re-scan and pin what the
// steps wrote, and record everything in the agent home's lockfile.

import { promises as fs } from "node:fs";
import path from "node:path";
import { InputError, SkillwallError } from "../errors.js";
import { publishLifecycle } from "../events.js";
import { readNamedFile } from "../hostfs/host-dir.js";
import type { JudgedStep, SkillResult } from "../model.js";
import type { Policy } from "../policy/types.js";
import { getBlobText, putBlob } from "./blobs.js";
import { declaredFiles, workspaceName } from "./declared.js";
import type { RemoteDeps, RunResult } from "./deps.js";
import { sha256Hex } from "./fetch.js";
import {
  readLockfile,
  stepHash,
  writeLockfile,
  type ApprovedStep,
  type LockedFile,
  type LockedSkill,
} from "./lockfile.js";
import { withLock } from "../heartbeat/lock.js";
import { judgePolicySteps } from "../heartbeat/policy-steps.js";
import { agentHomePaths, skillNamePattern, skillWorkspace, skillWorkspaceRel } from "./paths.js";
import { ensureStateDir } from "./state-dir.js";
import { copyStepWritten, restorePinnedFiles, writeWorkspaceFile } from "./workspace-files.js";
import { limits } from "../limits.js";

export interface SkillFile {
  /** Name in the workspace (SKILL.md, HEARTBEAT.md, skill.json). */
  path: string;
  role: LockedFile["role"];
  origin: LockedFile["origin"];
  /** URL (fetched) or absolute path (local). */
  url?: string;
  bytes: Buffer;
  sha256: string;
  /** Scan result, for markdown files. */
  result?: SkillResult;
}

export interface InstallPlan {
  name: string;
  source: string;
  files: SkillFile[];
  /** Install steps (SKILL.md steps marked install) and heartbeat steps (the policy's heartbeat.steps). */
  candidates: Array<{ phase: ApprovedStep["phase"]; judged: JudgedStep; hash: string }>;
}

/** Decides which review steps a person approves. `allow` steps are approved by the policy; `deny` never. */
export type Approver = (plan: InstallPlan, review: InstallPlan["candidates"]) => Promise<ReadonlySet<string>>;

/** --yes: approves only what the policy allows outright (and review steps only if the policy says so). */
export const approveAllowedOnly =
  (policy: Policy): Approver =>
  async (_plan, review) =>
    new Set(policy.sandbox.autoApproveReview === true ? review.map((c) => c.hash) : []);

export interface InstallOptions {
  source: string;
  name?: string;
  home: string;
  policy: Policy;
  deps: RemoteDeps;
  approve: Approver;
  /**
   * The directory below the home the install steps see as their workspace ("/"-separated,
   * inside the home). Absent: the skill's folder. Files the steps write there are pinned only
   * when they land in the skill's folder; the others are listed in `writtenOutside`.
   */
  workspaceRel?: string;
  /** Called once the skill is fetched and judged, before anything is approved (the CLI shows the review). */
  onPlan?: (plan: InstallPlan) => void;
  /** Called with each step's outcome once the install steps ran (the CLI prints failures). */
  onRun?: (run: RunResult) => void;
  signal?: AbortSignal;
}

export interface InstallReport {
  plan: InstallPlan;
  approved: ApprovedStep[];
  run: RunResult | undefined;
  /** Files the install steps wrote outside the skill's folder (home-relative): not pinned. */
  writtenOutside: string[];
  locked: LockedSkill;
}

/**
 * The install workspace (--workspace), relative to the home: inside it, never the home itself.
 * Checked before anything is fetched (the runner checks it again when it mounts it).
 */
export function checkWorkspaceRel(rel: string): string {
  const norm = path.posix.normalize(rel.replace(/\/+$/, ""));
  if (rel === "" || path.posix.isAbsolute(norm) || norm === "." || norm.split("/").includes("..")) {
    throw new InputError(
      "workspace",
      `--workspace ${JSON.stringify(rel)} must be a directory inside the agent home`,
      {
        fix: "give a path relative to the home, like .openclaw/workspace",
      },
    );
  }
  return norm;
}

/**
 * Step-written paths (relative to the mounted workspace) split into those in the skill's folder
 * (relative to it: copied, scanned, pinned) and the others (home-relative: reported only).
 */
export function splitWritten(
  written: readonly string[],
  mountRel: string,
  skillRel: string,
): { inSkill: string[]; outside: string[] } {
  const inSkill: string[] = [];
  const outside: string[] = [];
  for (const w of written) {
    const full = path.posix.join(mountRel, w);
    if (full.startsWith(`${skillRel}/`)) inSkill.push(path.posix.relative(skillRel, full));
    else outside.push(full);
  }
  return { inSkill, outside };
}

const isUrl = (s: string): boolean => /^[a-z][a-z0-9+.-]*:\/\//i.test(s);

async function scanText(
  deps: RemoteDeps,
  policy: Policy,
  source: string,
  file: string,
  text: string,
): Promise<SkillResult> {
  return deps.scan({ source, file, text, bundled: [] }, policy);
}

function decodeText(bytes: Buffer, where: string): string {
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch (cause) {
    throw new InputError("not-text", `${where} is not UTF-8 text`, { cause });
  }
}

/** Fetches or reads the skill and its declared files, and scans the markdown ones. */
export async function planInstall(
  opts: Pick<InstallOptions, "source" | "name" | "policy" | "deps">,
): Promise<InstallPlan> {
  const { deps, policy } = opts;
  const files: SkillFile[] = [];
  if (isUrl(opts.source)) {
    const main = await deps.fetcher.fetchText(opts.source);
    files.push({
      path: "SKILL.md",
      role: "skill",
      origin: "fetched",
      url: opts.source,
      bytes: main.bytes,
      sha256: main.sha256,
    });
    for (const d of declaredFiles(main.text, main.finalUrl)) {
      const f = await deps.fetcher.fetchText(d.url);
      files.push({
        path: d.name,
        role: d.role,
        origin: "fetched",
        url: d.url,
        bytes: f.bytes,
        sha256: f.sha256,
      });
    }
  } else {
    const abs = path.resolve(opts.source);
    const stat = await fs.stat(abs).catch((cause: unknown) => {
      throw new InputError("install-source", `cannot read ${abs}`, {
        fix: "give a skill.md path, a skill folder or an https URL",
        cause,
      });
    });
    const dir = stat.isDirectory() ? abs : path.dirname(abs);
    const mainPath = stat.isDirectory() ? await findSkillFile(abs) : abs;
    const mainBytes = await readNamedFile(mainPath, limits.maxFetchBytes);
    files.push({
      path: "SKILL.md",
      role: "skill",
      origin: "local",
      url: mainPath,
      bytes: mainBytes,
      sha256: sha256Hex(mainBytes),
    });
    for (const name of await fs.readdir(dir)) {
      const full = path.join(dir, name);
      if (full === mainPath || workspaceName(name) !== "HEARTBEAT.md") continue;
      const bytes = await readNamedFile(full, limits.maxFetchBytes);
      files.push({
        path: "HEARTBEAT.md",
        role: "heartbeat",
        origin: "local",
        url: full,
        bytes,
        sha256: sha256Hex(bytes),
      });
    }
  }
  for (const f of files) {
    if (!f.path.endsWith(".md")) continue;
    f.result = await scanText(
      deps,
      policy,
      f.url ?? opts.source,
      f.path,
      decodeText(f.bytes, f.url ?? f.path),
    );
  }
  const main = files[0]!;
  const name = opts.name ?? frontmatterName(main.result) ?? defaultName(opts.source);
  if (!skillNamePattern.test(name)) {
    throw new InputError("skill-name", `skill name ${JSON.stringify(name)} is not a plain lower-case name`, {
      fix: "pass --name NAME (letters, digits, . _ -)",
    });
  }
  const candidates: InstallPlan["candidates"] = [];
  for (const f of files) {
    // heartbeat.md is documentation the agent reads: its examples are never candidates.
    if (f.role === "heartbeat") continue;
    for (const j of f.result?.steps ?? []) {
      if (!j.step.install) continue;
      candidates.push({ phase: "install", judged: j, hash: stepHash(j.step.kind, j.step.text) });
    }
  }
  // The only heartbeat steps: the ones the policy lists.
  for (const { judged } of await judgePolicySteps(policy, policy, deps.scan, name))
    candidates.push({ phase: "heartbeat", judged, hash: stepHash(judged.step.kind, judged.step.text) });
  return { name, source: opts.source, files, candidates };
}

async function findSkillFile(dir: string): Promise<string> {
  for (const n of ["SKILL.md", "skill.md", "Skill.md"]) {
    const p = path.join(dir, n);
    if (
      await fs
        .stat(p)
        .then((s) => s.isFile())
        .catch(() => false)
    )
      return p;
  }
  throw new InputError("install-source", `${dir} has no SKILL.md`, {
    fix: "give the path of the skill's markdown file",
  });
}

function frontmatterName(result: SkillResult | undefined): string | undefined {
  const n = result?.model.frontmatter?.name;
  return typeof n === "string" && skillNamePattern.test(n.toLowerCase()) ? n.toLowerCase() : undefined;
}

function defaultName(source: string): string {
  const base = isUrl(source)
    ? (new URL(source).hostname.split(".").filter((p) => p !== "www")[0] ?? "skill")
    : path.basename(path.resolve(source), ".md");
  return (
    base
      .toLowerCase()
      .replace(/[^a-z0-9._-]+/g, "-")
      .replace(/^[^a-z0-9]+/, "") || "skill"
  );
}

/** Turns the policy verdicts and the person's decisions into approved steps. Deny is never approved. */
export function approvedSteps(
  candidates: InstallPlan["candidates"],
  approvedReview: ReadonlySet<string>,
  by: ApprovedStep["approvedBy"] = "user",
): ApprovedStep[] {
  const out: ApprovedStep[] = [];
  const seen = new Set<string>();
  for (const c of candidates) {
    const v = c.judged.verdict;
    if (v === "deny" || (v === "review" && !approvedReview.has(c.hash))) continue;
    const key = `${c.phase}:${c.hash}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push({
      hash: c.hash,
      kind: c.judged.step.kind,
      file: c.judged.step.file,
      line: c.judged.step.line,
      phase: c.phase,
      verdict: v,
      approvedBy: v === "allow" ? "policy" : by,
    });
  }
  return out;
}

export async function installSkill(opts: InstallOptions): Promise<InstallReport> {
  const now = new Date((opts.deps.now ?? Date.now)()).toISOString();
  if (opts.workspaceRel !== undefined) opts = { ...opts, workspaceRel: checkWorkspaceRel(opts.workspaceRel) };
  await ensureStateDir(opts.home);
  const plan = await planInstall(opts);
  opts.onPlan?.(plan);
  const review = plan.candidates.filter((c) => c.judged.verdict === "review");
  const approvedReview = review.length > 0 ? await opts.approve(plan, review) : new Set<string>();
  const approved = approvedSteps(plan.candidates, approvedReview);
  publishLifecycle({
    event: "install-approved",
    skill: plan.name,
    source: plan.source,
    approved: approved.length,
    denied: plan.candidates.filter((c) => c.judged.verdict === "deny").length,
    notApproved: review.length - approvedReview.size,
  });

  const workspace = skillWorkspace(opts.home, plan.name);
  const skillRel = skillWorkspaceRel(plan.name);
  const mountRel = opts.workspaceRel ?? skillRel;
  for (const f of plan.files) {
    await putBlob(opts.home, f.bytes);
    await writeWorkspaceFile(opts.home, plan.name, f.path, f.bytes);
  }

  const installHashes = new Set(approved.filter((a) => a.phase === "install").map((a) => a.hash));
  const toRun = plan.candidates
    .filter((c) => c.phase === "install" && installHashes.has(c.hash))
    .map((c) => c.judged);
  let run: RunResult | undefined;
  const writtenOutside: string[] = [];
  const lockedFiles: LockedFile[] = plan.files.map((f) => ({
    path: f.path,
    role: f.role,
    origin: f.origin,
    ...(f.url === undefined ? {} : { url: f.url }),
    sha256: f.sha256,
    size: f.bytes.length,
  }));
  if (toRun.length > 0) {
    run = await opts.deps.run({
      skill: plan.name,
      phase: "install",
      steps: toRun,
      policy: opts.policy,
      agentHome: path.resolve(opts.home),
      workspace: path.join(path.resolve(opts.home), ...mountRel.split("/")),
      ...(opts.workspaceRel === undefined ? {} : { workspaceRel: opts.workspaceRel }),
      signal: opts.signal ?? new AbortController().signal,
    });
    opts.onRun?.(run);
    // What the steps wrote is new, untrusted input: copy it out (streamed, hashed, through
    // hostfs: no symlink, FIFO or device is followed), pin it, and scan the markdown again.
    const { inSkill, outside } = splitWritten(run.written, mountRel, skillRel);
    writtenOutside.push(...outside);
    const copied = await copyStepWritten(opts.home, plan.name, inSkill).catch(async (err: unknown) => {
      // A pinned file a step replaced with a symlink or FIFO is put back before the install
      // fails: the agent must not load SKILL.md through a link to an unscanned file.
      await restorePinnedFiles(opts.home, plan.name, lockedFiles).catch(() => undefined);
      throw err;
    });
    for (const w of copied) {
      const sha = w.sha256;
      if (w.path.endsWith(".md")) {
        const text = await getBlobText(opts.home, sha, limits.maxFileBytes).catch((cause: unknown) => {
          throw new InputError(
            "not-text",
            `${w.path}, written by a step, is not UTF-8 text of at most ${limits.maxFileBytes} bytes`,
            { cause },
          );
        });
        const result = await scanText(opts.deps, opts.policy, path.join(workspace, w.path), w.path, text);
        publishLifecycle({
          event: "install-rescan",
          skill: plan.name,
          file: w.path,
          verdict: result.verdict,
          risk: result.risk,
          findings: result.findings.length,
        });
      }
      const existing = lockedFiles.find((f) => f.path === w.path);
      if (existing && existing.sha256 === sha) continue;
      if (existing) {
        // A step replaced a file that was judged and pinned: the judged bytes stay pinned and
        // go back into the workspace; what the step wrote is kept only as a blob.
        await restorePinnedFiles(opts.home, plan.name, [{ path: w.path, sha256: existing.sha256 }]);
        publishLifecycle({
          event: "install-pinned-file-restored",
          skill: plan.name,
          file: w.path,
          pinned: existing.sha256,
          written: sha,
        });
        continue;
      }
      lockedFiles.push({
        path: w.path,
        role: "step-written",
        origin: "step-written",
        sha256: sha,
        size: w.size,
      });
    }
  }

  const locked: LockedSkill = {
    name: plan.name,
    source: plan.source,
    installedAt: now,
    updatedAt: now,
    policy: { name: opts.policy.name, hash: opts.policy.hash },
    files: lockedFiles,
    approvedSteps: approved,
  };
  await withLock(agentHomePaths(opts.home).mutationLock, "install", async () => {
    const lock = await readLockfile(opts.home);
    lock.skills[plan.name] = locked;
    await writeLockfile(opts.home, lock);
  });
  publishLifecycle({
    event: "install",
    skill: plan.name,
    source: plan.source,
    files: lockedFiles.length,
    ok: run?.steps.every((s) => s.ok) ?? true,
  });
  if (run && run.steps.some((s) => !s.ok)) {
    const failed = run.steps
      .filter((s) => !s.ok)
      .map((s) => `${s.stepId} (${s.outcome}${s.reason === undefined ? "" : `: ${s.reason}`})`);
    throw new SkillwallError("install-steps-failed", `install steps failed: ${failed.join(", ")}`, {
      fix: "each failed step's output and fix are printed above; the lockfile records what was approved and fetched",
    });
  }
  return { plan, approved, run, writtenOutside, locked };
}
