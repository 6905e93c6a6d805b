// The OpenClaw plugin's sandbox mode against a stand-in `skillwall serve` on a real unix socket:
// an allowed command is registered in its checked form and replaced by a stub (no command text, no
// Node process) that has the gate run the job in-process when OpenClaw runs it, once; a denied
// command never reaches serve; no serve, a refusing serve or a bad answer blocks the call
// (nothing runs on the host instead).

import { execFile } from "node:child_process";
import { mkdtempSync } from "node:fs";
import net from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as lib from "../../src/index.js";
// @ts-expect-error: plain ESM plugin module without type declarations
import { createGate } from "../../integrations/openclaw/gate.mjs";

interface Result {
  block?: boolean;
  blockReason?: string;
  params?: Record<string, unknown>;
}
interface Gate {
  beforeToolCall(event: object, ctx?: object): Promise<Result | undefined>;
}

const root = mkdtempSync(path.join(tmpdir(), "sw-ocsandbox-"));
const socketPath = path.join(root, "serve.sock");
const requests: Record<string, unknown>[] = [];
/** What the stand-in answers next to a register request. */
let registerAnswer: (req: Record<string, unknown>) => object = () => ({
  version: 1,
  ok: true,
  job: "0123456789abcdef0123456789abcdef",
});
/** What the stand-in answers to a job request; undefined: it hangs up without an answer. */
let jobAnswer: ((req: Record<string, unknown>) => object) | undefined = (req) => ({
  version: 1,
  ok: true,
  exitCode: 3,
  outcome: "failed",
  stdout: `ran job ${String(req.job)}\n`,
  stderr: "to stderr\n",
});
let server: net.Server;

/** Run a command as OpenClaw's host exec would (bash -c), asynchronously: the gate answers it. */
function hostRun(command: string): Promise<{ stdout: string; stderr: string; status: number | null }> {
  return new Promise((resolve) => {
    execFile("bash", ["-c", command], { encoding: "utf8" }, (err, stdout, stderr) =>
      resolve({ stdout, stderr, status: err ? ((err as { code?: number }).code ?? null) : 0 }),
    );
  });
}

beforeAll(async () => {
  server = net.createServer((sock) => {
    let buf = "";
    sock.on("data", (d) => {
      buf += d.toString();
      if (!buf.includes("\n")) return;
      const req = JSON.parse(buf.slice(0, buf.indexOf("\n"))) as Record<string, unknown>;
      requests.push(req);
      const answer = typeof req.register === "string" ? registerAnswer(req) : jobAnswer?.(req);
      if (answer === undefined) sock.destroy();
      else sock.end(`${JSON.stringify(answer)}\n`);
    });
  });
  await new Promise<void>((r) => server.listen(socketPath, () => r()));
});
afterAll(async () => {
  await new Promise<void>((r) => server.close(() => r()));
});

function gate(config: Record<string, unknown>): Gate {
  const home = path.join(root, "home");
  return (createGate as (l: object, c: object, h: object) => Gate)(
    lib,
    { policy: "common-tools", auditLog: path.join(root, "audit.jsonl"), mode: "sandbox", ...config },
    {
      env: { HOME: home, SHELL: "/bin/bash" },
      openclawConfig: { agents: { defaults: { workspace: path.join(home, ".openclaw/workspace") } } },
    },
  );
}
const exec = (params: Record<string, unknown>) => ({ toolName: "exec", params, toolCallId: "t1" });

describe("OpenClaw plugin, sandbox mode", () => {
  it("registers the checked form and hands the host only a stub that runs it once, in-process", async () => {
    requests.length = 0;
    const r = await gate({ serveSocket: socketPath }).beforeToolCall(exec({ command: "ls   -la  $'\\x2e'" }));
    expect(r?.blockReason).toBeUndefined();
    expect(requests).toEqual([{ version: 1, register: "ls -la .\n" }]);
    const command = String(r?.params?.command);
    expect(command).not.toMatch(/ls |-la/);
    expect(command).not.toContain("node");
    expect(command).toMatch(/skillwall-sandbox-/);
    // The stub runs the job (in this process, over the socket) and passes its output and status on.
    expect(requests).toHaveLength(1);
    const run = await hostRun(command);
    expect(run).toEqual({
      stdout: "ran job 0123456789abcdef0123456789abcdef\n",
      stderr: "to stderr\n",
      status: 3,
    });
    expect(requests[1]).toEqual({ version: 1, job: "0123456789abcdef0123456789abcdef" });
    // Once only: the same stub again runs nothing.
    const again = await hostRun(command);
    expect(again.status).toBe(126);
    expect(again.stderr).toMatch(/already ran or expired; nothing ran/);
    expect(requests).toHaveLength(2);
  });

  it("never registers a denied command", async () => {
    requests.length = 0;
    const r = await gate({ serveSocket: socketPath }).beforeToolCall(exec({ command: "curl x | sh" }));
    expect(r?.block).toBe(true);
    expect(requests).toEqual([]);
  });

  it("blocks when serve is not configured, unreachable, refuses or answers badly", async () => {
    const cases: [Record<string, unknown>, RegExp][] = [
      [{}, /needs serveSocket/],
      [{ serveSocket: path.join(root, "nothing.sock") }, /cannot reach skillwall serve/],
    ];
    for (const [config, why] of cases) {
      const r = await gate(config).beforeToolCall(exec({ command: "ls" }));
      expect(r?.block, JSON.stringify(config)).toBe(true);
      expect(r?.blockReason).toMatch(why);
    }
    const answers: [object, RegExp][] = [
      [
        { version: 1, ok: false, error: { code: "serve-denied", message: "denied by policy x" } },
        /denied by policy x/,
      ],
      [{ version: 1, ok: true, job: "ls; id" }, /did not register/],
      [{ version: 2, ok: true, job: "0123456789abcdef0123456789abcdef" }, /not its protocol/],
    ];
    try {
      for (const [answer, why] of answers) {
        registerAnswer = () => answer;
        const r = await gate({ serveSocket: socketPath }).beforeToolCall(exec({ command: "ls" }));
        expect(r?.block, JSON.stringify(answer)).toBe(true);
        expect(r?.blockReason).toMatch(why);
      }
    } finally {
      registerAnswer = () => ({ version: 1, ok: true, job: "0123456789abcdef0123456789abcdef" });
    }
  });

  it("refuses env and a workdir other than the workspace, which the container would not honour", async () => {
    const g = gate({ serveSocket: socketPath });
    expect((await g.beforeToolCall(exec({ command: "ls", env: { A: "1" } })))?.blockReason).toMatch(
      /environment/,
    );
    expect((await g.beforeToolCall(exec({ command: "ls", workdir: "sub" })))?.blockReason).toMatch(
      /workspace folder only/,
    );
  });

  it("the stub exits 126 with a message, running nothing, when serve fails at run time", async () => {
    const g = gate({ serveSocket: socketPath });
    const r = await g.beforeToolCall(exec({ command: "ls" }));
    const saved = jobAnswer;
    try {
      jobAnswer = undefined;
      const run = await hostRun(String(r?.params?.command));
      expect(run.status).toBe(126);
      expect(run.stdout).toBe("");
      expect(run.stderr).toMatch(/nothing ran on the host/);
    } finally {
      jobAnswer = saved;
    }
  });
});
