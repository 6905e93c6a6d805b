// skillwall serve gives a command the same per-step egress `skillwall run` gives a step, with the
// real Docker engine, the real proxy and firewall, and real HTTPS servers on the host: a command
// naming a granted host reaches it through its own proxy; a host the policy does not grant is
// unreachable (through the proxy and without a network at all); going around the proxy to a
// listening host address fails; and when the egress cannot be set up nothing runs.

import { execFileSync } from "node:child_process";
import { chownSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import https from "node:https";
import type net from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadPolicy } from "../../src/policy/index.js";
import type { Policy } from "../../src/policy/types.js";
import type { Firewall } from "../../src/run/firewall.js";
import type { StepNetworkClient } from "../../src/run/networks.js";
import { ownerLabelKeys } from "../../src/run/owner.js";
import { resolveLimits } from "../../src/run/limits.js";
import { loadSeccompProfile } from "../../src/run/seccomp.js";
import { runViaServe } from "../../src/serve/client.js";
import { ContainerPool } from "../../src/serve/pool.js";
import { startServer, type ServeOptions } from "../../src/serve/server.js";
import { initShell } from "../../src/shell/index.js";
import {
  closeServer,
  docker,
  hostAddresses,
  makeTestCa,
  startHttps,
  writeCaFile,
  type TestCa,
} from "./egress-docker-support.js";

const base = mkdtempSync(path.join(tmpdir(), "sw-serve-egress-"));
const ws = path.join(base, "workspace");
const sockDir = path.join(base, "operator");
let ca: TestCa;
let caFile: string;
let allowed: net.Server;
let denied: net.Server;
let port: number;
let deniedPort: number;
let allowedHits = 0;
let deniedHits = 0;
let policy: Policy;
let pool: ContainerPool;
let networks: StepNetworkClient;
let hostIp: string;
const servers: Array<{ close(): Promise<void> }> = [];

/** A policy whose curl rule accepts both test hosts (and a proxy bypass): only `network` decides. */
function policyYaml(): string {
  return [
    "name: serve-egress-test",
    "workdir: ~/.openclaw/workspace",
    "network:",
    "  hosts: [allowed.test]",
    `  ports: [${port}, ${deniedPort}]`,
    "commands:",
    "  - id: curl-test",
    "    program: curl",
    "    options:",
    '      - names: ["-s"]',
    '      - names: ["-S"]',
    '      - names: ["-f"]',
    '      - names: ["--noproxy"]',
    "        value: { type: string, maxLength: 10 }",
    '      - names: ["--resolve"]',
    "        value: { type: string, maxLength: 100 }",
    '      - names: ["-m"]',
    "        value: { type: integer, max: 60 }",
    "    positionals:",
    "      - value:",
    "          type: url",
    "          schemes: [https]",
    `          ports: [${port}, ${deniedPort}]`,
    "          hosts: [allowed.test, denied.test]",
    "",
  ].join("\n");
}

async function serve(name: string, egress: ServeOptions["egress"]): Promise<string> {
  const socketPath = path.join(sockDir, `${name}.sock`);
  const s = await startServer({
    socketPath,
    pool,
    policy,
    workspaceHostDir: ws,
    ...(egress ? { egress } : {}),
  });
  servers.push({ close: () => s.close().catch(() => undefined) });
  return socketPath;
}

function stepNetworksLeft(): string[] {
  const out = execFileSync(
    "docker",
    ["network", "ls", "--filter", `label=${ownerLabelKeys.pid}=${process.pid}`, "--format", "{{.Name}}"],
    { encoding: "utf8" },
  );
  return out.split("\n").filter((n) => n.startsWith("skillwall-sv"));
}

beforeAll(async () => {
  const fx = await docker();
  await initShell();
  mkdirSync(ws);
  mkdirSync(sockDir, { mode: 0o700 });
  if (process.getuid?.() === 0) chownSync(ws, 1000, 1000);
  ca = makeTestCa(["allowed.test", "denied.test"]);
  caFile = writeCaFile(ca.dir, ca.ca);
  // On every host address: the proxy reaches it on 127.0.0.2, a container going around the
  // proxy would reach it on the host's own address.
  const a = await startHttps(ca, "0.0.0.0", (_q, res) => {
    allowedHits++;
    res.end("allowed-body\n");
  });
  const d = await startHttps(ca, "0.0.0.0", (_q, res) => {
    deniedHits++;
    res.end("denied-body\n");
  });
  allowed = a.server;
  denied = d.server;
  port = a.port;
  deniedPort = d.port;
  hostIp = hostAddresses()[0]!;
  const file = path.join(base, "policy.yaml");
  writeFileSync(file, policyYaml());
  policy = await loadPolicy(file);
  const n = fx.client.networks?.();
  if (!n) throw new Error("the Docker client cannot create networks");
  networks = n;
  pool = new ContainerPool({
    client: fx.client,
    image: fx.image,
    seccompJson: loadSeccompProfile().json,
    limits: resolveLimits(policy.sandbox, { timeoutMs: 30_000 }),
    workspaceHostDir: ws,
    workspaceContainerDir: "/home/agent/.openclaw/workspace",
    user: { uid: 1000, gid: 1000 },
    size: 1,
  });
  await pool.fill();
}, 180_000);

afterAll(async () => {
  for (const s of servers) await s.close();
  await pool?.close();
  if (allowed) await closeServer(allowed);
  if (denied) await closeServer(denied);
  rmSync(base, { recursive: true, force: true });
  if (ca) rmSync(ca.dir, { recursive: true, force: true });
}, 60_000);

const testEgress = () => ({
  networks,
  extraCaFile: caFile,
  testHostMap: new Map([
    ["allowed.test", ["127.0.0.2"]],
    ["denied.test", ["127.0.0.2"]],
  ]),
  testAllowAddresses: ["127.0.0.2"],
});

describe("skillwall serve: per-command egress (real Docker, proxy and firewall)", () => {
  it("a granted host is reachable; a host the policy does not grant is not, through the proxy or without it", async () => {
    const sock = await serve("egress", testEgress());
    const ok = await runViaServe(sock, `curl -sS -f https://allowed.test:${port}/`);
    expect(ok.error).toBeUndefined();
    expect(ok.stdout).toBe("allowed-body\n");
    expect(ok.exitCode).toBe(0);
    expect(ok.egress).toEqual([`https://allowed.test:${port}`]);
    expect(allowedHits).toBe(1);

    // Same command: the granted host opens a proxy, which refuses the other host.
    const mixed = await runViaServe(
      sock,
      `curl -sS -f https://allowed.test:${port}/ ; curl -sS -f https://denied.test:${deniedPort}/`,
    );
    expect(mixed.stdout).toBe("allowed-body\n");
    expect(mixed.exitCode).not.toBe(0);
    expect(mixed.stderr).toMatch(/403/);
    expect(mixed.egress).toEqual([`https://allowed.test:${port}`]);

    // A command naming only a host that is not granted gets no network at all.
    const alone = await runViaServe(sock, `curl -sS -f https://denied.test:${deniedPort}/`);
    expect(alone.error).toBeUndefined();
    expect(alone.exitCode).not.toBe(0);
    expect(alone.egress).toBeUndefined();
    expect(deniedHits).toBe(0);
    expect(allowedHits).toBe(2);
    expect(stepNetworksLeft()).toEqual([]);
  }, 180_000);

  it("going around the proxy to a host address where the server listens fails (control: the host reaches it)", async () => {
    const sock = await serve("bypass", testEgress());
    // Control: the server does answer on that address.
    const body = await new Promise<string>((resolve, reject) => {
      https
        .get(
          { host: hostIp, port, path: "/", ca: ca.ca, servername: "allowed.test", timeout: 5_000 },
          (res) => {
            let s = "";
            res.on("data", (c: Buffer) => (s += c.toString()));
            res.on("end", () => resolve(s));
          },
        )
        .on("error", reject);
    });
    expect(body).toBe("allowed-body\n");
    const before = allowedHits;
    const r = await runViaServe(
      sock,
      `curl -sS -m 5 --noproxy '*' --resolve allowed.test:${port}:${hostIp} https://allowed.test:${port}/`,
    );
    expect(r.error).toBeUndefined();
    expect(r.egress).toEqual([`https://allowed.test:${port}`]);
    expect(r.exitCode).not.toBe(0);
    expect(r.stdout).toBe("");
    expect(allowedHits).toBe(before);
  }, 120_000);

  it("fails closed: no step network or no firewall means the command is refused and nothing runs", async () => {
    const before = allowedHits;
    const noNetworks = await serve("nonet", { extraCaFile: caFile });
    const a = await runViaServe(noNetworks, `curl -sS -f https://allowed.test:${port}/`);
    expect(a.ok).toBe(false);
    expect(a.error?.code).toBe("serve-egress");
    expect(a.stdout).toBeUndefined();

    const broken: Firewall = {
      check: () => Promise.reject(new Error("iptables is not usable here")),
      apply: () => Promise.reject(new Error("unreachable")),
      undo: () => Promise.resolve(),
      leftovers: () => Promise.resolve([]),
    };
    const noFirewall = await serve("nofw", { ...testEgress(), firewall: broken });
    const b = await runViaServe(noFirewall, `curl -sS -f https://allowed.test:${port}/`);
    expect(b.ok).toBe(false);
    expect(b.error?.code).toBe("serve-egress");
    expect(b.error?.message).toContain("iptables is not usable here");
    expect(allowedHits).toBe(before);
    // Commands that get no network still run in the pool.
    const plain = await runViaServe(noFirewall, `curl -sS -f https://denied.test:${deniedPort}/`);
    expect(plain.error).toBeUndefined();
    expect(plain.stderr).toMatch(/Could not resolve host: denied.test/);
  }, 120_000);
});
