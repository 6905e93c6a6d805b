// The root-only mount points that Docker is given (holdBindSource, the quota volume) live in the
// temp directory. `sudo -E` keeps a user's TMPDIR (/run/user/1000 belongs to that user), who
// could then rename skillwall's folder there and put a symlink where the mount point was: the
// temp directory must be one nobody else can rename entries in, or nothing is mounted.

import { chownSync, mkdirSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { holdBindSource } from "../../src/run/workspace-volume.js";

const saved = process.env["TMPDIR"];
afterEach(() => {
  if (saved === undefined) delete process.env["TMPDIR"];
  else process.env["TMPDIR"] = saved;
});

describe("mount points are made only in a temp directory nobody else controls", () => {
  it("a TMPDIR owned by the container user is refused before anything is mounted", async () => {
    if (process.getuid?.() !== 0) throw new Error("this test reproduces a root supervisor: run it as root");
    const base = mkdtempSync(path.join(tmpdir(), "sw-heldtmp-"));
    const home = path.join(base, "home");
    mkdirSync(home);
    const userTmp = path.join(base, "user-tmp");
    mkdirSync(userTmp, { mode: 0o700 });
    chownSync(userTmp, 1000, 1000);
    process.env["TMPDIR"] = userTmp;
    const got = holdBindSource(home);
    try {
      await expect(got).rejects.toMatchObject({ code: "private-tempdir" });
    } finally {
      await got.then((b) => b.release()).catch(() => undefined);
    }
  });

  it("the sticky, world-writable /tmp is fine", async () => {
    if (process.getuid?.() !== 0) throw new Error("this test reproduces a root supervisor: run it as root");
    const home = mkdtempSync(path.join(tmpdir(), "sw-heldtmp-ok-"));
    process.env["TMPDIR"] = "/tmp";
    const bind = await holdBindSource(home);
    try {
      expect(bind.source.startsWith("/tmp/skillwall-wsfs-")).toBe(true);
    } finally {
      await bind.release();
    }
  });
});
