// The workspace a step writes to has a quota (bytes and inodes) and no setuid or devices: a
// step writing past the quota fails and the host disk does not take more than the quota; a step
// creating files without end hits the inode limit; the mount is nosuid,nodev and shows no host
// path; a device node in it cannot be opened. Real containers, real loop-mounted ext4.

import { execFileSync } from "node:child_process";
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { chown, mkdir, readdir, readFile, stat, writeFile } from "node:fs/promises";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { executeContainer } from "../../src/run/execute.js";
import { resolveLimits } from "../../src/run/limits.js";
import { runSteps } from "../../src/run/runner.js";
import { loadSeccompProfile } from "../../src/run/seccomp.js";
import { buildStepSpec } from "../../src/run/spec.js";
import { openWorkspaceVolume, reapWorkspaceVolumes } from "../../src/run/workspace-volume.js";
import { bashStep } from "../fixtures/run/judged.js";
import { docker, tempAgentHome, testPolicy, type DockerFixture } from "./sandbox-docker.js";

let d: DockerFixture;
beforeAll(async () => {
  d = await docker();
});

const relDir = ".moltbot/skills/quota";
const quota = { bytes: 32 * 1024 * 1024, inodes: 2_000 };
const policy = testPolicy({ sandbox: { timeoutMs: 30_000, fileSizeBytes: 256 * 1024 * 1024 } });

/** Bytes allocated on the host disk under a directory (du), so sparse files count as they are. */
function diskBytes(dir: string): number {
  return Number(execFileSync("du", ["-s", "-B1", dir]).toString().split("\t")[0]);
}

/** The workspace filesystems mounted right now. */
function loopWorkspaces(): string[] {
  return execFileSync("cat", ["/proc/self/mountinfo"])
    .toString()
    .split("\n")
    .filter((l) => l.includes("/skillwall-wsfs-"));
}

describe("workspace quota", () => {
  it("stops a step writing past the byte quota; the host disk grows by less than the quota", async () => {
    const home = await tempAgentHome();
    await mkdir(path.join(home, relDir), { recursive: true });
    await writeFile(path.join(home, relDir, "SKILL.md"), "# quota\n");
    const mountsBefore = loopWorkspaces();
    const result = await runSteps(
      [
        bashStep(
          "head -c 100000000 /dev/zero > big.bin; echo rc=$?; ls -la SKILL.md >/dev/null && echo kept",
        ),
      ],
      {
        client: d.client,
        image: d.image,
        policy,
        workspace: { agentHome: home, relDir },
        workspaceQuota: quota,
      },
    );
    const step = result.steps[0]!;
    expect(step.stdout).toMatch(/rc=1\nkept\n/);
    expect(step.stderr).toContain("No space left on device");
    // What was written came back, cut at the quota; the rest never reached the disk.
    const big = await stat(path.join(home, relDir, "big.bin"));
    expect(big.size).toBeLessThanOrEqual(quota.bytes);
    expect(diskBytes(path.join(home, relDir))).toBeLessThanOrEqual(quota.bytes + 1024 * 1024);
    expect(await readFile(path.join(home, relDir, "SKILL.md"), "utf8")).toBe("# quota\n");
    // The filesystem is unmounted after the run (and its image file deleted with its directory).
    expect(loopWorkspaces()).toEqual(mountsBefore);
  }, 120_000);

  it("stops a step creating files without end at the inode limit", async () => {
    const home = await tempAgentHome();
    const result = await runSteps(
      [
        bashStep(
          "mkdir many; cd many; for i in $(seq 1 20000); do : > f$i || { echo stopped-at=$i; break; }; done",
        ),
      ],
      {
        client: d.client,
        image: d.image,
        policy,
        workspace: { agentHome: home, relDir },
        workspaceQuota: quota,
      },
    );
    const step = result.steps[0]!;
    const m = /stopped-at=(\d+)/.exec(step.stdout);
    expect(m, step.stdout + step.stderr).not.toBeNull();
    expect(Number(m![1])).toBeLessThanOrEqual(quota.inodes + 64);
    expect(step.stderr).toContain("No space left on device");
    expect((await readdir(path.join(home, relDir, "many"))).length).toBeLessThanOrEqual(quota.inodes);
  }, 180_000);
});

describe("workspace mount", () => {
  it("is nosuid,nodev, shows no host path in mountinfo, and its device nodes do not open", async () => {
    const home = await tempAgentHome();
    const result = await runSteps(
      [bashStep("grep ' /home/agent/.moltbot/skills/quota ' /proc/self/mountinfo")],
      {
        client: d.client,
        image: d.image,
        policy,
        workspace: { agentHome: home, relDir },
        workspaceQuota: quota,
      },
    );
    const line = result.steps[0]!.stdout.trim();
    expect(line).not.toBe("");
    const fields = line.split(" ");
    // Field 4 is the root of the mount in its filesystem, 6 the per-mount options.
    expect(fields[3]).toBe("/");
    expect(fields[5]!.split(",")).toEqual(expect.arrayContaining(["nosuid", "nodev"]));
    expect(line).not.toContain(home);

    // A device node in the workspace filesystem (what a planted node would be): it does not open.
    const workspace = {
      hostDir: path.join(home, relDir),
      relDir,
      containerDir: `/home/agent/${relDir}`,
      agentHome: home,
    };
    const limits = resolveLimits(policy.sandbox);
    const seccompJson = loadSeccompProfile().json;
    const user = { uid: 1000, gid: 1000 };
    const volume = await openWorkspaceVolume({
      client: d.client,
      image: d.image,
      runId: `nodev${process.pid}`,
      seccompJson,
      user,
      limits,
      workspace,
      quota,
    });
    try {
      execFileSync("mknod", ["-m", "666", path.join(volume.workspace.hostDir, "null"), "c", "1", "3"]);
      const id = await d.client.create(
        buildStepSpec({
          image: d.image,
          runId: `nodev${process.pid}`,
          stepLabel: "nodev",
          script: "echo x > null && echo opened || echo refused",
          env: new Map(),
          limits,
          seccompJson,
          workspace: volume.workspace,
          user,
        }),
      );
      try {
        const r = await executeContainer(d.client, id, { timeoutMs: 20_000, outputBytes: 4096 });
        expect(r.stdout).toBe("refused\n");
        expect(r.stderr).toContain("Permission denied");
      } finally {
        await d.client.remove(id);
      }
    } finally {
      execFileSync("rm", ["-f", path.join(volume.workspace.hostDir, "null")]);
      await volume.close();
    }
  }, 120_000);
});

describe("workspace filesystems of a crashed run", () => {
  it("are unmounted and deleted when their owner is dead, and kept while it lives", async () => {
    const home = await tempAgentHome();
    const open = () =>
      openWorkspaceVolume({
        client: d.client,
        image: d.image,
        runId: `reap${process.pid}`,
        seccompJson: loadSeccompProfile().json,
        user: { uid: 1000, gid: 1000 },
        limits: resolveLimits(policy.sandbox),
        workspace: {
          hostDir: path.join(home, relDir),
          relDir,
          containerDir: `/home/agent/${relDir}`,
          agentHome: home,
        },
        quota,
      });
    await mkdir(path.join(home, relDir), { recursive: true });
    // As prepareWorkspace leaves it: owned by the container user.
    await chown(path.join(home, relDir), 1000, 1000);
    const live = await open();
    const crashed = await open();
    try {
      // What a supervisor that died mid-run leaves: its owner.json names a pid that is gone.
      const child = spawn(process.execPath, ["-e", ""]);
      const deadPid = await new Promise<number>((r) => child.on("exit", () => r(child.pid as number)));
      const crashedDir = path.dirname(crashed.workspace.hostDir);
      const labels = JSON.parse(await readFile(path.join(crashedDir, "owner.json"), "utf8")) as Record<
        string,
        string
      >;
      await writeFile(
        path.join(crashedDir, "owner.json"),
        JSON.stringify({ ...labels, "skillwall.pid": String(deadPid) }),
      );
      const reaped = await reapWorkspaceVolumes();
      expect(reaped).toEqual([crashedDir]);
      expect(existsSync(crashedDir)).toBe(false);
      expect(loopWorkspaces().some((l) => l.includes(crashedDir))).toBe(false);
      expect(loopWorkspaces().some((l) => l.includes(path.dirname(live.workspace.hostDir)))).toBe(true);
    } finally {
      await live.close();
      await crashed.close().catch(() => undefined);
    }
  }, 120_000);
});
