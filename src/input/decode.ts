// Bytes → text for skill files: binary (NUL bytes) and invalid UTF-8 are refused with a code.

import { createHash } from "node:crypto";
import { limits } from "../limits.js";
import type { SkillError } from "../model.js";

const utf8 = new TextDecoder("utf-8", { fatal: true });

export function sha256(data: Uint8Array | string): string {
  return createHash("sha256").update(data).digest("hex");
}

export function isBinary(bytes: Uint8Array): boolean {
  return bytes.indexOf(0) >= 0;
}

/** Decode a markdown file's bytes, or say why it cannot be a skill file. */
export function decodeText(
  source: string,
  bytes: Uint8Array,
): { ok: true; text: string } | { ok: false; error: SkillError } {
  if (bytes.length > limits.maxFileBytes) {
    return fail(
      source,
      "too-large",
      `file is ${bytes.length} bytes; the limit is ${limits.maxFileBytes} (limits.maxFileBytes)`,
    );
  }
  if (isBinary(bytes))
    return fail(source, "binary", "file is binary (contains NUL bytes), not a markdown skill");
  try {
    return { ok: true, text: utf8.decode(bytes) };
  } catch {
    return fail(source, "invalid-utf8", "file is not valid UTF-8; re-save it as UTF-8");
  }
}

export function fail(source: string, code: string, message: string): { ok: false; error: SkillError } {
  return { ok: false, error: { source, code, message } };
}

/** Decode bundled-file bytes; undefined when binary or not UTF-8. */
export function tryDecode(bytes: Uint8Array): string | undefined {
  if (isBinary(bytes)) return undefined;
  try {
    return utf8.decode(bytes);
  } catch {
    return undefined;
  }
}
