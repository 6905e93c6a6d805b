// As root, a workspace or wrapped agent home is chowned to the container user before it is
// mounted. A tree the check refuses (a blocked path such as ~/.ssh in it) must be left as it was:
// the chown used to run during the check, so a refused home was already owned by uid 1000.

import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { prepareAgentHome, prepareWorkspace } from "../../src/run/workspace.js";

const asRoot = process.getuid?.() === 0;
// As root the container user is 1000; otherwise nothing can be chowned and only the refusal shows.
const owner = asRoot ? { uid: 1000, gid: 1000 } : undefined;
const blockedPaths = ["/**/.ssh/**"];

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "sw-refused-chown-"));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

function plant(root: string): string[] {
  fs.mkdirSync(path.join(root, "aaa"), { recursive: true });
  fs.writeFileSync(path.join(root, "aaa", "notes.txt"), "x\n");
  fs.mkdirSync(path.join(root, ".ssh"));
  fs.writeFileSync(path.join(root, ".ssh", "id_rsa"), "KEY\n");
  return [root, path.join(root, "aaa"), path.join(root, "aaa", "notes.txt")];
}

describe("a refused tree is not chowned", () => {
  it("wrap's agent home", async () => {
    const home = path.join(dir, "home");
    const paths = plant(home);
    const before = paths.map((p) => fs.statSync(p).uid);
    await expect(
      prepareAgentHome({ agentHome: home, blockedPaths, ...(owner ? { owner } : {}) }),
    ).rejects.toThrow(/blocked path/);
    expect(paths.map((p) => fs.statSync(p).uid)).toEqual(before);
  });

  it("a skill workspace and the folders created on the way to it", async () => {
    const home = path.join(dir, "home");
    const ws = path.join(home, "skills", "s");
    const paths = [path.join(home, "skills"), ...plant(ws)];
    const before = paths.map((p) => fs.statSync(p).uid);
    await expect(
      prepareWorkspace({ agentHome: home, relDir: "skills/s", blockedPaths, ...(owner ? { owner } : {}) }),
    ).rejects.toThrow(/blocked path/);
    expect(paths.map((p) => fs.statSync(p).uid)).toEqual(before);
  });
});
