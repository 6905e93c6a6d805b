import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { acquireLock, processStartTime, withLock } from "../../src/heartbeat/lock.js";

const tmp = (): string => mkdtempSync(path.join(os.tmpdir(), "sw-lk-"));

function deadPid(): number {
  const r = spawnSync(process.execPath, ["-e", "process.stdout.write(String(process.pid))"], {
    encoding: "utf8",
  });
  return Number(r.stdout);
}

describe("process lock", () => {
  it("lets one holder in and refuses a second, naming the owner", async () => {
    const file = path.join(tmp(), "hb.pid");
    const a = await acquireLock(file, "heartbeat");
    await expect(acquireLock(file, "heartbeat")).rejects.toMatchObject({ code: "lock-held" });
    await expect(acquireLock(file, "heartbeat")).rejects.toThrow(String(process.pid));
    await a.release();
    const b = await acquireLock(file, "heartbeat");
    expect(JSON.parse(readFileSync(file, "utf8")).pid).toBe(process.pid);
    await b.release();
    expect(existsSync(file)).toBe(false);
  });

  it("recovers a stale lock whose process is dead", async () => {
    const file = path.join(tmp(), "hb.pid");
    writeFileSync(
      file,
      JSON.stringify({ pid: deadPid(), hostname: os.hostname(), startedAt: "x", purpose: "heartbeat" }),
    );
    const lock = await acquireLock(file, "heartbeat");
    expect(lock.owner.pid).toBe(process.pid);
    await lock.release();
  });

  it("recovers a lock whose pid was reused by another process (start time differs)", async () => {
    const file = path.join(tmp(), "hb.pid");
    const start = processStartTime(process.pid);
    expect(start).toBeDefined();
    writeFileSync(
      file,
      JSON.stringify({
        pid: process.pid,
        procStart: "1",
        hostname: os.hostname(),
        startedAt: "x",
        purpose: "old",
      }),
    );
    const lock = await acquireLock(file, "heartbeat");
    expect(lock.owner.procStart).toBe(start);
    await lock.release();
  });

  it("keeps a lock held by a live process on another host (cannot tell: fail closed)", async () => {
    const file = path.join(tmp(), "hb.pid");
    writeFileSync(
      file,
      JSON.stringify({ pid: 1, hostname: "other-host", startedAt: "x", purpose: "heartbeat" }),
    );
    await expect(acquireLock(file, "heartbeat")).rejects.toMatchObject({ code: "lock-held" });
  });

  it("release does not remove a lock that is no longer ours", async () => {
    const file = path.join(tmp(), "hb.pid");
    const lock = await acquireLock(file, "heartbeat");
    writeFileSync(file, "someone else");
    await lock.release();
    expect(readFileSync(file, "utf8")).toBe("someone else");
  });

  it("withLock serialises concurrent critical sections in one process", async () => {
    const dir = tmp();
    const file = path.join(dir, "m.lock");
    let inside = 0;
    let overlap = false;
    await Promise.all(
      Array.from({ length: 8 }, () =>
        withLock(file, "mutate", async () => {
          inside++;
          if (inside > 1) overlap = true;
          await new Promise((r) => setTimeout(r, 3));
          inside--;
        }),
      ),
    );
    expect(overlap).toBe(false);
    expect(readdirSync(dir)).toEqual([]);
  });
});
