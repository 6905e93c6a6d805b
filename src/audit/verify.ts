// Verifies an audit log's hash chain: any edited, removed, inserted or reordered line, a log
// whose head was cut, lines from another log, and an incomplete last line are reported with the
// first bad line number and why. Removing whole lines from the END cannot be proven from the
// file alone; `closed` says whether the log ends with its close record, and `head` is the value
// to keep elsewhere (anchor) to detect that.

import path from "node:path";
import { SkillwallError } from "../errors.js";
import { readOperatorFile } from "../hostfs/host-dir.js";
import { limits } from "../limits.js";
import { genesisHash, unsealLine } from "./chain.js";

export interface AuditVerifyResult {
  ok: boolean;
  file: string;
  /** Complete lines read. */
  lines: number;
  logId?: string;
  /** Hash of the last line that verified. */
  head?: string;
  /** The log ends with a close record (false: still being written, crashed, or its tail removed). */
  closed: boolean;
  /** The first problem: 1-based line number and why. */
  problem?: { line: number; reason: string };
}

interface Rec {
  logId?: unknown;
  seq?: unknown;
  prev?: unknown;
  kind?: unknown;
  log?: { event?: unknown };
}

/**
 * The log's text. The operator names it, but it may sit in a folder someone else writes (a
 * run's log in a user's home): it is opened once through hostfs (a symlink at the name or on
 * the way is followed only where nobody but root could have planted it; a FIFO or device is
 * refused, never waited on), at most limits.maxAuditLogBytes.
 */
async function readLog(file: string): Promise<string> {
  try {
    return (
      await readOperatorFile(path.resolve(file), limits.maxAuditLogBytes, "limits.maxAuditLogBytes")
    ).toString("utf8");
  } catch (err) {
    const e = err as { message?: string; fix?: unknown };
    throw new SkillwallError(
      "audit-unreadable",
      `cannot read audit log ${file}: ${e.message ?? String(err)}`,
      {
        fix: typeof e.fix === "string" ? e.fix : "check the path and its permissions",
        cause: err,
      },
    );
  }
}

export async function verifyAuditLog(file: string): Promise<AuditVerifyResult> {
  return verifyAuditText(file, await readLog(file));
}

/**
 * The records of an audit log whose chain verifies, parsed from the very text that was verified;
 * a log that does not verify is an error naming its first bad line (nothing in it is trusted).
 */
export async function readVerifiedAuditLog(file: string): Promise<Array<Record<string, unknown>>> {
  const text = await readLog(file);
  const v = verifyAuditText(file, text);
  if (!v.ok) {
    throw new SkillwallError(
      "audit-invalid",
      `${file}:${v.problem?.line ?? 0}: the audit log does not verify: ${v.problem?.reason ?? "unknown"}`,
      { fix: "use the run's own, unedited audit log (skillwall audit verify FILE shows the problem)" },
    );
  }
  return text
    .split("\n")
    .filter((l) => l !== "")
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

function verifyAuditText(file: string, text: string): AuditVerifyResult {
  const parts = text.split("\n");
  const tail = parts.pop() ?? ""; // "" when the file ends with a newline
  const result: AuditVerifyResult = { ok: false, file, lines: parts.length, closed: false };
  const fail = (line: number, reason: string): AuditVerifyResult => ({
    ...result,
    ok: false,
    problem: { line, reason },
  });
  if (parts.length === 0 && tail === "") return fail(1, "the log is empty (no open record)");

  let logId: string | undefined;
  let prevHash = "";
  let lastRec: Rec = {};
  for (let i = 0; i < parts.length; i++) {
    const n = i + 1;
    const line = parts[i]!;
    if (line === "") return fail(n, "blank line (a line was cut or inserted here)");
    let rec: Rec;
    try {
      rec = JSON.parse(line) as Rec;
    } catch {
      return fail(n, "not valid JSON (the line was edited or cut)");
    }
    if (rec === null || typeof rec !== "object" || Array.isArray(rec)) return fail(n, "not a JSON object");
    const seal = unsealLine(line);
    if (!seal) return fail(n, "no hash member at the end of the line (edited or not written by skillwall)");
    if (seal.claimed !== seal.actual)
      return fail(n, "edited: the content does not match the line's own hash");
    if (typeof rec.logId !== "string" || typeof rec.seq !== "number" || typeof rec.prev !== "string") {
      return fail(n, "missing logId, seq or prev (not an audit record)");
    }
    if (i === 0) {
      logId = rec.logId;
      result.logId = logId;
      if (rec.seq !== 0 || rec.prev !== genesisHash(logId)) {
        return fail(
          n,
          `the log does not start at its genesis (seq ${rec.seq}): lines were removed from the beginning`,
        );
      }
    } else {
      if (rec.logId !== logId) return fail(n, `the line belongs to another log (${rec.logId})`);
      if (rec.seq > i)
        return fail(
          n,
          `seq is ${rec.seq}, expected ${i}: ${rec.seq - i} line(s) removed or moved before this line`,
        );
      if (rec.seq < i)
        return fail(n, `seq is ${rec.seq}, expected ${i}: a line was inserted, duplicated or moved`);
      if (rec.prev !== prevHash) {
        return fail(n - 1, `line ${n - 1} was replaced: its hash is not the prev recorded by line ${n}`);
      }
    }
    prevHash = seal.claimed;
    result.head = prevHash;
    lastRec = rec;
  }
  if (tail !== "") {
    return fail(
      parts.length + 1,
      "truncated tail: the last line is incomplete (no newline at the end of the file)",
    );
  }
  result.closed = lastRec.kind === "log" && lastRec.log?.event === "close";
  return { ...result, ok: true };
}
