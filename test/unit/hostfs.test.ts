// src/hostfs against the trees a step or an agent plants: symlinks (to files, directories and
// /dev/zero), FIFOs, hard links, swapped directories, oversized files and trees. Runs as the
// user the tests run as; the ownership cases need root (the supervisor's case) and say so.

import { execFileSync } from "node:child_process";
import {
  chmodSync,
  chownSync,
  existsSync,
  linkSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { HostFsError, withHostDir } from "../../src/hostfs/host-dir.js";
import { walkTree } from "../../src/hostfs/walk.js";
import { hostfsLimits } from "../../src/limits.js";
import { putBlob } from "../../src/remote/blobs.js";
import { skillWorkspace } from "../../src/remote/paths.js";
import { restorePinnedFiles } from "../../src/remote/workspace-files.js";
import { snapshotFiles } from "../../src/run/workspace.js";

const tmp = (p: string): string => mkdtempSync(path.join(os.tmpdir(), p));
const asRoot = process.getuid?.() === 0;

describe("HostDir", () => {
  it("refuses a symlink, a FIFO and a symlink to /dev/zero instead of reading them", async () => {
    const root = tmp("sw-hfs-");
    symlinkSync("/etc/passwd", path.join(root, "passwd"));
    symlinkSync("/dev/zero", path.join(root, "zero"));
    execFileSync("mkfifo", [path.join(root, "fifo")]);
    await withHostDir(root, {}, async (dir) => {
      for (const name of ["passwd", "zero", "fifo"]) {
        const started = performance.now();
        await expect(dir.readFile(name, 1024)).rejects.toBeInstanceOf(HostFsError);
        await expect(dir.hashFile(name, 1024)).rejects.toThrow(/not a regular file/);
        expect(performance.now() - started).toBeLessThan(5_000); // a FIFO must not block
      }
    });
  });

  it("caps sizes on fstat", async () => {
    const root = tmp("sw-hfs-");
    writeFileSync(path.join(root, "big"), Buffer.alloc(4096));
    await withHostDir(root, {}, async (dir) => {
      await expect(dir.readFile("big", 4095)).rejects.toThrow(/larger than 4095 bytes/);
      expect((await dir.readFile("big", 4096))?.length).toBe(4096);
    });
  });

  it("replaces a symlink at the written name instead of writing through it", async () => {
    const root = tmp("sw-hfs-");
    const outside = tmp("sw-hfs-out-");
    writeFileSync(path.join(outside, "target"), "keep");
    symlinkSync(path.join(outside, "target"), path.join(root, "f"));
    await withHostDir(root, {}, (dir) => dir.writeFile("f", "new"));
    expect(readFileSync(path.join(outside, "target"), "utf8")).toBe("keep");
    expect(lstatSync(path.join(root, "f")).isFile()).toBe(true);
    expect(readFileSync(path.join(root, "f"), "utf8")).toBe("new");
  });

  it("never walks through a symlinked directory; replaceNonDir swaps it for a real one", async () => {
    const root = tmp("sw-hfs-");
    const outside = tmp("sw-hfs-out-");
    symlinkSync(outside, path.join(root, "sub"));
    await withHostDir(root, {}, async (dir) => {
      await expect(dir.dirPath("sub")).rejects.toThrow(/not a plain directory/);
      const sub = await dir.dirPath("sub", { create: true, replaceNonDir: true });
      await sub.writeFile("x", "inside");
      await sub.close();
    });
    expect(readdirSync(outside)).toEqual([]);
    expect(readFileSync(path.join(root, "sub", "x"), "utf8")).toBe("inside");
  });

  it("refuses names that are not one component", async () => {
    const root = tmp("sw-hfs-");
    await withHostDir(root, {}, async (dir) => {
      for (const bad of ["", ".", "..", "a/b", "../x"])
        await expect(dir.writeFile(bad, "x")).rejects.toThrow(HostFsError);
    });
  });

  it("chowns by descriptor: a symlink is left alone, a hard link refused", async () => {
    if (!asRoot) throw new Error("this test needs root (the supervisor's case): run the suite as root");
    const root = tmp("sw-hfs-");
    const outside = tmp("sw-hfs-out-");
    const secret = path.join(outside, "secret");
    writeFileSync(secret, "s", { mode: 0o600 });
    symlinkSync(secret, path.join(root, "link"));
    linkSync(secret, path.join(root, "hard"));
    await withHostDir(root, {}, async (dir) => {
      expect(await dir.chownEntry("link", 1000, 1000)).toEqual({ kind: "symlink" });
      await expect(dir.chownEntry("hard", 1000, 1000)).rejects.toThrow(/hard-linked/);
    });
    expect(statSync(secret).uid).toBe(0);
  });

  it("walks bounded: past the entry limit it throws, it does not stop quietly", async () => {
    const root = tmp("sw-hfs-");
    for (let i = 0; i < 30; i++) writeFileSync(path.join(root, `f${i}`), "");
    await withHostDir(root, {}, async (dir) => {
      await expect(walkTree(dir, () => undefined, { maxEntries: 29 })).rejects.toThrow(/too large to check/);
      expect(await walkTree(dir, () => undefined, { maxEntries: 30 })).toBe(30);
    });
  });
});

describe("post-run rescan", () => {
  it("fails closed when a .md is hidden behind more files than it can check", async () => {
    const home = tmp("sw-hfs-home-");
    const ws = path.join(home, "w");
    mkdirSync(path.join(ws, "aaa"), { recursive: true });
    for (let i = 0; i < hostfsLimits.maxTreeEntries; i++) writeFileSync(path.join(ws, "aaa", `${i}`), "");
    writeFileSync(path.join(ws, "zzz.md"), "# hidden");
    await expect(snapshotFiles({ agentHome: home, relDir: "w" })).rejects.toThrow(/too large to check/);
  });
});

describe("restorePinnedFiles", () => {
  it("does not write through a pinned file's directory swapped for a symlink (escape 1)", async () => {
    const home = tmp("sw-hfs-home-");
    const outside = tmp("sw-hfs-out-");
    chmodSync(outside, 0o700);
    const sha = await putBlob(home, Buffer.from("pinned\n"));
    const ws = skillWorkspace(home, "demo");
    mkdirSync(ws, { recursive: true });
    symlinkSync(outside, path.join(ws, "sub"));
    const differed = await restorePinnedFiles(home, "demo", [{ path: "sub/proof.txt", sha256: sha }]);
    expect(differed).toEqual([]);
    expect(readdirSync(outside)).toEqual([]);
    expect(lstatSync(path.join(ws, "sub")).isDirectory()).toBe(true);
    expect(readFileSync(path.join(ws, "sub", "proof.txt"), "utf8")).toBe("pinned\n");
  });

  it("restores a pinned file replaced by a FIFO or a symlink to /dev/zero without reading it", async () => {
    const home = tmp("sw-hfs-home-");
    const sha = await putBlob(home, Buffer.from("pinned\n"));
    const ws = skillWorkspace(home, "demo");
    mkdirSync(ws, { recursive: true });
    execFileSync("mkfifo", [path.join(ws, "a.md")]);
    symlinkSync("/dev/zero", path.join(ws, "b.md"));
    const differed = await restorePinnedFiles(home, "demo", [
      { path: "a.md", sha256: sha },
      { path: "b.md", sha256: sha },
    ]);
    expect(differed).toEqual(["a.md", "b.md"]);
    for (const n of ["a.md", "b.md"]) expect(readFileSync(path.join(ws, n), "utf8")).toBe("pinned\n");
  });

  it("owner of a file outside is kept when the chown target is swapped (descriptor chown)", async () => {
    if (!asRoot) throw new Error("this test needs root (the supervisor's case): run the suite as root");
    const root = tmp("sw-hfs-");
    const outside = tmp("sw-hfs-out-");
    writeFileSync(path.join(outside, "f"), "x", { mode: 0o600 });
    chownSync(path.join(outside, "f"), 0, 0);
    symlinkSync(outside, path.join(root, "d"));
    await withHostDir(root, {}, async (dir) => {
      expect(await dir.chownEntry("d", 1000, 1000)).toEqual({ kind: "symlink" });
    });
    expect(statSync(path.join(outside, "f")).uid).toBe(0);
    expect(existsSync(path.join(root, "d"))).toBe(true);
  });
});
