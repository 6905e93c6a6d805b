// serve's egress decisions without Docker (the real network test is
// test/integration/serve-egress-docker.test.ts): which commands get a network and with which
// hosts, and that a command needing one is refused, never run without it, when it cannot be had.

import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { loadPolicy } from "../../src/policy/index.js";
import type { Policy } from "../../src/policy/types.js";
import type { Firewall } from "../../src/run/firewall.js";
import type { StepNetworkClient } from "../../src/run/networks.js";
import type { ContainerPool, JobResult } from "../../src/serve/pool.js";
import { handleRequest, type ServeOptions } from "../../src/serve/server.js";
import { initShell } from "../../src/shell/index.js";

let policy: Policy;
const ran: string[] = [];
const fakePool = {
  run: (script: string): Promise<JobResult> => {
    ran.push(`pool:${script}`);
    return Promise.resolve({
      exitCode: 0,
      outcome: "ok",
      stdout: "",
      stderr: "",
      durationMs: 1,
      containerId: "c",
    });
  },
  runOnNetwork: (script: string) => {
    ran.push(`network:${script}`);
    return Promise.reject(new Error("not expected"));
  },
} as unknown as ContainerPool;
const brokenFirewall: Firewall = {
  check: () => Promise.reject(new Error("iptables is not usable here")),
  apply: () => Promise.reject(new Error("not reached")),
  undo: () => Promise.resolve(),
  leftovers: () => Promise.resolve([]),
};
const untouchedNetworks = new Proxy(
  {},
  {
    get: () => () => {
      throw new Error("no network may be created");
    },
  },
) as StepNetworkClient;

beforeAll(async () => {
  await initShell();
  const dir = mkdtempSync(path.join(tmpdir(), "sw-serve-egress-unit-"));
  const file = path.join(dir, "p.yaml");
  writeFileSync(
    file,
    [
      "name: serve-egress-unit",
      "workdir: ~/.openclaw/workspace",
      "network:",
      "  hosts: [granted.test]",
      "commands:",
      "  - id: curl-any",
      "    program: curl",
      "    positionals:",
      "      - value: { type: url, schemes: [https], hosts: [granted.test, other.test] }",
      "",
    ].join("\n"),
  );
  policy = await loadPolicy(file);
});

const opts = (egress: ServeOptions["egress"]): ServeOptions => ({
  socketPath: "/unused",
  pool: fakePool,
  policy,
  workspaceHostDir: "/unused",
  ...(egress ? { egress } : {}),
});
const req = (command: string) => JSON.stringify({ version: 1, command });

describe("serve egress decisions", () => {
  it("a command naming a granted host is refused when no step network can be made; nothing runs", async () => {
    ran.length = 0;
    const a = await handleRequest(req("curl https://granted.test/x"), opts(undefined));
    expect(a.ok).toBe(false);
    expect(a.error?.code).toBe("serve-egress");
    expect(ran).toEqual([]);
  });

  it("a command naming a granted host is refused when the firewall is unusable; no network is made", async () => {
    ran.length = 0;
    const a = await handleRequest(
      req("curl https://granted.test/x"),
      opts({ networks: untouchedNetworks, firewall: brokenFirewall }),
    );
    expect(a.error?.code).toBe("serve-egress");
    expect(a.error?.message).toMatch(/iptables is not usable here.*nothing ran/);
    expect(ran).toEqual([]);
  });

  it("a command naming only hosts the policy does not grant runs in the pool, with no network", async () => {
    ran.length = 0;
    const a = await handleRequest(
      req("curl https://other.test/x"),
      opts({ networks: untouchedNetworks, firewall: brokenFirewall }),
    );
    expect(a.ok).toBe(true);
    expect(a.egress).toBeUndefined();
    expect(ran).toEqual(["pool:curl https://other.test/x\n"]);
  });

  it("a registered command keeps its egress: its run is refused the same way", async () => {
    ran.length = 0;
    const o = opts({ networks: untouchedNetworks, firewall: brokenFirewall });
    const reg = await handleRequest(
      JSON.stringify({ version: 1, register: "curl https://granted.test/x" }),
      o,
    );
    expect(reg.job).toMatch(/^[0-9a-f]{32}$/);
    const a = await handleRequest(JSON.stringify({ version: 1, job: reg.job }), o);
    expect(a.error?.code).toBe("serve-egress");
    expect(ran).toEqual([]);
  });
});
