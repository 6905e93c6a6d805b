// Whether a directory lies inside another, by identity (device + inode), not by name: a path
// prefix test lets "HOME/..log" pass as "outside" (its relative path starts with "..") and
// misses a bind-mount alias of the same folder (another name, the same inode). The parent chain
// of the inner directory is walked with stat, one ".." at a time, up to "/": a bind mount shows
// the same dev+ino under every name, so an alias of any ancestor is found.

import { statSync } from "node:fs";
import path from "node:path";

export interface DirIdentity {
  dev: number;
  ino: number;
}

/** dev+ino of an existing directory (followed), or undefined when it is absent or unreadable. */
export function identityOf(dir: string): DirIdentity | undefined {
  const st = statSync(dir, { throwIfNoEntry: false });
  return st === undefined ? undefined : { dev: st.dev, ino: st.ino };
}

/**
 * Whether `inner` (an absolute real path: no symlinks) is `outer` or lies below it, comparing
 * every directory from `inner` up to "/" with `outer` by dev+ino. Fails safe: an ancestor that
 * cannot be stat'ed counts as a match (the caller refuses).
 */
export function isWithin(inner: string, outer: DirIdentity): boolean {
  for (let p = inner; ; p = path.dirname(p)) {
    let st;
    try {
      st = statSync(p);
    } catch {
      return true;
    }
    if (st.dev === outer.dev && st.ino === outer.ino) return true;
    if (p === path.dirname(p)) return false;
  }
}

/** Most parent steps walked from a held directory (each adds "/.." to a path bounded by PATH_MAX). */
const maxHeldDepth = 1000;

/**
 * Whether the directory held open as `fd` is `outer` or lies below it, walking its real parent
 * chain through the descriptor (/proc/self/fd/<fd>/.., /../.., …), never through a path that
 * could have been renamed or replaced since it was opened. Fails safe like isWithin.
 */
export function isHeldWithin(fd: number, outer: DirIdentity): boolean {
  let p = `/proc/self/fd/${fd}`;
  let prev: DirIdentity | undefined;
  for (let i = 0; i < maxHeldDepth; i++, p += "/..") {
    let st;
    try {
      st = statSync(p);
    } catch {
      return true;
    }
    if (st.dev === outer.dev && st.ino === outer.ino) return true;
    // "/.." is "/": the walk reached the top.
    if (prev !== undefined && st.dev === prev.dev && st.ino === prev.ino) return false;
    prev = { dev: st.dev, ino: st.ino };
  }
  return true;
}
