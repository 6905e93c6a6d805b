// The audit log's hash chain, shared by the writer and the verifier.
//
// Every line is one JSON object written by pino. Its last member is `"hash":"<hex>"` = sha256 of
// the line without that member (the text up to `,"hash":…` plus the closing `}`), and it carries
// `prev` = the previous line's hash and `seq` = its 0-based position. The first line's `prev` is
// the genesis hash of the log's random id, so dropping the head is detected too.

import { createHash } from "node:crypto";

export const auditFormatVersion = 1;

export function sha256Hex(text: string): string {
  return createHash("sha256").update(text, "utf8").digest("hex");
}

export function genesisHash(logId: string): string {
  return sha256Hex(`skillwall-audit-v${auditFormatVersion}\u0000${logId}`);
}

const hashSuffix = /,"hash":"([0-9a-f]{64})"\}$/;

/** Appends the `hash` member to a serialized record (one line, no newline). */
export function sealLine(line: string): { line: string; hash: string } {
  if (!line.endsWith("}")) throw new Error("audit record is not a JSON object");
  const hash = sha256Hex(line);
  return { line: `${line.slice(0, -1)},"hash":"${hash}"}`, hash };
}

/** Splits a sealed line into its claimed hash and the hash its content actually has. */
export function unsealLine(line: string): { claimed: string; actual: string } | undefined {
  const m = hashSuffix.exec(line);
  if (!m) return undefined;
  const body = `${line.slice(0, m.index)}}`;
  return { claimed: m[1]!, actual: sha256Hex(body) };
}
