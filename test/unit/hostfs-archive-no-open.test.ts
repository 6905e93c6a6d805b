// The judge reads the archive an agent's `tar -x`/`unzip` names, on the host, as whatever user the
// gateway runs (root in many set-ups). Opening a device has effects before fstat can refuse it
// (a watchdog arms, a tape rewinds): `tar -tf /dev/watchdog` must not open it. A FIFO shows
// whether a file was opened for reading, because its first reader wakes a writer blocked in open.

import { execFileSync, spawn } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { readArchiveFile } from "../../src/hostfs/archive-file.js";

describe("readArchiveFile opens only a regular file for reading", () => {
  it("a FIFO named as the archive is refused without being opened", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "sw-archive-fifo-"));
    const fifo = path.join(dir, "x.tgz");
    execFileSync("mkfifo", [fifo]);
    const writer = spawn("sh", ["-c", 'exec 3>"$0"; exec sleep 60', fifo], { stdio: "ignore" });
    try {
      const wchan = () => readFileSync(`/proc/${writer.pid}/wchan`, "utf8");
      while (wchan() !== "wait_for_partner") await new Promise((r) => setTimeout(r, 20));
      expect(() => readArchiveFile("x.tgz", dir, 1024)).toThrow(/not a regular file/);
      // A reader's open wakes the writer synchronously: had it been opened, it would no longer wait.
      expect(wchan()).toBe("wait_for_partner");
    } finally {
      writer.kill("SIGKILL");
    }
  });

  it("a character device is refused (/dev/null stands in for one with side effects)", () => {
    expect(() => readArchiveFile("/dev/null", "/", 1024)).toThrow(/not a regular file/);
  });
});
