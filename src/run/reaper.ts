// Leftover containers of runs that crashed (the supervisor died before removing them). Every
// container carries the run id, the supervisor's pid and host, and its creation time.

import os from "node:os";
import type { ContainerClient } from "./container-client.js";
import { labelKeys } from "./spec.js";

export interface ReapOptions {
  /** Containers older than this are removed whoever owns them (default 30 minutes). */
  maxAgeMs?: number;
  now?: number;
  hostname?: string;
  /** Whether a pid on this host is alive (tests replace it). */
  isAlive?: (pid: number) => boolean;
}

export function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: it exists but belongs to someone else.
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** Remove containers of dead or stale runs; returns the ids removed. */
export async function reapStale(client: ContainerClient, opts: ReapOptions = {}): Promise<string[]> {
  const maxAge = opts.maxAgeMs ?? 30 * 60_000;
  const now = opts.now ?? Date.now();
  const host = opts.hostname ?? os.hostname();
  const alive = opts.isAlive ?? pidAlive;
  const rows = await client.list({ [labelKeys.run]: true });
  const doomed = rows.filter((c) => {
    const created = Number(c.labels[labelKeys.created] ?? c.created * 1000);
    if (Number.isFinite(created) && now - created > maxAge) return true;
    const pid = Number(c.labels[labelKeys.pid]);
    // Only a pid on this host says anything; elsewhere the age rule decides.
    return (
      c.labels[labelKeys.host] === host &&
      Number.isInteger(pid) &&
      pid > 0 &&
      pid !== process.pid &&
      !alive(pid)
    );
  });
  await Promise.all(doomed.map((c) => client.remove(c.id).catch(() => undefined)));
  return doomed.map((c) => c.id);
}

/** Kill and remove every container of one run (SIGINT/SIGTERM, or the end of a run). */
export async function removeRunContainers(client: ContainerClient, runId: string): Promise<string[]> {
  const rows = await client.list({ [labelKeys.run]: runId });
  await Promise.all(rows.map((c) => client.remove(c.id).catch(() => undefined)));
  return rows.map((c) => c.id);
}
