import { describe, expect, it } from "vitest";
import { sandboxDefaults } from "../../src/limits.js";
import { resolveLimits } from "../../src/run/limits.js";
import { reapStale } from "../../src/run/reaper.js";
import { buildStepSpec } from "../../src/run/spec.js";
import { FakeClient } from "../fixtures/run/fake-client.js";

describe("resolveLimits", () => {
  it("uses the defaults, overridden by the policy, then by explicit overrides", () => {
    expect(resolveLimits(undefined)).toEqual(sandboxDefaults);
    const l = resolveLimits({ pids: 64, timeoutMs: 5_000 }, { timeoutMs: 1_000 });
    expect(l.pids).toBe(64);
    expect(l.timeoutMs).toBe(1_000);
    expect(l.memoryBytes).toBe(sandboxDefaults.memoryBytes);
  });

  it("refuses unusable values instead of falling back to the default", () => {
    expect(() => resolveLimits({ pids: 0 })).toThrow(/sandbox.pids must be a number >= 8/);
    expect(() => resolveLimits({ memoryBytes: Number.NaN })).toThrow(/memoryBytes/);
  });

  it("never gives a container less memory+swap than memory", () => {
    expect(resolveLimits({ memoryBytes: 1024 ** 3 }).memorySwapBytes).toBe(1024 ** 3);
  });

  it("turns the limits into the container's cgroup and rlimit settings", () => {
    const limits = resolveLimits({
      memoryBytes: 100 << 20,
      pids: 50,
      cpus: 0.5,
      fileSizeBytes: 1 << 20,
      openFiles: 99,
    });
    const spec = buildStepSpec({
      image: "img",
      runId: "r",
      stepLabel: "s",
      script: "true",
      env: new Map(),
      limits,
      seccompJson: "{}",
      user: { uid: 1000, gid: 1000 },
    });
    expect([spec.HostConfig.Memory, spec.HostConfig.PidsLimit, spec.HostConfig.NanoCpus]).toEqual([
      100 << 20,
      50,
      5e8,
    ]);
    expect(spec.HostConfig.Ulimits.find((u) => u.Name === "fsize")).toEqual({
      Name: "fsize",
      Soft: 1 << 20,
      Hard: 1 << 20,
    });
    expect(spec.HostConfig.Ulimits.find((u) => u.Name === "nofile")?.Hard).toBe(99);
    expect(spec.HostConfig.Tmpfs["/tmp"]).toContain(`size=${limits.tmpBytes}`);
  });
});

describe("reapStale", () => {
  async function seed(client: FakeClient, labels: Record<string, string>): Promise<string> {
    const spec = buildStepSpec({
      image: "img",
      runId: labels.run ?? "r",
      stepLabel: "s",
      script: "true",
      env: new Map(),
      limits: resolveLimits(undefined),
      seccompJson: "{}",
      user: { uid: 1000, gid: 1000 },
    });
    for (const [k, v] of Object.entries(labels)) if (k !== "run") spec.Labels[`skillwall.${k}`] = v;
    return client.create(spec);
  }

  it("removes containers whose owner is provably dead, whatever their age, and keeps the rest", async () => {
    const client = new FakeClient();
    const now = 1_000_000_000;
    const day = 24 * 60 * 60_000;
    // pid 222 lives and started at tick 500; 333 lives but started at 900 (a reused pid).
    const probe = {
      hostname: () => "h",
      bootId: () => "boot-1",
      startTime: (pid: number) => (pid === 222 ? "500" : pid === 333 ? "900" : undefined),
    };
    const owner = (pid: string, start: string, extra: Record<string, string> = {}) => ({
      pid,
      "pid-start": start,
      boot: "boot-1",
      host: "h",
      created: String(now - 1_000),
      ...extra,
    });
    const dead = await seed(client, { run: "a", ...owner("111", "400") });
    const alive = await seed(client, { run: "b", ...owner("222", "500") });
    const otherHost = await seed(client, { run: "c", ...owner("111", "400", { host: "elsewhere" }) });
    const oldButAlive = await seed(client, {
      run: "d",
      ...owner("222", "500", { created: String(now - 30 * day) }),
    });
    const reused = await seed(client, { run: "e", ...owner("333", "800") });
    const otherBoot = await seed(client, { run: "f", ...owner("222", "500", { boot: "boot-0" }) });
    const legacyAlive = await seed(client, { run: "g", ...owner("222", "") });
    const reaped = await reapStale(client, { probe });
    expect(reaped.sort()).toEqual([dead, reused, otherBoot].sort());
    expect([...client.containers.keys()].sort()).toEqual([alive, otherHost, oldButAlive, legacyAlive].sort());
  });
});
