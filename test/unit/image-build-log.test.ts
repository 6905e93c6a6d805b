// `skillwall image build` (root) kept debootstrap's log at a guessable name in the shared temp
// folder, skillwall-debootstrap-<Date.now()>.log, opened with plain "w" (follows a symlink,
// truncates). Anyone who can write /tmp planted symlinks at the next names and root's open
// truncated and wrote the file they lead to (this host runs with fs.protected_symlinks = 0).
// The log now lives in a new 0700 folder of its own, created O_EXCL|O_NOFOLLOW.
// Real symlinks at every name the next few seconds could give, pointing at a canary file.

import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { createBuildLog } from "../../src/run/image.js";

const planted: string[] = [];
afterEach(() => {
  for (const p of planted.splice(0)) {
    if (path.resolve(p) === path.resolve(os.tmpdir())) continue;
    fs.rmSync(p, { recursive: true, force: true });
  }
});

describe("image build log", () => {
  it("never opens a name someone planted in the temp folder", async () => {
    const victimDir = fs.mkdtempSync(path.join(os.tmpdir(), "sw-buildlog-victim-"));
    planted.push(victimDir);
    const victim = path.join(victimDir, "victim");
    fs.writeFileSync(victim, "CANARY\n");
    const now = Date.now();
    for (let ms = now; ms < now + 3000; ms++) {
      const name = path.join(os.tmpdir(), `skillwall-debootstrap-${ms}.log`);
      fs.symlinkSync(victim, name);
      planted.push(name);
    }
    const { logFile, log } = await createBuildLog();
    // Only what this test made: the log's own folder, never the temp folder itself.
    planted.push(logFile);
    if (path.dirname(logFile) !== os.tmpdir()) planted.push(path.dirname(logFile));
    log.write("debootstrap output\n");
    await new Promise<void>((resolve) => log.end(resolve));
    expect(fs.readFileSync(victim, "utf8")).toBe("CANARY\n");
    expect(fs.readFileSync(logFile, "utf8")).toBe("debootstrap output\n");
    const dir = fs.lstatSync(path.dirname(logFile));
    expect(dir.isDirectory() && (dir.mode & 0o077) === 0).toBe(true);
  });
});
