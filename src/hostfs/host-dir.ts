// The supervisor's only way into trees that a step or a wrapped agent can write (the skill
// workspace, the agent home, anything a container mounted). The supervisor runs as root, so a
// path it re-resolves there is the attacker's to redirect: a component swapped for a symlink
// between check and use turns a write, a chown or a read into one outside the tree.
//
// How it is held, without openat(2) in Node: a tree is opened once (O_DIRECTORY|O_NOFOLLOW) and
// every later access is relative to an open directory descriptor, through the kernel's
// /proc/self/fd/<dirfd>/<name>. /proc/self/fd/<dirfd> is a magic link to the very directory the
// descriptor holds (not a path that is looked up again), so that is openat(dirfd, name): only
// <name>, one validated component, is looked up, and O_NOFOLLOW refuses it when it is a symlink.
// Files are first opened O_PATH (no read, no device open, no FIFO block), fstat'ed, and only a
// regular file or a directory is reopened through its own descriptor's magic link (same inode,
// checked by dev+ino). Sizes are capped on fstat and again while reading. Writes are an O_EXCL
// temp file in the parent descriptor + fsync + rename within it; chown and chmod act on the
// descriptor that was checked (fchown/fchmod), never on a path.
// Chosen over a native helper (a build step and a binary to ship), a helper in a mount namespace
// (needs privileges and a second process per access) and container-side writes (a container per
// restore): the kernel gives the same guarantee through procfs with plain Node calls. Linux only;
// anywhere else (or without /proc) it refuses, it never falls back to paths.

import { createHash, randomBytes } from "node:crypto";
import { constants, promises as fs, type Stats } from "node:fs";
import type { FileHandle } from "node:fs/promises";
import path from "node:path";
import { SkillwallError } from "../errors.js";
import { limits } from "../limits.js";
import { cappedChunks, readCapped } from "./capped-read.js";

/** Linux O_PATH (not exported by node:fs). */
const O_PATH = 0o10000000;
const { O_RDONLY, O_WRONLY, O_CREAT, O_EXCL, O_NOFOLLOW, O_DIRECTORY, O_NONBLOCK, O_NOCTTY } = constants;
const dirFlags = O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_NONBLOCK;
/** Most folders walked up from a directory (each adds "/.." to a path bounded by PATH_MAX). */
const maxAncestors = 1000;

export class HostFsError extends SkillwallError {
  constructor(message: string, fix: string, cause?: unknown) {
    super("hostfs-refused", message, { fix, ...(cause === undefined ? {} : { cause }) });
    this.name = "HostFsError";
  }
}

export type EntryKind = "file" | "directory" | "symlink" | "fifo" | "socket" | "device" | "other";

export function kindOf(
  st: Pick<
    Stats,
    | "isFile"
    | "isDirectory"
    | "isSymbolicLink"
    | "isFIFO"
    | "isSocket"
    | "isBlockDevice"
    | "isCharacterDevice"
  >,
): EntryKind {
  if (st.isFile()) return "file";
  if (st.isDirectory()) return "directory";
  if (st.isSymbolicLink()) return "symlink";
  if (st.isFIFO()) return "fifo";
  if (st.isSocket()) return "socket";
  if (st.isBlockDevice() || st.isCharacterDevice()) return "device";
  return "other";
}

/** One path component: not empty, ".", "..", no "/" or NUL, at most 255 bytes. */
export function checkName(name: string): string {
  if (
    name === "" ||
    name === "." ||
    name === ".." ||
    name.includes("/") ||
    name.includes("\0") ||
    Buffer.byteLength(name) > 255
  ) {
    throw new HostFsError(`${JSON.stringify(name)} is not a single file name`, "use a plain file name");
  }
  return name;
}

/** Splits a "/"-separated relative path into checked components. */
export function splitRel(rel: string): string[] {
  if (rel.startsWith("/"))
    throw new HostFsError(`${rel} is not a relative path`, "use a path inside the tree");
  return rel.split("/").map(checkName);
}

const code = (err: unknown): string | undefined => (err as NodeJS.ErrnoException | undefined)?.code;

async function lstatOrUndefined(at: string): Promise<Stats | undefined> {
  try {
    return await fs.lstat(at);
  } catch (err) {
    if (code(err) === "ENOENT") return undefined;
    throw err;
  }
}

/**
 * Why a symlink in a directory with this stat may have been planted by someone else, or
 * undefined: only root and this process's user may own it, and nobody else may write it.
 */
/**
 * Why someone other than root or this user could have put `entry` into `parent` (or replaced it),
 * or undefined. In a sticky folder (like /tmp) only an entry's owner, the folder's owner or root
 * may rename or remove the entry, so there an entry owned by root or this user is still safe.
 */
function othersCouldPlace(parent: Stats, entry: Stats, ownGroup = false): string | undefined {
  const me = process.geteuid?.() ?? 0;
  if (parent.uid !== 0 && parent.uid !== me) return `is owned by uid ${parent.uid}`;
  const sticky = (parent.mode & 0o1000) !== 0;
  if (sticky && (entry.uid === 0 || entry.uid === me)) return undefined;
  const owned = sticky ? ` and the entry in it is owned by uid ${entry.uid}` : "";
  if ((parent.mode & 0o002) !== 0) return `is writable by every user${owned}`;
  const mine = ownGroup && parent.uid === me && parent.gid === (process.getegid?.() ?? -1);
  if ((parent.mode & 0o020) !== 0 && !mine) return `is writable by group ${parent.gid}${owned}`;
  return undefined;
}

function sameInode(a: Stats, b: Stats): boolean {
  return a.dev === b.dev && a.ino === b.ino;
}

export interface WriteOptions {
  /** File mode of the written file (default 0644). */
  mode?: number;
  /** fchown'ed to this owner before it is renamed into place. */
  owner?: { uid: number; gid: number };
}

/**
 * Why `uid` could not read (for a directory: list and enter) this entry itself, or undefined:
 * it owns the entry, or every user may. The owner's groups are not known here, so a group bit
 * does not count.
 */
export function notReadableBy(st: Stats, uid: number): string | undefined {
  if (st.uid === uid) return undefined;
  const need = st.isDirectory() ? 0o005 : 0o004;
  if ((st.mode & need) === need) return undefined;
  const mode = (st.mode & 0o7777).toString(8).padStart(4, "0");
  return `it is owned by uid ${st.uid} with mode ${mode}, which uid ${uid} cannot read`;
}

export interface ReadOptions {
  /** Refuse the file unless the opened descriptor's owner is this uid. */
  uid?: number;
  /**
   * Refuse the file unless this uid could read it itself (notReadableBy, on the descriptor), or
   * with "every user", unless every user may read it.
   */
  readableBy?: number | "every user";
}

export interface OpenDirOptions {
  /** mkdir when absent. */
  create?: boolean;
  mode?: number;
  /** A symlink, file or other non-directory at the name is unlinked and replaced by a directory. */
  replaceNonDir?: boolean;
}

/** An open directory inside an attacker-writable tree; every access is relative to it. */
export class HostDir {
  readonly #handle: FileHandle;
  /** Where it is, for messages only (never used to access anything). */
  readonly where: string;
  readonly dev: number;
  readonly ino: number;

  private constructor(handle: FileHandle, where: string, st: Stats) {
    this.#handle = handle;
    this.where = where;
    this.dev = st.dev;
    this.ino = st.ino;
  }

  /**
   * Opens the root of a tree by the operator's path, one component at a time from "/" (each
   * O_DIRECTORY|O_NOFOLLOW, relative to the directory before it), so nothing is looked up twice
   * and no name can be swapped between a check and the open. A symlink on the way is followed
   * only when the directory holding it is a safe path (owned by root or by this user and not
   * group- or world-writable: sudo's and sshd's rule), so nobody but root could have planted it
   * (/var/run -> /run works); anywhere else it is refused with the component named. With
   * `create`, missing components are made (mkdir in the open parent, then opened O_NOFOLLOW).
   */
  static async open(absPath: string, opts: { create?: boolean; mode?: number } = {}): Promise<HostDir> {
    if (process.platform !== "linux") {
      throw new HostFsError(
        "safe host file access needs Linux (/proc/self/fd)",
        "run skillwall on a Linux host",
      );
    }
    if (!path.isAbsolute(absPath))
      throw new HostFsError(`${absPath} is not absolute`, "give an absolute path");
    const todo = path.resolve(absPath).split("/").reverse();
    const walked: string[] = [];
    const shown = (): string => `/${walked.join("/")}`;
    let hops = 0;
    let current = await fs.open("/", dirFlags);
    try {
      while (todo.length > 0) {
        const seg = todo.pop() as string;
        if (seg === "" || seg === ".") continue;
        if (seg === "..") {
          // A ".." from a followed link's target: the real parent of the directory held.
          const up = await fs.open(`/proc/self/fd/${current.fd}/..`, dirFlags);
          await current.close();
          current = up;
          walked.pop();
          continue;
        }
        const at = `/proc/self/fd/${current.fd}/${checkName(seg)}`;
        const here = path.posix.join(shown(), seg);
        let st = await lstatOrUndefined(at);
        if (st === undefined && opts.create) {
          await fs.mkdir(at, { mode: opts.mode ?? 0o755 }).catch((err: unknown) => {
            if (code(err) !== "EEXIST") throw err;
          });
          st = await lstatOrUndefined(at);
        }
        if (st === undefined) {
          throw new HostFsError(
            `${here} does not exist`,
            `create the folder first (mkdir -p ${here}) or check the path`,
          );
        }
        if (st.isSymbolicLink()) {
          const why = othersCouldPlace(await current.stat(), st);
          const target = await fs.readlink(at);
          if (why !== undefined) {
            throw new HostFsError(
              `${here} is a symbolic link (to ${target}) in ${shown()}, a folder that ${why}: someone other than root may have planted it`,
              "name the real folder instead (its resolved path), after checking it is the one you mean",
            );
          }
          if (++hops > limits.maxSymlinkHops) {
            throw new HostFsError(`too many symbolic links in ${absPath}`, "name the real folder instead");
          }
          if (target.startsWith("/")) {
            const top = await fs.open("/", dirFlags);
            await current.close();
            current = top;
            walked.length = 0;
          }
          todo.push(...target.split("/").reverse());
          continue;
        }
        let next: FileHandle;
        try {
          next = await fs.open(at, dirFlags);
        } catch (err) {
          if (code(err) === "ENOTDIR" || code(err) === "ELOOP") {
            throw new HostFsError(
              `${here} is not a plain directory (a symlink or a file)`,
              `name a folder (or remove ${here})`,
              err,
            );
          }
          throw err;
        }
        await current.close();
        current = next;
        walked.push(seg);
      }
    } catch (err) {
      await current.close();
      throw err;
    }
    return new HostDir(current, absPath, await current.stat());
  }

  /** The magic link of this directory's descriptor. */
  get procPath(): string {
    return `/proc/self/fd/${this.#handle.fd}`;
  }

  #at(name: string): string {
    return `${this.procPath}/${checkName(name)}`;
  }

  #where(name: string): string {
    return path.join(this.where, name);
  }

  async stat(): Promise<Stats> {
    return this.#handle.stat();
  }

  /** The directory's current absolute path, as the kernel knows it (for mounts and messages). */
  async realPath(): Promise<string> {
    return fs.readlink(this.procPath);
  }

  /**
   * Why someone other than root or this user could rename this directory or a folder above it
   * (and so put another directory or a symlink at its path before someone resolves it again), or
   * undefined. Walked up from the descriptor (<fd>/.., <fd>/../.., …), so the chain checked is the
   * directory's real one. A folder is safe when root or this user owns it and neither its group
   * nor every user may write it; a world-writable sticky folder (/tmp) is safe for an entry owned
   * by root or this user (only an entry's owner may rename it there). `ownGroup`: a folder of
   * this user's that only its own primary group may also write (a user-private group, umask 002)
   * counts as safe too; never for root, whose safety must not rest on a group's members.
   */
  async renamableByOthers(opts: { ownGroup?: boolean } = {}): Promise<string | undefined> {
    let child = await this.stat();
    let at = this.procPath;
    for (let depth = 0; depth < maxAncestors; depth++) {
      const up = `${at}/..`;
      const parent = await fs.stat(up);
      if (sameInode(parent, child)) return undefined; // "/.." is "/"
      const why = othersCouldPlace(parent, child, opts.ownGroup === true);
      if (why !== undefined) return `${await fs.realpath(up).catch(() => "a folder above it")} ${why}`;
      child = parent;
      at = up;
    }
    return `it is nested deeper than ${maxAncestors} folders`;
  }

  /** A symlink's target text (the link is read, never followed). */
  async readlink(name: string): Promise<string> {
    return fs.readlink(this.#at(name));
  }

  /** Names in this directory. */
  async list(): Promise<string[]> {
    return fs.readdir(this.procPath);
  }

  /** Names and kinds from the listing itself (nothing is followed or opened). */
  async entries(): Promise<Array<{ name: string; kind: EntryKind }>> {
    const list = await fs.readdir(this.procPath, { withFileTypes: true });
    return list.map((d) => ({ name: d.name, kind: kindOf(d) }));
  }

  /** lstat of an entry (never follows it); undefined when absent. */
  async entry(name: string): Promise<Stats | undefined> {
    try {
      return await fs.lstat(this.#at(name));
    } catch (err) {
      if (code(err) === "ENOENT") return undefined;
      throw err;
    }
  }

  /** Opens a subdirectory; a symlink (or anything but a directory) there is refused. */
  async dir(name: string, opts: OpenDirOptions = {}): Promise<HostDir> {
    const at = this.#at(name);
    for (let attempt = 0; ; attempt++) {
      if (opts.create) {
        await fs.mkdir(at, { mode: opts.mode ?? 0o755 }).catch((err: unknown) => {
          if (code(err) !== "EEXIST") throw err;
        });
      }
      try {
        const handle = await fs.open(at, dirFlags);
        return new HostDir(handle, this.#where(name), await handle.stat());
      } catch (err) {
        const c = code(err);
        if (c !== "ENOTDIR" && c !== "ELOOP") throw err;
        if (opts.replaceNonDir && attempt === 0) {
          await fs.unlink(at).catch((e: unknown) => {
            if (code(e) !== "ENOENT") throw e;
          });
          opts = { ...opts, create: true };
          continue;
        }
        throw new HostFsError(
          `${this.#where(name)} is not a plain directory (a symlink or a file)`,
          `remove ${this.#where(name)}`,
          err,
        );
      }
    }
  }

  /** Walks a "/"-separated relative path, one component at a time. */
  async dirPath(rel: string, opts: OpenDirOptions = {}): Promise<HostDir> {
    if (rel === "" || rel === ".") return this.dup();
    const segs = splitRel(rel);
    let current = await this.dir(segs[0]!, opts);
    for (const seg of segs.slice(1)) {
      const parent = current;
      current = await parent.dir(seg, opts).finally(() => parent.close());
    }
    return current;
  }

  /** A second descriptor for this same directory (closed independently). */
  async dup(): Promise<HostDir> {
    const handle = await fs.open(this.procPath, O_RDONLY | O_DIRECTORY);
    const st = await handle.stat();
    if (st.dev !== this.dev || st.ino !== this.ino) {
      await handle.close();
      throw new HostFsError(`${this.where} changed while open`, "run again");
    }
    return new HostDir(handle, this.where, st);
  }

  /**
   * Opens an entry for what it is, without following it or opening a device or FIFO: O_PATH,
   * then fstat; a regular file or directory is reopened through its own descriptor (same inode).
   * undefined when absent.
   */
  async #reopen(
    name: string,
    flags: number,
    want: ReadonlyArray<EntryKind>,
  ): Promise<{ handle: FileHandle; st: Stats } | { kind: EntryKind } | undefined> {
    let probe: FileHandle;
    try {
      probe = await fs.open(this.#at(name), O_PATH | O_NOFOLLOW);
    } catch (err) {
      if (code(err) === "ENOENT") return undefined;
      throw err;
    }
    try {
      const st = await probe.stat();
      const kind = kindOf(st);
      if (!want.includes(kind)) return { kind };
      const handle = await fs.open(`/proc/self/fd/${probe.fd}`, flags);
      const again = await handle.stat();
      if (!sameInode(st, again)) {
        await handle.close();
        throw new HostFsError(`${this.#where(name)} changed while it was opened`, "run again");
      }
      return { handle, st: again };
    } finally {
      await probe.close();
    }
  }

  /** Opens a regular file for reading; anything else is refused. undefined when absent. */
  async openFile(
    name: string,
    maxBytes: number,
    opts: ReadOptions = {},
  ): Promise<{ handle: FileHandle; size: number } | undefined> {
    const got = await this.#reopen(name, O_RDONLY | O_NONBLOCK | O_NOCTTY, ["file"]);
    if (got === undefined) return undefined;
    if ("kind" in got) {
      throw new HostFsError(
        `${this.#where(name)} is a ${got.kind}, not a regular file`,
        `remove ${this.#where(name)}`,
      );
    }
    if (got.st.size > maxBytes) {
      await got.handle.close();
      throw tooLarge(this.#where(name), maxBytes);
    }
    if (opts.uid !== undefined && got.st.uid !== opts.uid) {
      await got.handle.close();
      throw new HostFsError(
        `${this.#where(name)} is owned by uid ${got.st.uid}, not ${opts.uid}: someone else may have written it`,
        `check its content, then chown ${opts.uid} ${this.#where(name)} (or remove it)`,
      );
    }
    const unreadable =
      opts.readableBy === undefined
        ? undefined
        : opts.readableBy === "every user"
          ? notReadableBy(got.st, -1)?.replace("uid -1 cannot read", "not every user can read")
          : notReadableBy(got.st, opts.readableBy);
    if (unreadable !== undefined) {
      await got.handle.close();
      const who =
        opts.readableBy === "every user" ? "in a folder others can write" : "the owner of its folder";
      throw new HostFsError(
        `${this.#where(name)}: ${unreadable}, ${who}: only what whoever put it there could read is read for them`,
        opts.readableBy === "every user"
          ? `move it to a folder of its owner's (or make it readable by every user)`
          : `remove ${this.#where(name)} from that folder (or, if it belongs there, chown ${opts.readableBy} it)`,
      );
    }
    return { handle: got.handle, size: got.st.size };
  }

  /** Streams a regular file's bytes (at most maxBytes, counted while reading too). */
  async *chunks(
    name: string,
    maxBytes: number,
    opts: ReadOptions = {},
  ): AsyncGenerator<Buffer, void, undefined> {
    const opened = await this.openFile(name, maxBytes, opts);
    if (opened === undefined) throw new HostFsError(`${this.#where(name)} is missing`, "run again");
    try {
      yield* cappedChunks(opened.handle, maxBytes, () => tooLarge(this.#where(name), maxBytes));
    } finally {
      await opened.handle.close();
    }
  }

  /** A whole regular file (small files only: the cap bounds the memory); undefined when absent. */
  async readFile(name: string, maxBytes: number, opts: ReadOptions = {}): Promise<Buffer | undefined> {
    if ((await this.entry(name)) === undefined) return undefined;
    const parts: Buffer[] = [];
    try {
      for await (const c of this.chunks(name, maxBytes, opts)) parts.push(c);
    } catch (err) {
      if (err instanceof HostFsError && (await this.entry(name)) === undefined) return undefined;
      throw err;
    }
    return Buffer.concat(parts);
  }

  /** sha256 and size of a regular file, streamed; undefined when absent. */
  async hashFile(name: string, maxBytes: number): Promise<{ sha256: string; size: number } | undefined> {
    if ((await this.entry(name)) === undefined) return undefined;
    const hash = createHash("sha256");
    let size = 0;
    for await (const c of this.chunks(name, maxBytes)) {
      hash.update(c);
      size += c.length;
    }
    return { sha256: hash.digest("hex"), size };
  }

  /**
   * Writes `name` atomically: an O_EXCL|O_NOFOLLOW temp file in this directory, fchmod/fchown,
   * fsync, rename over the name within this directory, fsync the directory. Whatever sits at the
   * name (even a symlink) is replaced, never written through. `data` may be a stream of chunks.
   */
  async writeFile(
    name: string,
    data: Uint8Array | string | AsyncIterable<Uint8Array>,
    opts: WriteOptions = {},
  ): Promise<void> {
    checkName(name);
    const temp = await this.createTemp(name, opts);
    try {
      if (typeof data === "string" || data instanceof Uint8Array) await temp.handle.writeFile(data);
      else for await (const c of data) await temp.handle.write(c);
      await temp.handle.sync();
    } catch (err) {
      await temp.handle.close();
      await this.unlink(temp.name).catch(() => undefined);
      throw err;
    }
    await temp.handle.close();
    await this.commitTemp(temp.name, name);
  }

  /** A new temp file "<base>.tmp-<pid>-<hex>" opened O_EXCL in this directory. */
  async createTemp(base: string, opts: WriteOptions = {}): Promise<{ name: string; handle: FileHandle }> {
    const name = checkName(`${base.slice(0, 200)}.tmp-${process.pid}-${randomBytes(4).toString("hex")}`);
    const handle = await fs.open(this.#at(name), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_NOCTTY, 0o600);
    try {
      if (opts.owner) await handle.chown(opts.owner.uid, opts.owner.gid);
      await handle.chmod(opts.mode ?? 0o644);
    } catch (err) {
      await handle.close();
      await this.unlink(name).catch(() => undefined);
      throw err;
    }
    return { name, handle };
  }

  /** Renames a finished temp file over `name` (both in this directory) and syncs the directory. */
  async commitTemp(temp: string, name: string): Promise<void> {
    try {
      await fs.rename(this.#at(temp), this.#at(name));
    } catch (err) {
      await this.unlink(temp).catch(() => undefined);
      if (code(err) === "EISDIR" || code(err) === "ENOTEMPTY" || code(err) === "EEXIST") {
        throw new HostFsError(`${this.#where(name)} is a directory`, `remove ${this.#where(name)}`, err);
      }
      throw err;
    }
    await this.sync();
  }

  async rename(from: string, to: string): Promise<void> {
    await fs.rename(this.#at(from), this.#at(to));
  }

  /** Removes a non-directory entry (a symlink itself, never its target). */
  async unlink(name: string): Promise<void> {
    await fs.unlink(this.#at(name));
  }

  async rmdir(name: string): Promise<void> {
    await fs.rmdir(this.#at(name));
  }

  /**
   * chown of an entry by descriptor: only a regular file or a directory is opened (O_PATH,
   * checked, reopened) and fchown'ed; returns its lstat, or its kind when it is something else
   * (a symlink is never chowned: its owner does not matter and its target is not ours).
   */
  async chownEntry(name: string, uid: number, gid: number): Promise<Stats | { kind: EntryKind } | undefined> {
    const got = await this.#reopen(name, O_RDONLY | O_NONBLOCK | O_NOCTTY, ["file", "directory"]);
    if (got === undefined || "kind" in got) return got;
    try {
      if (got.st.isFile() && got.st.nlink > 1) {
        throw new HostFsError(
          `${this.#where(name)} is hard-linked (${got.st.nlink} links): it may be a file outside the tree`,
          `replace ${this.#where(name)} with a copy`,
        );
      }
      if (got.st.uid !== uid || got.st.gid !== gid) await got.handle.chown(uid, gid);
      return got.st;
    } finally {
      await got.handle.close();
    }
  }

  async chown(uid: number, gid: number): Promise<void> {
    await this.#handle.chown(uid, gid);
  }

  async chmod(mode: number): Promise<void> {
    await this.#handle.chmod(mode);
  }

  async sync(): Promise<void> {
    await this.#handle.sync();
  }

  async close(): Promise<void> {
    await this.#handle.close();
  }
}

function tooLarge(where: string, maxBytes: number, limit = "hostfsLimits.maxFileBytes"): HostFsError {
  return new HostFsError(
    `${where} is larger than ${maxBytes} bytes`,
    `remove or shrink ${where} (limit ${limit} in src/limits.ts)`,
  );
}

/** Runs `use` with an open root; closes it afterwards. */
export async function withHostDir<T>(
  absPath: string,
  opts: { create?: boolean; mode?: number },
  use: (dir: HostDir) => Promise<T>,
): Promise<T> {
  const dir = await HostDir.open(absPath, opts);
  try {
    return await use(dir);
  } finally {
    await dir.close();
  }
}

/** Runs `use` with a subdirectory (walked component by component); closes it afterwards. */
export async function withSubdir<T>(
  root: HostDir,
  rel: string,
  opts: OpenDirOptions,
  use: (dir: HostDir) => Promise<T>,
): Promise<T> {
  const dir = await root.dirPath(rel, opts);
  try {
    return await use(dir);
  } finally {
    await dir.close();
  }
}

/**
 * Reads one regular file the operator named by path (a local skill source, which may well sit in
 * an agent home): its directory is opened component by component (HostDir.open), the file
 * itself O_NOFOLLOW and O_PATH-checked like any other (no FIFO hang, no /dev/zero), at most
 * maxBytes. Only a file whoever could have put it there could read is read: a rename needs write
 * access to folders only, and where fs.protected_hardlinks is 0 anyone may hard-link any file,
 * so a user's skill folder may hold a root-only file for a root install (or heartbeat) to copy
 * into the agent's workspace.
 */
export async function readNamedFile(absPath: string, maxBytes: number): Promise<Buffer> {
  const bytes = await withHostDir(path.dirname(absPath), {}, async (dir) => {
    // Who could have put the file there: the folder's owner alone, or (group- or world-writable,
    // /tmp too) anyone, so only what every user may read. A folder of root's alone: root's file.
    const st = await dir.stat();
    const readableBy = (st.mode & 0o022) !== 0 ? ("every user" as const) : st.uid === 0 ? undefined : st.uid;
    return dir.readFile(path.basename(absPath), maxBytes, readableBy === undefined ? {} : { readableBy });
  });
  if (bytes === undefined) throw new HostFsError(`${absPath} does not exist`, "check the path");
  return bytes;
}

/**
 * Opens a file the operator names as configuration (a policy) for reading, once: its directory
 * component by component (HostDir.open), the file by O_PATH and fstat (no FIFO hang, no device),
 * read through that one descriptor. A symlink at its own name is followed under HostDir.open's
 * rule, only where nobody but root or this user could have placed it (so /etc/skillwall/p.yaml ->
 * /opt/… works, a link planted in someone else's folder is refused). undefined when absent.
 */
export async function openOperatorFile(
  absPath: string,
): Promise<{ handle: FileHandle; size: number } | undefined> {
  let file = path.resolve(absPath);
  for (let hops = 0; ; hops++) {
    const dir = await HostDir.open(path.dirname(file));
    try {
      const name = path.basename(file);
      const st = await dir.entry(name);
      if (st === undefined) return undefined;
      if (!st.isSymbolicLink()) return await dir.openFile(name, Number.MAX_SAFE_INTEGER);
      const target = await dir.readlink(name);
      const why = othersCouldPlace(await dir.stat(), st);
      if (why !== undefined)
        throw new HostFsError(
          `${file} is a symbolic link (to ${target}) in a folder that ${why}: someone other than root may have planted it`,
          "name the real file instead (its resolved path), after checking it is the one you mean",
        );
      if (hops >= limits.maxSymlinkHops)
        throw new HostFsError(`too many symbolic links in ${absPath}`, "name the real file instead");
      // Relative to where the link really is, not to the name it was reached by.
      file = path.resolve(await dir.realPath(), target);
    } finally {
      await dir.close();
    }
  }
}

/**
 * A whole file the operator names as configuration (openOperatorFile), at most maxBytes; `limit`
 * names the limit for the error (e.g. "limits.maxCaFileBytes").
 */
export async function readOperatorFile(absPath: string, maxBytes: number, limit?: string): Promise<Buffer> {
  const opened = await openOperatorFile(absPath);
  if (opened === undefined) throw new HostFsError(`${absPath} does not exist`, "check the path");
  try {
    if (opened.size > maxBytes) throw tooLarge(absPath, maxBytes, limit);
    return await readCapped(opened.handle, maxBytes, () => tooLarge(absPath, maxBytes, limit));
  } finally {
    await opened.handle.close();
  }
}

/**
 * Writes a file the operator named (a report, a suggested policy; relative names from `cwd`)
 * that may well sit in a directory someone else writes: its directory is opened component by
 * component (HostDir.open: a symlink planted on the way is refused), and the file is an O_EXCL
 * temp renamed over the name, so a symlink or FIFO planted there is replaced, never written
 * through. A name that can only mean a folder ("out/", ".", "/") is refused before anything.
 */
export async function writeNamedFile(
  name: string,
  data: string | Uint8Array,
  cwd: string = process.cwd(),
): Promise<void> {
  const last = name.split("/").pop() ?? "";
  if (last === "" || last === "." || last === "..") {
    throw new HostFsError(
      `${name} names a folder, not a file`,
      `name a file, e.g. ${path.posix.join(name, "report.txt")}`,
    );
  }
  const absPath = path.resolve(cwd, name);
  await withHostDir(path.dirname(absPath), {}, async (dir) => {
    const st = await dir.entry(path.basename(absPath));
    if (st?.isDirectory()) {
      throw new HostFsError(
        `${absPath} is a folder, not a file`,
        `name a file, e.g. ${path.join(absPath, "report.txt")}`,
      );
    }
    await dir.writeFile(path.basename(absPath), data);
  });
}
