// Links the judge cannot see by a path's name. A hard link is the same file under a second name:
// `notes.txt` in the workspace may be ~/.ssh/id_rsa (no symlink to resolve). And a program that
// follows symlinks below a directory operand (diff, cp into a tree) reaches whatever a link in
// that tree leads to. lstat and readdir only: nothing is opened, nothing followed.

import { lstatSync, readdirSync } from "node:fs";
import { limits } from "../limits.js";
import { SkillwallError } from "../errors.js";

/** What a path is, without following it; undefined when it does not exist or cannot be seen. */
export function entryKind(
  path: string,
): { kind: "file" | "dir" | "symlink" | "other"; nlink: number } | undefined {
  try {
    const st = lstatSync(path, { throwIfNoEntry: false });
    if (st === undefined) return undefined;
    const kind = st.isSymbolicLink() ? "symlink" : st.isDirectory() ? "dir" : st.isFile() ? "file" : "other";
    return { kind, nlink: st.nlink };
  } catch {
    return undefined;
  }
}

/** A regular file with more than one name: the same file may live outside the workspace. */
export function isHardLinked(path: string): boolean {
  const e = entryKind(path);
  return e !== undefined && e.kind === "file" && e.nlink > 1;
}

/**
 * The first symlink (unless `symlinks` is false) or hard-linked file below the directory `dir`
 * ("/"-joined path), or undefined. Throws past limits.maxJudgeTreeEntries entries: a tree too large to check is
 * refused, never half-checked.
 */
export function firstLinkBelow(
  dir: string,
  opts: { symlinks: boolean } = { symlinks: true },
): { path: string; kind: "symlink" | "hardlink" } | undefined {
  let seen = 0;
  const todo = [dir];
  while (todo.length > 0) {
    const here = todo.pop() as string;
    let names: string[];
    try {
      names = readdirSync(here);
    } catch (err) {
      throw new SkillwallError(
        "hostfs-refused",
        `cannot list ${here} to look for links (${(err as Error).message})`,
        {
          fix: "name files, not a directory the gate cannot list",
        },
      );
    }
    for (const name of names) {
      if (++seen > limits.maxJudgeTreeEntries) {
        throw new SkillwallError(
          "hostfs-refused",
          `more than ${limits.maxJudgeTreeEntries} entries under ${dir}`,
          {
            fix: "name a smaller directory or the files themselves",
          },
        );
      }
      const p = `${here}/${name}`;
      const e = entryKind(p);
      if (e === undefined) continue;
      if (e.kind === "symlink" && opts.symlinks) return { path: p, kind: "symlink" };
      if (e.kind === "file" && e.nlink > 1) return { path: p, kind: "hardlink" };
      if (e.kind === "dir") todo.push(p);
    }
  }
  return undefined;
}

/**
 * Every name below the directory `dir`, relative to it ("a", "a/b"): files, directories and
 * links alike, nothing followed. Throws past limits.maxJudgeTreeEntries entries or on a folder
 * that cannot be listed: a tree too large or hidden to check is refused, never half-checked.
 */
export function namesBelow(dir: string): string[] {
  const out: string[] = [];
  const todo: Array<[string, string]> = [[dir, ""]];
  while (todo.length > 0) {
    const [here, rel] = todo.pop() as [string, string];
    let names: string[];
    try {
      names = readdirSync(here);
    } catch (err) {
      throw new SkillwallError("hostfs-refused", `cannot list ${here} (${(err as Error).message})`, {
        fix: "copy or move files the gate can list",
      });
    }
    for (const name of names) {
      if (out.length >= limits.maxJudgeTreeEntries) {
        throw new SkillwallError(
          "hostfs-refused",
          `more than ${limits.maxJudgeTreeEntries} entries under ${dir}`,
          {
            fix: "copy or move a smaller directory, or the files themselves",
          },
        );
      }
      const r = rel === "" ? name : `${rel}/${name}`;
      out.push(r);
      if (entryKind(`${here}/${name}`)?.kind === "dir") todo.push([`${here}/${name}`, r]);
    }
  }
  return out;
}
