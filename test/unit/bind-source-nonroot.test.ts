// Without root, `wrap` and `serve` cannot bind-mount the checked folder by its descriptor (and
// runc refuses a held /proc/<pid>/fd/<n> as a bind source: a mount of another mount namespace),
// so Docker gets the folder's path and resolves it, as root, when each container starts. Whoever
// may rename a folder on that path in between (here uid 1001, owning the folder above the
// workspace) swaps the workspace for a symlink or another folder, and the containers mount that
// instead. The folder is now refused up front unless only root and this user can rename any
// folder on its path (this user's own swap gains nothing: the containers run with no more rights).
// Real folders with real owners; the supervisor's uid is reported as 1000 (the code path a
// non-root operator takes), the rename itself is made as uid 1001 (setpriv). Root only.

import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it, vi } from "vitest";
import { runSteps } from "../../src/run/runner.js";
import { holdBindSource } from "../../src/run/workspace-volume.js";
import { FakeClient } from "../fixtures/run/fake-client.js";
import { bashStep } from "../fixtures/run/judged.js";
import { skipUnless } from "../helpers/requirement.js";

const asRoot = process.getuid?.() === 0;
const cleanups: string[] = [];
afterEach(() => {
  vi.restoreAllMocks();
  for (const d of cleanups.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

/** The process now reports uid 1000: holdBindSource takes its non-root path. */
function asOperator1000(): void {
  vi.spyOn(process, "getuid").mockReturnValue(1000);
  vi.spyOn(process, "geteuid").mockReturnValue(1000);
}

/** A workspace (owned by 1000) in a folder `parent` owned by `owner` with `mode`. */
function layout(owner: number, mode: number, group = owner): { base: string; ws: string } {
  const base = fs.mkdtempSync(path.join(os.tmpdir(), "sw-bindsrc-"));
  cleanups.push(base);
  fs.chownSync(base, owner, group);
  fs.chmodSync(base, mode);
  const ws = path.join(base, "ws");
  fs.mkdirSync(ws);
  fs.chownSync(ws, 1000, 1000);
  return { base, ws };
}

describe.skipIf(skipUnless(asRoot, "root (the suite chowns folders to other users)"))(
  "non-root bind source: refused when another user can rename a folder on its path",
  () => {
    it("a folder above owned by another user: refused before Docker gets the path", async () => {
      const { ws } = layout(1001, 0o755);
      const secret = fs.mkdtempSync(path.join(os.tmpdir(), "sw-bindsrc-secret-"));
      cleanups.push(secret);
      asOperator1000();
      await expect(holdBindSource(ws)).rejects.toThrow(/owned by uid 1001.*could swap it/);
      // What uid 1001 could do to the path Docker would have been given.
      execFileSync("setpriv", ["--reuid=1001", "--regid=1001", "--clear-groups", "mv", ws, `${ws}.moved`]);
      execFileSync("setpriv", ["--reuid=1001", "--regid=1001", "--clear-groups", "ln", "-s", secret, ws]);
      expect(fs.realpathSync(ws)).toBe(secret);
    });

    it("a group-writable folder above: refused", async () => {
      const { ws } = layout(1000, 0o775, 1001);
      asOperator1000();
      await expect(holdBindSource(ws)).rejects.toThrow(/writable by group 1001/);
    });

    it("a folder in a sticky world-writable folder owned by someone else: refused", async () => {
      const ws = fs.mkdtempSync(path.join(os.tmpdir(), "sw-bindsrc-other-"));
      cleanups.push(ws);
      fs.chownSync(ws, 1001, 1001);
      asOperator1000();
      await expect(holdBindSource(ws)).rejects.toThrow(/writable by every user/);
    });

    it("folders only root and this user can rename (the sticky /tmp included): handed over", async () => {
      const { ws } = layout(1000, 0o755);
      asOperator1000();
      const bind = await holdBindSource(ws);
      expect(bind.source).toBe(fs.realpathSync(ws));
      await bind.release();
    });
  },
);

describe.skipIf(skipUnless(asRoot, "root (the suite chowns folders to other users)"))(
  "non-root run: the step workspace gets the same rule",
  () => {
    it("a workspace in a home under another user's folder: refused before any container is created", async () => {
      const { ws: home } = layout(1001, 0o755);
      const created: unknown[] = [];
      const client = new FakeClient((spec) => (created.push(spec), {}));
      asOperator1000();
      await expect(
        runSteps([bashStep("echo hi")], {
          client,
          image: "sha256:img",
          policy: { sandbox: { timeoutMs: 200, outputBytes: 1024 }, env: {}, blockedPaths: [] },
          reap: false,
          workspace: { agentHome: home, relDir: ".moltbot/skills/demo" },
        }),
      ).rejects.toThrow(/owned by uid 1001.*could swap it/);
      expect(created).toEqual([]);
    });
  },
);
