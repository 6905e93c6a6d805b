// Crash-safe file replacement: write a temp file in the same directory, fsync it, rename it over
// the target, fsync the directory. A crash at any point leaves either the old or the new file,
// never a mix; at worst a stray temp file, which `removeStaleTempFiles` clears on the next start.

import { randomBytes } from "node:crypto";
import { constants, promises as fs } from "node:fs";
import path from "node:path";
import { SkillwallError } from "../errors.js";
import { readCapped } from "../hostfs/capped-read.js";
import { hostfsLimits } from "../limits.js";

const { O_RDONLY, O_NOFOLLOW, O_NONBLOCK, O_NOCTTY } = constants;

const tempMarker = ".tmp-";

export async function writeFileAtomic(file: string, data: string | Uint8Array): Promise<void> {
  const dir = path.dirname(file);
  await fs.mkdir(dir, { recursive: true });
  const temp = path.join(
    dir,
    `${path.basename(file)}${tempMarker}${process.pid}-${randomBytes(4).toString("hex")}`,
  );
  const handle = await fs.open(temp, "wx", 0o600);
  try {
    await handle.writeFile(data);
    await handle.sync();
  } finally {
    await handle.close();
  }
  try {
    await fs.rename(temp, file);
  } catch (err) {
    await fs.rm(temp, { force: true });
    throw err;
  }
  await syncDir(dir);
}

export async function syncDir(dir: string): Promise<void> {
  const handle = await fs.open(dir, "r");
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** Removes temp files left by a crash mid-write (only ours: "<name>.tmp-<pid>-<hex>"). */
export async function removeStaleTempFiles(file: string): Promise<void> {
  await removeDeadWriterTemps(file, tempMarker);
}

/**
 * Removes the files "<name><marker><pid>-…" next to `file` whose writer process is gone
 * (a live process, maybe this one, may still be writing its own).
 */
export async function removeDeadWriterTemps(file: string, marker: string): Promise<void> {
  const dir = path.dirname(file);
  const prefix = `${path.basename(file)}${marker}`;
  let names: string[];
  try {
    names = await fs.readdir(dir);
  } catch {
    return;
  }
  for (const name of names) {
    if (!name.startsWith(prefix)) continue;
    const pid = Number(name.slice(prefix.length).split("-")[0]);
    if (processAlive(pid)) continue;
    await fs.rm(path.join(dir, name), { force: true });
  }
}

export function processAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}

/**
 * Reads a state file (lockfile, heartbeat state), or undefined when it does not exist. Opened once
 * without following a symlink or waiting on a FIFO, checked by its handle to be a regular file of
 * at most `maxBytes`, and read from that handle: the OpenClaw gate reads the lockfile without the
 * state-dir check, so a FIFO there must not hang it, nor /dev/zero fill its memory (rt12 R2).
 */
export async function readIfExists(
  file: string,
  maxBytes: number = hostfsLimits.maxStateFileBytes,
): Promise<Buffer | undefined> {
  let handle: fs.FileHandle;
  try {
    handle = await fs.open(file, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === "ENOENT") return undefined;
    if (code === "ELOOP") throw unsafeStateFile(file, "it is a symbolic link");
    throw err;
  }
  try {
    const st = await handle.stat();
    if (!st.isFile()) throw unsafeStateFile(file, "it is not a regular file");
    return await readCapped(handle, maxBytes, () =>
      unsafeStateFile(file, `it holds more than ${maxBytes} bytes`),
    );
  } finally {
    await handle.close();
  }
}

function unsafeStateFile(file: string, why: string): SkillwallError {
  return new SkillwallError("state-file-unsafe", `skillwall's state file ${file} is refused: ${why}`, {
    fix: `remove ${file} (skillwall writes its state files itself) and check who could write its folder`,
  });
}
