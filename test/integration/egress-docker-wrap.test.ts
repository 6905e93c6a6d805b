// skillwall wrap, through its CLI module, with a real container: stdin goes in, stdout/stderr
// come out, the exit code comes back, the agent home is mounted, and the process reaches the
// policy's hosts (a local stand-in, via SKILLWALL_TEST_HOSTMAP and --ca-file) and nothing else.

import fs from "node:fs";
import net from "node:net";
import path from "node:path";
import { Readable } from "node:stream";
import { Command } from "commander";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { registerWrap } from "../../src/cli/wrap.js";
import type { CliContext } from "../../src/cli/context.js";
import {
  closeServer,
  docker,
  makeTestCa,
  startHttps,
  tempAgentHome,
  writeCaFile,
  type TestCa,
} from "./egress-docker-support.js";

const standIn = "127.0.0.2";
let ca: TestCa;
let allowed: net.Server;
let port: number;
let deniedHits = 0;
let denied: net.Server;
let deniedPort: number;

beforeAll(async () => {
  await docker();
  ca = makeTestCa(["allowed.test", "denied.test"]);
  const a = await startHttps(ca, standIn, (_q, res) => res.end("allowed-body\n"));
  const b = await startHttps(ca, standIn, (_q, res) => {
    deniedHits++;
    res.end("denied-body\n");
  });
  allowed = a.server;
  port = a.port;
  denied = b.server;
  deniedPort = b.port;
}, 60_000);

afterAll(async () => {
  await closeServer(allowed);
  await closeServer(denied);
  fs.rmSync(ca.dir, { recursive: true, force: true });
});

async function wrap(args: string[], stdin: string, env: NodeJS.ProcessEnv) {
  let out = "";
  let err = "";
  const ctx: CliContext = {
    io: {
      stdout: { write: (s: string) => (out += s) },
      stderr: { write: (s: string) => (err += s) },
      stdin: Readable.from([Buffer.from(stdin)]),
      env,
      cwd: ca.dir,
    },
    exitCode: -1,
  };
  const program = new Command().exitOverride();
  registerWrap(program, ctx);
  await program.parseAsync(["node", "skillwall", "wrap", ...args]);
  return { out, err, code: ctx.exitCode };
}

describe("skillwall wrap", () => {
  it("runs a command with stdin/stdout/exit code passed through and egress limited to the policy", async () => {
    const policyFile = path.join(ca.dir, "wrap-policy.yaml");
    fs.writeFileSync(
      policyFile,
      `name: wrap-test\nextends: [baseline]\nnetwork:\n  hosts: [allowed.test]\n  ports: [${port}]\n`,
    );
    writeCaFile(ca.dir, ca.ca);
    const home = await tempAgentHome();
    fs.writeFileSync(path.join(home, "notes.txt"), "from-the-agent-home\n");
    const script = [
      'read -r line; echo "got:$line"',
      "cat ~/notes.txt",
      "echo written > ~/out.txt",
      `curl -sS https://allowed.test:${port}/`,
      `curl -sS https://denied.test:${deniedPort}/ || echo "denied rc=$?"`,
      `curl -sS https://allowed.test:${deniedPort}/ || echo "port rc=$?"`,
      "echo to-stderr >&2",
      "exit 7",
    ].join("\n");
    const r = await wrap(
      ["--policy", policyFile, "--agent-home", home, "--ca-file", "test-ca.pem", "--", "bash", "-c", script],
      "hello from stdin\n",
      {
        SKILLWALL_TEST_HOSTMAP: JSON.stringify({ "allowed.test": [standIn], "denied.test": [standIn] }),
      },
    );
    expect(r.code).toBe(7);
    expect(r.out).toBe("got:hello from stdin\nfrom-the-agent-home\nallowed-body\ndenied rc=56\nport rc=56\n");
    expect(r.err).toContain("SKILLWALL_TEST_HOSTMAP is set");
    expect(r.err).toContain("to-stderr");
    expect(r.err).toMatch(/CONNECT tunnel failed, response 403/);
    expect(deniedHits).toBe(0);
    expect(fs.readFileSync(path.join(home, "out.txt"), "utf8")).toBe("written\n");
    fs.rmSync(home, { recursive: true, force: true });
  }, 50_000);
});
