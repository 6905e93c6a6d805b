import { describe, expect, it } from "vitest";
import {
  Supervisor,
  backoffDelay,
  isDue,
  nextRunAfterSuccess,
  parseDuration,
  scheduleOptions,
  type Job,
} from "../../src/heartbeat/schedule.js";
import { FakeClock, settle } from "../fixtures/heartbeat/fake-clock.js";

const H = 3_600_000;
const M = 60_000;

describe("durations", () => {
  it("parses units and compounds", () => {
    expect(parseDuration("4h")).toBe(4 * H);
    expect(parseDuration("10m")).toBe(10 * M);
    expect(parseDuration("1h30m")).toBe(90 * M);
    expect(parseDuration("250ms")).toBe(250);
  });
  it.each(["", "4", "h", "4x", "-1h", "1h junk"])("refuses %j with the fix", (t) => {
    expect(() => parseDuration(t)).toThrow(/not a duration/);
  });
});

describe("next run", () => {
  const opts = scheduleOptions(4 * H, 10 * M, { random: () => 0.5 });
  it("adds the interval and jitter within bounds", () => {
    expect(nextRunAfterSuccess(0, opts)).toBe(4 * H + 5 * M);
    const lo = scheduleOptions(4 * H, 10 * M, { random: () => 0 });
    const hi = scheduleOptions(4 * H, 10 * M, { random: () => 0.999999 });
    expect(nextRunAfterSuccess(0, lo)).toBe(4 * H);
    expect(nextRunAfterSuccess(0, hi)).toBeLessThan(4 * H + 10 * M);
  });
  it("backoff grows exponentially and is capped", () => {
    const o = scheduleOptions(4 * H, 0, { random: () => 0, backoffBaseMs: M, backoffCapMs: 30 * M });
    const delays = [1, 2, 3, 4, 5, 6, 7, 50].map((f) => backoffDelay(f, o));
    expect(delays.slice(0, 5)).toEqual([M, 2 * M, 4 * M, 8 * M, 16 * M]);
    expect(delays[5]).toBe(30 * M);
    expect(delays[7]).toBe(30 * M);
  });
  it("a job with no next run is due", () => {
    expect(isDue(undefined, 0)).toBe(true);
    expect(isDue(10, 9)).toBe(false);
  });
});

function countingJob(key: string, clock: FakeClock, every: number, runs: number[]): Job {
  return {
    key,
    run: async () => {
      runs.push(clock.now());
      return clock.now() + every;
    },
  };
}

describe("Supervisor", () => {
  it("catches up ONCE after downtime, then runs on the interval from the catch-up", async () => {
    const clock = new FakeClock();
    const sup = new Supervisor({ clock });
    const runs: number[] = [];
    // Last planned run was 10 intervals ago (the machine was off).
    sup.add(countingJob("home", clock, 4 * H, runs), clock.now() - 40 * H);
    await clock.advance(1);
    expect(runs).toHaveLength(1);
    await clock.advance(4 * H - 10);
    expect(runs).toHaveLength(1);
    await clock.advance(10);
    expect(runs).toHaveLength(2);
    await clock.advance(8 * H);
    expect(runs).toHaveLength(4);
  });

  it("uses one timer for many jobs and bounds concurrency", async () => {
    const clock = new FakeClock();
    const sup = new Supervisor({ clock, concurrency: 3 });
    let active = 0;
    let peak = 0;
    let done = 0;
    const releases: Array<() => void> = [];
    for (let i = 0; i < 20; i++) {
      sup.add({
        key: `h${i}`,
        run: async () => {
          active++;
          peak = Math.max(peak, active);
          await new Promise<void>((r) => releases.push(r));
          active--;
          done++;
          return clock.now() + H;
        },
      });
      expect(clock.pendingTimers).toBeLessThanOrEqual(1);
    }
    await clock.advance(0);
    while (done < 20) {
      expect(active).toBeLessThanOrEqual(3);
      releases.splice(0).forEach((r) => r());
      await settle();
    }
    expect(peak).toBe(3);
    expect(clock.pendingTimers).toBe(1);
    expect(sup.nextDue()).toBe(clock.now() + H);
  });

  it("retries a job that throws after retryMs and reports the error", async () => {
    const clock = new FakeClock();
    const errors: string[] = [];
    const sup = new Supervisor({ clock, retryMs: 5 * M, onError: (k) => errors.push(k) });
    let n = 0;
    sup.add({
      key: "bad",
      run: async () => {
        n++;
        throw new Error("boom");
      },
    });
    await clock.advance(0);
    expect(n).toBe(1);
    await clock.advance(5 * M);
    expect(n).toBe(2);
    expect(errors).toEqual(["bad", "bad"]);
  });

  it("stop() lets the running job finish, then aborts it after the grace period", async () => {
    const clock = new FakeClock();
    const sup = new Supervisor({ clock });
    let aborted = false;
    sup.add({
      key: "long",
      run: (signal) =>
        new Promise<number>((resolve) => {
          signal.addEventListener("abort", () => {
            aborted = true;
            resolve(clock.now());
          });
        }),
    });
    await clock.advance(0);
    expect(sup.active).toBe(1);
    await sup.stop(20);
    expect(aborted).toBe(true);
    expect(sup.active).toBe(0);
    expect(clock.pendingTimers).toBe(0);
  });
});
