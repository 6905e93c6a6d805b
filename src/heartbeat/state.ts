// Heartbeat state per agent home: per skill the last check and result, failures and backoff,
// the next run, and the pending review (held files by sha256 in the blob store, and their
// diff). Written atomically (temp + fsync + rename + fsync dir), validated on read; changes are
// read-modify-write under the home's mutation lock so `approve` and a running heartbeat do not
// overwrite each other.

import { promises as fs } from "node:fs";
import path from "node:path";
import { z } from "zod";
import { SkillwallError } from "../errors.js";
import { processAlive, readIfExists, removeStaleTempFiles, writeFileAtomic } from "../remote/atomic-file.js";
import { parseValidatedJson } from "../remote/json.js";
import { agentHomePaths, skillNamePattern } from "../remote/paths.js";
import { ensureStateDir } from "../remote/state-dir.js";
import { fileDiffSchema, findingSummarySchema } from "./diff.js";
import { removeStaleBreaker, removeStaleLockTemps, withLock } from "./lock.js";

const isoTime = z.iso.datetime({ offset: true });
const sha256Schema = z.string().regex(/^[0-9a-f]{64}$/);

export const heartbeatResultSchema = z.enum([
  "unchanged", // fetched, same bytes, approved steps ran and succeeded
  "unchanged-steps-failed", // same bytes, a step failed
  "changed-held", // new content held for review; new steps not run
  "pending", // still held from an earlier check
  "rejected", // remote content is one a person rejected; not run
  "auto-approved", // change approved by policy.heartbeat.autoApproveAllowed
  "fetch-failed", // could not fetch; nothing ran; backoff
  "error", // anything else; nothing new ran
]);
export type HeartbeatResult = z.infer<typeof heartbeatResultSchema>;

export const pendingFileSchema = z.object({
  path: z.string(),
  role: z.enum(["skill", "heartbeat", "declared", "step-written"]),
  url: z.string().optional(),
  /** sha256 of the approved version; absent for a file that is new. */
  approvedSha256: sha256Schema.optional(),
  sha256: sha256Schema.describe("held bytes, in blobs/<sha256>"),
  size: z.number().int().nonnegative(),
});

export const pendingReviewSchema = z.object({
  detectedAt: isoTime,
  /** Identity of the held version (sha256 over the changed files' paths and hashes). */
  versionKey: sha256Schema,
  policyHash: z.string(),
  files: z.array(pendingFileSchema),
  diffs: z.array(fileDiffSchema),
  verdict: z.enum(["allow", "review", "deny"]).describe("the judged verdict of the new version"),
  newFindings: z.array(findingSummarySchema),
  /** Every step allowed and no new finding of medium or higher. */
  autoApprovable: z.boolean(),
});

export const skillStateSchema = z.object({
  lastCheck: isoTime.optional(),
  lastResult: heartbeatResultSchema.optional(),
  lastMessage: z.string().optional(),
  /** Consecutive fetch failures (drives the backoff). */
  failures: z.number().int().nonnegative(),
  nextRun: isoTime.optional(),
  lastRun: z
    .object({
      at: isoTime,
      ok: z.boolean(),
      steps: z.number().int().nonnegative(),
      failed: z.number().int().nonnegative(),
      /** Each step's outcome, why it failed or was refused, and the end of its output. */
      results: z
        .array(
          z.object({
            step: z.string(),
            ok: z.boolean(),
            outcome: z.string(),
            exitCode: z.number().int().nullable(),
            reason: z.string().optional(),
            stdout: z.string().optional(),
            stderr: z.string().optional(),
          }),
        )
        .optional(),
    })
    .optional(),
  pending: pendingReviewSchema.optional(),
  /** Content hashes of remote versions a person rejected (most recent last, bounded). */
  rejected: z.array(sha256Schema),
});

export const heartbeatStateSchema = z.object({
  version: z.literal(1),
  skills: z.record(z.string().regex(skillNamePattern), skillStateSchema),
});

export type PendingFile = z.infer<typeof pendingFileSchema>;
export type PendingReview = z.infer<typeof pendingReviewSchema>;
export type SkillState = z.infer<typeof skillStateSchema>;
export type HeartbeatState = z.infer<typeof heartbeatStateSchema>;

export function emptyState(): HeartbeatState {
  return { version: 1, skills: {} };
}

export function emptySkillState(): SkillState {
  return { failures: 0, rejected: [] };
}

export function skillState(state: HeartbeatState, name: string): SkillState {
  if (!Object.hasOwn(state.skills, name)) state.skills[name] = emptySkillState();
  return state.skills[name]!;
}

export function parseState(text: string, file: string): HeartbeatState {
  return parseValidatedJson(text, heartbeatStateSchema, (detail, cause) => corrupt(file, detail, cause));
}

function corrupt(file: string, detail: string, cause: unknown): SkillwallError {
  return new SkillwallError("state-corrupt", `the heartbeat state ${file} is invalid: ${detail}`, {
    fix: `move it aside (pending reviews in it are lost; the lockfile is not) and run skillwall heartbeat --once`,
    cause,
  });
}

export async function readState(home: string): Promise<HeartbeatState> {
  await ensureStateDir(home);
  const file = agentHomePaths(home).state;
  const bytes = await readIfExists(file);
  if (bytes === undefined) return emptyState();
  return parseState(bytes.toString("utf8"), file);
}

export async function writeState(home: string, state: HeartbeatState): Promise<void> {
  await ensureStateDir(home);
  const checked = heartbeatStateSchema.parse(state);
  await writeFileAtomic(agentHomePaths(home).state, `${JSON.stringify(checked)}\n`);
}

/** Read-modify-write under the home's mutation lock; `change` may return a value. */
export async function updateState<T>(
  home: string,
  change: (state: HeartbeatState) => T | Promise<T>,
): Promise<T> {
  await ensureStateDir(home);
  return withLock(agentHomePaths(home).mutationLock, "update heartbeat state", async () => {
    const state = await readState(home);
    const result = await change(state);
    await writeState(home, state);
    return result;
  });
}

/** Clears leftovers of a crash mid-write (temp files of dead processes). */
export async function recoverState(home: string): Promise<void> {
  await ensureStateDir(home);
  const paths = agentHomePaths(home);
  await removeStaleTempFiles(paths.state);
  await removeStaleTempFiles(paths.lockfile);
  await removeStaleLockTemps(paths.mutationLock);
  await removeStaleBreaker(paths.mutationLock);
  await removeStaleBlobTemps(paths.blobs);
}

/** Blob temp files ("<sha>.tmp-<pid>-<hex>") of writers that died. */
async function removeStaleBlobTemps(dir: string): Promise<void> {
  let names: string[] = [];
  try {
    names = await fs.readdir(dir);
  } catch {
    return;
  }
  for (const name of names) {
    const at = name.indexOf(".tmp-");
    if (at < 0) continue;
    const pid = Number(name.slice(at + 5).split("-")[0]);
    if (!processAlive(pid)) await fs.rm(path.join(dir, name), { force: true });
  }
}
