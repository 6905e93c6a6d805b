// doctor --openclaw reads ~/.openclaw/openclaw.json, which the agent itself can write: a FIFO or
// a symlink to a device planted there is refused (no hang, no endless read), with a clear error.

import { execFileSync, spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { readOpenClawConfig } from "../../src/doctor/openclaw-config.js";
import { runCli } from "../helpers/cli.js";

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "sw-ocdoc-planted-"));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

describe("doctor --openclaw on a planted config", () => {
  it("refuses a FIFO without blocking", async () => {
    const file = path.join(dir, "openclaw.json");
    execFileSync("mkfifo", [file]);
    expect(() => readOpenClawConfig(file)).toThrow(/not a regular file/);
    const r = await runCli(["doctor", "--openclaw", file]);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/not a regular file/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it("never opens a planted FIFO or device for reading: a writer waiting on the FIFO stays blocked", async () => {
    // Opening a device has effects before fstat can refuse it (a watchdog arms, a tape rewinds):
    // a FIFO shows whether it was opened, because its first reader wakes a blocked writer.
    const fifo = path.join(dir, "pipe");
    execFileSync("mkfifo", [fifo]);
    const file = path.join(dir, "openclaw.json");
    fs.symlinkSync(fifo, file);
    const writer = spawn("sh", ["-c", 'exec 3>"$0"; exec sleep 60', fifo], { stdio: "ignore" });
    try {
      const wchan = () => fs.readFileSync(`/proc/${writer.pid}/wchan`, "utf8");
      // Deterministic: wait until the writer sleeps in its open, however slow the machine is.
      while (wchan() !== "wait_for_partner") await new Promise((r) => setTimeout(r, 20));
      expect(() => readOpenClawConfig(file)).toThrow(/not a regular file/);
      // A reader's open wakes the writer synchronously: had the FIFO been opened, it would no longer wait.
      expect(wchan()).toBe("wait_for_partner");
    } finally {
      writer.kill("SIGKILL");
    }
  });

  it("refuses a symlink to /dev/zero instead of reading it forever", () => {
    const file = path.join(dir, "openclaw.json");
    fs.symlinkSync("/dev/zero", file);
    expect(() => readOpenClawConfig(file)).toThrow(/not a regular file/);
  });
});
