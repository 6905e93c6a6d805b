// Every host-side access to a tree a step or a wrapped agent can write (the skill workspace, the
// agent home) goes through src/hostfs. This scan fails when any other module imports node:fs
// (or fs, fs/promises) without being on the list below with the reason it never touches such a
// tree. Adding a module here is a security decision: say why in its reason.

import { readFileSync, readdirSync, statSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { repoRoot } from "../helpers/cli.js";

const allowed: Record<string, string> = {
  "src/hostfs/host-dir.ts": "the module itself: descriptor-relative access",
  "src/hostfs/walk.ts": "the module itself (imports the Stats type only)",
  "src/hostfs/physical-path.ts": "the module itself: lstat and readlink only, nothing opened",
  "src/hostfs/link-census.ts": "the module itself: lstat and readdir only, nothing opened",
  "src/hostfs/ancestry.ts": "the module itself: stat of a directory's parent chain, nothing opened",
  "src/hostfs/archive-file.ts": "the module itself: opens an archive O_NOFOLLOW, checked by its handle",
  "src/hostfs/capped-read.ts":
    "the module itself (imports the FileHandle type only): reads an opened handle with a cap",
  "src/remote/atomic-file.ts":
    "writes the lockfile and heartbeat state in the home's state directory (outside the home)",
  "src/remote/state-dir.ts":
    "creates and checks the state directory; reads the old in-home state through hostfs",
  "src/heartbeat/state.ts": "stale temp files in the state directory",
  "src/heartbeat/lock.ts": "lock files in the state directory; /proc/<pid>/stat",
  "src/remote/install.ts":
    "stat/readdir of the local install source the operator named (its files are read through hostfs)",
  "src/audit/log.ts":
    "audit logs under the XDG data directory, outside every agent home; the log is opened relative to its directory's descriptor, which is held for the guards (audit-dir-moved test)",
  "src/audit/open-files.ts":
    "readlink of its own audit log directory descriptors (/proc/self/fd), for messages only",
  "src/input/index.ts":
    "stat and realpath of the paths the operator names, only to guess whether to start scan workers; the paths themselves are opened through hostfs (input-named-path-swap test), and so is everything below them",
  "src/policy/load.ts":
    "existsSync of the shipped policy files; a policy file is opened and read through hostfs (openOperatorFile, policy-file-planted test)",
  "src/policy/shipped-cache.ts":
    "the shipped policy files and the build-time cache beside the built loader (package files, not skill input)",
  "src/policy/schema.ts": "the shipped policy schema",
  "src/run/egress-step.ts":
    "the proxy CA directory it creates itself with private-temp.ts (a temp directory nobody else can rename entries in)",
  "src/run/private-temp.ts":
    "lstat of the temp directory's path and mkdtemp of the supervisor's own 0700 folders there, refused when anyone but root or this user could rename entries on that path (private-tempdir test)",
  "src/run/image.ts":
    "the shipped image build context; the debootstrap log in a new 0700 temp folder, created O_EXCL|O_NOFOLLOW (image-build-log test)",
  "src/run/seccomp.ts": "the shipped seccomp profile",
  "src/scan/pool.ts": "checks that the worker script exists",
  "src/package-file-reader.ts":
    "reads skillwall's own package files for the CLI loader and the shell parser: the bundle and its code cache in dist/bundle/, the WebAssembly of web-tree-sitter and tree-sitter-bash in node_modules",
  "src/cli/doctor.ts": "finds the skillwall package folder (its own package.json)",
  "src/doctor/openclaw-config.ts":
    "reads the OpenClaw config the operator names and its plugin manifests (regular files only, size-capped while reading)",
  "src/gate/snapshot.ts":
    "writes the private snapshot in a new 0700 temp folder it creates; the install source itself is read through hostfs (gate-snapshot-swap test)",
  "src/serve/pool.ts":
    "the pool's own FIFOs and job files in a 0700 directory it creates with private-temp.ts (private-tempdir test)",
  "src/serve/server.ts": "chmod of the socket in its checked folder, through that folder's descriptor",
  "src/run/owner.ts": "reads /proc/<pid>/stat and the boot id (kernel files, never a workspace)",
  "src/run/workspace-volume.ts":
    "the quota image and its mount points in 0700 temp directories it creates itself; the skill's files are copied in and out by containers running as the container user, never by the supervisor; a directory handed to Docker is opened through hostfs and bind-mounted by its descriptor (not root: handed over by path only when nobody but root and this user can rename a folder on it)",
};

const fsImport = /(?:from\s+|import\s*\(\s*|require\s*\(\s*)["'](?:node:)?fs(?:\/promises)?["']/;

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const full = path.join(dir, n);
    if (statSync(full).isDirectory()) return sources(full);
    return n.endsWith(".ts") ? [full] : [];
  });
}

describe("host-side file access", () => {
  const files = sources(path.join(repoRoot, "src")).map((f) =>
    path.relative(repoRoot, f).split(path.sep).join("/"),
  );
  const importers = files.filter((f) => fsImport.test(readFileSync(path.join(repoRoot, f), "utf8")));

  it("only allowlisted modules import node:fs; everything else goes through src/hostfs", () => {
    expect(importers.filter((f) => !Object.hasOwn(allowed, f))).toEqual([]);
  });

  it("the allowlist holds no module that no longer needs it", () => {
    expect(Object.keys(allowed).filter((f) => !importers.includes(f))).toEqual([]);
  });

  it("the modules that handle workspaces and agent homes are not on it", () => {
    for (const f of [
      "src/run/workspace.ts",
      "src/run/wrap.ts",
      "src/run/runner.ts",
      "src/remote/workspace-files.ts",
      "src/remote/blobs.ts",
    ]) {
      expect(files).toContain(f);
      expect(importers).not.toContain(f);
    }
  });
});
