// Reading a pinned copy (the OpenClaw gate answering a fetch of a pinned URL, the heartbeat, a
// review) opened the blobs folder with create: a read made the state folder and its blobs folder
// wherever the state path pointed, as whichever user read, without the state folder's checks
// (red team s13, LOW list: "getBlobText creates the blobs folder"). A read now creates nothing:
// no folder is a missing copy, reported as such.

import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { pinnedAnswerFor } from "../../src/heartbeat/pinned.js";
import { getBlobText, hasBlob } from "../../src/remote/blobs.js";
import { agentHomePaths, useStateDir } from "../../src/remote/paths.js";

const url = "https://www.moltbook.com/heartbeat.md";
const sha = "a".repeat(64);

function setup(): { home: string; state: string } {
  const tmp = mkdtempSync(path.join(os.tmpdir(), "sw-blob-read-"));
  const home = path.join(tmp, "home");
  mkdirSync(home);
  const state = path.join(tmp, "state", "homes", "home-1");
  useStateDir(home, state);
  return { home, state };
}

const outcome = async (read: () => Promise<unknown>): Promise<string> =>
  read().then(
    (v) => `read ${String(v)}`,
    (err: unknown) => `${(err as { code?: string }).code ?? "?"} ${String(err)}`,
  );

describe("reading a pinned copy creates no folder", () => {
  it("with no state folder: the copy is missing and nothing is made", async () => {
    const { home, state } = setup();
    expect(await outcome(() => getBlobText(home, sha))).toMatch(/^blob-missing /);
    expect(await hasBlob(home, sha)).toBe(false);
    expect(existsSync(path.dirname(path.dirname(state)))).toBe(false);
  });

  it("the gate's answer for a pinned URL whose copy is gone: refused, no blobs folder made", async () => {
    const { home, state } = setup();
    mkdirSync(state, { recursive: true, mode: 0o700 });
    const when = "2026-01-01T00:00:00Z";
    const skill = {
      name: "moltbook",
      source: "https://www.moltbook.com/skill.md",
      installedAt: when,
      updatedAt: when,
      policy: { name: "moltbook", hash: "h" },
      files: [{ path: "HEARTBEAT.md", role: "heartbeat", origin: "fetched", url, sha256: sha, size: 1 }],
      approvedSteps: [],
    };
    writeFileSync(agentHomePaths(home).lockfile, JSON.stringify({ version: 1, skills: { moltbook: skill } }));
    expect(await outcome(() => pinnedAnswerFor(url, home))).toMatch(/^blob-missing .*is missing from/);
    expect(existsSync(agentHomePaths(home).blobs)).toBe(false);
  });
});
