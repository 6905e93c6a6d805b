// doctor --openclaw reads ~/.openclaw/openclaw.json, which the agent itself can write: a FIFO or
// a symlink to a device planted there is refused (no hang, no endless read), with a clear error.

import { execFileSync } from "node:child_process";
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

  it("refuses a symlink to /dev/zero instead of reading it forever", () => {
    const file = path.join(dir, "openclaw.json");
    fs.symlinkSync("/dev/zero", file);
    expect(() => readOpenClawConfig(file)).toThrow(/not a regular file/);
  });
});
