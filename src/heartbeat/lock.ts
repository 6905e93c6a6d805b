// Exclusive lock files with stale-lock recovery. The lock appears atomically with its content
// (written to a temp file, then hard-linked to the lock name: link fails if the name exists), so
// it is never seen empty. It records pid + process start time; a lock whose process is gone (or
// whose pid now belongs to another process) is stale and is broken under a second "breaker"
// lock, re-checking that it is still the same stale lock before removing it.

import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { promises as fs } from "node:fs";
import os from "node:os";
import path from "node:path";
import { SkillwallError } from "../errors.js";
import { processAlive, removeDeadWriterTemps } from "../remote/atomic-file.js";

export interface LockOwner {
  pid: number;
  /** Kernel start time of the process (Linux /proc), to tell a reused pid from the owner. */
  procStart?: string;
  hostname: string;
  startedAt: string;
  purpose: string;
}

export interface LockHandle extends AsyncDisposable {
  readonly file: string;
  readonly owner: LockOwner;
  release(): Promise<void>;
}

export function processStartTime(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return fields[19]; // field 22 of stat(5), counted after "pid (comm)"
  } catch {
    return undefined;
  }
}

/** Whether the recorded owner is still running (same pid and same start time, on this host). */
export function ownerAlive(owner: LockOwner): boolean {
  if (owner.hostname !== os.hostname()) return true; // cannot tell: fail closed, keep the lock
  if (!processAlive(owner.pid)) return false;
  if (owner.procStart === undefined) return true;
  const now = processStartTime(owner.pid);
  return now === undefined || now === owner.procStart;
}

function parseOwner(text: string): LockOwner | undefined {
  try {
    const v = JSON.parse(text) as Partial<LockOwner>;
    if (typeof v.pid !== "number" || typeof v.hostname !== "string") return undefined;
    return v as LockOwner;
  } catch {
    return undefined;
  }
}

async function readText(file: string): Promise<string | undefined> {
  try {
    return await fs.readFile(file, "utf8");
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw err;
  }
}

/** Creates `file` with `content` only if it does not exist. */
async function createExclusive(file: string, content: string): Promise<boolean> {
  const temp = `${file}.new-${process.pid}-${randomBytes(4).toString("hex")}`;
  await fs.writeFile(temp, content, { mode: 0o600 });
  try {
    await fs.link(temp, file);
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "EEXIST") return false;
    throw err;
  } finally {
    // Our own temp name: already gone is fine (a lost race must not turn into a crash).
    await fs.rm(temp, { force: true }).catch(() => undefined);
  }
}

/** Removes the lock at `file` if it is still exactly `staleText`. Returns whether it was removed. */
async function breakStale(file: string, staleText: string, me: string): Promise<boolean> {
  const breaker = `${file}.break`;
  if (!(await createExclusive(breaker, me))) {
    const other = parseOwner((await readText(breaker)) ?? "");
    if (other === undefined || !ownerAlive(other)) await fs.rm(breaker, { force: true });
    return false; // someone else is breaking it; retry
  }
  try {
    if ((await readText(file)) !== staleText) return false;
    await fs.rm(file, { force: true });
    return true;
  } finally {
    await fs.rm(breaker, { force: true });
  }
}

/**
 * Takes the lock or throws `lock-held` naming the owner. Stale locks are recovered.
 */
export async function acquireLock(file: string, purpose: string): Promise<LockHandle> {
  await fs.mkdir(path.dirname(file), { recursive: true });
  const procStart = processStartTime(process.pid);
  const owner: LockOwner = {
    pid: process.pid,
    ...(procStart === undefined ? {} : { procStart }),
    hostname: os.hostname(),
    startedAt: new Date().toISOString(),
    purpose,
  };
  const text = JSON.stringify(owner);
  for (let attempt = 0; attempt < 20; attempt++) {
    if (await createExclusive(file, text)) return handle(file, owner, text);
    const existingText = await readText(file);
    if (existingText === undefined) continue; // released meanwhile
    const existing = parseOwner(existingText);
    if (existing !== undefined && ownerAlive(existing)) {
      throw new SkillwallError(
        "lock-held",
        `${purpose}: ${file} is held by process ${existing.pid} (${existing.purpose}, since ${existing.startedAt})`,
        { fix: `wait for process ${existing.pid} to finish, or stop it; only one may run per agent home` },
      );
    }
    await breakStale(file, existingText, text);
  }
  throw new SkillwallError("lock-contended", `${purpose}: could not take ${file}`, { fix: "retry" });
}

function handle(file: string, owner: LockOwner, text: string): LockHandle {
  let released = false;
  const release = async (): Promise<void> => {
    if (released) return;
    released = true;
    // Only remove the lock if it is still ours (a stale-breaker could have replaced it).
    if ((await readText(file)) === text) await fs.rm(file, { force: true });
  };
  return { file, owner, release, [Symbol.asyncDispose]: release };
}

/** Waits (polling with a small backoff) for a short-lived lock, then runs `fn` under it. */
export async function withLock<T>(
  file: string,
  purpose: string,
  fn: () => Promise<T>,
  timeoutMs = 10_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let wait = 2;
  for (;;) {
    let lock: LockHandle;
    try {
      lock = await acquireLock(file, purpose);
    } catch (err) {
      if (!(err instanceof SkillwallError) || Date.now() > deadline) throw err;
      await new Promise((r) => setTimeout(r, wait));
      wait = Math.min(wait * 2, 100);
      continue;
    }
    try {
      return await fn();
    } finally {
      await lock.release();
    }
  }
}

/** Removes leftovers of a crash between writing the temp lock file and linking it. */
export async function removeStaleLockTemps(file: string): Promise<void> {
  await removeDeadWriterTemps(file, ".new-");
}

/** Removes a stale-breaker file left by a process that died while breaking a lock. */
export async function removeStaleBreaker(file: string): Promise<void> {
  const breaker = `${file}.break`;
  const text = await readText(breaker);
  if (text === undefined) return;
  const owner = parseOwner(text);
  if (owner === undefined || !ownerAlive(owner)) await fs.rm(breaker, { force: true });
}
