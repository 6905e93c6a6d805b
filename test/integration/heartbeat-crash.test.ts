// kill -9 of a heartbeat process at random points never leaves corrupt state or a lockfile that
// cannot be read, and the next start recovers the stale lock; two heartbeat processes on one
// agent home cannot both run.

import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, readdirSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readState } from "../../src/heartbeat/state.js";
import { approveAllowedOnly, installSkill } from "../../src/remote/install.js";
import { readLockfile } from "../../src/remote/lockfile.js";
import { agentHomePaths } from "../../src/remote/paths.js";
import { builtDist, childScript } from "../fixtures/heartbeat/dist-child.js";
import { MapFetcher, RecordingRunner, fakeScan, testPolicy } from "../fixtures/heartbeat/fakes.js";
import { rng } from "../attacks/shell-fuzz-gen.js";

let dist: string;
const started: ChildProcess[] = [];

beforeAll(() => {
  dist = builtDist();
});
afterAll(() => {
  for (const c of started) if (c.exitCode === null && c.signalCode === null) c.kill("SIGKILL");
});

async function newHome(): Promise<string> {
  const home = mkdtempSync(path.join(os.tmpdir(), "sw-crash-"));
  const fetcher = new MapFetcher();
  fetcher.files.set(
    "https://moltbook.test/skill.md",
    "# S\n\n| HEARTBEAT.md | `https://moltbook.test/heartbeat.md` |\n",
  );
  fetcher.files.set(
    "https://moltbook.test/heartbeat.md",
    "# HB\n\n```bash\ncurl -s https://moltbook.test/api/a\n```\n",
  );
  const policy = testPolicy();
  await installSkill({
    source: "https://moltbook.test/skill.md",
    name: "demo",
    home,
    policy,
    deps: { scan: fakeScan, run: new RecordingRunner().run, fetcher },
    approve: approveAllowedOnly(policy),
  });
  return home;
}

function start(home: string): {
  proc: ChildProcess;
  output: () => string;
  locked: Promise<boolean>;
  exited: Promise<number | null>;
} {
  const proc = spawn(process.execPath, [childScript, home], {
    stdio: ["ignore", "pipe", "pipe"],
    env: {
      ...process.env,
      SKILLWALL_DIST: dist,
      // Auto-approve: the flipping heartbeat rewrites the lockfile and the state all the time.
      SKILLWALL_TEST_POLICY: JSON.stringify(
        testPolicy({
          heartbeat: {
            autoApproveAllowed: true,
            keepOldStepsWhilePending: false,
            steps: [{ id: "feed", run: "echo ok", writes: false }],
          },
        }),
      ),
    },
  });
  started.push(proc);
  let out = "";
  const locked = new Promise<boolean>((resolve) => {
    proc.stdout!.on("data", (d: Buffer) => {
      out += d.toString();
      if (out.includes("locked")) resolve(true);
    });
    proc.once("exit", () => resolve(false));
  });
  proc.stderr!.on("data", (d: Buffer) => (out += d.toString()));
  const exited = new Promise<number | null>((resolve) => proc.once("exit", (code) => resolve(code)));
  return { proc, output: () => out, locked, exited };
}

describe("heartbeat crash safety", () => {
  it("survives 50 kill -9 at random points: state and lockfile always valid, next start recovers", async () => {
    const home = await newHome();
    const pins = new Set<string>();
    // Seeded kill delays (the same 50 on every run); where the child is at each one still depends
    // on the machine's load, which is what a crash test exercises.
    const delay = rng(20261206);
    // 50 kills at 5-65 ms; on a loaded machine the child may not reach a rewrite that fast, so up
    // to 20 more kills with longer delays (200-800 ms) follow until a second set of pins is seen.
    for (let i = 0; i < 70 && (i < 50 || pins.size < 2); i++) {
      const c = start(home);
      expect(await c.locked, `start ${i} could not take the lock: ${c.output()}`).toBe(true);
      await new Promise((r) => setTimeout(r, i < 50 ? 5 + delay() * 60 : 200 + delay() * 600));
      c.proc.kill("SIGKILL");
      await c.exited;
      // Every crash point leaves readable, valid files (readers throw on corruption).
      const lock = await readLockfile(home);
      expect(lock.skills["demo"]?.files).toHaveLength(2);
      pins.add(lock.skills["demo"]!.files.map((f) => f.sha256).join(","));
      const state = await readState(home);
      expect(state.skills["demo"]?.lastCheck).toBeDefined();
    }
    // The child really was rewriting the lockfile (auto-approved flips re-pin the files) while it
    // was being killed: more than one set of pins was seen.
    expect(pins.size).toBeGreaterThan(1);
    // A final clean run recovers and leaves no temp files behind.
    const c = start(home);
    expect(await c.locked).toBe(true);
    c.proc.kill("SIGTERM");
    expect(await c.exited).toBe(0);
    expect(c.output()).toContain("stopped");
    const leftovers = readdirSync(agentHomePaths(home).dir).filter(
      (n) => n.includes(".tmp-") || n.includes(".new-") || n.endsWith(".break"),
    );
    expect(leftovers).toEqual([]);
    const blobTemps = readdirSync(agentHomePaths(home).blobs).filter((n) => n.includes(".tmp-"));
    expect(blobTemps).toEqual([]);
    expect(readdirSync(agentHomePaths(home).dir)).not.toContain("heartbeat.pid");
  }, 120_000);

  it("two heartbeat processes on one agent home cannot both run", async () => {
    const home = await newHome();
    const a = start(home);
    expect(await a.locked).toBe(true);
    const b = start(home);
    expect(await b.locked).toBe(false);
    expect(await b.exited).not.toBe(0);
    expect(b.output()).toMatch(/held by process \d+/);
    a.proc.kill("SIGKILL");
    await a.exited;
    const c = start(home);
    expect(await c.locked).toBe(true); // stale lock of the killed process recovered
    c.proc.kill("SIGTERM");
    await c.exited;
  });
});
