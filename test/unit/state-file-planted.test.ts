// The OpenClaw gate reads the agent home's lockfile on every curl, wget and web_fetch
// (pinnedAnswerFor), without the checks the CLI makes of the state folder first. Whatever is
// planted at the lockfile's name is refused with the file named, never followed, waited on or
// read past the cap: a FIFO would hang every fetch's judgement, a symlink would pin (or unpin)
// from a file elsewhere, a huge file fill the gateway's memory (red team s12, R2).

import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { beforeEach, describe, expect, it } from "vitest";
import { pinnedAnswerFor } from "../../src/heartbeat/pinned.js";
import { agentHomePaths, useStateDir } from "../../src/remote/paths.js";

const url = "https://www.moltbook.com/heartbeat.md";
const lockText = JSON.stringify({
  version: 1,
  skills: {
    moltbook: {
      name: "moltbook",
      source: "https://www.moltbook.com/skill.md",
      installedAt: "2026-01-01T00:00:00Z",
      updatedAt: "2026-01-01T00:00:00Z",
      policy: { name: "moltbook", hash: "h" },
      files: [
        { path: "HEARTBEAT.md", role: "heartbeat", origin: "fetched", url, sha256: "a".repeat(64), size: 1 },
      ],
      approvedSteps: [],
    },
  },
});

let tmp: string;
let home: string;
let lockfile: string;
beforeEach(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), "sw-state-planted-"));
  home = path.join(tmp, "home");
  fs.mkdirSync(home);
  useStateDir(home, path.join(tmp, "state"));
  lockfile = agentHomePaths(home).lockfile;
  fs.mkdirSync(path.dirname(lockfile));
});

/** What pinnedAnswerFor did: the error's message, or "answered" with the pin it found. */
async function outcome(): Promise<string> {
  try {
    const a = await pinnedAnswerFor(url, home);
    return `answered ${a?.skill ?? "nothing"}`;
  } catch (err) {
    return String(err);
  }
}

describe("the lockfile read for a pinned-URL answer", () => {
  it("a FIFO at its name is refused at once, not waited on", async () => {
    execFileSync("mkfifo", [lockfile]);
    // A writer that feeds the FIFO if a reader is waiting on it (one that waited would then answer).
    const feeder = setTimeout(() => {
      try {
        const fd = fs.openSync(lockfile, fs.constants.O_WRONLY | fs.constants.O_NONBLOCK);
        fs.writeSync(fd, "{}");
        fs.closeSync(fd);
      } catch {
        // ENXIO: nobody reads it
      }
    }, 500);
    try {
      expect(await outcome()).toMatch(
        /state file .*skillwall\.lock\.json is refused: it is not a regular file/,
      );
    } finally {
      clearTimeout(feeder);
    }
  });

  it("a symlink at its name is refused, not followed to a lockfile elsewhere", async () => {
    const elsewhere = path.join(tmp, "elsewhere.json");
    fs.writeFileSync(elsewhere, lockText);
    fs.symlinkSync(elsewhere, lockfile);
    expect(await outcome()).toMatch(/state file .*skillwall\.lock\.json is refused: it is a symbolic link/);
  });

  it("a file past the cap is refused without being read whole (a sparse 64 MiB file here)", async () => {
    fs.writeFileSync(lockfile, "");
    fs.truncateSync(lockfile, 64 * 1024 * 1024);
    expect(await outcome()).toMatch(
      /state file .*skillwall\.lock\.json is refused: it holds more than \d+ bytes/,
    );
  });

  it("control: the real lockfile is read and answers with its pin", async () => {
    fs.writeFileSync(lockfile, lockText);
    // The pin is found; its blob was never stored, so the answer is the missing-copy error.
    expect(await outcome()).toMatch(/the pinned copy a{12}… is missing/);
  });
});
