// Decoders for the encodings droppers use. Each returns undefined unless the result is mostly
// printable text: binary blobs (images, hashes, keys) are not commands and are left alone.

export type Encoding = "base64" | "hex" | "base85" | "ascii85" | "reversed" | "unicode-tags" | "percent";

export interface Encoded {
  encoding: Encoding;
  /** Offsets of the encoded literal in the scanned text. */
  start: number;
  end: number;
  encoded: string;
  decoded: string;
}

export function printable(s: string): boolean {
  if (s.length < 4) return false;
  let bad = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if ((c < 32 && c !== 9 && c !== 10 && c !== 13) || c === 0x7f || c === 0xfffd) bad++;
  }
  return bad / s.length < 0.03 && /[a-z]{2}/i.test(s);
}

export function decodeBase64(s: string): string | undefined {
  const clean = s.replace(/\s+/g, "");
  if (clean.length < 12 || !/^[A-Za-z0-9+/_-]+={0,2}$/.test(clean)) return undefined;
  const text = Buffer.from(clean.replace(/-/g, "+").replace(/_/g, "/"), "base64").toString("utf8");
  return printable(text) ? text : undefined;
}

export function decodeHex(s: string): string | undefined {
  const clean = s.replace(/\\x|0x|[\s,:]/gi, "");
  if (clean.length < 8 || clean.length % 2 !== 0 || !/^[0-9a-fA-F]+$/.test(clean)) return undefined;
  const text = Buffer.from(clean, "hex").toString("utf8");
  return printable(text) ? text : undefined;
}

const b85Alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz!#$%&()*+-;<=>?@^_`{|}~";

/** RFC 1924 / Python base64.b85decode alphabet. */
export function decodeBase85(s: string): string | undefined {
  const clean = s.replace(/\s+/g, "");
  if (clean.length < 10) return undefined;
  const bytes: number[] = [];
  const pad = (5 - (clean.length % 5)) % 5;
  const padded = clean + "~".repeat(pad);
  for (let i = 0; i < padded.length; i += 5) {
    let acc = 0;
    for (let j = 0; j < 5; j++) {
      const v = b85Alphabet.indexOf(padded[i + j] as string);
      if (v < 0) return undefined;
      acc = acc * 85 + v;
    }
    if (acc > 0xffffffff) return undefined;
    bytes.push((acc >>> 24) & 255, (acc >>> 16) & 255, (acc >>> 8) & 255, acc & 255);
  }
  const text = Buffer.from(bytes.slice(0, bytes.length - pad)).toString("utf8");
  return printable(text) ? text : undefined;
}

/** Adobe Ascii85 (Python a85decode), with or without <~ ~> delimiters. */
export function decodeAscii85(s: string): string | undefined {
  const clean = s.replace(/^<~|~>$/g, "").replace(/\s+/g, "");
  if (clean.length < 10) return undefined;
  const bytes: number[] = [];
  let group: number[] = [];
  const flush = (g: number[], n: number): boolean => {
    let acc = 0;
    for (const v of g) acc = acc * 85 + v;
    if (acc > 0xffffffff) return false;
    bytes.push(...[(acc >>> 24) & 255, (acc >>> 16) & 255, (acc >>> 8) & 255, acc & 255].slice(0, n));
    return true;
  };
  for (const ch of clean) {
    if (ch === "z" && group.length === 0) {
      bytes.push(0, 0, 0, 0);
      continue;
    }
    const v = ch.charCodeAt(0) - 33;
    if (v < 0 || v > 84) return undefined;
    group.push(v);
    if (group.length === 5) {
      if (!flush(group, 4)) return undefined;
      group = [];
    }
  }
  if (group.length > 0) {
    const n = group.length - 1;
    while (group.length < 5) group.push(84);
    if (!flush(group, n)) return undefined;
  }
  const text = Buffer.from(bytes).toString("utf8");
  return printable(text) ? text : undefined;
}

/** URL percent-encoding of every byte ("%68%74%74%70…"): a run of 8 or more escapes. */
export function decodePercent(s: string): string | undefined {
  if (!/^(?:%[0-9A-Fa-f]{2}){8,}$/.test(s)) return undefined;
  const text = Buffer.from(s.replace(/%/g, ""), "hex").toString("utf8");
  return printable(text) ? text : undefined;
}

/** Unicode tag characters (U+E0000–U+E007F) mirror ASCII and are invisible: decode them. */
export function decodeUnicodeTags(s: string): string | undefined {
  let out = "";
  for (const ch of s) {
    const cp = ch.codePointAt(0) ?? 0;
    if (cp >= 0xe0020 && cp <= 0xe007e) out += String.fromCharCode(cp - 0xe0000);
  }
  return out.length >= 3 ? out : undefined;
}

/** ASCII character classes for hasRun, as lookup tables. */
function charClass(chars: string): Uint8Array {
  const table = new Uint8Array(128);
  for (let i = 0; i < chars.length; i++) table[chars.charCodeAt(i)] = 1;
  return table;
}

/** [A-Za-z0-9+/] */
export const base64Chars = charClass("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/");
/** [0-9a-fA-F] */
export const hexChars = charClass("0123456789abcdefABCDEF");

/**
 * Whether `text` holds `n` consecutive characters of `cls`. A regex that needs such a run cannot
 * match text without one, and most text has none: this pre-check skips ahead Boyer–Moore style
 * (one character outside the class rules out every run through it), so it reads only a fraction
 * of the characters a regex scan visits.
 */
export function hasRun(text: string, cls: Uint8Array, n: number): boolean {
  // `end` is the first index a run could end at; the run is checked backwards from it.
  for (let end = n - 1; end < text.length;) {
    let i = end;
    while (i > end - n) {
      const c = text.charCodeAt(i);
      if (c >= 128 || cls[c] !== 1) break;
      i--;
    }
    if (i === end - n) return true;
    end = i + n;
  }
  return false;
}

const base64Literal = /[A-Za-z0-9+/]{16,}={0,2}/g;
const hexEscapes = /(?:\\x[0-9a-fA-F]{2}){6,}/g;
const plainHex = /\b[0-9a-fA-F]{16,}\b/g;
const ascii85Literal = /<~[!-u\sz]{10,}~>/g;
const percentRun = /(?:%[0-9A-Fa-f]{2}){8,}/g;

/** Every literal in `text` that decodes to printable text. Linear: each regex is a single class run. */
export function findEncoded(text: string): Encoded[] {
  const out: Encoded[] = [];
  // Each scan is skipped when the text lacks what its regex needs: a class run of 16 for base64
  // and plain hex (hex digits are base64 characters, so no base64 run means no hex run either),
  // the "\\x" and "<~" literals for hex escapes and ascii85.
  const base64Run = hasRun(text, base64Chars, 16);
  /** Pushes every match of `re` that `accept`s (checked before decoding) and decodes. */
  const collect = (
    re: RegExp,
    encoding: Encoded["encoding"],
    decode: (s: string) => string | undefined,
    accept: (literal: string, at: number) => boolean = () => true,
  ): void => {
    for (const m of text.matchAll(re)) {
      if (!accept(m[0], m.index)) continue;
      const decoded = decode(m[0]);
      if (decoded !== undefined)
        out.push({ encoding, start: m.index, end: m.index + m[0].length, encoded: m[0], decoded });
    }
  };
  if (base64Run)
    collect(
      base64Literal,
      "base64",
      decodeBase64,
      // A URL path or file path is not a payload.
      (lit, at) => lit.length >= 20 && !(/[/.]/.test(text[at - 1] ?? "") && !/[+=]/.test(lit)),
    );
  if (text.includes("\\x")) collect(hexEscapes, "hex", decodeHex);
  // Plain hex counts only when it decodes to text with a space (a command, not a digest).
  const hexWithSpace = (s: string): string | undefined => {
    const d = decodeHex(s);
    return d !== undefined && /\s/.test(d) ? d : undefined;
  };
  if (base64Run && hasRun(text, hexChars, 16)) collect(plainHex, "hex", hexWithSpace);
  if (text.includes("<~")) collect(ascii85Literal, "ascii85", decodeAscii85);
  if (text.includes("%")) collect(percentRun, "percent", decodePercent);
  return out;
}

// Text spelled as numbers: a char-code list ([99, 117, 114, 108]), optionally XOR-masked with a
// small key, or indexes into an alphabet string ("abc…"[i] for i in I). Cheap and deterministic;
// the result counts only when it is printable text.

/** A list of at least 6 numbers (decimal or 0x hex), in brackets, parentheses or space-separated. */
const numberList = /(?:\b(?:0x[0-9a-fA-F]{1,4}|\d{1,5})\b\s*(?:,\s*)?){6,4096}/g;

/** The numbers of every list of 6 or more in `text`. */
export function numberLists(text: string): Array<{ start: number; numbers: number[] }> {
  const out: Array<{ start: number; numbers: number[] }> = [];
  for (const m of text.matchAll(numberList)) {
    const numbers = [...m[0].matchAll(/0x[0-9a-fA-F]+|\d+/g)].map((n) => Number(n[0]));
    if (numbers.length >= 6) out.push({ start: m.index, numbers });
  }
  return out;
}

/** Char codes as text, after XOR with `key` (0: none); undefined unless printable. */
export function decodeCharCodes(numbers: readonly number[], key = 0): string | undefined {
  if (numbers.length < 6) return undefined;
  let s = "";
  for (const n of numbers) {
    const c = n ^ key;
    if (c < 9 || c > 0xffff) return undefined;
    s += String.fromCharCode(c);
  }
  return printable(s) && /[a-z]{2}/i.test(s) ? s : undefined;
}

/** Indexes into `alphabet` as text; undefined when an index is out of range or the text is not printable. */
export function decodeIndexMap(alphabet: string, numbers: readonly number[]): string | undefined {
  if (numbers.length < 6 || alphabet.length < 10) return undefined;
  let s = "";
  for (const n of numbers) {
    const c = alphabet[n];
    if (c === undefined) return undefined;
    s += c;
  }
  return printable(s) ? s : undefined;
}

/** Reads as a command or an address: what a decoded list is worth reporting for. */
const commandish =
  /:\/\/|\b(?:curl|wget|bash|sh|python3?|node|powershell|nc|rm|chmod|eval|exec|import|require)\b/;

/**
 * The text a number list in `code` spells, trying plain char codes, XOR with each small integer
 * the code assigns (`k = 23`), and indexes into each string literal of the code. Undefined when no
 * reading is a command or an address.
 */
export function decodeNumberLists(code: string): string | undefined {
  const lists = numberLists(code).slice(0, 8);
  if (lists.length === 0) return undefined;
  const keys = [...code.matchAll(/\b\w+\s*=\s*(\d{1,3})\s*$/gm)].map((m) => Number(m[1])).slice(0, 8);
  const alphabets = [...code.matchAll(/(["'])((?:(?!\1)[^\\\n]){10,200})\1/g)]
    .map((m) => m[2] ?? "")
    .slice(0, 8);
  for (const { numbers } of lists) {
    const readings = [
      decodeCharCodes(numbers),
      ...keys.map((k) => decodeCharCodes(numbers, k)),
      ...alphabets.map((a) => decodeIndexMap(a, numbers)),
    ];
    const hit = readings.find((r) => r !== undefined && commandish.test(r));
    if (hit !== undefined) return hit;
  }
  return undefined;
}
