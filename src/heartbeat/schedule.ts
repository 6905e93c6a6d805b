// When heartbeats run. An injectable clock (tests advance it; no test waits for hours), the
// next-run arithmetic (interval + jitter; a missed run is caught up ONCE, then the interval
// restarts from now; exponential backoff on fetch failures, capped), and one supervisor that
// serves many agent homes with a single timer and a small semaphore. Its memory does not grow
// with the number of runs: one entry per job, nothing per run is kept.

import { SkillwallError } from "../errors.js";

export interface Clock {
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => {
    const t = setTimeout(fn, ms);
    return t;
  },
  clearTimeout: (h) => clearTimeout(h as ReturnType<typeof setTimeout>),
};

const units: Record<string, number> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** "4h", "10m", "1h30m", "45s", "250ms" → milliseconds. Throws `bad-duration` with the fix. */
export function parseDuration(text: string): number {
  const t = text.trim().toLowerCase();
  let total = 0;
  let rest = t;
  const part = /^(\d+(?:\.\d+)?)(ms|s|m|h|d)/;
  if (rest === "") throw badDuration(text);
  while (rest !== "") {
    const m = part.exec(rest);
    if (m === null) throw badDuration(text);
    total += Number(m[1]) * units[m[2]!]!;
    rest = rest.slice(m[0].length);
  }
  if (!Number.isFinite(total)) throw badDuration(text);
  return Math.round(total);
}

function badDuration(text: string): SkillwallError {
  return new SkillwallError("bad-duration", `not a duration: ${JSON.stringify(text)}`, {
    fix: "write a number with a unit: 4h, 10m, 1h30m, 45s, 250ms",
  });
}

export interface ScheduleOptions {
  everyMs: number;
  jitterMs: number;
  /** First backoff after a failure (default 1 minute). */
  backoffBaseMs: number;
  /** Largest backoff (default: the interval, at most 6 h). */
  backoffCapMs: number;
  /** Uniform [0, 1); injectable for tests. */
  random: () => number;
}

export function scheduleOptions(
  everyMs: number,
  jitterMs = 0,
  overrides: Partial<ScheduleOptions> = {},
): ScheduleOptions {
  if (!(everyMs > 0)) throw badDuration(String(everyMs));
  return {
    everyMs,
    jitterMs: Math.max(0, jitterMs),
    backoffBaseMs: 60_000,
    backoffCapMs: Math.min(Math.max(everyMs, 60_000), 6 * 3_600_000),
    random: Math.random,
    ...overrides,
  };
}

/**
 * The next run after a check at `now`. The interval restarts from now, so however many runs were
 * missed during downtime, exactly one catch-up run happens.
 */
export function nextRunAfterSuccess(now: number, opts: ScheduleOptions): number {
  return now + opts.everyMs + Math.floor(opts.random() * opts.jitterMs);
}

/** Exponential backoff after `failures` consecutive fetch failures (1 → base, 2 → 2×base …), capped. */
export function backoffDelay(failures: number, opts: ScheduleOptions): number {
  const exp = Math.min(Math.max(failures, 1) - 1, 30);
  const delay = Math.min(opts.backoffBaseMs * 2 ** exp, opts.backoffCapMs);
  // A little jitter (up to 10%) so many homes failing together do not retry in lockstep.
  return Math.floor(delay + opts.random() * delay * 0.1);
}

export function nextRunAfterFailure(now: number, failures: number, opts: ScheduleOptions): number {
  return now + backoffDelay(failures, opts);
}

/** A job with no next run recorded is due now. */
export function isDue(nextRun: number | undefined, now: number): boolean {
  return nextRun === undefined || nextRun <= now;
}

// ---------------------------------------------------------------------------------------------
// Supervisor

export interface Job {
  /** Stable identity (the agent home's path). */
  readonly key: string;
  /** Runs one heartbeat; returns when it should run next (ms since epoch). */
  run(signal: AbortSignal): Promise<number>;
}

interface Entry {
  job: Job;
  dueAt: number;
  running: boolean;
  queued: boolean;
}

export interface SupervisorOptions {
  clock?: Clock;
  /** Heartbeats run at the same time (default 2). */
  concurrency?: number;
  /** Called when a job throws (the job is retried after `retryMs`). */
  onError?: (key: string, err: unknown) => void;
  /** Delay before a job that threw runs again (default 60 s). */
  retryMs?: number;
}

const maxTimerMs = 2 ** 31 - 1;

export class Supervisor {
  readonly #clock: Clock;
  readonly #concurrency: number;
  readonly #onError: (key: string, err: unknown) => void;
  readonly #retryMs: number;
  readonly #entries = new Map<string, Entry>();
  readonly #queue: Entry[] = [];
  readonly #abort = new AbortController();
  #timer: unknown = undefined;
  #timerAt = Infinity;
  #active = 0;
  #stopping = false;
  #idle: Array<() => void> = [];
  /** Completed runs (for the benchmark and tests). */
  completed = 0;

  constructor(options: SupervisorOptions = {}) {
    this.#clock = options.clock ?? systemClock;
    this.#concurrency = Math.max(1, options.concurrency ?? 2);
    this.#onError = options.onError ?? (() => undefined);
    this.#retryMs = options.retryMs ?? 60_000;
  }

  /** Adds a job, due at `dueAt` (default now). */
  add(job: Job, dueAt = this.#clock.now()): void {
    if (this.#entries.has(job.key))
      throw new SkillwallError("job-exists", `job ${job.key} is already scheduled`);
    this.#entries.set(job.key, { job, dueAt, running: false, queued: false });
    this.#arm();
  }

  remove(key: string): void {
    this.#entries.delete(key);
    this.#arm();
  }

  get size(): number {
    return this.#entries.size;
  }

  get active(): number {
    return this.#active;
  }

  /** When the next job is due (Infinity when none). */
  nextDue(): number {
    let min = Infinity;
    for (const e of this.#entries.values()) if (!e.running && !e.queued && e.dueAt < min) min = e.dueAt;
    return min;
  }

  /** Runs whatever is due now (the timer calls this; tests may too). */
  tick(): void {
    if (this.#stopping) return;
    const now = this.#clock.now();
    for (const e of this.#entries.values()) {
      if (!e.running && !e.queued && e.dueAt <= now) {
        e.queued = true;
        this.#queue.push(e);
      }
    }
    this.#pump();
    this.#arm();
  }

  #pump(): void {
    while (!this.#stopping && this.#active < this.#concurrency && this.#queue.length > 0) {
      const e = this.#queue.shift()!;
      e.queued = false;
      if (this.#entries.get(e.job.key) !== e) continue; // removed meanwhile
      e.running = true;
      this.#active++;
      void this.#runOne(e);
    }
  }

  async #runOne(e: Entry): Promise<void> {
    try {
      e.dueAt = await e.job.run(this.#abort.signal);
    } catch (err) {
      e.dueAt = this.#clock.now() + this.#retryMs;
      this.#onError(e.job.key, err);
    } finally {
      e.running = false;
      this.#active--;
      this.completed++;
    }
    if (this.#active === 0) for (const resolve of this.#idle.splice(0)) resolve();
    this.tick();
  }

  /** Keeps one timer, armed for the earliest due job. */
  #arm(): void {
    if (this.#stopping) return;
    const due = this.nextDue();
    if (due === this.#timerAt && this.#timer !== undefined) return;
    if (this.#timer !== undefined) this.#clock.clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#timerAt = due;
    if (due === Infinity) return;
    const delay = Math.min(Math.max(0, due - this.#clock.now()), maxTimerMs);
    this.#timer = this.#clock.setTimeout(() => {
      this.#timer = undefined;
      this.#timerAt = Infinity;
      this.tick();
    }, delay);
  }

  /** Resolves when no job is running. */
  async idle(): Promise<void> {
    if (this.#active === 0) return;
    await new Promise<void>((resolve) => this.#idle.push(resolve));
  }

  /**
   * Graceful stop: no new runs; running ones get `graceMs` to finish, then their signal is
   * aborted (the runner kills the container, the heartbeat saves state). Resolves when all ended.
   */
  async stop(graceMs = 10_000): Promise<void> {
    this.#stopping = true;
    this.#queue.length = 0;
    if (this.#timer !== undefined) this.#clock.clearTimeout(this.#timer);
    this.#timer = undefined;
    if (this.#active === 0) return;
    const grace = setTimeout(
      () => this.#abort.abort(new SkillwallError("stopping", "skillwall is stopping")),
      graceMs,
    );
    try {
      await this.idle();
    } finally {
      clearTimeout(grace);
    }
  }
}
