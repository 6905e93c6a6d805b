// Our own glob matcher. Policy text is never turned into a RegExp: a pattern is split into
// literal chunks at `*`, and chunks are placed greedily left to right, which is exact for
// star-only globs and has no backtracking (time O(text × pattern), no blow-up).
//
// String globs: `*` any run of characters, `?` exactly one character, `\x` a literal x.
// Path globs: matched segment by segment; `**` as a whole segment matches any number of
// segments (zero included); inside a segment `*` and `?` never cross "/".

/** One piece between stars: characters, where `undefined` is a `?` wildcard. */
type Chunk = Array<string | undefined>;

const cache = new Map<string, Chunk[]>();

/** Split a pattern into chunks at each unescaped `*` (n stars give n+1 chunks). */
function compile(pattern: string): Chunk[] {
  const hit = cache.get(pattern);
  if (hit) return hit;
  const chunks: Chunk[] = [];
  let current: Chunk = [];
  const chars = Array.from(pattern);
  for (let i = 0; i < chars.length; i++) {
    const c = chars[i] as string;
    if (c === "\\" && i + 1 < chars.length) {
      current.push(chars[++i] as string);
    } else if (c === "*") {
      chunks.push(current);
      current = [];
    } else if (c === "?") {
      current.push(undefined);
    } else {
      current.push(c);
    }
  }
  chunks.push(current);
  if (cache.size > 10_000) cache.clear();
  cache.set(pattern, chunks);
  return chunks;
}

/** Generic star-glob placement over an array of units (characters or path segments). */
function matchUnits<T>(
  units: T[],
  chunks: T[][],
  unitMatches: (unit: T, want: T) => boolean,
  isWild: (want: T) => boolean,
): boolean {
  const at = (pos: number, chunk: T[]): boolean => {
    if (pos + chunk.length > units.length) return false;
    for (let k = 0; k < chunk.length; k++) {
      const want = chunk[k] as T;
      if (!isWild(want) && !unitMatches(units[pos + k] as T, want)) return false;
    }
    return true;
  };
  if (chunks.length === 1) {
    const only = chunks[0] as T[];
    return only.length === units.length && at(0, only);
  }
  const first = chunks[0] as T[];
  const last = chunks[chunks.length - 1] as T[];
  if (first.length + last.length > units.length) return false;
  if (!at(0, first)) return false;
  const end = units.length - last.length;
  if (!at(end, last)) return false;
  let pos = first.length;
  for (let c = 1; c < chunks.length - 1; c++) {
    const chunk = chunks[c] as T[];
    let found = -1;
    for (let p = pos; p + chunk.length <= end; p++) {
      if (at(p, chunk)) {
        found = p;
        break;
      }
    }
    if (found < 0) return false;
    pos = found + chunk.length;
  }
  return true;
}

/** Whole-string glob match: `*` any run, `?` one character, backslash escapes. */
export function globMatch(pattern: string, text: string): boolean {
  const chunks = compile(pattern);
  if (chunks.every((c) => !c.includes(undefined))) return literalChunksMatch(chunks, text);
  return matchUnits<string | undefined>(
    Array.from(text),
    chunks,
    (unit, want) => unit === want,
    (want) => want === undefined,
  );
}

const literalCache = new WeakMap<Chunk[], string[]>();

/** Star-only globs: the same greedy placement with indexOf on the string (no allocation per call). */
function literalChunksMatch(chunks: Chunk[], text: string): boolean {
  let parts = literalCache.get(chunks);
  if (!parts) {
    parts = chunks.map((c) => c.join(""));
    literalCache.set(chunks, parts);
  }
  if (parts.length === 1) return text === parts[0];
  const first = parts[0] as string;
  const last = parts[parts.length - 1] as string;
  if (first.length + last.length > text.length) return false;
  if (!text.startsWith(first) || !text.endsWith(last)) return false;
  let pos = first.length;
  const end = text.length - last.length;
  for (let c = 1; c < parts.length - 1; c++) {
    const part = parts[c] as string;
    const found = text.indexOf(part, pos);
    if (found < 0 || found + part.length > end) return false;
    pos = found + part.length;
  }
  return true;
}

/** True when the pattern has no wildcard at all (it matches exactly one string). */
export function isLiteralGlob(pattern: string): boolean {
  const chunks = compile(pattern);
  return chunks.length === 1 && (chunks[0] as Chunk).every((c) => c !== undefined);
}

/** A compiled path glob: segment patterns grouped between `**` segments. */
export interface CompiledPathGlob {
  pattern: string;
  chunks: string[][];
  /** Literal runs every matching path must contain: a cheap filter before matching. */
  needles: string[];
}

const pathCache = new Map<string, CompiledPathGlob>();

export function compilePath(pattern: string): CompiledPathGlob {
  const hit = pathCache.get(pattern);
  if (hit) return hit;
  const chunks: string[][] = [];
  let current: string[] = [];
  for (const seg of pattern.split("/")) {
    if (seg === "**") {
      chunks.push(current);
      current = [];
    } else current.push(seg);
  }
  chunks.push(current);
  const needles: string[] = [];
  for (const seg of chunks.flat()) {
    const longest = seg.split(/[*?\\]/).reduce((a, b) => (b.length > a.length ? b : a), "");
    if (longest !== "") needles.push(longest);
  }
  const compiled = { pattern, chunks, needles };
  if (pathCache.size > 10_000) pathCache.clear();
  pathCache.set(pattern, compiled);
  return compiled;
}

const hasWildcard = (s: string): boolean => s.includes("*") || s.includes("?") || s.includes("\\");

function segmentMatches(unit: string, want: string): boolean {
  return hasWildcard(want) ? globMatch(want, unit) : unit === want;
}

/**
 * Cheap pre-check: could `pattern` match a path that normalises from `text`? Needles are
 * literal runs inside one segment, and normalisation only drops segments, so a needle missing
 * from the raw text is missing from the normalised path too.
 */
export function pathGlobCouldMatch(compiled: CompiledPathGlob, text: string): boolean {
  for (const needle of compiled.needles) if (!text.includes(needle)) return false;
  return true;
}

/** Match with a precompiled glob (see compilePath). */
export function compiledPathMatch(compiled: CompiledPathGlob, path: string): boolean {
  if (!pathGlobCouldMatch(compiled, path)) return false;
  return matchUnits(path.split("/"), compiled.chunks, segmentMatches, () => false);
}

/**
 * Path glob over "/"-separated segments. Both sides must already be absolute and normalised
 * (see paths.ts); `**` matches zero or more whole segments.
 */
export function pathGlobMatch(pattern: string, path: string): boolean {
  return compiledPathMatch(compilePath(pattern), path);
}
