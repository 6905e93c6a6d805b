// Docker resolves a bind mount's source by path, as root, when the container starts. `wrap`
// checked the agent home through hostfs and then handed Docker the home's path: whoever may
// write a folder above the home (here its parent, owned by uid 1000 like a person's home
// folder) swapped the home for a symlink, or for another directory, after the check, and the
// wrapped agent got that target mounted writable at /home/agent with uid 1000's rights (a uid-1000
// folder it must not see, the host's /). The swap is made deterministic by a Docker client that
// performs it at a fixed point: just before the container is created (after the home was bound),
// or just before the mount source is bound (between the check and the bind).
// Real Docker, real files; root only (the bind needs mount).

import {
  chownSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  renameSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import os from "node:os";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { loadPolicy } from "../../src/policy/load.js";
import type { Policy } from "../../src/policy/types.js";
import type { DockerClient } from "../../src/run/docker.js";
import { runWrapped } from "../../src/run/wrap.js";
import { docker, testPolicy, type DockerFixture } from "./sandbox-docker.js";

if (process.getuid?.() !== 0) throw new Error("this test reproduces a root supervisor: run it as root");

let fx: DockerFixture;
let policy: Policy;
beforeAll(async () => {
  fx = await docker();
  policy = await loadPolicy("sandbox-only");
}, 300_000);

/** A home in a folder uid 1000 owns, and a uid-1000 folder outside it holding a canary. */
function layout(): { home: string; outside: string } {
  const base = mkdtempSync(path.join(os.tmpdir(), "sw-wrapswap-"));
  chownSync(base, 1000, 1000);
  const home = path.join(base, "home");
  mkdirSync(home);
  writeFileSync(path.join(home, "mine.txt"), "checked home\n");
  const outside = mkdtempSync(path.join(os.tmpdir(), "sw-wrapswap-outside-"));
  writeFileSync(path.join(outside, "id_rsa"), "PRIVATE-KEY-CANARY\n", { mode: 0o600 });
  for (const f of ["", "id_rsa"]) chownSync(path.join(outside, f), 1000, 1000);
  return { home, outside };
}

/** What a uid-1000 process does to the home's name: moves it away and plants a symlink there. */
function swap(home: string, outside: string): void {
  renameSync(home, `${home}.moved`);
  symlinkSync(outside, home);
}

/**
 * fx.client, with `doSwap` run once at the start of `method`, at the first call after the home
 * was checked (the check ends by chowning it to the container user; reapers call `networks`
 * before that).
 */
function swappingClient(method: "create" | "networks", home: string, doSwap: () => void): DockerClient {
  const real = fx.client;
  let done = false;
  return new Proxy(real, {
    get(target, prop) {
      const v = Reflect.get(target, prop, target) as unknown;
      if (typeof v !== "function") return v;
      return (...args: unknown[]) => {
        if (prop === method && !done && lstatSync(home).uid === 1000) {
          done = true;
          doSwap();
        }
        return (v as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  });
}

async function wrapOnce(client: DockerClient, home: string) {
  let out = "";
  const result = await runWrapped({
    client,
    image: fx.image,
    policy: { ...testPolicy(), network: policy.network },
    command: [
      "sh",
      "-c",
      "cat /home/agent/id_rsa /home/agent/mine.txt 2>&1; echo tamper > /home/agent/planted; true",
    ],
    agentHome: home,
    stdout: { write: (b: Buffer) => (out += b.toString()) },
    stderr: { write: (b: Buffer) => (out += b.toString()) },
  });
  return { result, out };
}

describe("wrap mounts the agent home that was checked, never what its path leads to later", () => {
  it("home swapped for a symlink after it was bound: the container still gets the checked home", async () => {
    const { home, outside } = layout();
    const { result, out } = await wrapOnce(
      swappingClient("create", home, () => swap(home, outside)),
      home,
    );
    expect(result.outcome, out).toBe("ok");
    expect(out).not.toContain("CANARY");
    expect(out).toContain("checked home");
    expect(readdirSync(outside)).toEqual(["id_rsa"]);
    expect(readdirSync(`${home}.moved`).sort()).toEqual(["mine.txt", "planted"]);
  }, 120_000);

  it("home swapped for a symlink between the check and the bind: refused, nothing runs", async () => {
    const { home, outside } = layout();
    await expect(
      wrapOnce(
        swappingClient("networks", home, () => swap(home, outside)),
        home,
      ),
    ).rejects.toThrow(/symbolic link/);
    expect(readdirSync(outside)).toEqual(["id_rsa"]);
  }, 120_000);

  it("home swapped for another directory between the check and the bind: refused", async () => {
    const { home, outside } = layout();
    const other = () => {
      renameSync(home, `${home}.moved`);
      mkdirSync(home);
    };
    await expect(wrapOnce(swappingClient("networks", home, other), home)).rejects.toThrow(
      /replaced after it was checked/,
    );
    expect(readdirSync(outside)).toEqual(["id_rsa"]);
  }, 120_000);
});
