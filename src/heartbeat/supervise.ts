// The heartbeat process: takes the one-per-home lock of every agent home it serves, then either
// checks each home once (`--once`) or keeps a Supervisor running until `stop` is signalled
// (SIGTERM): running heartbeats get a grace period, then their containers are killed, state is
// saved and the locks are released.

import type { Policy } from "../policy/types.js";
import type { RemoteDeps } from "../remote/deps.js";
import { agentHomePaths } from "../remote/paths.js";
import { ensureStateDir } from "../remote/state-dir.js";
import { HeartbeatRunner, ScanCache, type HomeHeartbeatReport } from "./heartbeat.js";
import { acquireLock, removeStaleLockTemps, type LockHandle } from "./lock.js";
import { Supervisor, type Clock, type ScheduleOptions } from "./schedule.js";

export interface SuperviseOptions {
  homes: string[];
  policy: Policy;
  deps: RemoteDeps;
  schedule: ScheduleOptions;
  once: boolean;
  concurrency?: number;
  clock?: Clock;
  /** Aborting it stops the loop gracefully. */
  stop?: AbortSignal;
  graceMs?: number;
  onReport?: (report: HomeHeartbeatReport) => void;
  /** Runs after a home's pins were refreshed (the agent's own turn); its failure is reported, not fatal. */
  afterHeartbeat?: (report: HomeHeartbeatReport, signal: AbortSignal) => Promise<void>;
  onError?: (home: string, err: unknown) => void;
}

export async function superviseHomes(opts: SuperviseOptions): Promise<HomeHeartbeatReport[]> {
  const locks: LockHandle[] = [];
  const reports: HomeHeartbeatReport[] = [];
  const cache = new ScanCache();
  try {
    for (const home of opts.homes) {
      await ensureStateDir(home);
      const file = agentHomePaths(home).processLock;
      await removeStaleLockTemps(file);
      locks.push(await acquireLock(file, `skillwall heartbeat ${home}`));
    }
    if (opts.once) {
      for (const home of opts.homes) {
        const report = await new HeartbeatRunner(
          { home, policy: opts.policy, deps: opts.deps, schedule: opts.schedule, force: true },
          cache,
        ).run();
        opts.onReport?.(report);
        await after(opts, report, opts.stop ?? new AbortController().signal);
        reports.push(report);
      }
      return reports;
    }
    const sup = new Supervisor({
      ...(opts.clock === undefined ? {} : { clock: opts.clock }),
      concurrency: opts.concurrency ?? 2,
      onError: (key, err) => opts.onError?.(key, err),
    });
    const now = (): number => (opts.clock ?? { now: Date.now }).now();
    for (const home of opts.homes) {
      sup.add({
        key: home,
        run: async (signal) => {
          const report = await new HeartbeatRunner(
            { home, policy: opts.policy, deps: opts.deps, schedule: opts.schedule, signal },
            cache,
          ).run();
          opts.onReport?.(report);
          await after(opts, report, signal);
          // Nothing installed yet: look again after one interval.
          return Number.isFinite(report.nextRun) ? report.nextRun : now() + opts.schedule.everyMs;
        },
      });
    }
    await new Promise<void>((resolve) => {
      if (opts.stop?.aborted) resolve();
      opts.stop?.addEventListener("abort", () => resolve(), { once: true });
    });
    await sup.stop(opts.graceMs ?? 10_000);
    return reports;
  } finally {
    for (const l of locks) await l.release();
  }
}

async function after(
  opts: SuperviseOptions,
  report: HomeHeartbeatReport,
  signal: AbortSignal,
): Promise<void> {
  if (opts.afterHeartbeat === undefined || report.skills.length === 0) return;
  try {
    await opts.afterHeartbeat(report, signal);
  } catch (err) {
    opts.onError?.(report.home, err);
  }
}
