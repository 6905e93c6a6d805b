// The state directory (lockfile, approvals, heartbeat state) is created before it is checked. It
// was made with mkdir -p by path, as root: a symlink planted on the way by the container user
// (in a folder it owns) made root create a folder wherever the link led (an empty folder at
// /root/.ssh/authorized_keys ends key logins) before the check refused the state directory.

import { chownSync, existsSync, mkdirSync, mkdtempSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { useStateDir } from "../../src/remote/paths.js";
import { ensureStateDir } from "../../src/remote/state-dir.js";

describe("ensureStateDir creates nothing through a planted symlink", () => {
  it("refuses, and the link's target stays absent", async () => {
    if (process.getuid?.() !== 0) throw new Error("this test reproduces a root supervisor: run it as root");
    const base = mkdtempSync(path.join(tmpdir(), "sw-statelink-"));
    // Stands for /root/.ssh: a root-owned folder the container user cannot write.
    const victimParent = mkdtempSync(path.join(tmpdir(), "sw-statelink-victim-"));
    const victim = path.join(victimParent, "authorized_keys");
    const writable = path.join(base, "agent-owned");
    mkdirSync(writable);
    chownSync(writable, 1000, 1000);
    symlinkSync(victimParent, path.join(writable, "state"));
    const home = path.join(base, "home");
    mkdirSync(home);
    useStateDir(home, path.join(writable, "state", "authorized_keys"));
    await expect(ensureStateDir(home)).rejects.toMatchObject({ code: "state-dir-unsafe" });
    expect(existsSync(victim)).toBe(false);
  });
});
