// `skillwall serve --workspace W` mounts W into every pool container for as long as it runs, and
// Docker resolves a bind source by path when each container starts. W's parent here is owned by
// uid 1000 (as /home/agent/.openclaw is in the documented set-up): swapping W for a symlink to
// another uid-1000 folder, before serve starts or while it runs, gave the next pool containers
// that folder. serve must open W through hostfs (a planted symlink refused) and hand Docker a
// root-only bind of the folder it opened. The real CLI (node bin/skillwall.js, built), real
// Docker; root only (the bind needs mount).

import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import {
  chownSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  renameSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { runViaServe } from "../../src/serve/client.js";
import { repoRoot } from "../helpers/cli.js";
import { docker } from "./sandbox-docker.js";

if (process.getuid?.() !== 0) throw new Error("this test reproduces a root supervisor: run it as root");

beforeAll(async () => {
  await docker(); // the step image exists
}, 300_000);

const canary = `CANARY-${randomBytes(8).toString("hex")}`;

function layout(): { ws: string; outside: string; socket: string } {
  const base = mkdtempSync(path.join(tmpdir(), "sw-serveswap-"));
  chownSync(base, 1000, 1000);
  const ws = path.join(base, "workspace");
  mkdirSync(ws);
  writeFileSync(path.join(ws, "notes.md"), "checked workspace\n");
  for (const f of ["", "notes.md"]) chownSync(path.join(ws, f), 1000, 1000);
  const outside = mkdtempSync(path.join(tmpdir(), "sw-serveswap-outside-"));
  writeFileSync(path.join(outside, "notes.md"), `${canary}\n`, { mode: 0o600 });
  for (const f of ["", "notes.md"]) chownSync(path.join(outside, f), 1000, 1000);
  const sockDir = mkdtempSync(path.join(tmpdir(), "sw-serveswap-op-"));
  return { ws, outside, socket: path.join(sockDir, "serve.sock") };
}

function swap(ws: string, outside: string): void {
  renameSync(ws, `${ws}.moved`);
  symlinkSync(outside, ws);
}

let child: ChildProcess | undefined;
afterEach(async () => {
  if (child && child.exitCode === null) {
    const ended = new Promise((r) => child?.once("exit", r));
    child.kill("SIGTERM");
    await ended;
  }
  child = undefined;
}, 60_000);

/** Starts `skillwall serve`; resolves with its stderr once it listens, or when it exits. */
function startServe(ws: string, socket: string): Promise<{ listening: boolean; stderr: string }> {
  const c = spawn(
    process.execPath,
    ["bin/skillwall.js", "serve", "--socket", socket, "--workspace", ws, "--policy", "agent", "--pool", "1"],
    { cwd: repoRoot, stdio: ["ignore", "ignore", "pipe"] },
  );
  child = c;
  let stderr = "";
  return new Promise((resolve) => {
    c.stderr?.on("data", (b: Buffer) => {
      stderr += b.toString();
      if (existsSync(socket) && stderr.includes("warm containers")) resolve({ listening: true, stderr });
    });
    c.once("exit", () => resolve({ listening: false, stderr }));
  });
}

describe("serve mounts the workspace it checked, never what its path leads to later", () => {
  it("a workspace swapped for a symlink while serve runs: the next containers still get the checked folder", async () => {
    const { ws, outside, socket } = layout();
    const up = await startServe(ws, socket);
    expect(up.listening, up.stderr).toBe(true);
    swap(ws, outside);
    // The first job takes the container started before the swap; the refill after it starts
    // the next one after the swap.
    const outs: string[] = [];
    for (let i = 0; i < 3; i++) {
      const r = await runViaServe(socket, "cat notes.md; echo planted > planted.txt", { timeoutMs: 30_000 });
      outs.push(`${r.stdout}${r.stderr}${r.error?.message ?? ""}`);
    }
    expect(outs.join("\n")).not.toContain(canary);
    expect(outs.filter((o) => o.includes("checked workspace"))).toHaveLength(3);
    expect(readdirSync(outside)).toEqual(["notes.md"]);
    expect(readFileSync(path.join(`${ws}.moved`, "planted.txt"), "utf8")).toBe("planted\n");
  }, 240_000);

  it("a workspace that is a symlink in a folder uid 1000 owns: refused before any container", async () => {
    const { ws, outside, socket } = layout();
    swap(ws, outside);
    const up = await startServe(ws, socket);
    expect(up.listening).toBe(false);
    expect(up.stderr).toContain("symbolic link");
    expect(up.stderr).not.toContain(canary);
    expect(readdirSync(outside)).toEqual(["notes.md"]);
  }, 120_000);
});
