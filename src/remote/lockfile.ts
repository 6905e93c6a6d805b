// skillwall.lock.json in each agent home: for every installed skill, where its files came from,
// the sha256 and size of each fetched or step-written file, the steps a person or the policy
// approved (by content hash of kind + text), the policy hash, and when. Validated on every read:
// a corrupt lockfile is an error with the fix, never silently reset.

import { z } from "zod";
import { SkillwallError } from "../errors.js";
import { readIfExists, writeFileAtomic } from "./atomic-file.js";
import { sha256Hex } from "./fetch.js";
import { parseValidatedJson } from "./json.js";
import { agentHomePaths, skillNamePattern } from "./paths.js";
import { ensureStateDir } from "./state-dir.js";

const sha256Schema = z
  .string()
  .regex(/^[0-9a-f]{64}$/)
  .describe("lower-case hex sha256");
const isoTime = z.iso.datetime({ offset: true }).describe("ISO 8601 time");

const stepKindSchema = z.enum([
  "fenced",
  "console",
  "inline",
  "blockquote",
  "frontmatter-install",
  "bundled-script",
]);

export const lockedFileSchema = z.object({
  path: z
    .string()
    .min(1)
    .refine((p) => !p.startsWith("/") && !p.split("/").includes(".."), "must be relative, without ..")
    .describe("file name in the skill workspace (SKILL.md, HEARTBEAT.md, …)"),
  role: z.enum(["skill", "heartbeat", "declared", "step-written"]).describe("why the file is pinned"),
  origin: z.enum(["fetched", "local", "step-written"]).describe("how the bytes were obtained"),
  url: z.string().optional().describe("source URL for fetched files; the heartbeat re-fetches it"),
  sha256: sha256Schema,
  size: z.number().int().nonnegative(),
});

export const approvedStepSchema = z.object({
  hash: sha256Schema.describe("stepHash(kind, text)"),
  kind: stepKindSchema,
  file: z.string().describe("file the step was read from"),
  line: z.number().int().positive(),
  phase: z
    .enum(["install", "heartbeat"])
    .describe("install steps run once; heartbeat steps on every heartbeat"),
  verdict: z.enum(["allow", "review"]).describe("the policy verdict when approved"),
  approvedBy: z
    .enum(["policy", "user", "auto"])
    .describe("policy = allowed outright; auto = heartbeat auto-approve"),
});

export const lockedSkillSchema = z.object({
  name: z.string().regex(skillNamePattern),
  source: z.string().describe("the URL or path given to install"),
  installedAt: isoTime,
  updatedAt: isoTime,
  policy: z.object({ name: z.string(), hash: z.string() }).describe("the policy the approval was made under"),
  files: z.array(lockedFileSchema),
  approvedSteps: z.array(approvedStepSchema),
});

export const lockfileSchema = z.object({
  version: z.literal(1),
  skills: z.record(z.string().regex(skillNamePattern), lockedSkillSchema),
});

export type LockedFile = z.infer<typeof lockedFileSchema>;
export type ApprovedStep = z.infer<typeof approvedStepSchema>;
export type LockedSkill = z.infer<typeof lockedSkillSchema>;
export type Lockfile = z.infer<typeof lockfileSchema>;

/** Identity of a step for approval: its kind and exact text (line endings normalised). */
export function stepHash(kind: string, text: string): string {
  return sha256Hex(`${kind}\n${text.replace(/\r\n?/g, "\n")}`);
}

export function emptyLockfile(): Lockfile {
  return { version: 1, skills: {} };
}

/** Parses lockfile text; throws `lockfile-corrupt` naming the file and the first problems. */
export function parseLockfile(text: string, file: string): Lockfile {
  return parseValidatedJson(text, lockfileSchema, (detail, cause) => corrupt(file, detail, cause));
}

function corrupt(file: string, detail: string, cause: unknown): SkillwallError {
  return new SkillwallError("lockfile-corrupt", `the lockfile ${file} is invalid: ${detail}`, {
    fix: `restore it from your backup or version control, or delete it and re-run skillwall install for each skill`,
    cause,
  });
}

/** Reads the agent home's lockfile; a missing file is an empty lockfile, an invalid one an error. */
export async function readLockfile(home: string): Promise<Lockfile> {
  await ensureStateDir(home);
  const file = agentHomePaths(home).lockfile;
  const bytes = await readIfExists(file);
  if (bytes === undefined) return emptyLockfile();
  return parseLockfile(bytes.toString("utf8"), file);
}

/**
 * Reads the lockfile without preparing the state directory (for read-only callers such as a
 * gate, which must not create or migrate anything): undefined when there is none.
 */
export async function readLockfileIfPresent(home: string): Promise<Lockfile | undefined> {
  const file = agentHomePaths(home).lockfile;
  const bytes = await readIfExists(file);
  return bytes === undefined ? undefined : parseLockfile(bytes.toString("utf8"), file);
}

export async function writeLockfile(home: string, lock: Lockfile): Promise<void> {
  await ensureStateDir(home);
  const checked = lockfileSchema.parse(lock); // never write what we could not read back
  const sorted: Lockfile = { version: 1, skills: {} };
  for (const name of Object.keys(checked.skills).sort()) sorted.skills[name] = checked.skills[name]!;
  await writeFileAtomic(agentHomePaths(home).lockfile, `${JSON.stringify(sorted, null, 2)}\n`);
}

export function lockedSkill(lock: Lockfile, name: string): LockedSkill | undefined {
  return Object.hasOwn(lock.skills, name) ? lock.skills[name] : undefined;
}
