// The start-up reaper removes what belongs to a dead owner and nothing else: a live owner keeps
// its container and its step network however old they are (a long `wrap`), and a live pid that
// is another process than the one that created the container (pid reuse) does not keep it alive.

import { spawn, type ChildProcess } from "node:child_process";
import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { internalNetworkSpec } from "../../src/egress/network.js";
import { iptablesFirewall } from "../../src/run/firewall.js";
import { resolveLimits } from "../../src/run/limits.js";
import { ownerLabelKeys, procOwnerProbe, statStartTime } from "../../src/run/owner.js";
import { reapStale, reapStaleNetworks } from "../../src/run/reaper.js";
import { loadSeccompProfile } from "../../src/run/seccomp.js";
import { buildStepSpec, labelKeys } from "../../src/run/spec.js";
import { docker, type DockerFixture } from "./sandbox-docker.js";

let d: DockerFixture;
let owner: ChildProcess;
beforeAll(async () => {
  d = await docker();
  owner = spawn("sleep", ["600"], { stdio: "ignore" });
  await new Promise((r) => owner.once("spawn", r));
});
afterAll(() => {
  owner.kill("SIGKILL");
});

const month = 30 * 24 * 60 * 60_000;

function startOf(pid: number): string {
  const start = statStartTime(readFileSync(`/proc/${pid}/stat`, "utf8"));
  if (start === undefined) throw new Error(`no start time for ${pid}`);
  return start;
}

function labelsFor(pid: number, start: string): Record<string, string> {
  return {
    [ownerLabelKeys.pid]: String(pid),
    [ownerLabelKeys.pidStart]: start,
    [ownerLabelKeys.boot]: procOwnerProbe.bootId(),
    [ownerLabelKeys.host]: procOwnerProbe.hostname(),
    // Created a month ago: any age rule would remove it.
    [ownerLabelKeys.created]: String(Date.now() - month),
  };
}

async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ["-e", ""]);
  return new Promise<number>((resolve) => child.on("exit", () => resolve(child.pid as number)));
}

describe("reaper", () => {
  it("keeps a live owner's old container and network, removes a dead or reused-pid owner's", async () => {
    const pid = owner.pid as number;
    const tag = `reaper-${process.pid}`;
    const make = async (suffix: string, labels: Record<string, string>): Promise<string> => {
      const spec = buildStepSpec({
        image: d.image,
        runId: `${tag}-${suffix}`,
        stepLabel: suffix,
        script: "sleep 60",
        env: new Map(),
        limits: resolveLimits({}),
        seccompJson: loadSeccompProfile().json,
        user: { uid: 1000, gid: 1000 },
      });
      Object.assign(spec.Labels, labels);
      return d.client.create(spec);
    };
    const containers: string[] = [];
    const nets: string[] = [];
    const networks = d.client.networks();
    try {
      const live = await make("live", labelsFor(pid, startOf(pid)));
      const dead = await make("dead", labelsFor(await deadPid(), "1"));
      // The live sleep's pid, but a start time that is not its own: the owner died, the pid was reused.
      const reused = await make("reused", labelsFor(pid, String(Number(startOf(pid)) - 1)));
      containers.push(live, dead, reused);
      const liveNet = await networks.createInternalNetwork(
        internalNetworkSpec(`rl${process.pid}`, 0, labelsFor(pid, startOf(pid))),
      );
      nets.push(liveNet.id);
      const deadNet = await networks.createInternalNetwork(
        internalNetworkSpec(`rd${process.pid}`, 0, labelsFor(await deadPid(), "1")),
      );
      nets.push(deadNet.id);
      const reaped = await reapStale(d.client);
      expect(reaped).toContain(dead);
      expect(reaped).toContain(reused);
      expect(reaped).not.toContain(live);
      expect((await d.client.inspect(live)).status).toBe("created");
      const reapedNets = await reapStaleNetworks(d.client, iptablesFirewall());
      expect(reapedNets).toContain(deadNet.id);
      expect(reapedNets).not.toContain(liveNet.id);
      const left = (await networks.list({ [labelKeys.pid]: String(pid) })).map((n) => n.id);
      expect(left).toContain(liveNet.id);
    } finally {
      for (const id of containers) await d.client.remove(id);
      for (const id of nets) await networks.remove(id);
    }
  }, 60_000);
});
