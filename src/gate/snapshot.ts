// A private copy of a folder someone else controls (a skill's source OpenClaw is about to
// install): regular files and directories only, each opened without following links and checked
// to be the very file the walk expected, with size and count caps. What is scanned is this copy,
// never the live folder, which can change while it is read.

import { constants, promises as fs } from "node:fs";
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { InputError } from "../errors.js";
import { limits } from "../limits.js";

export interface Snapshot extends AsyncDisposable {
  dir: string;
  files: number;
  bytes: number;
}

/** Thrown for what a skill folder must not contain; the install is refused, not an internal error. */
export class SnapshotRefusal extends InputError {}

export async function snapshotTree(source: string): Promise<Snapshot> {
  const root = await fs.realpath(source);
  const top = await fs.lstat(root);
  if (!top.isDirectory()) throw new SnapshotRefusal("snapshot-not-dir", `${source} is not a directory`);
  const dir = await mkdtemp(path.join(tmpdir(), "skillwall-snapshot-"));
  await fs.chmod(dir, 0o700);
  const snap: Snapshot = {
    dir,
    files: 0,
    bytes: 0,
    [Symbol.asyncDispose]: () => fs.rm(dir, { recursive: true, force: true }),
  };
  try {
    await copyDir(root, "", snap, 0);
  } catch (err) {
    await snap[Symbol.asyncDispose]();
    throw err;
  }
  return snap;
}

async function copyDir(root: string, rel: string, snap: Snapshot, depth: number): Promise<void> {
  if (depth > limits.maxSnapshotDepth) {
    throw new SnapshotRefusal(
      "snapshot-depth",
      `${rel} is nested deeper than ${limits.maxSnapshotDepth} folders`,
    );
  }
  const abs = path.join(root, rel);
  // The folder must still be where the walk expects it: a directory swapped for a link is refused.
  if ((await fs.realpath(abs)) !== abs)
    throw new SnapshotRefusal("snapshot-moved", `${rel || "."} changed while it was read`);
  const entries = await fs.readdir(abs, { withFileTypes: true });
  for (const e of entries) {
    const childRel = rel === "" ? e.name : `${rel}/${e.name}`;
    // readdir decodes a name that is not UTF-8 to U+FFFD: it could not be opened, so it is refused.
    if (e.name.includes("\uFFFD"))
      throw new SnapshotRefusal("snapshot-name", `${childRel}: the name is not valid UTF-8`, {
        fix: "rename it to a UTF-8 name",
      });
    if (e.isDirectory()) {
      await fs.mkdir(path.join(snap.dir, childRel), { mode: 0o700 });
      await copyDir(root, childRel, snap, depth + 1);
    } else if (e.isFile()) {
      await copyFile(root, childRel, snap);
    } else {
      const kind = e.isSymbolicLink()
        ? "a symbolic link"
        : e.isFIFO()
          ? "a FIFO"
          : e.isSocket()
            ? "a socket"
            : "a device";
      throw new SnapshotRefusal(
        "snapshot-special-file",
        `${childRel} is ${kind}; a skill folder may hold regular files and folders only`,
        {
          fix: "replace it with a regular file",
        },
      );
    }
  }
}

async function copyFile(root: string, rel: string, snap: Snapshot): Promise<void> {
  if (++snap.files > limits.maxSnapshotFiles) {
    throw new SnapshotRefusal(
      "snapshot-files",
      `the folder holds more than ${limits.maxSnapshotFiles} files`,
    );
  }
  const abs = path.join(root, rel);
  // O_NONBLOCK: a FIFO swapped in after readdir cannot hang the open.
  const fh = await fs.open(abs, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  try {
    const st = await fh.stat();
    if (!st.isFile()) throw new SnapshotRefusal("snapshot-special-file", `${rel} is not a regular file`);
    if ((await fs.realpath(`/proc/self/fd/${fh.fd}`).catch(() => abs)) !== abs) {
      throw new SnapshotRefusal("snapshot-moved", `${rel} changed while it was read`);
    }
    if (st.size > limits.maxFileBytes) {
      throw new SnapshotRefusal(
        "snapshot-file-size",
        `${rel} is ${st.size} bytes; the limit is ${limits.maxFileBytes}`,
      );
    }
    snap.bytes += st.size;
    if (snap.bytes > limits.maxSnapshotBytes) {
      throw new SnapshotRefusal(
        "snapshot-bytes",
        `the folder holds more than ${limits.maxSnapshotBytes} bytes`,
      );
    }
    const buf = Buffer.alloc(st.size);
    let off = 0;
    while (off < buf.length) {
      const { bytesRead } = await fh.read(buf, off, buf.length - off, off);
      if (bytesRead === 0) break;
      off += bytesRead;
    }
    await fs.writeFile(path.join(snap.dir, rel), buf.subarray(0, off), { mode: 0o600, flag: "wx" });
  } finally {
    await fh.close();
  }
}
