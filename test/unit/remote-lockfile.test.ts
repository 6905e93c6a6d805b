import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { SkillwallError } from "../../src/errors.js";
import { agentHomePaths } from "../../src/remote/paths.js";
import { ensureStateDir } from "../../src/remote/state-dir.js";
import {
  emptyLockfile,
  readLockfile,
  stepHash,
  writeLockfile,
  type Lockfile,
} from "../../src/remote/lockfile.js";

const sha = (c: string): string => c.repeat(64);

function sample(): Lockfile {
  const lock = emptyLockfile();
  lock.skills["moltbook"] = {
    name: "moltbook",
    source: "https://www.moltbook.com/skill.md",
    installedAt: "2025-01-01T00:00:00.000Z",
    updatedAt: "2025-01-01T00:00:00.000Z",
    policy: { name: "moltbook", hash: "p1" },
    files: [
      {
        path: "SKILL.md",
        role: "skill",
        origin: "fetched",
        url: "https://www.moltbook.com/skill.md",
        sha256: sha("a"),
        size: 10,
      },
      {
        path: "HEARTBEAT.md",
        role: "heartbeat",
        origin: "fetched",
        url: "https://www.moltbook.com/heartbeat.md",
        sha256: sha("b"),
        size: 20,
      },
    ],
    approvedSteps: [
      {
        hash: stepHash("fenced", "echo hi"),
        kind: "fenced",
        file: "HEARTBEAT.md",
        line: 3,
        phase: "heartbeat",
        verdict: "allow",
        approvedBy: "policy",
      },
    ],
  };
  return lock;
}

const tmpHome = (): string => mkdtempSync(path.join(os.tmpdir(), "sw-lock-"));

describe("lockfile", () => {
  it("round-trips through disk", async () => {
    const home = tmpHome();
    await writeLockfile(home, sample());
    expect(await readLockfile(home)).toEqual(sample());
  });

  it("reads a missing lockfile as empty", async () => {
    expect(await readLockfile(tmpHome())).toEqual(emptyLockfile());
  });

  it("refuses a corrupt lockfile with a fix instead of resetting it", async () => {
    const home = tmpHome();
    await ensureStateDir(home);
    writeFileSync(agentHomePaths(home).lockfile, '{"version":1,"skills":{"moltbook":{"name":"moltbook"');
    await expect(readLockfile(home)).rejects.toMatchObject({ code: "lockfile-corrupt" });
    const err = await readLockfile(home).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SkillwallError);
    expect((err as SkillwallError).fix).toMatch(/re-run skillwall install/);
    // and the file is left as it was
    expect(readFileSync(agentHomePaths(home).lockfile, "utf8")).toContain('"moltbook"');
  });

  it("refuses schema violations: bad hash, path escaping the workspace, __proto__ key", async () => {
    const home = tmpHome();
    const bad = sample() as unknown as {
      skills: { moltbook: { files: Array<{ sha256: string; path: string }> } };
    };
    bad.skills.moltbook.files[0]!.sha256 = "nothex";
    await ensureStateDir(home);
    writeFileSync(agentHomePaths(home).lockfile, JSON.stringify(bad));
    await expect(readLockfile(home)).rejects.toThrow(/sha256|Invalid/);
    const esc = sample() as unknown as { skills: { moltbook: { files: Array<{ path: string }> } } };
    esc.skills.moltbook.files[0]!.path = "../../etc/passwd";
    writeFileSync(agentHomePaths(home).lockfile, JSON.stringify(esc));
    await expect(readLockfile(home)).rejects.toMatchObject({ code: "lockfile-corrupt" });
    writeFileSync(agentHomePaths(home).lockfile, '{"version":1,"skills":{"__proto__":{}}}');
    await expect(readLockfile(home)).rejects.toMatchObject({ code: "lockfile-corrupt" });
  });

  it("hashes steps by kind and exact text (line endings normalised)", () => {
    expect(stepHash("fenced", "echo a\r\necho b")).toBe(stepHash("fenced", "echo a\necho b"));
    expect(stepHash("fenced", "echo a")).not.toBe(stepHash("inline", "echo a"));
    expect(stepHash("fenced", "echo a")).not.toBe(stepHash("fenced", "echo  a"));
  });
});
