// The trust state of an agent home lives outside it (src/remote/paths.ts, state-dir.ts): where
// it goes, the refusals when a container user could write it, and the migration of state an
// older version kept inside the home (through hostfs: a planted symlink is refused).

import {
  chmodSync,
  chownSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { sha256Hex } from "../../src/remote/fetch.js";
import { readLockfile } from "../../src/remote/lockfile.js";
import { agentHomePaths, stateDirFor, stateRoot, useStateDir } from "../../src/remote/paths.js";
import { checkStateDirSafe, ensureStateDir } from "../../src/remote/state-dir.js";
import { getBlob } from "../../src/remote/blobs.js";

const tmp = (p: string): string => mkdtempSync(path.join(os.tmpdir(), p));
const asRoot = process.getuid?.() === 0;
const emptyLock = '{\n  "version": 1,\n  "skills": {}\n}\n';

describe("where the state lives", () => {
  it("outside the home, keyed by its path; root under /var/lib/skillwall, others under XDG state", () => {
    const home = tmp("sw-home-");
    const dir = stateDirFor(home);
    expect(path.relative(home, dir).startsWith("..")).toBe(true);
    expect(agentHomePaths(home).lockfile).toBe(path.join(dir, "skillwall.lock.json"));
    expect(stateDirFor(`${home}/`)).toBe(dir);
    expect(stateDirFor(tmp("sw-home-"))).not.toBe(dir);
    expect(stateRoot({ XDG_STATE_HOME: "/x/state" })).toBe(
      asRoot ? "/var/lib/skillwall" : "/x/state/skillwall",
    );
    expect(stateRoot({ SKILLWALL_STATE_ROOT: "/srv/sw" })).toBe("/srv/sw");
  });
});

describe("checkStateDirSafe", () => {
  it("refuses a state directory inside the agent home", async () => {
    const home = tmp("sw-home-");
    const inside = path.join(home, ".state");
    mkdirSync(inside);
    await expect(checkStateDirSafe(inside, home)).rejects.toMatchObject({ code: "state-dir-unsafe" });
  });

  it("refuses a world-writable state directory, and one whose parent is (without the sticky bit)", async () => {
    const home = tmp("sw-home-");
    const parent = tmp("sw-state-");
    const dir = path.join(parent, "s");
    mkdirSync(dir, { mode: 0o700 });
    chmodSync(dir, 0o777);
    await expect(checkStateDirSafe(dir, home)).rejects.toThrow(/writable by every user/);
    chmodSync(dir, 0o700);
    chmodSync(parent, 0o777);
    await expect(checkStateDirSafe(dir, home)).rejects.toThrow(/writable by every user/);
    chmodSync(parent, 0o1777); // like /tmp
    await expect(checkStateDirSafe(dir, home)).resolves.toBeUndefined();
  });

  it("refuses a state directory (or a file in it) owned by the container user", async () => {
    if (!asRoot) throw new Error("this test needs root (the supervisor's case): run the suite as root");
    const home = tmp("sw-home-");
    const dir = tmp("sw-state-");
    chownSync(dir, 1000, 1000);
    await expect(checkStateDirSafe(dir, home)).rejects.toThrow(/owned by uid 1000/);
    chownSync(dir, 0, 0);
    writeFileSync(path.join(dir, "skillwall.lock.json"), emptyLock);
    chownSync(path.join(dir, "skillwall.lock.json"), 1000, 1000);
    await expect(checkStateDirSafe(dir, home)).rejects.toThrow(
      /skillwall\.lock\.json: it is owned by uid 1000/,
    );
  });
});

describe("migration of state kept inside the home", () => {
  it("moves the lockfile, heartbeat state and intact blobs out, and removes them from the home", async () => {
    const home = tmp("sw-home-");
    const good = Buffer.from("pinned\n");
    const goodSha = sha256Hex(good);
    const badName = sha256Hex(Buffer.from("something else"));
    writeFileSync(path.join(home, "skillwall.lock.json"), emptyLock);
    mkdirSync(path.join(home, ".skillwall", "blobs"), { recursive: true });
    writeFileSync(path.join(home, ".skillwall", "heartbeat.json"), '{"version":1,"skills":{}}\n');
    writeFileSync(path.join(home, ".skillwall", "blobs", goodSha), good);
    writeFileSync(path.join(home, ".skillwall", "blobs", badName), "tampered");
    await ensureStateDir(home);
    expect(readdirSync(home)).toEqual([]);
    expect(readFileSync(agentHomePaths(home).lockfile, "utf8")).toBe(emptyLock);
    expect(existsSync(agentHomePaths(home).state)).toBe(true);
    expect(await getBlob(home, goodSha)).toEqual(good);
    await expect(getBlob(home, badName)).rejects.toMatchObject({ code: "blob-missing" });
  });

  it("refuses to migrate through a symlink planted in the home", async () => {
    const home = tmp("sw-home-");
    const outside = tmp("sw-out-");
    writeFileSync(path.join(outside, "heartbeat.json"), "{}");
    symlinkSync(outside, path.join(home, ".skillwall"));
    await expect(readLockfile(home)).rejects.toMatchObject({ code: "state-dir-unsafe" });
    expect(readdirSync(outside)).toEqual(["heartbeat.json"]);
  });

  it("as root, refuses to take over an in-home lockfile the container user owns (the agent may have forged it)", async () => {
    if (!asRoot) throw new Error("this test needs root (the supervisor's case): run the suite as root");
    const home = tmp("sw-home-");
    writeFileSync(path.join(home, "skillwall.lock.json"), emptyLock);
    chownSync(path.join(home, "skillwall.lock.json"), 1000, 1000);
    await expect(readLockfile(home)).rejects.toThrow(/owned by uid 1000, not 0/);
    expect(existsSync(agentHomePaths(home).lockfile)).toBe(false);
  });

  it("after the migration, state-like names the agent plants in its home are neither read nor removed", async () => {
    const home = tmp("sw-home-");
    writeFileSync(path.join(home, "skillwall.lock.json"), emptyLock);
    await ensureStateDir(home);
    expect(existsSync(agentHomePaths(home).lockfile)).toBe(true);
    mkdirSync(path.join(home, ".skillwall"));
    writeFileSync(path.join(home, "skillwall.lock.json"), '{"forged":true}');
    const { migrateLegacy } = await import("../../src/remote/state-dir.js");
    await migrateLegacy(home);
    expect(readFileSync(agentHomePaths(home).lockfile, "utf8")).toBe(emptyLock);
    expect(readdirSync(home).sort()).toEqual([".skillwall", "skillwall.lock.json"]);
  });

  it("--state-dir puts the state where the operator says", async () => {
    const home = tmp("sw-home-");
    const dir = path.join(tmp("sw-state-"), "mine");
    useStateDir(home, dir);
    await readLockfile(home);
    expect(agentHomePaths(home).dir).toBe(dir);
    expect(existsSync(dir)).toBe(true);
  });
});
