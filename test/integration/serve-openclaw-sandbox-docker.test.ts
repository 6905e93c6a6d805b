// The OpenClaw plugin's sandbox mode end to end with a real `skillwall serve` on the real Docker
// daemon: the gate registers the checked command, the host runs only the stub the gate put in its
// place (real bash; the gate runs the job in-process over serve's socket), the command runs in a pooled hardened container (it cannot see a host canary behind
// a workspace symlink) and its output comes back; a job runs once; a hostile command never runs.
import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import {
  chownSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as lib from "../../src/index.js";
import { loadPolicy } from "../../src/policy/index.js";
import { resolveLimits } from "../../src/run/limits.js";
import { loadSeccompProfile } from "../../src/run/seccomp.js";
import { ContainerPool } from "../../src/serve/pool.js";
import { startServer } from "../../src/serve/server.js";
import { initShell } from "../../src/shell/index.js";
// @ts-expect-error: plain ESM plugin module without type declarations
import { createGate } from "../../integrations/openclaw/gate.mjs";
import { docker } from "./sandbox-docker.js";

interface Result {
  block?: boolean;
  blockReason?: string;
  params?: Record<string, unknown>;
}
interface Gate {
  beforeToolCall(event: object, ctx?: object): Promise<Result | undefined>;
}

const base = mkdtempSync(path.join(tmpdir(), "sw-ocsb-it-"));
const home = path.join(base, "home");
const ws = path.join(home, ".openclaw", "workspace");
const socketPath = path.join(base, "operator", "serve.sock");
const canaryDir = mkdtempSync(path.join(tmpdir(), "sw-ocsb-canary-"));
const canary = `CANARY-${randomBytes(8).toString("hex")}`;
let server: { close(): Promise<void> };
let gate: Gate;

/** Run the command the gate handed OpenClaw, as OpenClaw's host exec would: bash -c. */
function hostRun(command: string): Promise<{ stdout: string; stderr: string; status: number }> {
  return new Promise((resolve) => {
    execFile("bash", ["-c", command], { encoding: "utf8", cwd: ws }, (err, stdout, stderr) =>
      resolve({ stdout, stderr, status: err ? Number((err as { code?: number }).code ?? -1) : 0 }),
    );
  });
}

async function sandboxed(command: string): Promise<Result> {
  const r = await gate.beforeToolCall({ toolName: "exec", toolCallId: "t", params: { command } });
  if (r === undefined) throw new Error("the gate let the call through unchanged");
  return r;
}

beforeAll(async () => {
  const { client, image } = await docker();
  await initShell();
  mkdirSync(ws, { recursive: true });
  mkdirSync(path.dirname(socketPath), { mode: 0o700 });
  writeFileSync(path.join(ws, "notes.md"), "hello from the workspace\n");
  writeFileSync(path.join(canaryDir, "secret.txt"), `${canary}\n`);
  symlinkSync(path.join(canaryDir, "secret.txt"), path.join(ws, "link.txt"));
  if (process.getuid?.() === 0) {
    chownSync(ws, 1000, 1000);
    chownSync(path.join(ws, "notes.md"), 1000, 1000);
  }
  const policy = await loadPolicy("agent");
  const pool = new ContainerPool({
    client,
    image,
    seccompJson: loadSeccompProfile().json,
    // A slow container start on a loaded machine must not read as the command failing.
    limits: resolveLimits(policy.sandbox, { timeoutMs: 60_000 }),
    workspaceHostDir: ws,
    workspaceContainerDir: "/home/agent/.openclaw/workspace",
    user: { uid: 1000, gid: 1000 },
    size: 2,
  });
  await pool.fill();
  server = await startServer({ socketPath, pool, policy, workspaceHostDir: ws });
  gate = (createGate as (l: object, c: object, h: object) => Gate)(
    lib,
    { policy: "agent", mode: "sandbox", serveSocket: socketPath, auditLog: path.join(base, "audit.jsonl") },
    { env: { HOME: home, SHELL: "/bin/bash" }, openclawConfig: { agents: { defaults: { workspace: ws } } } },
  );
}, 180_000);

afterAll(async () => {
  await server?.close();
  rmSync(base, { recursive: true, force: true });
  rmSync(canaryDir, { recursive: true, force: true });
}, 60_000);

describe("OpenClaw plugin sandbox mode through skillwall serve (real Docker)", () => {
  it("an allowed command runs in the container and its output comes back to the host call", async () => {
    const r = await sandboxed("cat   notes.md && uname -n");
    expect(r.blockReason).toBeUndefined();
    const command = String(r.params?.command);
    expect(command).not.toContain("notes.md");
    const run = await hostRun(command);
    expect(run).toMatchObject({ stdout: "hello from the workspace\nsandbox\n", status: 0 });
  }, 90_000);

  it("the container cannot see a host canary behind a workspace symlink (the host can)", async () => {
    expect(readFileSync(path.join(ws, "link.txt"), "utf8")).toContain(canary);
    // The gate already refuses a name that leads out through a symlink …
    expect((await sandboxed("cat link.txt")).blockReason).toMatch(/symlink/);
    // … and a link planted after the judgement (the window judge mode documents) leads nowhere
    // in the container.
    writeFileSync(path.join(ws, "later.txt"), "plain at judge time\n");
    const r = await sandboxed("cat later.txt");
    expect(r.blockReason).toBeUndefined();
    rmSync(path.join(ws, "later.txt"));
    symlinkSync(path.join(canaryDir, "secret.txt"), path.join(ws, "later.txt"));
    expect(readFileSync(path.join(ws, "later.txt"), "utf8")).toContain(canary);
    const run = await hostRun(String(r.params?.command));
    expect(run.status).not.toBe(0);
    expect(`${run.stdout}${run.stderr}`).not.toContain(canary);
    expect(run.stderr).toContain("No such file or directory");
  }, 90_000);

  it("a job runs once: the same stub again runs nothing", async () => {
    const r = await sandboxed("echo once >> once.txt");
    const command = String(r.params?.command);
    expect((await hostRun(command)).status).toBe(0);
    const again = await hostRun(command);
    expect(again.status).toBe(126);
    expect(again.stderr).toMatch(/already ran or expired; nothing ran/);
    expect(readFileSync(path.join(ws, "once.txt"), "utf8")).toBe("once\n");
  }, 90_000);

  it("a hostile command is blocked and never runs, on the host or in the container", async () => {
    const marker = path.join(ws, "pwned");
    const r = await sandboxed(`echo x > pwned | sh`);
    expect(r.block).toBe(true);
    expect(existsSync(marker)).toBe(false);
  }, 60_000);
});
