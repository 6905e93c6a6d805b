// A step's network against the host's other Docker networks, with real containers:
//  * its proxy serves that step's network only. The gateway address is routable from every other
//    Docker network, so without a rule a container elsewhere (another step, another agent,
//    anything on the default bridge) could use this step's allowlist. While the step runs, a
//    container on the default bridge probes the proxy port (refused) and a host service on the
//    same address (reachable: the path itself works);
//  * nothing is routed out of it, DNS included. Docker gives an "internal" network's containers a default
//    route, and only Docker's FORWARD rules stop the packets; an admin's DOCKER-USER rule can
//    open that path. With such a rule in place, a container on a plain internal network reaches
//    a listener on the default bridge (the control) and the step does not.

import { execFile, execFileSync } from "node:child_process";
import net from "node:net";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bridgeName } from "../../src/egress/network.js";
import { runSteps, type RunResult } from "../../src/run/runner.js";
import {
  closeServer,
  docker,
  listen,
  network,
  probes,
  stepBridgeRules,
  stepNaming,
  tcpProbe,
  testPolicy,
} from "./egress-docker-support.js";

const run = promisify(execFile);
const runId = `egxnet${process.pid}`;
const networkName = `skillwall-${runId}-step0`;
let result: RunResult;
let outside: Map<string, string>;
let hostServiceHits = 0;
let listener: { id: string; ip: string } | undefined;
let control: Map<string, string>;
const controlNet = `swtctl${process.pid}`.slice(0, 15);
const permissive = (bridge: string): string[][] => [
  ["DOCKER-USER", "-i", bridge, "-j", "ACCEPT"],
  ["DOCKER-USER", "-o", bridge, "-j", "ACCEPT"],
];
const openedBridges = [bridgeName(runId, 0), controlNet];
const listenerScript =
  'use IO::Socket::INET; $| = 1; my $s = IO::Socket::INET->new(LocalPort => 7777, Listen => 5, ReuseAddr => 1) or die; while (my $c = $s->accept) { print "HIT\\n"; close $c }';
const hostService = net.createServer((s) => {
  hostServiceHits++;
  s.destroy();
});

const dropSpec = `-A FORWARD -i ${bridgeName(runId, 0)} -j DROP`;
const dnsCounter = ["-i", bridgeName(runId, 0), "-p", "udp", "--dport", "53"];
let counterInPlace = false;
let dnsPackets = 0;
let droppedPackets = 0;

/** Packets counted so far by the FORWARD rule that `iptables -S` prints as `spec`. */
async function forwardPackets(spec: string): Promise<number | undefined> {
  const { stdout } = await run("iptables", ["-w", "-v", "-S", "FORWARD"]);
  for (const line of stdout.split("\n")) {
    const m = / -c (\d+) \d+/.exec(line);
    if (m && line.replace(m[0], "") === spec) return Number(m[1]);
  }
  return undefined;
}

/** Polls until `get` returns a value (or fails after `ms`). */
async function waitFor<T>(what: string, ms: number, get: () => Promise<T | undefined>): Promise<T> {
  const until = Date.now() + ms;
  for (;;) {
    const v = await get().catch(() => undefined);
    if (v !== undefined) return v;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

beforeAll(async () => {
  const d = await docker();
  const hostServicePort = await listen(hostService, "0.0.0.0");
  // A listener on the default bridge, and DOCKER-USER rules that accept everything on the step's
  // bridge and on the control network's.
  const id = (
    await run("docker", [
      "run",
      "-d",
      "--rm",
      "--network",
      "bridge",
      "--entrypoint",
      "perl",
      d.image,
      "-e",
      listenerScript,
    ])
  ).stdout.trim();
  const ip = (
    await run("docker", ["inspect", "-f", "{{.NetworkSettings.Networks.bridge.IPAddress}}", id])
  ).stdout.trim();
  listener = { id, ip };
  for (const bridge of openedBridges)
    for (const rule of permissive(bridge)) await run("iptables", ["-w", "-I", ...rule]);
  await run("docker", [
    "network",
    "create",
    "--internal",
    "-o",
    `com.docker.network.bridge.name=${controlNet}`,
    controlNet,
  ]);
  const controlRun = await run(
    "docker",
    [
      "run",
      "--rm",
      "--network",
      controlNet,
      "--entrypoint",
      "bash",
      d.image,
      "-c",
      tcpProbe("forwarded", ip, 7777),
    ],
    { timeout: 20_000 },
  );
  control = probes(controlRun.stdout);
  // The step keeps its network (and proxy) open while the outside probe runs, and checks that
  // it can reach its own proxy.
  const step = stepNaming(
    [
      "proxy=${HTTP_PROXY#http://}; gw=${proxy%:*}; port=${proxy##*:}",
      tcpProbe("own_proxy", "$gw", "$port"),
      // The test puts its packet counter in place meanwhile.
      "sleep 2",
      // Docker's embedded resolver forwards unknown names from this namespace, via the gateway.
      "timeout 2 getent hosts dns-leak-probe.example >/dev/null; true",
      "(exec 3>/dev/udp/192.0.2.53/53 && printf probe >&3) 2>/dev/null; true",
      tcpProbe("forwarded", ip, 7777),
      "sleep 6",
    ].join("\n"),
    [{ host: "moltbook.test", port: 443, scheme: "https" }],
  );
  const running = runSteps([step], {
    client: d.client,
    image: d.image,
    runId,
    policy: {
      ...testPolicy({ sandbox: { timeoutMs: 30_000 } }),
      network: network({ hosts: ["moltbook.test"], ports: [443] }),
    },
    egress: { testHostMap: new Map([["moltbook.test", ["127.0.0.2"]]]), testAllowAddresses: ["127.0.0.2"] },
  });
  try {
    const gateway = await waitFor("the step network", 15_000, async () => {
      const { stdout } = await run("docker", [
        "network",
        "inspect",
        networkName,
        "-f",
        "{{range .IPAM.Config}}{{.Gateway}}{{end}}",
      ]);
      return stdout.trim() || undefined;
    });
    // Count DNS packets from the bridge just above skillwall's FORWARD drop (a rule with no
    // target counts and moves on): they leave the container, and nothing but the drop follows.
    await waitFor("the step's FORWARD rule", 15_000, () => forwardPackets(dropSpec));
    await run("iptables", ["-w", "-I", "FORWARD", ...dnsCounter]);
    counterInPlace = true;
    // The proxy is the one listener on the gateway address (this process).
    const proxyPort = await waitFor("the proxy to listen", 15_000, async () => {
      const { stdout } = await run("ss", ["-Hltn", "src", gateway]);
      return /:(\d+)\s/.exec(stdout)?.[1];
    });
    const { stdout } = await run(
      "docker",
      [
        "run",
        "--rm",
        "--network",
        "bridge",
        "--entrypoint",
        "bash",
        d.image,
        "-c",
        [
          tcpProbe("proxy_from_bridge", gateway, proxyPort),
          tcpProbe("host_service_from_bridge", gateway, hostServicePort),
        ].join("\n"),
      ],
      { timeout: 20_000 },
    );
    outside = probes(stdout);
    dnsPackets = await waitFor("DNS packets from the step", 15_000, async () => {
      const n = await forwardPackets(
        `-A FORWARD ${dnsCounter.join(" ").replace("--dport", "-m udp --dport")}`,
      );
      return n !== undefined && n > 0 ? n : undefined;
    });
    droppedPackets = (await forwardPackets(dropSpec)) ?? 0;
  } finally {
    if (counterInPlace) await run("iptables", ["-w", "-D", "FORWARD", ...dnsCounter]).catch(() => undefined);
    result = await running;
  }
}, 60_000);

afterAll(async () => {
  await closeServer(hostService);
  for (const bridge of openedBridges)
    for (const rule of permissive(bridge))
      await run("iptables", ["-w", "-D", ...rule]).catch(() => undefined);
  await run("docker", ["network", "rm", controlNet]).catch(() => undefined);
  if (listener) await run("docker", ["rm", "-f", listener.id]).catch(() => undefined);
});

/** Connections the listener on the default bridge has accepted so far. */
async function listenerHits(): Promise<number> {
  const { stdout } = await run("docker", ["logs", listener!.id]);
  return stdout.split("\n").filter((l) => l === "HIT").length;
}

describe("a step's network and the host's other Docker networks", () => {
  it("serves the step's own network", () => {
    const step = result.steps[0]!;
    expect(step.outcome, step.stderr).toBe("ok");
    expect(probes(step.stdout).get("own_proxy")).toBe("tcp=open");
  });

  it("is not reachable from a container on another network", () => {
    // The control: the same gateway address is reachable from there (a host service answers),
    // so the proxy port is closed by skillwall's rule, not by the route.
    expect(outside.get("host_service_from_bridge")).toBe("tcp=open");
    expect(hostServiceHits).toBeGreaterThan(0);
    expect(outside.get("proxy_from_bridge")).toBe("tcp=closed");
  });

  it("routes nothing from the step's network, even past a permissive DOCKER-USER rule", async () => {
    // The control: the same kind of internal network, without skillwall's rules, gets through.
    expect(control.get("forwarded")).toBe("tcp=open");
    expect(probes(result.steps[0]!.stdout).get("forwarded")).toBe("tcp=closed");
    expect(await listenerHits()).toBe(1);
  });

  it("sends DNS and raw UDP nowhere: skillwall's FORWARD rule drops them", () => {
    // Lookups of the embedded resolver and a datagram to an outside address left the container
    // and met the drop (the counter sits just above it; the drop also saw the TCP probe).
    expect(dnsPackets).toBeGreaterThan(0);
    expect(droppedPackets).toBeGreaterThanOrEqual(dnsPackets);
  });

  it("leaves no firewall rule behind", () => {
    const mine = bridgeName(runId, 0);
    expect(stepBridgeRules().filter((r) => r.includes(` ${mine} `))).toEqual([]);
    expect(
      execFileSync("docker", ["network", "ls", "-q", "-f", `name=${networkName}`], {
        encoding: "utf8",
      }).trim(),
    ).toBe("");
  });
});
