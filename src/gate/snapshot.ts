// A private copy of a folder someone else controls (a skill's source OpenClaw is about to
// install): regular files and directories only, with size and count caps. What is scanned is
// this copy, never the live folder, which can change while it is read.
// The live folder is read through hostfs only: opened once, then every entry relative to its
// parent's descriptor (O_NOFOLLOW, O_PATH-checked before a read open). Opening by path after
// listing let a folder swapped for a symlink in between lead the open outside the tree, where
// a FIFO or a device is opened as whoever runs the gate (root on a supervisor host).
// Only the private copy (a new 0700 temp folder) is written by path.

import { promises as fs, type Stats } from "node:fs";
import path from "node:path";
import { InputError } from "../errors.js";
import { HostDir, HostFsError, kindOf, notReadableBy } from "../hostfs/host-dir.js";
import { limits } from "../limits.js";
import { privateTempDir } from "../run/private-temp.js";

export interface Snapshot extends AsyncDisposable {
  dir: string;
  files: number;
  bytes: number;
}

/** Thrown for what a skill folder must not contain; the install is refused, not an internal error. */
export class SnapshotRefusal extends InputError {}

const kindWords = {
  symlink: "a symbolic link",
  fifo: "a FIFO",
  socket: "a socket",
  device: "a device",
  other: "a special file",
} as const;

export async function snapshotTree(source: string): Promise<Snapshot> {
  const root = await HostDir.open(source);
  try {
    // The gate may run as root, the folder's owner (the agent) not: it could move a root-only
    // file it cannot read into the folder (a rename needs write access to the folders only) and
    // have it scanned and quoted back. Only what the owner could read is copied.
    const owner = (await root.stat()).uid;
    const dir = privateTempDir("skillwall-snapshot-", "the install snapshot");
    await fs.chmod(dir, 0o700);
    const snap: Snapshot = {
      dir,
      files: 0,
      bytes: 0,
      [Symbol.asyncDispose]: () => fs.rm(dir, { recursive: true, force: true }),
    };
    try {
      await copyDir(root, "", snap, 0, owner);
    } catch (err) {
      await snap[Symbol.asyncDispose]();
      // What the folder did to hostfs (a symlink swapped in, a file gone) is a refusal of the folder.
      if (err instanceof HostFsError) {
        throw new SnapshotRefusal("snapshot-moved", `${err.message} (changed while it was read)`, {
          ...(err.fix === undefined ? {} : { fix: err.fix }),
        });
      }
      throw err;
    }
    return snap;
  } finally {
    await root.close();
  }
}

async function copyDir(
  dir: HostDir,
  rel: string,
  snap: Snapshot,
  depth: number,
  owner: number,
): Promise<void> {
  if (depth > limits.maxSnapshotDepth) {
    throw new SnapshotRefusal(
      "snapshot-depth",
      `${rel} is nested deeper than ${limits.maxSnapshotDepth} folders`,
    );
  }
  for (const name of (await dir.list()).sort()) {
    const childRel = rel === "" ? name : `${rel}/${name}`;
    // readdir decodes a name that is not UTF-8 to U+FFFD: it could not be opened, so it is refused.
    if (name.includes("\uFFFD"))
      throw new SnapshotRefusal("snapshot-name", `${childRel}: the name is not valid UTF-8`, {
        fix: "rename it to a UTF-8 name",
      });
    const st = await dir.entry(name);
    if (st === undefined)
      throw new SnapshotRefusal("snapshot-moved", `${childRel} changed while it was read`);
    const kind = kindOf(st);
    if (kind === "directory") {
      await fs.mkdir(path.join(snap.dir, childRel), { mode: 0o700 });
      // O_NOFOLLOW relative to this folder's descriptor: a symlink swapped in is refused.
      const sub = await dir.dir(name);
      try {
        refuseUnreadable(await sub.stat(), childRel, owner);
        await copyDir(sub, childRel, snap, depth + 1, owner);
      } finally {
        await sub.close();
      }
    } else if (kind === "file") {
      await copyFile(dir, name, childRel, snap, owner);
    } else {
      throw new SnapshotRefusal(
        "snapshot-special-file",
        `${childRel} is ${kindWords[kind]}; a skill folder may hold regular files and folders only`,
        { fix: "replace it with a regular file" },
      );
    }
  }
}

/** Checked on the opened descriptor: the entry that is read, not one that was listed. */
function refuseUnreadable(st: Stats, rel: string, owner: number): void {
  const why = notReadableBy(st, owner);
  if (why === undefined) return;
  throw new SnapshotRefusal(
    "snapshot-not-owners",
    `${rel}: ${why}, the owner of the skill folder; the gate reads only what that owner could`,
    { fix: `remove ${rel} from the skill folder (or, if it belongs there, chown ${owner} it)` },
  );
}

async function copyFile(
  dir: HostDir,
  name: string,
  rel: string,
  snap: Snapshot,
  owner: number,
): Promise<void> {
  if (++snap.files > limits.maxSnapshotFiles) {
    throw new SnapshotRefusal(
      "snapshot-files",
      `the folder holds more than ${limits.maxSnapshotFiles} files`,
    );
  }
  // O_PATH|O_NOFOLLOW, fstat, and a read open only of a regular file (no FIFO, no device open).
  const opened = await dir.openFile(name, Number.MAX_SAFE_INTEGER);
  if (opened === undefined) throw new SnapshotRefusal("snapshot-moved", `${rel} changed while it was read`);
  try {
    refuseUnreadable(await opened.handle.stat(), rel, owner);
    const { size } = opened;
    if (size > limits.maxFileBytes) {
      throw new SnapshotRefusal(
        "snapshot-file-size",
        `${rel} is ${size} bytes; the limit is ${limits.maxFileBytes}`,
      );
    }
    snap.bytes += size;
    if (snap.bytes > limits.maxSnapshotBytes) {
      throw new SnapshotRefusal(
        "snapshot-bytes",
        `the folder holds more than ${limits.maxSnapshotBytes} bytes`,
      );
    }
    const buf = Buffer.alloc(size);
    let off = 0;
    while (off < buf.length) {
      const { bytesRead } = await opened.handle.read(buf, off, buf.length - off, off);
      if (bytesRead === 0) break;
      off += bytesRead;
    }
    await fs.writeFile(path.join(snap.dir, rel), buf.subarray(0, off), { mode: 0o600, flag: "wx" });
  } finally {
    await opened.handle.close();
  }
}
