// Where a path really leads on this host: what the kernel reaches when a program opens it. The
// policy checks paths lexically (`notes/link` is a workspace path); a symlink planted in the
// workspace can lead anywhere (~/.ssh/id_rsa). The judge resolves each path operand here, at
// judge time, and checks where it leads as well. lstat and readlink only: nothing is opened.

import { lstatSync, readlinkSync } from "node:fs";
import { limits } from "../limits.js";
import { SkillwallError } from "../errors.js";

/**
 * The physical form of an absolute path (or of a relative one from `from`, which must itself be
 * physical: an existing directory reached without symlinks, e.g. physicalPath(cwd)): every
 * existing component resolved through symlinks,
 * ".." applied after the symlink before it was followed (as the kernel does, unlike bash's
 * `cd`), and the part that does not exist (yet) appended as written — a dangling symlink
 * resolves to its target, which is what a write through it creates. A component this process
 * may not look up ends the walk there (the command runs as the same user and is refused the
 * same way). Throws after limits.maxSymlinkHops links (the kernel's ELOOP).
 */
export function physicalPath(path: string, from?: string): string {
  if (!path.startsWith("/") && from === undefined) {
    throw new SkillwallError("hostfs-refused", `physicalPath needs an absolute path, got ${path}`);
  }
  const todo = path.split("/").reverse();
  // A relative path starts at `from`, a physical directory (as the kernel starts at the cwd):
  // its components need no second look.
  const done: string[] = path.startsWith("/") || from === undefined ? [] : from.split("/").filter(Boolean);
  let missing = false;
  let hops = 0;
  while (todo.length > 0) {
    const part = todo.pop() as string;
    if (part === "" || part === ".") continue;
    if (part === "..") {
      done.pop();
      continue;
    }
    if (missing) {
      done.push(part);
      continue;
    }
    const here = `/${[...done, part].join("/")}`;
    let link: string | undefined;
    try {
      const st = lstatSync(here, { throwIfNoEntry: false });
      if (st === undefined) missing = true;
      else if (st.isSymbolicLink()) link = readlinkSync(here);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code !== "EACCES" && code !== "ENOTDIR" && code !== "ENOENT") throw err;
      missing = true;
    }
    if (link === undefined) {
      done.push(part);
      continue;
    }
    if (++hops > limits.maxSymlinkHops) {
      throw new SkillwallError("hostfs-refused", `too many symbolic links under ${path}`, {
        fix: "name the file by a path without symlink loops",
      });
    }
    if (link.startsWith("/")) done.length = 0;
    todo.push(...link.split("/").reverse());
  }
  return `/${done.join("/")}`;
}
