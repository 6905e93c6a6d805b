// Before a home's trust state is used: its state directory (paths.ts) exists, lies outside the
// home (which steps and wrapped agents can write), and neither it nor any directory above it is
// writable by the container user; state an older version kept inside the home is moved out,
// through hostfs (a symlink planted there is refused, never followed). Fails closed with the fix.

import { promises as fs, type Stats } from "node:fs";
import path from "node:path";
import { SkillwallError } from "../errors.js";
import { publishLifecycle } from "../events.js";
import { HostDir, HostFsError, withHostDir } from "../hostfs/host-dir.js";
import { removeTree } from "../hostfs/walk.js";
import { identityOf, isWithin } from "../hostfs/ancestry.js";
import { hostfsLimits } from "../limits.js";
import { writeFileAtomic } from "./atomic-file.js";
import { putBlobFrom } from "./blobs.js";
import { agentHomePaths, legacyStatePaths } from "./paths.js";

/** The uid/gid steps and wrapped agents run as (the runner's choice: 1000 under a root supervisor). */
export function containerUser(): { uid: number; gid: number } {
  const uid = process.getuid?.() ?? 1000;
  const gid = process.getgid?.() ?? 1000;
  return uid === 0 ? { uid: 1000, gid: 1000 } : { uid, gid };
}

function refuse(message: string, fix: string, cause?: unknown): never {
  throw new SkillwallError("state-dir-unsafe", message, { fix, ...(cause === undefined ? {} : { cause }) });
}

function isInside(child: string, parent: string): boolean {
  const rel = path.relative(parent, child);
  // "..name" is a folder inside; only ".." itself or "../…" leaves.
  return rel === "" || (rel !== ".." && !rel.startsWith(`..${path.sep}`) && !path.isAbsolute(rel));
}

/** Why the container user could change `st`'s entries, or undefined. `self`: the state dir itself. */
function writableBy(st: Stats, user: { uid: number; gid: number }, self: boolean): string | undefined {
  const me = process.getuid?.() ?? -1;
  if (st.uid === user.uid && user.uid !== me) return `it is owned by uid ${user.uid} (the container user)`;
  // As root every other user is as foreign as the container user: `sudo -E` keeps a user's
  // SKILLWALL_STATE_ROOT, and --state-dir may name a folder in a user's home (rt12 R4).
  if (me === 0 && st.uid !== 0) return `it is owned by uid ${st.uid}, not root`;
  const sticky = (st.mode & 0o1000) !== 0 && !self;
  if ((st.mode & 0o002) !== 0 && !sticky) return "it is writable by every user";
  const groupWrites = (st.mode & 0o020) !== 0 && !sticky;
  if (groupWrites && me === 0 && st.gid !== 0) return `it is group-writable by gid ${st.gid}`;
  if (groupWrites && st.gid === user.gid && user.gid !== (process.getgid?.() ?? -1))
    return `it is group-writable by gid ${user.gid} (the container group)`;
  return undefined;
}

/** Refuses when the container user could write `dir`, a directory above it, or what is directly in it. */
export async function checkStateDirSafe(dir: string, home: string, user = containerUser()): Promise<void> {
  const realDir = await fs.realpath(dir);
  const realHome = await fs.realpath(home).catch(() => path.resolve(home));
  // By name and by identity (dev+ino up the parent chain: a bind-mount alias of the home).
  const homeId = identityOf(realHome);
  const dirId = identityOf(realDir);
  if (
    isInside(realDir, realHome) ||
    isInside(realHome, realDir) ||
    (homeId !== undefined && isWithin(realDir, homeId)) ||
    (dirId !== undefined && homeId !== undefined && isWithin(realHome, dirId))
  ) {
    refuse(
      `the state directory ${realDir} and the agent home ${realHome} overlap: a step or wrapped agent could rewrite the lockfile and approvals`,
      "pass --state-dir DIR outside the agent home (default: /var/lib/skillwall/homes/… as root)",
    );
  }
  const fix = (p: string): string =>
    `make ${p} owned by ${process.getuid?.() ?? 0} and not writable by others (chown ${process.getuid?.() ?? 0}:${process.getgid?.() ?? 0} ${p}; chmod go-w ${p}), or pass --state-dir DIR`;
  for (let p = realDir; ; p = path.dirname(p)) {
    const why = writableBy(await fs.lstat(p), user, p === realDir);
    if (why !== undefined) refuse(`the state directory ${realDir} is not safe: ${p}: ${why}`, fix(p));
    if (p === path.dirname(p)) break;
  }
  for (const name of await fs.readdir(realDir)) {
    const full = path.join(realDir, name);
    // A lock or temp file another skillwall process removed since the listing: nothing to check.
    const st = await fs.lstat(full).catch((err: NodeJS.ErrnoException) => {
      if (err.code === "ENOENT") return undefined;
      throw err;
    });
    if (st === undefined) continue;
    const why = st.isSymbolicLink() ? "it is a symlink" : writableBy(st, user, true);
    if (why !== undefined) refuse(`the state directory ${realDir} is not safe: ${full}: ${why}`, fix(full));
  }
}

/**
 * Whose old in-home lockfile and state are taken over: as root, only root's (a file the container
 * user owns may have been written by the agent: approvals it gave itself); as a plain user the
 * container runs as that same user and nothing can tell them apart (the migration is announced).
 */
function trustedOwner(): { uid?: number } {
  const me = process.getuid?.();
  return me !== undefined && me !== containerUser().uid ? { uid: me } : {};
}

const ready = new Map<string, Promise<void>>();

/** Creates, checks and (once) migrates the home's state directory; cached per process. */
export function ensureStateDir(home: string): Promise<void> {
  const paths = agentHomePaths(home);
  const key = `${paths.home}\u0000${paths.dir}`;
  let p = ready.get(key);
  if (p === undefined) {
    p = prepare(paths.home, paths.dir);
    ready.set(key, p);
    p.catch(() => ready.delete(key));
  }
  return p;
}

async function prepare(home: string, dir: string): Promise<void> {
  // Made one folder at a time through hostfs: a symlink planted on the way (where someone else
  // writes) is refused before root creates anything at the place it leads to.
  await withHostDir(dir, { create: true, mode: 0o700 }, async () => undefined).catch((err: unknown) => {
    if (err instanceof HostFsError)
      refuse(
        `the state directory ${dir} is not safe: ${err.message}`,
        err.fix ?? "pass --state-dir DIR",
        err,
      );
    throw err;
  });
  await checkStateDirSafe(dir, home);
  await migrateLegacy(home);
}

/**
 * Moves skillwall.lock.json and .skillwall/ (heartbeat state, blobs) out of the home into its
 * state directory, unless the state directory already has a lockfile. Blobs are copied only when
 * their bytes match their name. What was in the home could have been edited by the agent: the
 * migration is announced so a person can review `skillwall status`.
 */
export async function migrateLegacy(home: string): Promise<void> {
  const legacy = legacyStatePaths(home);
  const paths = agentHomePaths(home);
  const homeExists = await fs.stat(paths.home).then(
    (s) => s.isDirectory(),
    () => false,
  );
  if (!homeExists) return;
  // Once the state directory has a lockfile, names like these in the home are the agent's own
  // files: never read, never removed (a planted tree must not be able to stall every start).
  const already = await fs.stat(paths.lockfile).then(
    () => true,
    () => false,
  );
  if (already) return;
  await withHostDir(paths.home, {}, async (root) => {
    const lockName = path.basename(legacy.lockfile);
    const dirName = path.basename(legacy.dir);
    const lockSt = await root.entry(lockName);
    const dirSt = await root.entry(dirName);
    if (lockSt === undefined && dirSt === undefined) return;
    try {
      const bytes = await root.readFile(lockName, hostfsLimits.maxStateFileBytes, trustedOwner());
      if (dirSt !== undefined) await migrateDir(home, root, dirName, paths.state);
      // The lockfile last: its presence marks the migration done.
      if (bytes !== undefined) await writeFileAtomic(paths.lockfile, bytes);
      if (lockSt !== undefined) await root.unlink(lockName);
      if (dirSt !== undefined) await removeTree(root, dirName);
    } catch (err) {
      if (err instanceof HostFsError) {
        refuse(
          `cannot move skillwall's state out of ${paths.home}: ${err.message}`,
          `${err.fix ?? "fix it"}; then run again (the state now lives in ${paths.dir})`,
          err,
        );
      }
      throw err;
    }
    publishLifecycle({
      event: "state-migrated",
      home: paths.home,
      stateDir: paths.dir,
      note: "the state was inside the agent home, which the agent could write: check skillwall status",
    });
  });
}

async function migrateDir(home: string, root: HostDir, name: string, stateFile: string): Promise<void> {
  const dir = await root.dir(name);
  try {
    const state = await dir.readFile("heartbeat.json", hostfsLimits.maxStateFileBytes, trustedOwner());
    if (state !== undefined) await writeFileAtomic(stateFile, state);
    if ((await dir.entry("blobs")) === undefined) return;
    const blobs = await dir.dir("blobs");
    try {
      for (const n of await blobs.list()) {
        if (!/^[0-9a-f]{64}$/.test(n)) continue;
        const st = await blobs.entry(n);
        if (!st?.isFile()) continue;
        await putBlobFrom(home, blobs, n); // stored under its real hash: a tampered blob is never used as `n`
      }
    } finally {
      await blobs.close();
    }
  } finally {
    await dir.close();
  }
}
