// `audit verify FILE` and `policy suggest --from-run FILE` read the log the operator names, often
// a run's log in someone else's folder. They opened it by name: a symlink planted there was
// followed into root's files, and a regular file was read whole however large (red team s13,
// LOW list). The log is now opened through hostfs (readOperatorFile), at most
// limits.maxAuditLogBytes.

import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { openAuditLog } from "../../src/audit/log.js";
import { verifyAuditLog } from "../../src/audit/verify.js";
import { limits } from "../../src/limits.js";
import { readRecordedRun } from "../../src/policy/from-run.js";

const asRoot = process.getuid?.() === 0;
let tmp: string;

beforeEach(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), "sw-verify-planted-"));
});
afterEach(() => fs.rmSync(tmp, { recursive: true, force: true }));

/** A real, intact audit log at `file`. */
async function realLog(file: string): Promise<void> {
  const log = openAuditLog({ file, subscribe: false });
  log.record("decision", { line: 1, argv: ["echo", "hi"], verdict: "allow", rule: "r" });
  await log.close();
}

const fixOf = async (read: () => Promise<unknown>): Promise<string> =>
  read().then(
    () => "read",
    (err: unknown) => String((err as { fix?: string }).fix),
  );

const outcome = async (read: () => Promise<unknown>): Promise<string> =>
  read().then(
    () => "read",
    (err: unknown) => `${(err as { code?: string }).code ?? "?"} ${String(err)}`,
  );

describe("an audit log named by the operator", () => {
  it.runIf(asRoot)(
    "a symlink planted in another user's folder is refused, not followed into root's files",
    async () => {
      const rootOnly = path.join(tmp, "root-only");
      fs.mkdirSync(rootOnly, { mode: 0o700 });
      const target = path.join(rootOnly, "audit.jsonl");
      await realLog(target);
      const theirs = path.join(tmp, "alice");
      fs.mkdirSync(theirs);
      fs.chownSync(theirs, 1000, 1000);
      const link = path.join(theirs, "run-audit.jsonl");
      fs.symlinkSync(target, link);
      fs.lchownSync(link, 1000, 1000);
      const refused = /^audit-unreadable .*run-audit\.jsonl is a symbolic link .*owned by uid 1000/;
      expect(await outcome(() => verifyAuditLog(link))).toMatch(refused);
      expect(await outcome(() => readRecordedRun(link))).toMatch(refused);
      // Control: the same log named by its own path is read.
      expect(await outcome(() => verifyAuditLog(target))).toBe("read");
    },
  );

  it("a log larger than limits.maxAuditLogBytes is refused before it is read", async () => {
    const big = path.join(tmp, "big.jsonl");
    fs.closeSync(fs.openSync(big, "w"));
    fs.truncateSync(big, 1024 * 1024); // sparse: costs nothing to make
    const saved = limits.maxAuditLogBytes;
    (limits as { maxAuditLogBytes: number }).maxAuditLogBytes = 64 * 1024;
    try {
      expect(await outcome(() => verifyAuditLog(big))).toMatch(
        /^audit-unreadable .*big\.jsonl is larger than 65536 bytes/,
      );
      expect(await fixOf(() => verifyAuditLog(big))).toMatch(/limits\.maxAuditLogBytes in src\/limits\.ts/);
      expect(await outcome(() => readRecordedRun(big))).toMatch(/larger than 65536 bytes/);
    } finally {
      (limits as { maxAuditLogBytes: number }).maxAuditLogBytes = saved;
    }
  });
});
