// Shared setup of the egress tests with real containers: stand-in servers on loopback addresses
// of this machine (the proxy reaches them through the TEST-ONLY host map), a test CA the step
// trusts through RunOptions.egress.extraCaFile, and helpers to read what the step printed.

import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import type { JudgedStep } from "../../src/model.js";
import type { NetworkPolicy } from "../../src/policy/types.js";
import { bashStep } from "../fixtures/run/judged.js";

export { docker, smallLimits, tempAgentHome, testPolicy, type DockerFixture } from "./sandbox-docker.js";
export * from "./egress-proxy-support.js";

/** A bash step whose commands name these hosts (as the policy evaluator would for curl URLs). */
export function stepNaming(
  text: string,
  hosts: Array<{ host: string; port: number; scheme: string }>,
): JudgedStep {
  const step = bashStep(text);
  return { ...step, commands: step.commands.map((c) => ({ ...c, hosts })) };
}

export function network(p: Partial<NetworkPolicy>): NetworkPolicy {
  return { hosts: [], httpHosts: [], ports: [], allowAddresses: [], ...p };
}

/** Lines "NAME key=value …" printed by probe() in the step, by NAME. */
export function probes(stdout: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of stdout.split("\n")) {
    const m = /^PROBE (\S+) (.*)$/.exec(line);
    if (m) out.set(m[1]!, m[2]!);
  }
  return out;
}

/**
 * A bash prelude defining `probe NAME URL [curl args…]`: prints "PROBE NAME rc=… code=…/…
 * body=…". `%{http_connect}` is the proxy's answer to CONNECT (403 when refused).
 */
export const probePrelude = [
  "probe() {",
  "  local name=$1; shift",
  "  local code rc",
  "  code=$(curl -sS -o /tmp/body -w '%{http_code}/%{http_connect}' --max-time 4 \"$@\" 2>/tmp/err); rc=$?",
  '  echo "PROBE $name rc=$rc code=$code body=$(head -c 300 /tmp/body 2>/dev/null | tr "\\n" " ") err=$(head -c 300 /tmp/err | tr "\\n" " ")"',
  "  rm -f /tmp/body /tmp/err",
  "}",
  "",
].join("\n");

/** Direct TCP from the step: "PROBE NAME tcp=open|closed". */
export function tcpProbe(name: string, hostExpr: string, port: number | string): string {
  return `if timeout 2 bash -c "exec 3<>/dev/tcp/${hostExpr}/${port}" 2>/dev/null; then echo "PROBE ${name} tcp=open"; else echo "PROBE ${name} tcp=closed"; fi`;
}

/**
 * skillwall's INPUT and FORWARD rules on step bridges right now (should be none after a run).
 * Docker's own FORWARD rules for a live network (`-i b -o b -j DROP`) are not counted.
 */
export function stepBridgeRules(): string[] {
  return ["INPUT", "FORWARD"].flatMap((chain) =>
    execFileSync("iptables", ["-w", "-S", chain], { encoding: "utf8" })
      .split("\n")
      .filter((l) =>
        chain === "INPUT"
          ? / -i swl[a-z0-9]+ /.test(` ${l} `)
          : /^-A FORWARD -[io] swl[a-z0-9]+ -j DROP$/.test(l),
      ),
  );
}

export function dockerNetworks(runId: string): string[] {
  const out = execFileSync(
    "docker",
    ["network", "ls", "-q", "--filter", `label=dev.skillwall.run=${runId}`],
    {
      encoding: "utf8",
    },
  );
  return out.split("\n").filter((l) => l.trim() !== "");
}

export function writeCaFile(dir: string, pem: string): string {
  const file = path.join(dir, "test-ca.pem");
  fs.writeFileSync(file, pem);
  return file;
}

/** The host's non-loopback IPv4 addresses (targets of direct-TCP probes; never remote). */
export function hostAddresses(): string[] {
  const out = execFileSync("ip", ["-4", "-o", "addr", "show"], { encoding: "utf8" });
  return [...out.matchAll(/inet (\d+\.\d+\.\d+\.\d+)\//g)]
    .map((m) => m[1]!)
    .filter((a) => !a.startsWith("127."));
}
