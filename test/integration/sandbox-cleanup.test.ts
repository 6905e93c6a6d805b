// No container outlives its run: after a normal run, a failed run, an interrupted run (SIGTERM
// to the supervisor), and leftovers of a crashed supervisor are reaped at the next start.

import { spawn, execFile } from "node:child_process";
import { mkdtemp, symlink, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { fileURLToPath } from "node:url";
import { beforeAll, describe, expect, it } from "vitest";
import { reapStale } from "../../src/run/reaper.js";
import { runSteps } from "../../src/run/runner.js";
import { loadSeccompProfile } from "../../src/run/seccomp.js";
import { buildStepSpec, labelKeys } from "../../src/run/spec.js";
import { resolveLimits } from "../../src/run/limits.js";
import { bashStep } from "../fixtures/run/judged.js";
import { docker, testPolicy, type DockerFixture } from "./sandbox-docker.js";

const repoRoot = fileURLToPath(new URL("../..", import.meta.url));
let d: DockerFixture;
beforeAll(async () => {
  d = await docker();
});

async function containersOf(runId: string): Promise<string[]> {
  return (await d.client.list({ [labelKeys.run]: runId })).map((c) => c.id);
}

describe("cleanup", () => {
  it("leaves no container after a normal run", async () => {
    const runId = `test-normal-${process.pid}`;
    const result = await runSteps([bashStep("echo one"), bashStep("echo two"), bashStep("echo three")], {
      client: d.client,
      image: d.image,
      policy: testPolicy(),
      runId,
    });
    expect(result.steps.map((s) => s.outcome)).toEqual(["ok", "ok", "ok"]);
    expect(await containersOf(runId)).toEqual([]);
  });

  it("leaves no container after a failed run, including the pre-created ones", async () => {
    const runId = `test-failed-${process.pid}`;
    const steps = [bashStep("exit 3"), ...Array.from({ length: 4 }, (_, i) => bashStep(`echo ${i}`))];
    const result = await runSteps(steps, {
      client: d.client,
      image: d.image,
      policy: testPolicy(),
      runId,
      lookahead: 4,
    });
    expect(result.steps.map((s) => s.outcome)).toEqual([
      "failed",
      "skipped",
      "skipped",
      "skipped",
      "skipped",
    ]);
    expect(result.steps[0]?.exitCode).toBe(3);
    expect(await containersOf(runId)).toEqual([]);
  });

  it("kills and removes the run's containers on SIGTERM", async () => {
    const out = await mkdtemp(path.join(os.tmpdir(), "skillwall-child-"));
    await writeFile(
      path.join(out, "tsconfig.json"),
      JSON.stringify({
        extends: path.join(repoRoot, "tsconfig.json"),
        compilerOptions: {
          rootDir: repoRoot,
          outDir: out,
          noEmit: false,
          declaration: false,
          sourceMap: false,
          typeRoots: [path.join(repoRoot, "node_modules/@types")],
        },
        files: [path.join(repoRoot, "test/integration/sandbox-cleanup-child.ts")],
        include: [],
      }),
    );
    await writeFile(path.join(out, "package.json"), '{"type":"module"}');
    await symlink(path.join(repoRoot, "node_modules"), path.join(out, "node_modules"));
    await symlink(path.join(repoRoot, "seccomp"), path.join(out, "seccomp"));
    await promisify(execFile)(process.execPath, [
      path.join(repoRoot, "node_modules/typescript/bin/tsc"),
      "-p",
      out,
    ]);

    const runId = `test-sigterm-${process.pid}`;
    const child = spawn(
      process.execPath,
      [path.join(out, "test/integration/sandbox-cleanup-child.js"), d.image, runId],
      {
        stdio: ["ignore", "pipe", "pipe"],
      },
    );
    let stdout = "";
    let stderr = "";
    child.stderr.on("data", (b: Buffer) => (stderr += b.toString()));
    const started = new Promise<void>((resolve, reject) => {
      child.stdout.on("data", (b: Buffer) => {
        stdout += b.toString();
        if (stdout.includes("step-started")) resolve();
      });
      child.on("exit", () => reject(new Error(`child exited early: ${stderr}`)));
    });
    const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
    await started;
    // Wait until the step's container really runs.
    for (let i = 0; i < 50; i++) {
      const rows = await d.client.list({ [labelKeys.run]: runId });
      if (rows.some((r) => r.state === "running")) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    expect((await containersOf(runId)).length).toBeGreaterThan(0);
    child.kill("SIGTERM");
    expect(await exited).toBe(143);
    expect(stdout).toContain('["aborted","skipped"]');
    expect(await containersOf(runId)).toEqual([]);
  }, 60_000);

  it("reaps the containers of a supervisor that died", async () => {
    const runId = `test-crashed-${process.pid}`;
    const dead = spawn(process.execPath, ["-e", ""]);
    const deadPid = await new Promise<number>((resolve) =>
      dead.on("exit", () => resolve(dead.pid as number)),
    );
    const spec = buildStepSpec({
      image: d.image,
      runId,
      stepLabel: "orphan",
      script: "sleep 30",
      env: new Map(),
      limits: resolveLimits({}),
      seccompJson: loadSeccompProfile().json,
      user: { uid: 1000, gid: 1000 },
    });
    spec.Labels[labelKeys.pid] = String(deadPid);
    const orphan = await d.client.create(spec);
    await d.client.start(orphan);
    const mine = await d.client.create(
      buildStepSpec({
        ...{ image: d.image, runId: `${runId}-alive`, stepLabel: "alive", script: "true" },
        env: new Map(),
        limits: resolveLimits({}),
        seccompJson: loadSeccompProfile().json,
        user: { uid: 1000, gid: 1000 },
      }),
    );
    try {
      // Another test file's run may reap the orphan first; either way it must be gone, and a
      // container whose supervisor is alive must stay.
      await reapStale(d.client);
      expect(await containersOf(runId)).toEqual([]);
      expect((await d.client.inspect(mine)).status).toBe("created");
    } finally {
      await d.client.remove(mine);
      await d.client.remove(orphan);
    }
  });
});
