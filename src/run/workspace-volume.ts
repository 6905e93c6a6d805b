// A workspace with a quota and without setuid or devices. Docker cannot limit a bind mount, and
// the agent home sits on the host's root filesystem (no project quota there), so each run gets
// its own filesystem: a sparse image file of workspaceQuota.bytes with workspaceQuota.inodes
// inodes, formatted ext4 and loop-mounted nosuid,nodev in a root-only directory. The steps see
// that filesystem at the workspace's place; its size caps what they can write (bytes and files),
// and its mount flags carry into the container's bind mount. The mount shows up in the step's
// mountinfo as /dev/loopN at "/", not as a host path.
//
// The skill's files are copied in before the first step and back after the last one by two
// short-lived containers of the same hardened spec, as the container user: the supervisor never
// writes into the skill's tree as root, and a symlink a step planted is copied as a symlink.
// Needs root (mount); as a normal user the workspace is bind-mounted as before, without a quota.

import { execFile } from "node:child_process";
import { lstat, mkdir, open, readdir, readFile, realpath, rm, rmdir, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { SkillwallError } from "../errors.js";
import { HostDir, HostFsError, withHostDir, withSubdir } from "../hostfs/host-dir.js";
import type { SandboxLimits, WorkspaceQuota } from "../limits.js";
import type { BindMount, ContainerClient } from "./container-client.js";
import { executeContainer } from "./execute.js";
import { ownerDead, ownerLabels, procOwnerProbe, type OwnerProbe } from "./owner.js";
import { privateTempDir, tempDirUnsafe } from "./private-temp.js";
import { buildStepSpec } from "./spec.js";
import { containerHome, type Workspace } from "./workspace.js";

const run = promisify(execFile);

const volumePrefix = "skillwall-wsfs-";
const ownerFile = "owner.json";
/** Where the skill directory is bind-mounted (by descriptor) while a copy container runs. */
const skillMount = "skill";

export interface WorkspaceVolume {
  /** The workspace the steps mount: the quota filesystem at the skill directory's place. */
  workspace: Workspace;
  /** Copy what the steps left back into the skill directory, unmount, delete the image. */
  close(): Promise<void>;
}

export interface VolumeInput {
  client: ContainerClient;
  image: string;
  runId: string;
  seccompJson: string;
  user: { uid: number; gid: number };
  limits: SandboxLimits;
  workspace: Workspace;
  quota: WorkspaceQuota;
}

/** Copies a tree as the container user: symlinks as symlinks, modes and times kept, no owners. */
const copyTree = "cp -R -P --preserve=mode,timestamps,links /home/agent/from/. /home/agent/to/";

/**
 * Clears setuid/setgid bits on what comes back to the host: the quota filesystem is nosuid, the
 * agent home is not, and a setuid file of the container uid there runs as that uid for anyone.
 */
const stripSetId = "find /home/agent/to ! -type l -perm /6000 -exec chmod ug-s {} +";

/**
 * Runs `use` while the skill directory is bind-mounted at `at` (a root-only path). Docker
 * resolves a bind source path on the host, as root, and the copies run as uid 1000: given the
 * skill directory's path, a wrapped agent swapping that directory (or a component above it) for
 * a symlink pointed the copy-out at any host directory uid 1000 may write, and the copy-in at any
 * it may read. So the directory is opened through hostfs (no symlink on the way) and mounted by
 * its descriptor (mount -c never resolves the magic link to a path); the copy mounts `at`.
 */
async function withSkillBind(input: VolumeInput, at: string, use: () => Promise<void>): Promise<void> {
  const rel = input.workspace.relDir;
  if (rel === undefined || rel === "")
    throw new SkillwallError("workspace-quota", "the workspace has no skill directory inside the home");
  await withHostDir(input.workspace.agentHome, {}, (home) =>
    withSubdir(home, rel, {}, async (dir) => {
      const byFd = dir.procPath.replace("/proc/self/", `/proc/${process.pid}/`);
      await run("mount", ["--no-canonicalize", "--bind", byFd, at]);
      try {
        await use();
      } finally {
        await run("umount", [at]).catch(() => run("umount", ["-l", at]));
      }
    }),
  );
}

export interface HeldBind {
  /** What Docker gets as the bind source: the checked directory, or a root-only path to it. */
  source: string;
  /** The checked directory's real path (for messages and name checks, never for access). */
  realPath: string;
  /** Unmounts and removes the root-only path (the started containers keep their own mounts). */
  release(): Promise<void>;
}

/**
 * Hands a checked directory (a wrapped agent's home, serve's workspace) to Docker without naming
 * it. Docker resolves a bind source by path, as root, when each container starts: until then the
 * directory, or a folder above it that someone else may write, can be swapped for a symlink or
 * another directory, and the container mounts wherever that leads with the container uid's
 * rights (a uid-1000 folder outside the home, the host's /). So it is opened again through
 * hostfs (a planted symlink on the way is refused), must be the directory that was checked
 * (`checked`: dev+ino) and, as root, is bind-mounted by its descriptor (mount -c never resolves
 * the magic link to a path) onto a mount point in a new 0700 temp folder, verified by dev+ino
 * again; Docker gets that path, which nobody but root can change. A crash leaves it to
 * reapWorkspaceVolumes (owner.json). Not root: nothing can be mounted, the checked real path is
 * handed over, only when nobody but root and this user can rename a folder on it.
 */
export async function holdBindSource(
  hostPath: string,
  checked?: { dev: number; ino: number },
): Promise<HeldBind> {
  const dir = await HostDir.open(hostPath);
  try {
    if (checked !== undefined && (dir.dev !== checked.dev || dir.ino !== checked.ino)) {
      throw new HostFsError(
        `${hostPath} was replaced after it was checked`,
        "stop whatever renames folders there and run again",
      );
    }
    const realPath = await dir.realPath();
    if (!canMountWorkspace()) {
      // Nothing can be mounted by descriptor: Docker gets the path and resolves it as root when
      // each container starts (a held /proc/<pid>/fd/<n> source is refused by runc: a mount of
      // another mount namespace). So nobody but root and this user may be able to rename the
      // folder or one above it; this user's own swap gains nothing, the containers run with
      // no more rights than this user has.
      const why = await dir.renamableByOthers();
      if (why !== undefined) {
        throw new HostFsError(
          `${hostPath} cannot be handed to Docker by its path: ${why}, who could swap it for another folder before a container starts`,
          "move it under folders only you (or root) can write, or run skillwall as root (it then mounts the folder by descriptor)",
        );
      }
      return { source: realPath, realPath, release: async () => undefined };
    }
    const staging = volumeDir();
    const at = path.join(staging, skillMount);
    let mounted = false;
    const release = async (): Promise<void> => {
      if (mounted) await run("umount", [at]).catch(() => run("umount", ["-l", at]));
      mounted = false;
      // rmdir, never a recursive rm: if the unmount failed, the mount point is busy, not emptied.
      await rmdir(at).catch(() => undefined);
      await rm(path.join(staging, ownerFile), { force: true });
      await rmdir(staging).catch(() => undefined);
    };
    try {
      await writeFile(path.join(staging, ownerFile), JSON.stringify(ownerLabels()), { mode: 0o600 });
      await mkdir(at, { mode: 0o700 });
      const byFd = dir.procPath.replace("/proc/self/", `/proc/${process.pid}/`);
      await run("mount", ["--no-canonicalize", "--bind", byFd, at]);
      mounted = true;
      const st = await lstat(at);
      if (st.dev !== dir.dev || st.ino !== dir.ino)
        throw new HostFsError(`the bind mount of ${hostPath} is not that folder`, "run again");
      return { source: at, realPath, release };
    } catch (err) {
      await release();
      throw err;
    }
  } finally {
    await dir.close();
  }
}

/** A new 0700 folder for mount points and the quota image (private-temp.ts says why it is checked). */
function volumeDir(): string {
  return privateTempDir(volumePrefix, "mounts");
}

async function copyInContainer(
  input: VolumeInput,
  label: string,
  from: string,
  to: string,
  script: string,
): Promise<void> {
  const { client } = input;
  const readOnly: BindMount = { Type: "bind", Source: from, Target: `${containerHome}/from`, ReadOnly: true };
  const id = await client.create(
    buildStepSpec({
      image: input.image,
      runId: input.runId,
      stepLabel: label,
      script,
      env: new Map(),
      limits: input.limits,
      seccompJson: input.seccompJson,
      workspace: { hostDir: to, containerDir: `${containerHome}/to`, agentHome: input.workspace.agentHome },
      readOnlyMounts: [readOnly],
      user: input.user,
    }),
  );
  try {
    const r = await executeContainer(client, id, {
      timeoutMs: input.limits.timeoutMs,
      outputBytes: 16 * 1024,
    });
    if (r.outcome !== "ok") {
      throw new SkillwallError(
        "workspace-quota",
        `${label} of the skill workspace failed (${r.outcome}): ${r.stderr.trim().slice(0, 500)}`,
        {
          fix: `the workspace holds at most ${input.quota.bytes} bytes and ${input.quota.inodes} files (workspaceQuota in src/limits.ts)`,
        },
      );
    }
  } finally {
    await client.remove(id).catch(() => undefined);
  }
}

export async function openWorkspaceVolume(input: VolumeInput): Promise<WorkspaceVolume> {
  const dir = volumeDir();
  // Who owns it, for reapWorkspaceVolumes after a crash.
  await writeFile(path.join(dir, ownerFile), JSON.stringify(ownerLabels()), { mode: 0o600 });
  const image = path.join(dir, "workspace.ext4");
  const mnt = path.join(dir, "mnt");
  const skill = path.join(dir, skillMount);
  let mounted = false;
  const cleanup = async (): Promise<void> => {
    if (mounted) await run("umount", [mnt]).catch(() => run("umount", ["-l", mnt]));
    mounted = false;
    await rm(dir, { recursive: true, force: true });
  };
  try {
    await mkdir(mnt, { mode: 0o700 });
    await mkdir(skill, { mode: 0o700 });
    const f = await open(image, "wx", 0o600);
    await f.truncate(input.quota.bytes); // sparse: blocks are allocated only as they are written
    await f.close();
    const { uid, gid } = input.user;
    await run("mkfs.ext4", [
      "-q",
      "-F",
      "-m",
      "0",
      "-N",
      String(input.quota.inodes),
      "-O",
      "^has_journal",
      "-E",
      `root_owner=${uid}:${gid},lazy_itable_init=1`,
      image,
    ]);
    await run("mount", ["-o", "loop,nosuid,nodev,noatime", image, mnt]);
    mounted = true;
    await rmdir(path.join(mnt, "lost+found")).catch(() => undefined);
    await withSkillBind(input, skill, () => copyInContainer(input, "copy-in", skill, mnt, copyTree));
  } catch (err) {
    await cleanup();
    if (err instanceof SkillwallError) throw err;
    throw new SkillwallError(
      "workspace-quota",
      `could not set up the workspace filesystem: ${(err as Error).message}`,
      { fix: "skillwall needs root, mkfs.ext4 and loop devices for the workspace quota", cause: err },
    );
  }
  let closing: Promise<void> | undefined;
  return {
    workspace: { ...input.workspace, hostDir: mnt },
    close() {
      closing ??= (async () => {
        try {
          // The skill directory becomes exactly what the steps left.
          await withSkillBind(input, skill, () =>
            copyInContainer(
              input,
              "copy-out",
              mnt,
              skill,
              `find /home/agent/to -mindepth 1 -delete && ${copyTree} && ${stripSetId}`,
            ),
          );
        } finally {
          await cleanup();
        }
      })();
      return closing;
    },
  };
}

/** Whether this process can mount the quota filesystem (root). */
export function canMountWorkspace(): boolean {
  return process.getuid?.() === 0;
}

/** Mount points in this mount namespace (field 5 of mountinfo, octal escapes decoded). */
async function mountPoints(): Promise<Set<string>> {
  const text = await readFile("/proc/self/mountinfo", "utf8");
  return new Set(
    text
      .split("\n")
      .map((l) => l.split(" ")[4])
      .filter((m): m is string => m !== undefined)
      .map((m) => m.replace(/\\([0-7]{3})/g, (_, o: string) => String.fromCharCode(parseInt(o, 8)))),
  );
}

/**
 * Workspace filesystems a crashed supervisor left mounted: unmount and delete those whose owner
 * (owner.json, see owner.ts) is provably dead. Only directories this user created with mode 0700
 * are considered, so nobody else can plant one in the shared temp directory.
 */
export async function reapWorkspaceVolumes(probe: OwnerProbe = procOwnerProbe): Promise<string[]> {
  const tmp = await realpath(os.tmpdir());
  const reaped: string[] = [];
  // No volume can have been made in a temp directory others can rename entries in (volumeDir
  // refuses it), and a recursive rm there could be led elsewhere: nothing to reap.
  if (tempDirUnsafe(tmp) !== undefined) return reaped;
  const mounts = await mountPoints();
  for (const name of await readdir(tmp)) {
    if (!name.startsWith(volumePrefix)) continue;
    const dir = path.join(tmp, name);
    const st = await lstat(dir).catch(() => undefined);
    if (!st?.isDirectory() || st.uid !== process.getuid?.() || (st.mode & 0o077) !== 0) continue;
    let labels: Record<string, string>;
    try {
      labels = JSON.parse(await readFile(path.join(dir, ownerFile), "utf8")) as Record<string, string>;
    } catch {
      continue; // being created right now, or not ours to judge
    }
    if (!ownerDead(labels, probe)) continue;
    // The skill directory's bind first: removing the tree below it would empty the skill.
    const skill = path.join(dir, skillMount);
    if (mounts.has(skill)) {
      try {
        await run("umount", [skill]);
      } catch {
        continue;
      }
    }
    const mnt = path.join(dir, "mnt");
    if (mounts.has(mnt)) {
      try {
        await run("umount", [mnt]);
      } catch {
        continue; // still busy: a later start tries again
      }
    }
    await rm(dir, { recursive: true, force: true });
    reaped.push(dir);
  }
  return reaped;
}
