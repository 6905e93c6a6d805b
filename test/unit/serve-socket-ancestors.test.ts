// serve's clients (the OpenClaw plugin's sandbox mode) find it by the socket's name. The socket's
// own folder had to be the operator's and 0700, but the folders above it were not looked at: in a
// folder another user owns (`--socket /home/alice/run/serve.sock`) root made `run` for her, and
// she could rename it away, make her own `run` with her own socket and answer in serve's place
// (see every command, forge its output), or swap in a symlink before serve's chmod by name
// (red team s13, LOW list). Now the folder is opened through hostfs (a link planted on the way is
// refused), every folder above it must be renamable by nobody but root or this user, and the
// socket is made, chmod'ed and removed through the checked folder's descriptor.

import {
  chmodSync,
  chownSync,
  existsSync,
  lchownSync,
  mkdirSync,
  mkdtempSync,
  statSync,
  symlinkSync,
} from "node:fs";
import net from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import type { Policy } from "../../src/policy/types.js";
import type { ContainerPool } from "../../src/serve/pool.js";
import { startServer } from "../../src/serve/server.js";

const asRoot = process.getuid?.() === 0;
const attacker = 1000;

function setup(): { base: string; ws: string; alice: string } {
  const base = mkdtempSync(path.join(tmpdir(), "sw-sock-anc-"));
  chmodSync(base, 0o755); // the attacker can reach her own folder
  const ws = path.join(base, "workspace");
  mkdirSync(ws);
  const alice = path.join(base, "alice");
  mkdirSync(alice, { mode: 0o755 });
  chownSync(alice, attacker, attacker);
  return { base, ws, alice };
}

/** serve with no containers: the requests used here never reach the pool or the policy. */
async function serve(socketPath: string, ws: string): Promise<{ close(): Promise<void> } | string> {
  const pool = { close: async () => undefined } as unknown as ContainerPool;
  try {
    return await startServer({ socketPath, pool, policy: {} as Policy, workspaceHostDir: ws });
  } catch (err) {
    return String(err);
  }
}

/** One request line over the socket; the answer line. */
async function ask(socketPath: string, line: string): Promise<string> {
  return new Promise((resolve, reject) => {
    let got = "";
    const c = net.connect(socketPath);
    c.on("connect", () => c.write(`${line}\n`));
    c.on("data", (d) => (got += d.toString("utf8")));
    c.on("end", () => resolve(got));
    c.on("error", reject);
  });
}

describe.runIf(asRoot)("serve --socket: no folder above the socket another user could move", () => {
  it("refuses a socket under a folder another user owns, and makes nothing there", async () => {
    const { ws, alice } = setup();
    const got = await serve(path.join(alice, "run", "serve.sock"), ws);
    expect(got).toMatch(/could be moved away by another user .*alice is owned by uid 1000/);
    expect(existsSync(path.join(alice, "run"))).toBe(false);
  });

  it("refuses a root folder reached through a link another user planted", async () => {
    const { base, ws, alice } = setup();
    const rootDir = path.join(base, "root-only");
    mkdirSync(path.join(rootDir, "run"), { recursive: true, mode: 0o700 });
    const link = path.join(alice, "link");
    symlinkSync(rootDir, link);
    lchownSync(link, attacker, attacker);
    const got = await serve(path.join(link, "run", "serve.sock"), ws);
    expect(got).toMatch(/alice\/link is a symbolic link .*owned by uid 1000/);
    expect(existsSync(path.join(rootDir, "run", "serve.sock"))).toBe(false);
  });

  it("control: a socket under root's own folders answers, is 0600 and is removed at close", async () => {
    const { base, ws } = setup();
    mkdirSync(path.join(base, "ops"), { mode: 0o755 });
    const socketPath = path.join(base, "ops", "run", "serve.sock");
    const server = await serve(socketPath, ws);
    if (typeof server === "string") throw new Error(server);
    try {
      expect(statSync(socketPath).mode & 0o777).toBe(0o600);
      expect(statSync(path.dirname(socketPath)).mode & 0o777).toBe(0o700);
      expect(await ask(socketPath, "not json")).toMatch(/"code":"serve-bad-request"/);
    } finally {
      await server.close();
    }
    expect(existsSync(socketPath)).toBe(false);
  });
});
