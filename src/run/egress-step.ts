// Opening and closing the egress of one step (or one wrapped agent): its own internal network,
// the filtering proxy bound to that network's gateway only, host firewall rules that leave the
// proxy port as the only reachable thing, and the env/mounts the container gets. Everything is
// undone by close(), in reverse order, even when a part fails.

import { readFile, rm, writeFile, chmod } from "node:fs/promises";
import path from "node:path";
import { SkillwallError } from "../errors.js";
import { readOperatorFile } from "../hostfs/host-dir.js";
import { limits } from "../limits.js";
import type { EgressLimits } from "../egress/limits.js";
import { gatewayFirewallRules, bridgeName, openStepEgress } from "../egress/network.js";
import { startEgressProxy, type EgressProxy } from "../egress/proxy.js";
import type { HostMap } from "../egress/resolve.js";
import type { ProxyEgressEvent, StepAllowlist } from "../egress/types.js";
import type { BindMount } from "./container-client.js";
import type { Firewall } from "./firewall.js";
import type { StepNetworkClient } from "./networks.js";
import { ownerLabels } from "./owner.js";
import { privateTempDir } from "./private-temp.js";

export interface EgressOptions {
  /**
   * TEST ONLY: host → addresses used by the proxy instead of DNS, so "www.moltbook.com" can be a
   * local stand-in. Never read from a policy file; the CLI takes it only from the
   * SKILLWALL_TEST_HOSTMAP env var (see testEgressFromEnv) and says so on stderr.
   */
  testHostMap?: HostMap;
  /** TEST ONLY: addresses (IPs/CIDRs) allowed although private/loopback: where stand-ins listen. */
  testAllowAddresses?: string[];
  /**
   * A PEM file of extra CA certificates the step trusts (a private registry's CA, or the tests'
   * CA). The step gets the system bundle plus these, mounted read-only, and SSL_CERT_FILE,
   * CURL_CA_BUNDLE, GIT_SSL_CAINFO, REQUESTS_CA_BUNDLE and NODE_EXTRA_CA_CERTS point at it.
   */
  extraCaFile?: string;
  limits?: Partial<EgressLimits>;
  /** Host firewall (default iptables); tests of the wiring may pass their own. */
  firewall?: Firewall;
}

export interface OpenedEgress {
  networkName: string;
  gateway: string;
  proxy: EgressProxy;
  allow: StepAllowlist;
  /** Env for the container (proxy variables, CA bundle variables). */
  env: Map<string, string>;
  /** Read-only mounts for the container (the CA bundle). */
  mounts: BindMount[];
  close(): Promise<void>;
}

/** Where the combined CA bundle appears inside the container. */
export const containerCaBundle = "/opt/skillwall/ca-bundle.pem";
const systemBundles = ["/etc/ssl/certs/ca-certificates.crt", "/etc/pki/tls/certs/ca-bundle.crt"];

export interface CaBundle {
  file: string;
  mount: BindMount;
  env: Map<string, string>;
  dispose(): Promise<void>;
}

/** System CAs of the host + the extra PEM file, in a fresh world-readable file. */
export async function prepareCaBundle(extraCaFile: string): Promise<CaBundle> {
  let extra: string;
  try {
    // Opened once, a regular file only, capped (rt12 R6: a FIFO here hung every egress step).
    extra = (await readOperatorFile(extraCaFile, limits.maxCaFileBytes, "limits.maxCaFileBytes")).toString(
      "utf8",
    );
  } catch (err) {
    throw new SkillwallError(
      "egress-ca-file",
      `cannot read the extra CA file ${extraCaFile} (${(err as Error).message})`,
      {
        fix: "give a readable PEM file of CA certificates",
        cause: err,
      },
    );
  }
  if (!extra.includes("-----BEGIN CERTIFICATE-----")) {
    throw new SkillwallError("egress-ca-file", `${extraCaFile} holds no PEM certificate`, {
      fix: "give a PEM file (-----BEGIN CERTIFICATE-----)",
    });
  }
  let system = "";
  for (const f of systemBundles) {
    system = await readFile(f, "utf8").catch(() => "");
    if (system !== "") break;
  }
  const dir = privateTempDir("skillwall-ca-", "the egress CA bundle");
  await chmod(dir, 0o755);
  const file = path.join(dir, "ca-bundle.pem");
  await writeFile(file, `${system}${system.endsWith("\n") || system === "" ? "" : "\n"}${extra}\n`, {
    mode: 0o644,
  });
  const env = new Map<string, string>();
  for (const name of [
    "SSL_CERT_FILE",
    "CURL_CA_BUNDLE",
    "GIT_SSL_CAINFO",
    "REQUESTS_CA_BUNDLE",
    "NODE_EXTRA_CA_CERTS",
  ]) {
    env.set(name, containerCaBundle);
  }
  return {
    file,
    mount: { Type: "bind", Source: file, Target: containerCaBundle, ReadOnly: true },
    env,
    dispose: () => rm(dir, { recursive: true, force: true }),
  };
}

export async function openEgress(
  networks: StepNetworkClient,
  firewall: Firewall,
  input: {
    runId: string;
    stepIndex: number;
    allow: StepAllowlist;
    options: EgressOptions;
    onEvent?: (e: ProxyEgressEvent) => void;
  },
): Promise<OpenedEgress> {
  // Before anything exists: without a working firewall the step does not get a network at all.
  await firewall.check();
  const allow: StepAllowlist = {
    ...input.allow,
    allowAddresses: [...input.allow.allowAddresses, ...(input.options.testAllowAddresses ?? [])],
  };
  const step = await openStepEgress(networks, startEgressProxy, {
    runId: input.runId,
    stepIndex: input.stepIndex,
    allow,
    labels: ownerLabels(),
    ...(input.options.limits ? { limits: input.options.limits } : {}),
    ...(input.onEvent ? { onEvent: input.onEvent } : {}),
    ...(input.options.testHostMap ? { resolve: input.options.testHostMap } : {}),
  });
  const rules = gatewayFirewallRules(
    bridgeName(input.runId, input.stepIndex),
    step.gateway,
    step.proxy.address.port,
  );
  let ca: CaBundle | undefined;
  try {
    await firewall.apply(rules.add, rules.remove);
    if (input.options.extraCaFile !== undefined) ca = await prepareCaBundle(input.options.extraCaFile);
  } catch (err) {
    await firewall.undo(rules.remove).catch(() => undefined);
    await Promise.resolve(step[Symbol.asyncDispose]()).catch(() => undefined);
    throw err;
  }
  const env = new Map(Object.entries(step.env));
  for (const [k, v] of ca?.env ?? []) env.set(k, v);
  let closing: Promise<void> | undefined;
  return {
    networkName: step.networkName,
    gateway: step.gateway,
    proxy: step.proxy,
    allow,
    env,
    mounts: ca ? [ca.mount] : [],
    close() {
      closing ??= (async () => {
        const errors: unknown[] = [];
        // Proxy first (nothing new leaves), then the network, then the rules that fenced it.
        await Promise.resolve(step[Symbol.asyncDispose]()).catch((e: unknown) => errors.push(e));
        await firewall.undo(rules.remove).catch((e: unknown) => errors.push(e));
        await ca?.dispose().catch(() => undefined);
        if (errors.length > 0) throw errors[0];
      })();
      return closing;
    },
  };
}

/**
 * TEST ONLY: egress options from SKILLWALL_TEST_HOSTMAP, a JSON object {"name": ["address", …]}.
 * The addresses it names are also allowed as addresses (they are where local stand-ins listen).
 * Returns undefined when the variable is unset.
 */
export function testEgressFromEnv(env: NodeJS.ProcessEnv): EgressOptions | undefined {
  const raw = env.SKILLWALL_TEST_HOSTMAP;
  if (raw === undefined || raw === "") return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch (err) {
    throw new SkillwallError("test-hostmap", "SKILLWALL_TEST_HOSTMAP is not valid JSON", {
      fix: 'set it to {"host.name": ["127.0.0.2"]} or unset it',
      cause: err,
    });
  }
  if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed)) {
    throw new SkillwallError("test-hostmap", "SKILLWALL_TEST_HOSTMAP must be a JSON object", {
      fix: 'set it to {"host.name": ["127.0.0.2"]} or unset it',
    });
  }
  const map = new Map<string, string[]>();
  const addresses = new Set<string>();
  for (const [host, value] of Object.entries(parsed as Record<string, unknown>)) {
    const list = Array.isArray(value) ? value : [value];
    if (!list.every((a): a is string => typeof a === "string")) {
      throw new SkillwallError("test-hostmap", `SKILLWALL_TEST_HOSTMAP: ${host} must map to addresses`, {
        fix: 'set it to {"host.name": ["127.0.0.2"]} or unset it',
      });
    }
    map.set(host.toLowerCase(), list);
    for (const a of list) addresses.add(a);
  }
  return { testHostMap: map, testAllowAddresses: [...addresses] };
}
