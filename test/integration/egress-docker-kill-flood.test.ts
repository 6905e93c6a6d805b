// A step that floods its egress proxy with connections (thousands, from dozens of processes)
// must still be killed at its timeout, and another skill's step running in the same supervisor
// at the same time must run normally. Before the per-step and per-process connection caps and
// the reserved kill connection, the flood used up the supervisor's descriptors: the kill call
// failed and the step ran on, and the other step could not even be created.

import { execFileSync } from "node:child_process";
import diagnostics_channel from "node:diagnostics_channel";
import fs from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { channels } from "../../src/events.js";
import type { ProxyEgressEvent } from "../../src/egress/types.js";
import { resolveLimits } from "../../src/run/limits.js";
import { runSteps } from "../../src/run/runner.js";
import { loadSeccompProfile } from "../../src/run/seccomp.js";
import { buildStepSpec } from "../../src/run/spec.js";
import { bashStep } from "../fixtures/run/judged.js";
import { docker, network, stepNaming, testPolicy, type DockerFixture } from "./egress-docker-support.js";

/** The supervisor's descriptor limit during this test: well below the flood's size. */
const lowNofile = 3_000;
let d: DockerFixture;
let softBefore = "";
beforeAll(async () => {
  d = await docker();
  softBefore = execFileSync("prlimit", [
    "--pid",
    String(process.pid),
    "--nofile",
    "--output=SOFT",
    "--noheadings",
  ])
    .toString()
    .trim();
  execFileSync("prlimit", ["--pid", String(process.pid), `--nofile=${lowNofile}:`]);
});
afterAll(() => {
  if (softBefore !== "") execFileSync("prlimit", ["--pid", String(process.pid), `--nofile=${softBefore}:`]);
});

// 40 processes × 120 connections = 4,800 connections held open to the proxy.
const flood = [
  "perl -e '",
  "use Socket;",
  "my ($h, $p) = $ENV{HTTP_PROXY} =~ m{http://([^:/]+):(\\d+)};",
  "my $addr = sockaddr_in($p, inet_aton($h));",
  "for my $k (1..40) { next if fork; my @s;",
  "  for (1..120) { socket(my $s, PF_INET, SOCK_STREAM, 0) or last; connect($s, $addr) and push @s, $s }",
  "  sleep 600; exit }",
  "sleep 600'",
].join(" ");

describe("kill path under a connection flood", () => {
  it("kills the flooding step at its timeout and runs another skill's step meanwhile", async () => {
    const refused = { records: 0, suppressed: 0 };
    const attempts = { n: 0 };
    const onEgress = (m: unknown): void => {
      const e = m as ProxyEgressEvent;
      if (e.rule === "limit-client-connections") refused.records++;
      if (e.rule === "audit-rate-limit") refused.suppressed += e.suppressed ?? 0;
    };
    diagnostics_channel.subscribe(channels.egress.name, onEgress);
    try {
      const timeoutMs = 8_000;
      // The same client, with the moment of every kill call (and its result) noted.
      const kills: Array<{ at: number; ok: boolean }> = [];
      const client = Object.create(d.client) as typeof d.client;
      client.kill = async (id: string, signal?: string) => {
        const at = performance.now();
        try {
          await d.client.kill(id, signal);
          kills.push({ at, ok: true });
        } catch (err) {
          kills.push({ at, ok: false });
          throw err;
        }
      };
      const began = performance.now();
      const flooding = runSteps([stepNaming(flood, [{ host: "flood.test", port: 443, scheme: "https" }])], {
        client,
        image: d.image,
        runId: `flood${process.pid}`,
        policy: {
          ...testPolicy({ sandbox: { timeoutMs, pids: 64, openFiles: 256 } }),
          network: network({ hosts: ["flood.test"], ports: [443] }),
        },
        egress: { testHostMap: new Map([["flood.test", ["127.0.0.2"]]]), testAllowAddresses: ["127.0.0.2"] },
        onEgress: (_step, egress) => {
          // Every connection the proxy's listener accepted or turned away at once.
          egress.proxy.server.on("connection", () => attempts.n++);
          egress.proxy.server.on("drop", () => attempts.n++);
        },
      });
      // The other skill starts once the flood is under way (thousands of connection attempts).
      const until = Date.now() + timeoutMs;
      while (attempts.n < 1_500 && Date.now() < until) await new Promise((r) => setTimeout(r, 50));
      expect(attempts.n).toBeGreaterThanOrEqual(1_500);
      const other = await runSteps([bashStep("echo other-skill-ran")], {
        client: d.client,
        image: d.image,
        runId: `flood-other${process.pid}`,
        policy: testPolicy({ sandbox: { timeoutMs: 20_000 } }),
      });
      const flooded = await flooding;
      const step = flooded.steps[0]!;
      expect(step.outcome).toBe("timed-out");
      const ended = performance.now();
      console.log(
        "DUR",
        step.durationMs,
        attempts.n,
        refused,
        kills.map((k) => [k.at - began, k.ok]),
        ended - began,
      );
      expect(step.durationMs).toBeLessThan(timeoutMs + 5_000);
      expect(other.steps[0]?.outcome).toBe("ok");
      expect(other.steps[0]?.stdout).toBe("other-skill-ran\n");
      // The flood was real: the proxy turned away thousands of connections past its cap.
      expect(refused.records + refused.suppressed).toBeGreaterThan(2_000);
    } finally {
      diagnostics_channel.unsubscribe(channels.egress.name, onEgress);
    }
  }, 90_000);

  it("kills a container while the supervisor has no descriptor left (the reserved kill connection)", async () => {
    const spec = buildStepSpec({
      image: d.image,
      runId: `nofd${process.pid}`,
      stepLabel: "sleeper",
      script: "sleep 600",
      env: new Map(),
      limits: resolveLimits({}),
      seccompJson: loadSeccompProfile().json,
      user: { uid: 1000, gid: 1000 },
    });
    const id = await d.client.create(spec);
    const held: number[] = [];
    try {
      await d.client.start(id);
      // Longer than Node's keep-alive idle time (5 s): no pooled connection of the start call is left.
      await new Promise((r) => setTimeout(r, 6_000));
      // Use up every descriptor this process may open.
      for (;;) {
        try {
          held.push(fs.openSync("/dev/null", "r"));
        } catch (err) {
          if ((err as NodeJS.ErrnoException).code === "EMFILE") break;
          throw err;
        }
        if (held.length > lowNofile) throw new Error("the descriptor limit did not apply");
      }
      expect(() => fs.openSync("/dev/null", "r")).toThrow(/EMFILE/);
      await d.client.kill(id);
      for (const fd of held.splice(0)) fs.closeSync(fd);
      expect(await d.client.wait(id)).toBe(137);
    } finally {
      for (const fd of held) fs.closeSync(fd);
      await d.client.remove(id);
    }
  }, 60_000);
});
