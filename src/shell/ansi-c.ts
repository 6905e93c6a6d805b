// Decoding of bash $'…' strings, byte-for-byte like bash 5.2 (lib/sh/strtrans.c, ansicstr).
// Escapes that yield a non-ASCII byte or code point depend on the locale bash runs in, so they
// are reported as dynamic instead of guessed.

export type AnsiCResult = { ok: true; value: string } | { ok: false; reason: string };

const SIMPLE: Readonly<Record<string, string>> = Object.freeze({
  a: "\x07",
  b: "\b",
  e: "\x1b",
  E: "\x1b",
  f: "\f",
  n: "\n",
  r: "\r",
  t: "\t",
  v: "\v",
  "\\": "\\",
  "'": "'",
  '"': '"',
  "?": "?",
});

const isOctal = (c: string | undefined): boolean => c !== undefined && c >= "0" && c <= "7";
const isHex = (c: string | undefined): boolean => c !== undefined && /^[0-9a-fA-F]$/.test(c);

/** Decode the inside of $'…' (without the `$'` and the closing `'`). */
export function decodeAnsiC(inner: string): AnsiCResult {
  let out = "";
  let i = 0;
  const n = inner.length;
  while (i < n) {
    const ch = inner[i] as string;
    if (ch !== "\\" || i + 1 >= n) {
      out += ch;
      i++;
      continue;
    }
    const esc = inner[i + 1] as string;
    i += 2;
    const simple = Object.hasOwn(SIMPLE, esc) ? SIMPLE[esc] : undefined;
    let code: number;
    if (simple !== undefined) {
      out += simple;
      continue;
    } else if (isOctal(esc)) {
      code = Number.parseInt(esc, 8);
      for (let k = 0; k < 2 && isOctal(inner[i]); k++, i++)
        code = code * 8 + Number.parseInt(inner[i] as string, 8);
      code &= 0xff;
    } else if (esc === "x" && inner[i] === "{") {
      // bash 5.2: `\x{…}` takes every hex digit up to a non-digit, then an optional `}`; the
      // byte is the value mod 256 (`\x{}` and `\x{g}` are NUL).
      i++;
      code = 0;
      while (isHex(inner[i])) code = (code * 16 + Number.parseInt(inner[i++] as string, 16)) & 0xff;
      if (inner[i] === "}") i++;
    } else if (esc === "x" || esc === "u" || esc === "U") {
      const max = esc === "x" ? 2 : esc === "u" ? 4 : 8;
      let digits = "";
      while (digits.length < max && isHex(inner[i])) digits += inner[i++] as string;
      if (digits === "") {
        out += "\\" + esc;
        continue;
      }
      code = Number.parseInt(digits, 16);
    } else if (esc === "c") {
      const target = inner[i];
      if (target === undefined) {
        out += "\\c";
        continue;
      }
      i++;
      // bash: $'\c\\' consumes the escaped backslash.
      if (target === "\\" && inner[i] === "\\") i++;
      if (target.charCodeAt(0) > 0x7f) return { ok: false, reason: "non-ASCII \\c escape in $'…'" };
      code = target === "?" ? 0x7f : target.toUpperCase().charCodeAt(0) & 0x1f;
    } else {
      out += "\\" + esc;
      continue;
    }
    if (code === 0) return { ok: true, value: out }; // bash truncates the string at a NUL byte
    if (code > 0x7f) return { ok: false, reason: "locale-dependent non-ASCII escape in $'…'" };
    out += String.fromCharCode(code);
  }
  return { ok: true, value: out };
}
