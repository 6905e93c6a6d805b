// The members of an archive, read from its bytes: names and kinds only, nothing extracted. A
// tar (plain or gzip) is walked header by header; a zip by its central directory (what unzip
// reads names from). Anything this reader does not understand throws: an archive that cannot
// be listed is refused, never half-listed.

import { gunzipSync } from "node:zlib";
import { SkillwallError } from "../errors.js";
import { limits } from "../limits.js";

export interface ArchiveMember {
  name: string;
  kind: "file" | "dir" | "symlink" | "hardlink" | "device" | "fifo" | "other";
}

function refuse(why: string): never {
  throw new SkillwallError("archive-unlisted", why);
}

function count(members: ArchiveMember[], m: ArchiveMember): void {
  if (members.length >= limits.maxArchiveMembers) refuse(`more than ${limits.maxArchiveMembers} members`);
  members.push(m);
}

/** Compressions tar detects by magic but this reader cannot read. */
const unreadable: Array<[string, number[]]> = [
  ["bzip2", [0x42, 0x5a, 0x68]],
  ["xz", [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00]],
  ["zstd", [0x28, 0xb5, 0x2f, 0xfd]],
  ["lzip", [0x4c, 0x5a, 0x49, 0x50]],
  ["compress", [0x1f, 0x9d]],
  ["lzma", [0x5d, 0x00, 0x00]],
  ["lz4", [0x04, 0x22, 0x4d, 0x18]],
];

function startsWith(buf: Buffer, magic: readonly number[]): boolean {
  return magic.every((b, i) => buf[i] === b);
}

/** The tar stream of `file`: gunzipped when it is gzip (tar detects that by itself, -z or not). */
function tarBytes(file: Buffer): Buffer {
  if (startsWith(file, [0x1f, 0x8b])) {
    try {
      return gunzipSync(file, { maxOutputLength: limits.maxArchiveListBytes });
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      refuse(
        code === "ERR_BUFFER_TOO_LARGE"
          ? `it unpacks to more than ${limits.maxArchiveListBytes} bytes`
          : "its gzip stream is damaged",
      );
    }
  }
  for (const [name, magic] of unreadable) if (startsWith(file, magic)) refuse(`it is ${name}-compressed`);
  return file;
}

function field(h: Buffer, off: number, len: number): string {
  const end = h.indexOf(0, off);
  return h.toString("utf8", off, end === -1 || end > off + len ? off + len : end);
}

function octal(h: Buffer, off: number, len: number): number {
  if ((h[off] as number) & 0x80) refuse("a member's size is in base-256 form");
  const s = field(h, off, len).trim();
  if (!/^[0-7]*$/.test(s)) refuse("a member header is damaged");
  return s === "" ? 0 : parseInt(s, 8);
}

function checksumOk(h: Buffer): boolean {
  let sum = 8 * 0x20;
  for (let i = 0; i < 512; i++) if (i < 148 || i >= 156) sum += h[i] as number;
  return sum === octal(h, 148, 8);
}

/** The records of a pax header. */
function pax(body: Buffer): Map<string, string> {
  const out = new Map<string, string>();
  let at = 0;
  while (at < body.length) {
    const sp = body.indexOf(0x20, at);
    const len = Number(body.toString("utf8", at, sp));
    if (sp === -1 || !Number.isInteger(len) || len <= 0 || at + len > body.length)
      refuse("a pax header is damaged");
    const rec = body.toString("utf8", sp + 1, at + len - 1);
    const eq = rec.indexOf("=");
    if (eq > 0) out.set(rec.slice(0, eq), rec.slice(eq + 1));
    at += len;
  }
  return out;
}

const tarKinds: Record<string, ArchiveMember["kind"]> = {
  "0": "file",
  "\0": "file",
  "7": "file",
  "5": "dir",
  "1": "hardlink",
  "2": "symlink",
  "3": "device",
  "4": "device",
  "6": "fifo",
};

/** The members of a tar archive (plain or gzip). Throws when it cannot be listed whole. */
export function tarMembers(file: Buffer): ArchiveMember[] {
  const tar = tarBytes(file);
  const members: ArchiveMember[] = [];
  let at = 0;
  let longName: string | undefined;
  let paxName: string | undefined;
  let globalName: string | undefined;
  /** A pax `size` record: GNU tar reads that many bytes of data, whatever the header says. */
  let paxSize: number | undefined;
  while (at + 512 <= tar.length) {
    const h = tar.subarray(at, at + 512);
    at += 512;
    // Zero blocks end the archive; tar -i reads past them, so the rest is read as well.
    if (h.every((b) => b === 0)) continue;
    if (!checksumOk(h)) refuse("a member header is damaged (bad checksum)");
    const size = paxSize ?? octal(h, 124, 12);
    paxSize = undefined;
    const type = String.fromCharCode(h[156] as number);
    const body = tar.subarray(at, at + size);
    if (body.length < size) refuse("it ends inside a member");
    at += Math.ceil(size / 512) * 512;
    if (type === "L") {
      longName = field(body, 0, body.length);
      continue;
    }
    if (type === "x" || type === "g") {
      const records = pax(body);
      // GNU.sparse.* renames a member and reshapes its data (GNU.sparse.name is where tar writes
      // it); GNU.dumpdir and GNU.volume.* belong to incremental and multi-volume archives.
      const gnu = [...records.keys()].find((k) => k.startsWith("GNU."));
      if (gnu !== undefined) refuse(`a pax header holds ${gnu}, which tar reads and this reader does not`);
      const sized = records.get("size");
      if (sized !== undefined) {
        if (type === "g" || !/^[0-9]{1,15}$/.test(sized))
          refuse("a pax header sets a size this reader does not follow");
        paxSize = Number(sized);
      }
      const p = records.get("path");
      if (type === "x") paxName = p;
      else if (p !== undefined) globalName = p;
      continue;
    }
    if (type === "K") continue; // a long link target: the member is a link, refused by its kind
    // Only a POSIX header ("ustar\0") has a name prefix there; in an old GNU one ("ustar  \0")
    // those bytes are times, which GNU tar never reads as part of the name.
    const ustar = h.toString("latin1", 257, 263) === "ustar\0";
    const prefix = ustar ? field(h, 345, 155) : "";
    const plain = field(h, 0, 100);
    const name = paxName ?? longName ?? globalName ?? (prefix ? `${prefix}/${plain}` : plain);
    longName = paxName = undefined;
    count(members, { name, kind: tarKinds[type] ?? "other" });
  }
  if (at !== tar.length && tar.subarray(at).some((b) => b !== 0)) refuse("it ends inside a member header");
  if (longName !== undefined || paxName !== undefined || paxSize !== undefined)
    refuse("it ends after a long-name header");
  return members;
}

/** The header ids of a zip entry's extra fields. */
function extraIds(file: Buffer, start: number, len: number): number[] {
  const ids: number[] = [];
  for (let at = start; at + 4 <= start + len; at += 4 + file.readUInt16LE(at + 2))
    ids.push(file.readUInt16LE(at));
  return ids;
}

/** The members of a zip archive, from its central directory. Throws when it cannot be listed whole. */
export function zipMembers(file: Buffer): ArchiveMember[] {
  // The end-of-central-directory record sits in the last 22 + 65535 (comment) bytes.
  let eocd = -1;
  for (let i = file.length - 22; i >= Math.max(0, file.length - 22 - 0xffff); i--) {
    if (file.readUInt32LE(i) === 0x06054b50) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) refuse("no zip central directory found");
  const total = file.readUInt16LE(eocd + 10);
  const cdSize = file.readUInt32LE(eocd + 12);
  const cdStart = file.readUInt32LE(eocd + 16);
  if (total === 0xffff || cdSize === 0xffffffff || cdStart === 0xffffffff) refuse("it is a zip64 archive");
  if (file.readUInt16LE(eocd + 4) !== 0 || file.readUInt16LE(eocd + 6) !== 0)
    refuse("it spans several disks");
  if (total > limits.maxArchiveMembers) refuse(`more than ${limits.maxArchiveMembers} members`);
  // unzip finds the directory relative to the record when bytes were prepended: refuse that too.
  if (cdStart + cdSize !== eocd) refuse("its central directory is not where the end record says");
  const members: ArchiveMember[] = [];
  let at = cdStart;
  for (let n = 0; n < total; n++) {
    if (at + 46 > eocd || file.readUInt32LE(at) !== 0x02014b50) refuse("its central directory is damaged");
    const nameLen = file.readUInt16LE(at + 28);
    const extraLen = file.readUInt16LE(at + 30);
    const commentLen = file.readUInt16LE(at + 32);
    const attrs = file.readUInt32LE(at + 38);
    const end = at + 46 + nameLen + extraLen + commentLen;
    if (end > eocd) refuse("its central directory is damaged");
    const name = file.toString("utf8", at + 46, at + 46 + nameLen);
    // unzip extracts under an Info-ZIP Unicode Path field's name (0x7075) instead of this one.
    if (extraIds(file, at + 46 + nameLen, extraLen).includes(0x7075))
      refuse("a member carries a Unicode path field, a second name unzip extracts it under");
    // Unix-made entries carry the file type in the high half of the external attributes; unzip
    // honours it for other makers too, so it is read whoever made the entry.
    const type = (attrs >>> 16) & 0o170000;
    const kind: ArchiveMember["kind"] =
      type === 0o120000
        ? "symlink"
        : type === 0o060000 || type === 0o020000
          ? "device"
          : type === 0o010000
            ? "fifo"
            : name.endsWith("/") || type === 0o040000
              ? "dir"
              : type === 0 || type === 0o100000
                ? "file"
                : "other";
    count(members, { name, kind });
    at = end;
  }
  if (at !== eocd) refuse("its central directory is damaged");
  return members;
}
