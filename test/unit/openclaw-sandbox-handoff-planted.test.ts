// Sandbox mode hands each job's output to OpenClaw through files in a folder the gate makes in the
// gateway's temp folder (integrations/openclaw/sandbox-handoff.mjs). The gate wrote them by name,
// following whatever was there: with that temp folder inside an agent workspace, a sandboxed
// command (the workspace is mounted, often as the gateway's own uid) could plant `out` as a
// symlink and have the gateway write the command's output into any file its user owns, a shell
// start-up file for one (red team s12, R5). The output files are now created O_EXCL (never written
// through a link), the stub shows nothing when they could not be, and the gate refuses to start in
// sandbox mode with its temp folder inside a workspace.

import { execFile } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import * as lib from "../../src/index.js";
// @ts-expect-error: plain ESM plugin module without type declarations
import { createHandoff } from "../../integrations/openclaw/sandbox-handoff.mjs";
// @ts-expect-error: plain ESM plugin module without type declarations
import { createGate } from "../../integrations/openclaw/gate.mjs";

const quote = (w: string): string => `'${w.replaceAll("'", "'\\''")}'`;

/** Runs the stub as OpenClaw's host exec would; killed after 20 s (a stub that never answers). */
function hostRun(command: string): Promise<{ stdout: string; status: number | null }> {
  return new Promise((resolve) => {
    execFile("bash", ["-c", command], { encoding: "utf8", timeout: 20_000 }, (err, stdout) =>
      resolve({ stdout, status: err ? ((err as { code?: number }).code ?? null) : 0 }),
    );
  });
}

describe("sandbox mode's hand-off files", () => {
  it("a symlink planted at a job's output name is never written through, and the stub shows nothing", async () => {
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "sw-handoff-planted-"));
    // Stands for ~/.bashrc: a file of the gateway's user the sandbox cannot reach.
    const victim = path.join(tmp, "bashrc");
    fs.writeFileSync(victim, "# the user's own start-up file\n");
    const handoff = createHandoff({
      run: async () => ({
        version: 1,
        ok: true,
        exitCode: 0,
        outcome: "ok",
        stdout: "echo PWNED-7731\n",
        stderr: "",
      }),
      quote,
    });
    const stub = (await handoff.stub("job", "call-1")) as string;
    const dir = /^d='([^']+)'$/m.exec(stub)?.[1];
    expect(dir).toBeDefined();
    // What a sandboxed command that sees the folder does before the job ends.
    fs.symlinkSync(victim, path.join(dir!, "out"));
    const ran = await hostRun(stub);
    expect(fs.readFileSync(victim, "utf8")).toBe("# the user's own start-up file\n");
    expect(ran.stdout).not.toContain("PWNED-7731");
    expect(ran.status).toBe(126);
    handoff.done("call-1");
  });

  it("the gate refuses to start in sandbox mode when the temp folder is inside an agent workspace", () => {
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "sw-handoff-ws-"));
    const home = path.join(tmp, "home");
    const ws = path.join(home, "ws");
    const wsTemp = path.join(ws, "tmp");
    fs.mkdirSync(wsTemp, { recursive: true });
    const before = process.env.TMPDIR;
    process.env.TMPDIR = wsTemp;
    let refusal: unknown;
    try {
      (createGate as (l: object, c: object, h: object) => unknown)(
        lib,
        {
          policy: "common-tools",
          auditLog: path.join(tmp, "audit.jsonl"),
          mode: "sandbox",
          serveSocket: path.join(tmp, "serve.sock"),
        },
        {
          env: { HOME: home, SHELL: "/bin/bash", PATH: "/usr/bin:/bin" },
          openclawConfig: { agents: { defaults: { workspace: ws } } },
        },
      );
    } catch (err) {
      refusal = err;
    } finally {
      if (before === undefined) delete process.env.TMPDIR;
      else process.env.TMPDIR = before;
    }
    expect(String(refusal)).toMatch(
      /the temp folder .*ws\/tmp, where sandbox mode keeps each job's output, is inside the agent workspace/,
    );
    // Nothing of the hand-off was made where the sandbox sees it.
    expect(fs.readdirSync(wsTemp)).toEqual([]);
  });
});

// The gate's 0700 hand-off folder sits in the gateway's temp folder. Under a folder another user
// can rename entries in (a TMPDIR in their folder, kept by `sudo -E`), they could move the gate's
// folder away and put their own at its name: the job's output goes to them, and the stub shows
// what they write (red team s13, LOW list: "the plugin's sandbox temp folder's ancestors").
describe.runIf(process.getuid?.() === 0)("sandbox mode's temp folder and the folders above it", () => {
  it("the gate refuses to start when another user owns a folder above its temp folder", () => {
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "sw-handoff-anc-"));
    const theirs = path.join(tmp, "bob");
    const temp = path.join(theirs, "tmp");
    fs.mkdirSync(temp, { recursive: true, mode: 0o700 });
    fs.chownSync(theirs, 1000, 1000);
    const before = process.env.TMPDIR;
    process.env.TMPDIR = temp;
    let refusal: unknown = "started";
    try {
      (createGate as (l: object, c: object, h: object) => unknown)(
        lib,
        {
          policy: "common-tools",
          auditLog: path.join(tmp, "audit.jsonl"),
          mode: "sandbox",
          serveSocket: path.join(tmp, "serve.sock"),
        },
        {
          env: { HOME: path.join(tmp, "home"), SHELL: "/bin/bash", PATH: "/usr/bin:/bin" },
          openclawConfig: { agents: { defaults: { workspace: path.join(tmp, "ws") } } },
        },
      );
    } catch (err) {
      refusal = err;
    } finally {
      if (before === undefined) delete process.env.TMPDIR;
      else process.env.TMPDIR = before;
    }
    expect(String(refusal)).toMatch(/the temp folder .*bob\/tmp, .* is not safe: .*bob is owned by uid 1000/);
    expect(fs.readdirSync(temp)).toEqual([]);
  });
});

// The gate sends every command to whatever answers at serveSocket. A socket in an agent workspace
// is one a sandboxed command sees (the workspace is mounted): it could remove it and listen at
// the name itself, answering every later command with output of its choosing while nothing runs
// in serve's sandbox (red team s13).
describe("sandbox mode's serve socket", () => {
  it("the gate refuses to start when serveSocket is inside an agent workspace", () => {
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "sw-handoff-sock-"));
    const ws = path.join(tmp, "ws");
    fs.mkdirSync(ws);
    let refusal: unknown = "started";
    try {
      (createGate as (l: object, c: object, h: object) => unknown)(
        lib,
        {
          policy: "common-tools",
          auditLog: path.join(tmp, "audit.jsonl"),
          mode: "sandbox",
          serveSocket: path.join(ws, "serve.sock"),
        },
        {
          env: { HOME: path.join(tmp, "home"), SHELL: "/bin/bash", PATH: "/usr/bin:/bin" },
          openclawConfig: { agents: { defaults: { workspace: ws } } },
        },
      );
    } catch (err) {
      refusal = err;
    }
    expect(String(refusal)).toMatch(/the serve socket .*ws\/serve\.sock is inside the agent workspace/);
  });
});
