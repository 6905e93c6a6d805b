// Turn command-line arguments into skill inputs: files, skill folders (with bundled files),
// directories of skills, stdin ("-") and https:// URLs. Never throws for user input: each
// problem becomes a per-file SkillError and the other inputs are still read.

import { realpath, stat } from "node:fs/promises";
import path from "node:path";
import { describeError } from "../errors.js";
import { HostDir, HostFsError, withHostDir, withSubdir } from "../hostfs/host-dir.js";
import { hostfsLimits, limits } from "../limits.js";
import type { BundledFile, SkillError } from "../model.js";
import { decodeText, fail, isBinary, sha256, tryDecode } from "./decode.js";

export interface SkillInput {
  source: string;
  /** Main markdown file relative to the skill root ("SKILL.md", or the file's name). */
  file: string;
  text: string;
  bundled: BundledFile[];
  /** Problems found while reading that leave nothing unjudged. */
  warnings: string[];
  /** Bundled entries that were not read (links, special files, caps, skipped folders): never `allow`. */
  notRead?: NotRead[];
  /** What the main file is: "shell" for a script given directly; markdown when absent. */
  fileType?: "markdown" | "shell";
}

/** A path in a skill folder whose content was not analysed, and why. */
export interface NotRead {
  path: string;
  why: string;
}

export type InputResult = { ok: true; input: SkillInput } | { ok: false; error: SkillError };

const SKIP_DIRS = new Set([".git", "node_modules"]);
const MAX_WALK_ENTRIES = 100_000;

/** What one scan may still spend on hashing files too large to read (limits.maxHashedBytes). */
interface HashBudget {
  bytesLeft: number;
}

export async function readSkillInputs(
  args: string[],
  opts: { cwd: string; stdin?: NodeJS.ReadableStream },
): Promise<InputResult[]> {
  const out: InputResult[] = [];
  const budget: HashBudget = { bytesLeft: limits.maxHashedBytes };
  for (const arg of args) {
    try {
      out.push(...(await readOne(arg, opts, budget)));
    } catch (e) {
      out.push(
        fail(arg, "unreadable", `could not read ${arg}: ${e instanceof Error ? e.message : String(e)}`),
      );
    }
  }
  return out;
}

async function readOne(
  arg: string,
  opts: { cwd: string; stdin?: NodeJS.ReadableStream },
  budget: HashBudget,
): Promise<InputResult[]> {
  if (arg === "-") return [await readStdin(opts.stdin)];
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(arg)) {
    // undici takes ~60 ms to import: loaded only when a URL is scanned.
    const { fetchSkill } = await import("./fetch.js");
    const r = await fetchSkill(arg);
    return [
      r.ok ? { ok: true, input: { source: arg, file: r.file, text: r.text, bundled: [], warnings: [] } } : r,
    ];
  }
  const full = path.resolve(opts.cwd, arg);
  // The named path is opened once, component by component (HostDir.open: a symlink on the way is
  // followed only in a folder nobody else can write), and the last name is looked at without
  // following it, from its parent's descriptor. A stat, a realpath and an lstat by path each
  // looked it up again: a folder above it swapped in between led the scan into another tree.
  if (full === "/") return withHostDir("/", {}, (root) => readFolder(arg, root, budget));
  const leaf = path.basename(full);
  try {
    return await withHostDir(path.dirname(full), {}, async (parent) => {
      const st = await parent.entry(leaf);
      if (st === undefined) return [fail(arg, "not-found", `no such file or directory: ${arg}`)];
      // A named path that is itself a link (an agent can swap one in): its target is not read
      // under the name the operator checked.
      if (st.isSymbolicLink()) {
        const target = await parent.readlink(leaf);
        return [
          fail(
            arg,
            "not-analysed",
            `not analysed: ${arg} is a symbolic link to ${target}; not followed (scan its target directly)`,
          ),
        ];
      }
      if (st.isFile()) return [await readMarkdownFile(arg, parent, leaf, leaf)];
      if (!st.isDirectory()) return [fail(arg, "unreadable", `${arg} is neither a file nor a directory`)];
      return withSubdir(parent, leaf, {}, (root) => readFolder(arg, root, budget));
    });
  } catch (e) {
    if (e instanceof HostFsError && e.message.endsWith("does not exist"))
      return [fail(arg, "not-found", `no such file or directory: ${arg}`)];
    const code = (e as NodeJS.ErrnoException).code;
    return [
      fail(
        arg,
        "unreadable",
        `cannot access ${arg}: ${e instanceof HostFsError ? e.message : (code ?? String(e))}`,
      ),
    ];
  }
}

/** A skill folder, or a folder of skills, held open. */
async function readFolder(arg: string, root: HostDir, budget: HashBudget): Promise<InputResult[]> {
  const main = await skillFile(root);
  if (main !== undefined) return [await readSkillFolder(arg, root, main, budget)];
  const found = await findSkills(root);
  if (found.length === 0) return [fail(arg, "no-skills", `no SKILL.md folder or .md file under ${arg}`)];
  // Read several files at once (order kept): one await per file left the disk and the thread idle.
  return mapBounded(found, READ_CONCURRENCY, async (f) => {
    const source = path.join(arg, f.rel);
    if (f.kind === "skipped") return fail(source, "not-analysed", `not analysed: ${f.why}`);
    try {
      if (f.kind === "folder") {
        return await withSubdir(root, f.rel, {}, (dir) => readSkillFolder(source, dir, f.main, budget));
      }
      const parent = path.posix.dirname(f.rel);
      const name = path.posix.basename(f.rel);
      return await withSubdir(root, parent === "." ? "" : parent, {}, (dir) =>
        readMarkdownFile(source, dir, name, name),
      );
    } catch (e) {
      return fail(source, "unreadable", `cannot read ${source}: ${describeError(e)}`);
    }
  });
}

const READ_CONCURRENCY = 16;

/** `items.map(fn)` with at most `limit` calls in flight; results in input order. */
async function mapBounded<T, R>(items: T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const lane = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, lane));
  return out;
}

/**
 * Whether `args` probably name many skills (a directory of skills, or many paths), so a caller
 * can start its workers while the inputs are read. A guess: only stats the arguments.
 */
export async function likelyManyInputs(args: string[], cwd: string, many: number): Promise<boolean> {
  if (args.length >= many) return true;
  for (const arg of args) {
    if (arg === "-" || /^[a-z][a-z0-9+.-]*:\/\//i.test(arg)) continue;
    const full = path.resolve(cwd, arg);
    try {
      if ((await stat(full)).isDirectory()) {
        const real = await realpath(full);
        if ((await withHostDir(real, {}, skillFile)) === undefined) return true;
      }
    } catch {
      // Unreadable: reading it will report the error.
    }
  }
  return false;
}

/** Whether `args` name exactly one regular file (not stdin, a folder or a URL). Only stats it. */
export async function namesOneFile(args: readonly string[], cwd: string): Promise<boolean> {
  const [arg] = args;
  if (args.length !== 1 || arg === undefined || arg === "-" || /^[a-z][a-z0-9+.-]*:\/\//i.test(arg))
    return false;
  try {
    return (await stat(path.resolve(cwd, arg))).isFile();
  } catch {
    return false; // reading it will report the error
  }
}

async function readStdin(stdin: NodeJS.ReadableStream | undefined): Promise<InputResult> {
  if (stdin === undefined) return fail("-", "unreadable", "no standard input available");
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of stdin) {
    const buf = typeof chunk === "string" ? Buffer.from(chunk) : (chunk as Buffer);
    size += buf.length;
    if (size > limits.maxFileBytes) {
      return fail(
        "-",
        "too-large",
        `standard input is larger than ${limits.maxFileBytes} bytes (limits.maxFileBytes)`,
      );
    }
    chunks.push(buf);
  }
  const decoded = decodeText("-", Buffer.concat(chunks));
  if (!decoded.ok) return decoded;
  return {
    ok: true,
    input: { source: "-", file: "stdin.md", text: decoded.text, bundled: [], warnings: [] },
  };
}

/**
 * Reads `name` in `dir` (a regular file, opened O_NOFOLLOW: a symlink, FIFO or device swapped in
 * there is refused, never followed or waited on), at most limits.maxFileBytes.
 */
async function readMarkdownFile(
  source: string,
  dir: HostDir,
  name: string,
  file: string,
): Promise<InputResult> {
  const bytes = await readCapped(source, dir, name);
  if (!bytes.ok) return bytes;
  const decoded = decodeText(source, bytes.data);
  if (!decoded.ok) return decoded;
  // A file given directly is read as what it is: a shell script (by extension or shebang) is one
  // step; anything else is markdown.
  const fileType = typeByName(file, decoded.text) === "shell" ? "shell" : "markdown";
  return { ok: true, input: { source, file, text: decoded.text, bundled: [], warnings: [], fileType } };
}

async function readCapped(
  source: string,
  dir: HostDir,
  name: string,
): Promise<{ ok: true; data: Buffer } | { ok: false; error: SkillError }> {
  try {
    const st = await dir.entry(name);
    if (st !== undefined && st.size > limits.maxFileBytes) {
      return fail(
        source,
        "too-large",
        `file is ${st.size} bytes; the limit is ${limits.maxFileBytes} (limits.maxFileBytes)`,
      );
    }
    const data = st === undefined ? undefined : await dir.readFile(name, limits.maxFileBytes);
    if (data === undefined) return fail(source, "not-found", `no such file: ${source}`);
    return { ok: true, data };
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    return fail(
      source,
      "unreadable",
      `cannot read ${source}: ${e instanceof HostFsError ? e.message : (code ?? String(e))}`,
    );
  }
}

/** The skill file of a folder (SKILL.md, any case, a regular file), or undefined. */
async function skillFile(dir: HostDir): Promise<string | undefined> {
  const names = (await dir.entries()).filter((d) => d.kind === "file" && d.name.toLowerCase() === "skill.md");
  names.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return names[0]?.name;
}

async function readSkillFolder(
  source: string,
  dir: HostDir,
  main: string,
  budget: HashBudget,
): Promise<InputResult> {
  const read = await readMarkdownFile(source, dir, main, main);
  if (!read.ok) return read;
  const { bundled, warnings, notRead } = await readBundled(dir, main, budget);
  read.input.bundled = bundled;
  read.input.warnings = warnings;
  if (notRead.length > 0) read.input.notRead = notRead;
  return read;
}

/**
 * Every file of a skill folder except its main file: walked through directory descriptors (a
 * directory swapped for a symlink while this runs is refused, never followed), .git/node_modules
 * skipped, at most hostfsLimits.maxTreeDepth deep and MAX_WALK_ENTRIES entries.
 */
async function readBundled(
  root: HostDir,
  main: string,
  budget: HashBudget,
): Promise<{ bundled: BundledFile[]; warnings: string[]; notRead: NotRead[] }> {
  const bundled: BundledFile[] = [];
  const warnings: string[] = [];
  // Fail closed: whatever the walk does not read is listed, so the skill is never `allow`.
  const notRead: NotRead[] = [];
  const queue = [""];
  let capped = false;
  let seen = 0;
  while (queue.length > 0 && !capped) {
    const rel = queue.shift() as string;
    let dir: HostDir;
    let entries;
    try {
      dir = await root.dirPath(rel);
    } catch (e) {
      notRead.push({ path: `${rel || "."}/`, why: `folder not readable (${whyNot(e)})` });
      continue;
    }
    try {
      try {
        entries = await dir.entries();
      } catch (e) {
        notRead.push({ path: `${rel || "."}/`, why: `folder not readable (${whyNot(e)})` });
        continue;
      }
      seen += entries.length;
      if (seen > MAX_WALK_ENTRIES) {
        notRead.push({
          path: `${rel || "."}/`,
          why: `more than ${MAX_WALK_ENTRIES} entries in the skill; this folder and the rest were not read`,
        });
        capped = true;
        break;
      }
      entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
      for (const entry of entries) {
        const relPath = rel === "" ? entry.name : `${rel}/${entry.name}`;
        if (rel === "" && entry.name === main) continue;
        // readdir decodes a name that is not UTF-8 to U+FFFD: opening that name would miss the file.
        if (entry.name.includes("\uFFFD")) {
          notRead.push({ path: relPath, why: `a ${entry.kind} whose name is not valid UTF-8; not read` });
          continue;
        }
        if (entry.kind === "symlink") {
          notRead.push({ path: relPath, why: "a symbolic link; not followed" });
          continue;
        }
        if (entry.kind === "directory") {
          if (SKIP_DIRS.has(entry.name)) {
            // Skipped for speed, but an agent can still be told to read what is in there.
            notRead.push({ path: `${relPath}/`, why: "folder not read (.git and node_modules are skipped)" });
          } else if (relPath.split("/").length > hostfsLimits.maxTreeDepth) {
            notRead.push({
              path: `${relPath}/`,
              why: `deeper than ${hostfsLimits.maxTreeDepth} levels; not read (hostfsLimits.maxTreeDepth)`,
            });
          } else queue.push(relPath);
          continue;
        }
        if (entry.kind !== "file") {
          notRead.push({ path: relPath, why: `a ${entry.kind}, not a regular file; not read` });
          continue;
        }
        if (bundled.length >= limits.maxBundledFiles) {
          notRead.push({
            path: relPath,
            why: `more than ${limits.maxBundledFiles} bundled files; this file and the rest were not read (limits.maxBundledFiles)`,
          });
          capped = true;
          break;
        }
        bundled.push(await readBundledFile(dir, entry.name, relPath, warnings, notRead, budget));
      }
    } finally {
      await dir.close();
    }
  }
  return { bundled, warnings, notRead };
}

function whyNot(e: unknown): string {
  if (e instanceof HostFsError) return e.message;
  return (e as NodeJS.ErrnoException).code ?? String(e);
}

async function readBundledFile(
  dir: HostDir,
  name: string,
  relPath: string,
  warnings: string[],
  notRead: NotRead[],
  budget: HashBudget,
): Promise<BundledFile> {
  let data: Buffer | undefined;
  let size = 0;
  try {
    const st = await dir.entry(name);
    size = st?.size ?? 0;
    if (st !== undefined && st.size > limits.maxFileBytes) {
      warnings.push(`${relPath}: ${st.size} bytes, over limits.maxFileBytes; listed but not read`);
      const listed = { path: relPath, size: st.size, type: typeByName(relPath, "") };
      // Charged by the size the listing shows before a byte is read: a sparse file costs its
      // whole length to hash, nothing to ship. The budget is taken before the await, so files
      // hashed at once cannot overspend it together.
      if (st.size > hostfsLimits.maxFileBytes) {
        warnings.push(`${relPath}: not hashed (larger than hostfsLimits.maxFileBytes)`);
        return { ...listed, sha256: "" };
      }
      if (st.size > budget.bytesLeft) {
        notRead.push({
          path: relPath,
          why: `${st.size} bytes, not read and not hashed: this scan already hashed ${limits.maxHashedBytes - budget.bytesLeft} bytes of oversized files (limits.maxHashedBytes)`,
        });
        return { ...listed, sha256: "" };
      }
      budget.bytesLeft -= st.size;
      // Capped at the size charged: a file grown since the listing is not hashed (and says so).
      const hashed = await dir.hashFile(name, st.size).catch(() => undefined);
      if (hashed === undefined) warnings.push(`${relPath}: not hashed (changed while it was hashed)`);
      return { ...listed, sha256: hashed?.sha256 ?? "" };
    }
    data = await dir.readFile(name, limits.maxFileBytes);
    if (data === undefined) throw Object.assign(new Error("removed while reading"), { code: "ENOENT" });
  } catch (e) {
    notRead.push({ path: relPath, why: `not readable (${whyNot(e)})` });
    return { path: relPath, size, type: "other", sha256: "" };
  }
  const digest = sha256(data);
  // Content not decoded: a file named like instructions or code is reported not analysed (an
  // agent told to follow it still reads it); other names (images, data) only as a warning.
  const named = typeByName(relPath, "");
  if (isBinary(data)) {
    if (named !== "other")
      notRead.push({ path: relPath, why: `named as ${named} but holds a NUL byte; not read` });
    return { path: relPath, size: data.length, type: "binary", sha256: digest };
  }
  const text = tryDecode(data);
  if (text === undefined) {
    if (named !== "other")
      notRead.push({ path: relPath, why: `named as ${named} but not valid UTF-8; not read` });
    else warnings.push(`${relPath}: not valid UTF-8; listed but not read`);
    return { path: relPath, size: data.length, type: "other", sha256: digest };
  }
  return { path: relPath, size: data.length, type: typeByName(relPath, text), text, sha256: digest };
}

/** File type by extension, else by shebang. */
export function typeByName(relPath: string, text: string): BundledFile["type"] {
  const lower = relPath.toLowerCase();
  // Start-up files a shell sources (.bashrc, .profile, .envrc …) are shell scripts too.
  if (
    /\.(?:sh|bash|zsh|ksh)$|(?:^|\/)\.(?:bashrc|bash_profile|bash_login|bash_logout|profile|zshrc|zprofile|zshenv|zlogin|kshrc|envrc)$/.test(
      lower,
    )
  )
    return "shell";
  if (/\.(?:py|pyw)$/.test(lower)) return "python";
  if (/\.(?:js|mjs|cjs|ts|mts|cts)$/.test(lower)) return "javascript";
  // Text an agent reads as instructions ("read notes/setup.txt and carry out each step") is
  // extracted like markdown: plain text, reStructuredText, MDX, AsciiDoc, INSTALL-style names.
  if (/\.(?:md|markdown|mdx|txt|text|rst|adoc)$/.test(lower)) return "markdown";
  if (/(?:^|\/)(?:install|readme|setup|usage|notes|instructions|getting[-_]started)$/.test(lower))
    return "markdown";
  const shebang = /^#!\s*(\S+)(?:\s+(\S+))?/.exec(text);
  if (shebang !== null) {
    const prog = path.basename(shebang[1] === "/usr/bin/env" ? (shebang[2] ?? "") : (shebang[1] ?? ""));
    if (/^(?:ba|z|da|k)?sh$/.test(prog)) return "shell";
    if (/^python[0-9.]*$/.test(prog)) return "python";
    if (/^(?:node|deno|bun)$/.test(prog)) return "javascript";
  }
  return "other";
}

type Found =
  | { kind: "folder"; rel: string; main: string }
  | { kind: "file"; rel: string }
  /** Something that may be a skill but was not read: reported, never dropped. */
  | { kind: "skipped"; rel: string; why: string };

/**
 * Skill folders and loose .md files below `root` (not inside a skill folder), sorted; walked
 * through directory descriptors like readBundled, symlinks never followed.
 */
async function findSkills(root: HostDir): Promise<Found[]> {
  const found: Found[] = [];
  const queue = [""];
  let seen = 0;
  while (queue.length > 0) {
    const rel = queue.shift() as string;
    if (seen >= MAX_WALK_ENTRIES) {
      found.push({
        kind: "skipped",
        rel: rel || ".",
        why: `more than ${MAX_WALK_ENTRIES} entries; not read`,
      });
      continue;
    }
    let entries;
    try {
      entries = await withSubdir(root, rel, {}, (dir) => dir.entries());
    } catch (e) {
      found.push({ kind: "skipped", rel: rel || ".", why: `folder not readable (${whyNot(e)})` });
      continue;
    }
    seen += entries.length;
    const mains = entries
      .filter((e) => e.kind === "file" && e.name.toLowerCase() === "skill.md")
      .map((e) => e.name)
      .sort();
    if (mains.length > 0 && rel !== "") {
      found.push({ kind: "folder", rel, main: mains[0]! });
      continue;
    }
    for (const e of entries) {
      const child = rel === "" ? e.name : `${rel}/${e.name}`;
      const skip = (why: string) => found.push({ kind: "skipped", rel: child, why });
      // An agent (OpenClaw) follows symlinked skill folders and SKILL.md files and has no depth
      // limit: what this walk does not read is reported, so the run is never a silent pass.
      if (e.name.includes("\uFFFD")) skip(`a ${e.kind} whose name is not valid UTF-8; not read`);
      else if (e.kind === "symlink") skip("a symbolic link; not followed (scan its target directly)");
      else if (e.kind === "directory" && !SKIP_DIRS.has(e.name)) {
        if (child.split("/").length <= hostfsLimits.maxTreeDepth) queue.push(child);
        else skip(`deeper than ${hostfsLimits.maxTreeDepth} levels; not read (hostfsLimits.maxTreeDepth)`);
      } else if (/\.md$/i.test(e.name) && e.kind !== "directory") {
        if (e.kind === "file") found.push({ kind: "file", rel: child });
        else skip(`a ${e.kind}, not a regular file; not read`);
      }
    }
  }
  found.sort((a, b) => (a.rel < b.rel ? -1 : a.rel > b.rel ? 1 : 0));
  return found;
}
