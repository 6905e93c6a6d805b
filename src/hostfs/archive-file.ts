// Reads an archive the judge must list (tar -x, unzip) on the host, synchronously: the judge
// answers in one call. The archive is whatever the agent put in the workspace: its directory is
// resolved to a physical path, the file itself opened O_NOFOLLOW|O_NONBLOCK (a symlink is
// refused, a FIFO cannot hang the judge) and checked by its handle to be a regular file.
// It is opened O_PATH first, and for reading only once it is known to be a regular file.

import { closeSync, constants, fstatSync, openSync, readSync } from "node:fs";
import { basename, dirname } from "node:path";
import { SkillwallError } from "../errors.js";
import { physicalPath } from "./physical-path.js";

/** Linux O_PATH (not exported by node:fs). */
const O_PATH = 0o10000000;

/** The bytes of the regular file `path` (relative to the physical directory `cwd`), at most maxBytes. */
export function readArchiveFile(path: string, cwd: string, maxBytes: number): Buffer {
  const abs = path.startsWith("/") ? path : `${cwd}/${path}`;
  const name = basename(abs);
  if (name === "" || name === "." || name === "..") {
    throw new SkillwallError("hostfs-refused", `${path} names a directory, not an archive`);
  }
  const real = `${physicalPath(dirname(abs))}/${name}`;
  // O_PATH first: the agent names the archive, and `tar -tf /dev/watchdog` must not open the
  // device (arming a watchdog, rewinding a tape happen on open, before any fstat can refuse).
  let probe: number;
  try {
    probe = openSync(real, O_PATH | constants.O_NOFOLLOW);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why = code === "ELOOP" ? "it is a symbolic link" : code === "ENOENT" ? "it does not exist" : code;
    throw new SkillwallError("hostfs-refused", `cannot open ${path} (${why})`);
  }
  let fd: number;
  try {
    const kind = fstatSync(probe);
    if (kind.isSymbolicLink())
      throw new SkillwallError("hostfs-refused", `cannot open ${path} (it is a symbolic link)`);
    if (!kind.isFile()) throw new SkillwallError("hostfs-refused", `${path} is not a regular file`);
    fd = openSync(`/proc/self/fd/${probe}`, constants.O_RDONLY | constants.O_NONBLOCK | constants.O_NOCTTY);
  } finally {
    closeSync(probe);
  }
  try {
    const st = fstatSync(fd);
    if (!st.isFile()) throw new SkillwallError("hostfs-refused", `${path} is not a regular file`);
    if (st.size > maxBytes) {
      throw new SkillwallError("hostfs-refused", `${path} is larger than ${maxBytes} bytes`);
    }
    const buf = Buffer.alloc(st.size);
    let off = 0;
    while (off < buf.length) {
      const n = readSync(fd, buf, off, buf.length - off, off);
      if (n === 0) break;
      off += n;
    }
    return buf.subarray(0, off);
  } finally {
    closeSync(fd);
  }
}
