// A bounded depth-first walk of an attacker-writable tree, through directory descriptors only
// (host-dir.ts). Past the entry or depth limit it throws: a tree too large to check is refused,
// never half-checked (a file hidden behind 20,000 others must not be skipped silently).

import type { Stats } from "node:fs";
import { hostfsLimits } from "../limits.js";
import { HostDir, HostFsError } from "./host-dir.js";

export interface WalkEntry {
  /** The open directory holding the entry (valid during the visit only). */
  dir: HostDir;
  name: string;
  /** "/"-separated path relative to the root. */
  rel: string;
  /** lstat of the entry (a symlink is reported as one, never followed). */
  st: Stats;
}

export interface WalkOptions {
  maxEntries?: number;
  maxDepth?: number;
  /** Directories (by name) not descended into. */
  skipDirs?: ReadonlySet<string>;
}

/**
 * Visits every entry under `root`. A directory is descended into through its own descriptor
 * (opened O_NOFOLLOW): if it was swapped for a symlink meanwhile, the walk throws.
 */
export async function walkTree(
  root: HostDir,
  visit: (e: WalkEntry) => Promise<void> | void,
  opts: WalkOptions = {},
): Promise<number> {
  const maxEntries = opts.maxEntries ?? hostfsLimits.maxTreeEntries;
  const maxDepth = opts.maxDepth ?? hostfsLimits.maxTreeDepth;
  let seen = 0;
  const walk = async (dir: HostDir, prefix: string, depth: number): Promise<void> => {
    if (depth > maxDepth) {
      throw new HostFsError(
        `${dir.where} is nested deeper than ${maxDepth} directories`,
        "flatten the tree (limit hostfsLimits.maxTreeDepth in src/limits.ts)",
      );
    }
    for (const name of (await dir.list()).sort()) {
      if (++seen > maxEntries) {
        throw new HostFsError(
          `${root.where} has more than ${maxEntries} entries: too large to check`,
          "clean the directory (limit hostfsLimits.maxTreeEntries in src/limits.ts)",
        );
      }
      const st = await dir.entry(name);
      const rel = prefix === "" ? name : `${prefix}/${name}`;
      if (st === undefined) {
        // readdir decodes a name that is not UTF-8 to U+FFFD, which opens nothing: not a removal
        // but an entry (maybe a whole folder) that cannot be checked.
        if (name.includes("\uFFFD")) {
          throw new HostFsError(
            `${root.where}/${rel}: the name is not valid UTF-8, so it cannot be checked`,
            "rename it to a UTF-8 name",
          );
        }
        continue; // removed meanwhile: nothing to check
      }
      await visit({ dir, name, rel, st });
      if (st.isDirectory() && !opts.skipDirs?.has(name)) {
        const sub = await dir.dir(name);
        try {
          await walk(sub, rel, depth + 1);
        } finally {
          await sub.close();
        }
      }
    }
  };
  await walk(root, "", 1);
  return seen;
}

/** Removes `name` under `dir` and everything below it, through descriptors (symlinks are unlinked, never followed). */
export async function removeTree(dir: HostDir, name: string, opts: WalkOptions = {}): Promise<void> {
  const st = await dir.entry(name);
  if (st === undefined) return;
  if (!st.isDirectory()) return dir.unlink(name);
  const sub = await dir.dir(name);
  try {
    const dirs: string[] = [];
    await walkTree(
      sub,
      ({ rel, st: e, dir: parent, name: n }) => {
        if (e.isDirectory()) dirs.push(rel);
        else return parent.unlink(n);
      },
      opts,
    );
    // Deepest first: children before their parents.
    for (const rel of dirs.sort((a, b) => b.split("/").length - a.split("/").length)) {
      const parts = rel.split("/");
      const leaf = parts.pop()!;
      const parent = parts.length === 0 ? await sub.dup() : await sub.dirPath(parts.join("/"));
      try {
        await parent.rmdir(leaf);
      } finally {
        await parent.close();
      }
    }
  } finally {
    await sub.close();
  }
  await dir.rmdir(name);
}
