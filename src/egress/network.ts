// What the runner must wire so that the proxy is a step's ONLY way out. Pure descriptions plus
// one orchestration helper over interfaces; the runner (src/run/docker.ts, the only dockerode
// importer) implements NetworkClient.
//
// The wiring, per step that needs the network (needsNetwork(allowlist)):
//  1. create a bridge network with Internal: true (no NAT, no published ports; its containers still
//     get a default route via the gateway, which step 4 fences) and a
//     known bridge interface name (internalNetworkSpec);
//  2. start the proxy bound to that network's gateway address ONLY (never 0.0.0.0), on a fresh port;
//  3. create the container with NetworkMode = that network, the proxy env (proxyEnv), no extra
//     hosts, no --network host / container:… (assertStepNetworkMode refuses them);
//  4. block every other port of the gateway from the bridge, the proxy port from everywhere
//     else, and all forwarding from and to the bridge (gatewayFirewallRules): host services
//     bound to 0.0.0.0 are otherwise reachable from the internal network, and the "internal"
//     network's default route otherwise leaves only Docker's rules between the step and the world;
//  5. when the proxy's `closed` settles before the step ends, kill the step and report
//     "egress proxy stopped" — and nothing gets out meanwhile: step 4's rules are still in place;
//  6. after the step: close the proxy, remove the network (and the firewall rules).
// Steps without network rules keep NetworkMode "none".

import type { EgressProxy, EgressProxyOptions } from "./proxy.js";
import type { StepAllowlist } from "./types.js";
import { SkillwallError } from "../errors.js";

/** What the runner implements with dockerode. */
export interface NetworkClient {
  /** Creates the network from `spec`; returns its id and the gateway address on the host. */
  createInternalNetwork(spec: InternalNetworkSpec): Promise<{ id: string; gateway: string }>;
  /** Removes the network (disconnecting anything still attached). Must not throw when it is gone. */
  remove(id: string): Promise<void>;
}

/** The body of POST /networks/create (dockerode `createNetwork`). */
export interface InternalNetworkSpec {
  Name: string;
  Driver: "bridge";
  Internal: true;
  Attachable: false;
  EnableIPv6: false;
  CheckDuplicate: true;
  Labels: Record<string, string>;
  Options: Record<string, string>;
}

export const networkLabels = {
  run: "dev.skillwall.run",
  step: "dev.skillwall.step",
  role: "dev.skillwall.role",
} as const;

/** Linux interface names are at most 15 bytes. */
export function bridgeName(runId: string, stepIndex: number): string {
  const id = runId
    .replace(/[^a-z0-9]/gi, "")
    .slice(0, 8)
    .toLowerCase();
  return `swl${id}${stepIndex.toString(36)}`.slice(0, 15);
}

export function internalNetworkSpec(
  runId: string,
  stepIndex: number,
  labels: Record<string, string> = {},
): InternalNetworkSpec {
  return {
    Name: `skillwall-${runId}-step${stepIndex}`,
    Driver: "bridge",
    Internal: true,
    Attachable: false,
    EnableIPv6: false,
    CheckDuplicate: true,
    Labels: {
      ...labels,
      [networkLabels.run]: runId,
      [networkLabels.step]: String(stepIndex),
      [networkLabels.role]: "egress",
    },
    Options: {
      "com.docker.network.bridge.name": bridgeName(runId, stepIndex),
      // No NAT and no container-to-container traffic: the gateway (our proxy) is the only peer.
      "com.docker.network.bridge.enable_ip_masquerade": "false",
      "com.docker.network.bridge.enable_icc": "false",
    },
  };
}

/** Env for the step container: every client library finds the proxy; nothing bypasses it. */
export function proxyEnv(proxyUrl: string): Record<string, string> {
  return {
    HTTP_PROXY: proxyUrl,
    HTTPS_PROXY: proxyUrl,
    http_proxy: proxyUrl,
    https_proxy: proxyUrl,
    // curl's ALL_PROXY covers other schemes it would otherwise try directly (they fail: no route).
    ALL_PROXY: proxyUrl,
    all_proxy: proxyUrl,
    NO_PROXY: "",
    no_proxy: "",
  };
}

/** The HostConfig/Env parts the runner merges into the container spec for an egress step. */
export function egressContainerConfig(
  networkName: string,
  proxyUrl: string,
): {
  env: Record<string, string>;
  hostConfig: { NetworkMode: string; ExtraHosts: string[]; PortBindings: Record<string, never> };
} {
  assertStepNetworkMode(networkName);
  return {
    env: proxyEnv(proxyUrl),
    // No Dns override: the proxy resolves names itself. Docker's embedded DNS forwards other names
    // from the container's namespace, where the FORWARD rules drop them (gatewayFirewallRules);
    // the refusals test proves a local DNS server receives nothing.
    hostConfig: { NetworkMode: networkName, ExtraHosts: [], PortBindings: {} },
  };
}

/** Refuses network modes that would share or bypass isolation. */
export function assertStepNetworkMode(mode: string): void {
  if (mode === "host" || mode === "bridge" || mode === "default" || mode.startsWith("container:")) {
    throw new SkillwallError("egress-network-mode", `network mode "${mode}" is never used for a step`, {
      fix: 'steps use "none" or their own internal skillwall network',
    });
  }
}

/**
 * iptables argv (run by the runner, as root, without a shell) that drop everything a container on
 * the bridge sends to the host except the proxy port, and the proxy port to anything not on the
 * bridge (the gateway address is routable from every other Docker network: a container there
 * must not borrow this step's allowlist); and the argv to delete them again.
 */
export function gatewayFirewallRules(
  bridge: string,
  gateway: string,
  proxyPort: number,
): { add: string[][]; remove: string[][] } {
  const proxy = ["-d", gateway, "-p", "tcp", "--dport", String(proxyPort)];
  const rules = [
    ["INPUT", "-i", bridge, ...proxy, "-j", "ACCEPT"],
    ["INPUT", "-i", bridge, "-j", "DROP"],
    ["INPUT", "!", "-i", bridge, ...proxy, "-j", "DROP"],
    // Docker gives a container on an internal network a default route via the gateway; only
    // Docker's own FORWARD rules (DOCKER-ISOLATION, after DOCKER-USER) stop what it sends, DNS
    // forwarded by the embedded resolver included. These sit above them: nothing is routed from
    // or to the step's bridge even if those rules are flushed, disabled or overridden.
    ["FORWARD", "-i", bridge, "-j", "DROP"],
    ["FORWARD", "-o", bridge, "-j", "DROP"],
  ];
  return {
    // Insert in reverse so the ACCEPT ends up above the DROP.
    add: [...rules].reverse().map((r) => ["iptables", "-w", "-I", ...r]),
    remove: rules.map((r) => ["iptables", "-w", "-D", ...r]),
  };
}

export interface StepEgress extends AsyncDisposable {
  networkId: string;
  networkName: string;
  gateway: string;
  proxy: EgressProxy;
  env: Record<string, string>;
  hostConfig: ReturnType<typeof egressContainerConfig>["hostConfig"];
}

/**
 * Creates the step's internal network and starts its proxy on the gateway. The caller creates the
 * container with `env`/`hostConfig`, watches `proxy.closed`, and disposes after the step.
 */
export async function openStepEgress(
  client: NetworkClient,
  startProxy: (o: EgressProxyOptions) => Promise<EgressProxy>,
  step: {
    runId: string;
    stepIndex: number;
    allow: StepAllowlist;
    limits?: EgressProxyOptions["limits"];
    onEvent?: EgressProxyOptions["onEvent"];
    /** Test-only host → addresses map for the proxy (never from a policy file). */
    resolve?: EgressProxyOptions["resolve"];
    /** Extra labels (the reaper finds networks of crashed runs by pid/host/created). */
    labels?: Record<string, string>;
  },
): Promise<StepEgress> {
  const spec = internalNetworkSpec(step.runId, step.stepIndex, step.labels);
  const net = await client.createInternalNetwork(spec);
  let proxy: EgressProxy;
  try {
    if (net.gateway === "" || net.gateway === "0.0.0.0" || net.gateway === "::") {
      throw new SkillwallError("egress-no-gateway", `network ${spec.Name} reported no gateway address`, {
        fix: "check the Docker daemon's default address pools",
      });
    }
    proxy = await startProxy({
      bind: { host: net.gateway, port: 0 },
      allow: step.allow,
      ...(step.limits === undefined ? {} : { limits: step.limits }),
      ...(step.onEvent === undefined ? {} : { onEvent: step.onEvent }),
      ...(step.resolve === undefined ? {} : { resolve: step.resolve }),
    });
  } catch (err) {
    await client.remove(net.id);
    throw err;
  }
  const config = egressContainerConfig(spec.Name, proxy.url);
  return {
    networkId: net.id,
    networkName: spec.Name,
    gateway: net.gateway,
    proxy,
    env: config.env,
    hostConfig: config.hostConfig,
    async [Symbol.asyncDispose]() {
      try {
        await proxy.close();
      } finally {
        await client.remove(net.id);
      }
    },
  };
}
