// Loads the CLI bundle (dist/bundle/*.cjs, scripts/build-cli-bundle.mjs) with V8's code cache:
// compiling ~1.2 MB of JS, most of it lazily function by function during the first scan, was a
// large part of a one-file scan's cold start, and Node 20 has no compile cache of its own.
//
// Each chunk's cache (CHUNK.cjs.v8cache, written by `npm run build` only: scripts/
// build-code-cache.mjs; nothing at run time writes it) starts with a key: the sha256 of the chunk's
// source, the Node version and the architecture. V8 checks the cache against the source's LENGTH
// only, so a chunk changed in place (same length) would run the cached, stale code: the key makes
// a cache that was not built from the bytes on disk unused. Anything wrong with a cache (missing,
// other key, rejected by V8) means a plain compile, never an error: what runs is the source.
// A cache is code: it lives beside the chunks in dist/bundle/, with the same owner and rights.
import { isAscii } from "node:buffer";
import { createHash } from "node:crypto";
import { createRequire } from "node:module";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { debuglog } from "node:util";
import v8 from "node:v8";
import vm from "node:vm";
import { packageFileReader, type PackageFileReader } from "./package-file-reader.js";

/** `NODE_DEBUG=skillwall-bundle` logs, per chunk, whether its code cache was used and why not. */
const debug = debuglog("skillwall-bundle");

export const codeCacheSuffix = ".v8cache";

/**
 * The same wrapper as Node's CommonJS loader, plus the chunk's own URL (import.meta.url). The
 * build writes each chunk already wrapped (scripts/build-cli-bundle.mjs): wrapping it here meant
 * one more copy of ~1.4 MB of source at every start, left as garbage in V8's old space.
 */
export const chunkHead = "(function (exports, require, module, __filename, __dirname, __skillwallChunkUrl) {";
export const chunkTail = "\n})";

/** A chunk's source as V8 compiles it: one-byte text decoded without UTF-8's work when ASCII. */
function chunkText(source: Buffer): string {
  // The build writes ASCII only (charset "ascii"), whose latin1 decoding is a plain copy.
  const text = isAscii(source) ? source.toString("latin1") : source.toString("utf8");
  // A chunk from an older build is not wrapped yet.
  return text.startsWith(chunkHead) ? text : `${chunkHead}${text}${chunkTail}`;
}

/** The key a chunk's cache must carry to be used: ties it to these bytes and this Node. */
export function codeCacheKey(source: Buffer): string {
  const sourceHash = createHash("sha256").update(source).digest("hex");
  return createHash("sha256")
    .update(`skillwall-code-cache-v1\0${sourceHash}\0${process.version}\0${process.arch}`)
    .digest("hex");
}

/**
 * Where V8's data starts in a cache file: V8 copies cached data that is not 8-byte aligned before
 * it reads it (1.4 MB more to allocate and fault in at every start), so the key is padded.
 */
export const codeCacheDataOffset = 72;

/** The header of a cache file: its key (64 hex digits), spaces, "\n"; codeCacheDataOffset bytes. */
function codeCacheHeader(key: string): string {
  return `${key.padEnd(codeCacheDataOffset - 1, " ")}\n`;
}

/** The header (key) + V8's cached data. */
export function encodeCodeCache(source: Buffer, data: Buffer): Buffer {
  return Buffer.concat([Buffer.from(codeCacheHeader(codeCacheKey(source)), "latin1"), data]);
}

/** V8's data in `file`'s cache when its key is `key`; valid until `read` reads again. */
function readCodeCache(file: string, key: string, read: PackageFileReader): Buffer | undefined {
  let raw: Buffer;
  try {
    raw = read(file + codeCacheSuffix);
  } catch {
    debug("%s: no code cache", path.basename(file));
    return undefined;
  }
  const header = codeCacheHeader(key);
  if (raw.length <= header.length || raw.toString("latin1", 0, header.length) !== header) {
    debug("%s: code cache ignored (built for other source or another Node)", path.basename(file));
    return undefined;
  }
  return raw.subarray(header.length);
}

interface Chunk {
  exports: Record<string, unknown>;
  script: vm.Script;
}

export interface LoadedBundle {
  /** The entry chunk's exports (dist/cli.js's API). */
  entry: Record<string, unknown>;
  /** Every chunk loaded so far, by file: the build produces the code cache from these. */
  chunks: Map<string, Chunk>;
  /** Another entry of the same bundle (e.g. "skillwall.cjs"), sharing its chunks' modules. */
  require: (entry: string) => Record<string, unknown>;
}

/**
 * Loads `dir`/`entry` and, on demand, the chunks it requires ("./x.cjs"); any other require
 * (node:*, external packages) is an ordinary require from the chunk's own place.
 */
export function loadCliBundle(dir: string, entry = "skillwall.cjs"): LoadedBundle {
  // V8 rejects a cache made under other flags, and the shell parser sets --liftoff-only when it
  // loads (src/shell/parser.ts), which the build's warm-up did before taking the cache: set it
  // first. It only concerns WebAssembly, which nothing runs before the parser.
  v8.setFlagsFromString("--liftoff-only");
  // Compile a WebAssembly module whole, on V8's background threads, when it is compiled
  // (default: each function on first call, on the main thread): the CLI starts compiling the
  // shell parser's wasm early (src/shell/wasm.ts) and only waits for it when it first parses.
  // Set here, before any chunk, for the same reason as --liftoff-only.
  v8.setFlagsFromString("--no-wasm-lazy-compilation");
  // The findings rules run ~200 large case-insensitive regexes once or a few times each: V8's
  // default (interpret first, compile to machine code on the second run) built each one twice,
  // and building the bytecode is the slower half (measured: 3x the regex set-up of a one-file
  // scan). Same matches either way; only the first run's compile changes. Not --no-regexp-tier-up:
  // turned off at run time, a regex that had been run once before (as bytecode, e.g. one of Node's
  // own under `node -r x`) is then executed as machine code and the process dies of SIGSEGV.
  // Zero ticks leaves tier-up on and only makes regexes built from now on start as machine code.
  v8.setFlagsFromString("--regexp-tier-up-ticks=0");
  const chunks = new Map<string, Chunk>();
  // One buffer for every chunk and cache read: each is copied (into a string, by V8) before the next.
  const read = packageFileReader();
  const load = (file: string): Record<string, unknown> => {
    const known = chunks.get(file);
    if (known) return known.exports;
    const source = read(file);
    const key = codeCacheKey(source);
    const text = chunkText(source);
    // Overwrites `source`; V8 has read the cache by the time the Script exists.
    const cachedData = readCodeCache(file, key, read);
    const script = new vm.Script(text, {
      filename: file,
      ...(cachedData ? { cachedData } : {}),
      importModuleDynamically: vm.constants.USE_MAIN_CONTEXT_DEFAULT_LOADER,
    });
    if (cachedData)
      debug("%s: code cache %s", path.basename(file), script.cachedDataRejected ? "rejected by V8" : "used");
    const module = { exports: {} as Record<string, unknown> };
    chunks.set(file, { exports: module.exports, script });
    const plain = createRequire(file);
    const require = (id: string): unknown =>
      id.startsWith("./") ? load(path.join(path.dirname(file), id)) : plain(id);
    const wrapper = script.runInThisContext() as (...args: unknown[]) => void;
    wrapper.call(
      module.exports,
      module.exports,
      require,
      module,
      file,
      path.dirname(file),
      pathToFileURL(file).href,
    );
    chunks.get(file)!.exports = module.exports;
    return module.exports;
  };
  return { entry: load(path.join(dir, entry)), chunks, require: (e) => load(path.join(dir, e)) };
}
