// Every write into (and copy out of) a skill's workspace by install, heartbeat and review. The
// workspace is the steps' to change: it is reached only through hostfs directory descriptors
// (src/hostfs), so a file or directory a step replaced with a symlink, FIFO or device is never
// written through, read or followed by the supervisor.

import path from "node:path";
import { HostDir, HostFsError, withHostDir, splitRel } from "../hostfs/host-dir.js";
import { hostfsLimits } from "../limits.js";
import { blobChunks, putBlobFrom } from "./blobs.js";
import { skillWorkspaceRel } from "./paths.js";

export interface PinnedFile {
  /** "/"-separated, relative to the workspace. */
  path: string;
  sha256: string;
}

/** Runs `use` with the skill's workspace directory open (created when absent). */
export async function withWorkspace<T>(
  home: string,
  skill: string,
  use: (dir: HostDir) => Promise<T>,
): Promise<T> {
  return withHostDir(path.resolve(home), { create: true }, async (root) => {
    // Components that are not plain directories (a symlink planted by a step or agent) are
    // replaced: these names belong to skillwall.
    const ws = await root.dirPath(skillWorkspaceRel(skill), { create: true, replaceNonDir: true });
    try {
      return await use(ws);
    } finally {
      await ws.close();
    }
  });
}

/** Opens the parent directory of a workspace-relative file path; returns it and the file name. */
async function parentOf(ws: HostDir, rel: string, replace: boolean): Promise<{ dir: HostDir; name: string }> {
  const parts = splitRel(rel);
  const name = parts.pop()!;
  const dir =
    parts.length === 0
      ? await ws.dup()
      : await ws.dirPath(parts.join("/"), { create: replace, replaceNonDir: replace });
  return { dir, name };
}

/** Writes approved bytes into the workspace (replacing whatever is there, never following it). */
export async function writeWorkspaceFile(
  home: string,
  skill: string,
  rel: string,
  bytes: Uint8Array,
): Promise<void> {
  await withWorkspace(home, skill, async (ws) => {
    const { dir, name } = await parentOf(ws, rel, true);
    try {
      await dir.writeFile(name, bytes);
    } finally {
      await dir.close();
    }
  });
}

/**
 * Writes the approved bytes of every pinned file back into the workspace when they differ (or
 * the file is gone, or is no longer a regular file); returns the paths that were there but
 * differed. The bytes come from the blob store, streamed and checked against their hash before
 * the file is renamed into place.
 */
export async function restorePinnedFiles(
  home: string,
  skill: string,
  files: readonly PinnedFile[],
): Promise<string[]> {
  const differed: string[] = [];
  await withWorkspace(home, skill, async (ws) => {
    for (const f of files) {
      const { dir, name } = await parentOf(ws, f.path, true);
      try {
        const st = await dir.entry(name);
        if (st?.isFile()) {
          const now = await dir.hashFile(name, hostfsLimits.maxFileBytes).catch((err: unknown) => {
            if (err instanceof HostFsError) return undefined; // too large, or swapped: restore it
            throw err;
          });
          if (now?.sha256 === f.sha256) continue;
        } else if (st?.isDirectory()) {
          throw new HostFsError(
            `the pinned file ${path.join(dir.where, name)} was replaced by a directory`,
            `remove ${path.join(dir.where, name)} and run again`,
          );
        }
        if (st !== undefined) differed.push(f.path);
        await dir.writeFile(name, blobChunks(home, f.sha256));
      } finally {
        await dir.close();
      }
    }
  });
  return differed;
}

/**
 * Copies files the steps wrote into the blob store (streamed, hashed, each at most
 * hostfsLimits.maxFileBytes, all together at most maxCopiedBytes); refuses anything that is not
 * a regular file by the time it is copied.
 */
export async function copyStepWritten(
  home: string,
  skill: string,
  rels: readonly string[],
): Promise<Array<{ path: string; sha256: string; size: number }>> {
  const out: Array<{ path: string; sha256: string; size: number }> = [];
  let total = 0;
  await withWorkspace(home, skill, async (ws) => {
    for (const rel of rels) {
      const { dir, name } = await parentOf(ws, rel, false);
      try {
        const left = hostfsLimits.maxCopiedBytes - total;
        const got = await putBlobFrom(home, dir, name, Math.min(hostfsLimits.maxFileBytes, left));
        total += got.size;
        out.push({ path: rel, ...got });
      } catch (err) {
        if (err instanceof HostFsError && total >= hostfsLimits.maxCopiedBytes) {
          throw new HostFsError(
            `the steps wrote more than ${hostfsLimits.maxCopiedBytes} bytes into the workspace`,
            "write less (limit hostfsLimits.maxCopiedBytes in src/limits.ts)",
            err,
          );
        }
        throw err;
      } finally {
        await dir.close();
      }
    }
  });
  return out;
}
