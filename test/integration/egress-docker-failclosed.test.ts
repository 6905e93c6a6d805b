// Fail closed, with real containers: when the proxy dies mid-step the step is killed and fails
// with a clear message and nothing more gets out; an interrupted run and a crashed run leave no
// network and no firewall rule behind.

import { execFileSync } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bridgeName, gatewayFirewallRules, internalNetworkSpec } from "../../src/egress/network.js";
import { iptablesFirewall } from "../../src/run/firewall.js";
import { reapStaleNetworks } from "../../src/run/reaper.js";
import { runSteps } from "../../src/run/runner.js";
import { labelKeys } from "../../src/run/spec.js";
import {
  closeServer,
  docker,
  dockerNetworks,
  makeTestCa,
  network,
  startHttps,
  stepBridgeRules,
  stepNaming,
  testPolicy,
  waitFor,
  writeCaFile,
  type DockerFixture,
  type TestCa,
} from "./egress-docker-support.js";

const standIn = "127.0.0.2";
let d: DockerFixture;
let ca: TestCa;
let server: net.Server;
let port: number;
let served = 0;

beforeAll(async () => {
  d = await docker();
  ca = makeTestCa(["moltbook.test"]);
  const s = await startHttps(ca, standIn, (_q, res) => {
    served++;
    res.end("ok");
  });
  server = s.server;
  port = s.port;
}, 60_000);

afterAll(async () => {
  await closeServer(server);
  fs.rmSync(ca.dir, { recursive: true, force: true });
});

function egressOptions() {
  return {
    testHostMap: new Map([["moltbook.test", [standIn]]]),
    testAllowAddresses: [standIn],
    extraCaFile: writeCaFile(ca.dir, ca.ca),
  };
}

const loop = (n: number) =>
  `for i in $(seq 1 ${n}); do curl -sS --max-time 2 -o /dev/null -w "%{http_code}\\n" https://moltbook.test:${port}/; sleep 0.3; done`;

describe("egress fails closed", () => {
  it("kills the step when the proxy dies, says why, and lets nothing more out", async () => {
    served = 0;
    const runId = `egkill${process.pid}`;
    let servedAtKill = -1;
    const result = await runSteps(
      [stepNaming(loop(40), [{ host: "moltbook.test", port, scheme: "https" }])],
      {
        client: d.client,
        image: d.image,
        runId,
        policy: {
          ...testPolicy({ sandbox: { timeoutMs: 30_000 } }),
          network: network({ hosts: ["moltbook.test"], ports: [port] }),
        },
        egress: egressOptions(),
        onEgress: (_step, egress) => {
          // Stop the proxy after the step got two answers through it.
          void waitFor(() => served >= 2, 15_000).then(() => {
            servedAtKill = served;
            void egress.proxy.close();
          });
        },
      },
    );
    const step = result.steps[0]!;
    expect(step.outcome).toBe("error");
    expect(step.reason).toMatch(/egress proxy stopped during the step/);
    expect(step.egress?.proxyStopped).toBe(true);
    expect(step.durationMs).toBeLessThan(10_000); // killed, not run to its 40 requests
    expect(servedAtKill).toBeGreaterThanOrEqual(2);
    await new Promise((r) => setTimeout(r, 1_000));
    expect(served).toBe(servedAtKill);
    expect(dockerNetworks(runId)).toEqual([]);
    expect(stepBridgeRules().filter((r) => r.includes(` ${bridgeName(runId, 0)} `))).toEqual([]);
  }, 40_000);

  it("removes the network, rules and container of an interrupted run (SIGINT/SIGTERM abort)", async () => {
    const runId = `egabort${process.pid}`;
    const controller = new AbortController();
    const result = await runSteps(
      [stepNaming(loop(40), [{ host: "moltbook.test", port, scheme: "https" }])],
      {
        client: d.client,
        image: d.image,
        runId,
        signal: controller.signal,
        policy: {
          ...testPolicy({ sandbox: { timeoutMs: 30_000 } }),
          network: network({ hosts: ["moltbook.test"], ports: [port] }),
        },
        egress: egressOptions(),
        onEgress: () => setTimeout(() => controller.abort(), 1_500),
      },
    );
    expect(result.aborted).toBe(true);
    expect(result.steps[0]?.outcome).toBe("aborted");
    expect(dockerNetworks(runId)).toEqual([]);
    expect(stepBridgeRules().filter((r) => r.includes(` ${bridgeName(runId, 0)} `))).toEqual([]);
    const left = execFileSync("docker", ["ps", "-aq", "--filter", `label=${labelKeys.run}=${runId}`], {
      encoding: "utf8",
    });
    expect(left.trim()).toBe("");
  }, 40_000);

  it("reaps the network and firewall rules of a crashed run", async () => {
    const runId = `egcrash${process.pid}`;
    // What a supervisor that died (pid 999999 does not exist) left behind.
    const spec = internalNetworkSpec(runId, 0, {
      [labelKeys.pid]: "999999",
      [labelKeys.host]: os.hostname(),
      [labelKeys.created]: String(Date.now()),
    });
    const networks = d.client.networks();
    const net0 = await networks.createInternalNetwork(spec);
    const firewall = iptablesFirewall();
    const rules = gatewayFirewallRules(bridgeName(runId, 0), net0.gateway, 3128);
    await firewall.apply(rules.add, rules.remove);
    expect(dockerNetworks(runId)).toHaveLength(1);
    expect(stepBridgeRules().filter((r) => r.includes(` ${bridgeName(runId, 0)} `))).toHaveLength(
      rules.add.length,
    );

    const reaped = await reapStaleNetworks(d.client, firewall);
    expect(reaped).toContain(net0.id);
    expect(dockerNetworks(runId)).toEqual([]);
    expect(stepBridgeRules().filter((r) => r.includes(` ${bridgeName(runId, 0)} `))).toEqual([]);
  }, 30_000);
});
