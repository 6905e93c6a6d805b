// Red team rt13gate F2: a command that may plant symlinks (cp -r, a clone, an extraction) holds
// the gate's lock until it ends; OpenClaw backgrounds it as a session when it runs long (10 s) or
// is asked to (background: true). Before, every process call was refused while the lock was held,
// so no `process poll` could ever report the session's end, and a session killed, removed or
// ended unpolled kept the lock: every exec, file and process-input call of the whole gateway
// was refused until it restarted. Now poll/log/kill/remove pass, and a lock whose process group
// is gone (a real process here) is dropped; input into a session stays refused while it runs.

import { spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import * as lib from "../../src/index.js";
// @ts-expect-error: plain ESM plugin module without type declarations
import { createGate } from "../../integrations/openclaw/gate.mjs";

interface Gate {
  beforeToolCall(event: object, ctx?: object): Promise<{ block?: boolean; blockReason?: string } | undefined>;
  afterToolCall(event: object): void;
}

function gate(): Gate {
  const root = mkdtempSync(path.join(tmpdir(), "sw-oclock-"));
  const home = path.join(root, "home");
  const ws = path.join(home, ".openclaw/workspace");
  mkdirSync(path.join(ws, "src"), { recursive: true });
  writeFileSync(path.join(ws, "src/notes.md"), "notes\n");
  writeFileSync(path.join(ws, "notes.txt"), "notes\n");
  return (createGate as (l: object, c: object, h: object) => Gate)(
    lib,
    { policy: "agent", auditLog: path.join(root, "audit.jsonl") },
    {
      env: { HOME: home, SHELL: "/bin/bash", PATH: "/usr/bin:/bin" },
      openclawConfig: { agents: { defaults: { workspace: ws } } },
    },
  );
}

const exec = (command: string, toolCallId: string) => ({ toolName: "exec", params: { command }, toolCallId });
const processCall = (params: object, toolCallId: string) => ({ toolName: "process", params, toolCallId });

/** A real process group, as OpenClaw starts each exec (detached): its leader's pid. */
const children: number[] = [];
function sessionProcess(): { pid: number; ended: Promise<void> } {
  const child = spawn("/bin/sleep", ["60"], { detached: true, stdio: "ignore" });
  const ended = new Promise<void>((r) => child.once("exit", () => r()));
  if (child.pid === undefined) throw new Error("sleep did not start");
  children.push(child.pid);
  return { pid: child.pid, ended };
}
afterEach(() => {
  for (const pid of children.splice(0))
    try {
      process.kill(-pid, "SIGKILL");
    } catch {
      // already gone
    }
});

/** The planting command left running as session s1 by a process group led by `pid`. */
async function backgroundedPlanting(g: Gate, pid: number): Promise<void> {
  expect((await g.beforeToolCall(exec("cp -r src dst", "a")))?.block).toBeUndefined();
  g.afterToolCall({
    toolName: "exec",
    toolCallId: "a",
    params: { command: "cp -r src dst" },
    result: { details: { status: "running", sessionId: "s1", pid } },
  });
}

describe("OpenClaw gate: the lock of a planting command left running (rt13gate F2)", () => {
  it("lets poll reach the session, and its end releases the lock", async () => {
    const g = gate();
    const { pid } = sessionProcess();
    await backgroundedPlanting(g, pid);
    expect((await g.beforeToolCall(exec("cat notes.txt", "b")))?.block).toBe(true);
    // Input into a running session is still judged with paths: refused while the lock is held.
    const input = await g.beforeToolCall(
      processCall({ action: "write", sessionId: "s1", data: "ls\n" }, "c"),
    );
    expect(input?.blockReason).toMatch(/may still be creating files/);
    const poll = processCall({ action: "poll", sessionId: "s1", timeout: 10_000 }, "d");
    expect(await g.beforeToolCall(poll)).toBeUndefined();
    g.afterToolCall({ ...poll, result: { details: { status: "completed", sessionId: "s1", exitCode: 0 } } });
    expect((await g.beforeToolCall(exec("cat notes.txt", "e")))?.block).toBeUndefined();
  });

  it("drops the lock once the session's process group is gone (killed, removed, ended unpolled)", async () => {
    const g = gate();
    const { pid, ended } = sessionProcess();
    await backgroundedPlanting(g, pid);
    // remove: OpenClaw's answer names no session, and the session is gone from its registry.
    const remove = processCall({ action: "remove", sessionId: "s1" }, "r");
    expect(await g.beforeToolCall(remove)).toBeUndefined();
    g.afterToolCall({ ...remove, result: { details: { status: "completed", name: "cp" } } });
    // Still running: still locked.
    expect((await g.beforeToolCall(exec("cat notes.txt", "b")))?.block).toBe(true);
    process.kill(-pid, "SIGTERM");
    await ended;
    expect((await g.beforeToolCall(exec("cat notes.txt", "c")))?.block).toBeUndefined();
  });
});
