import net from "node:net";
import { describe, expect, it } from "vitest";
import {
  assertStepNetworkMode,
  bridgeName,
  gatewayFirewallRules,
  internalNetworkSpec,
  openStepEgress,
  proxyEnv,
  type InternalNetworkSpec,
  type NetworkClient,
} from "../../src/egress/network.js";
import { startEgressProxy } from "../../src/egress/proxy.js";
import type { StepAllowlist } from "../../src/egress/types.js";

const allow: StepAllowlist = {
  rules: [{ id: "r", host: "moltbook.test", ports: [443], scheme: "https" }],
  allowAddresses: [],
  refused: [],
};

function fakeClient(gateway: string) {
  const created: InternalNetworkSpec[] = [];
  const removed: string[] = [];
  const client: NetworkClient = {
    createInternalNetwork: async (spec) => {
      created.push(spec);
      return { id: `net-${created.length}`, gateway };
    },
    remove: async (id) => {
      removed.push(id);
    },
  };
  return { client, created, removed };
}

describe("step network description", () => {
  it("asks for an internal bridge with no NAT, no ICC, labels and a short bridge name", () => {
    const spec = internalNetworkSpec("run-1234567890abcdef", 3, { extra: "x" });
    expect(spec).toMatchObject({ Internal: true, Driver: "bridge", Attachable: false, EnableIPv6: false });
    expect(spec.Options["com.docker.network.bridge.enable_ip_masquerade"]).toBe("false");
    expect(spec.Options["com.docker.network.bridge.enable_icc"]).toBe("false");
    expect(spec.Labels).toMatchObject({
      "dev.skillwall.run": "run-1234567890abcdef",
      "dev.skillwall.step": "3",
      extra: "x",
    });
    expect(bridgeName("run-1234567890abcdef", 3).length).toBeLessThanOrEqual(15);
    expect(bridgeName("run-1234567890abcdef", 3)).not.toBe(bridgeName("run-1234567890abcdef", 4));
  });

  it("points every proxy variable at the proxy and lets nothing bypass it", () => {
    const env = proxyEnv("http://172.30.0.1:4711");
    for (const k of ["HTTP_PROXY", "HTTPS_PROXY", "http_proxy", "https_proxy"])
      expect(env[k]).toBe("http://172.30.0.1:4711");
    expect(env.NO_PROXY).toBe("");
    expect(env.no_proxy).toBe("");
  });

  it("refuses network modes that share or bypass isolation", () => {
    for (const mode of ["host", "bridge", "default", "container:abc"]) {
      expect(() => assertStepNetworkMode(mode)).toThrow(
        expect.objectContaining({ code: "egress-network-mode" }),
      );
    }
    expect(() => assertStepNetworkMode("skillwall-r-step1")).not.toThrow();
  });

  it("drops everything from the bridge to the host except the proxy port, ACCEPT first", () => {
    const { add, remove } = gatewayFirewallRules("swlabc1", "172.30.0.1", 4711);
    const argv = (line: string): string[] => line.split(" ");
    // -I inserts at the top: the last inserted rule (ACCEPT) ends up first.
    expect(add.at(-1)).toEqual(
      argv("iptables -w -I INPUT -i swlabc1 -d 172.30.0.1 -p tcp --dport 4711 -j ACCEPT"),
    );
    expect(add).toContainEqual(argv("iptables -w -I INPUT -i swlabc1 -j DROP"));
    // The proxy port refuses everything that does not come in on the step's bridge.
    expect(add).toContainEqual(
      argv("iptables -w -I INPUT ! -i swlabc1 -d 172.30.0.1 -p tcp --dport 4711 -j DROP"),
    );
    // Nothing is routed from or to the bridge, whatever Docker's own FORWARD rules say.
    expect(add).toContainEqual(argv("iptables -w -I FORWARD -i swlabc1 -j DROP"));
    expect(add).toContainEqual(argv("iptables -w -I FORWARD -o swlabc1 -j DROP"));
    expect(add).toHaveLength(5);
    expect(remove.every((r) => r[2] === "-D")).toBe(true);
  });
});

describe("openStepEgress", () => {
  it("binds the proxy to the network's gateway only, and tears both down on dispose", async () => {
    const fake = fakeClient("127.0.0.1");
    const egress = await openStepEgress(fake.client, startEgressProxy, { runId: "r1", stepIndex: 0, allow });
    expect(egress.proxy.address.host).toBe("127.0.0.1");
    expect(egress.env.HTTPS_PROXY).toBe(egress.proxy.url);
    expect(egress.hostConfig.NetworkMode).toBe(fake.created[0]!.Name);
    const port = egress.proxy.address.port;
    await egress[Symbol.asyncDispose]();
    expect(fake.removed).toEqual(["net-1"]);
    await expect(
      new Promise((resolve, reject) =>
        net.connect(port, "127.0.0.1").on("connect", resolve).on("error", reject),
      ),
    ).rejects.toMatchObject({ code: "ECONNREFUSED" });
  });

  it("removes the network when the proxy cannot start, and refuses a missing gateway", async () => {
    const fake = fakeClient("192.0.2.123"); // not an address of this machine: listen fails
    await expect(
      openStepEgress(fake.client, startEgressProxy, { runId: "r2", stepIndex: 1, allow }),
    ).rejects.toThrow();
    expect(fake.removed).toEqual(["net-1"]);
    const none = fakeClient("");
    await expect(
      openStepEgress(none.client, startEgressProxy, { runId: "r3", stepIndex: 0, allow }),
    ).rejects.toMatchObject({
      code: "egress-no-gateway",
    });
    expect(none.removed).toEqual(["net-1"]);
  });
});
