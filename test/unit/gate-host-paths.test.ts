// Symlinked path operands in judge mode: a name inside the workspace that leads outside it
// through a symlink is judged by where it leads, at every call (never from the judge cache).

import { linkSync, mkdirSync, symlinkSync, unlinkSync, writeFileSync } from "node:fs";

import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { freshGateHome } from "../helpers/gate-home.js";
import { createJudge, type Judge } from "../../src/index.js";
import { physicalPath } from "../../src/hostfs/physical-path.js";
import { limits } from "../../src/limits.js";

let judge: Judge;
let home: string;
let ws: string;
let at: { cwd: string; env: { HOME: string } };

beforeAll(async () => {
  judge = await createJudge({ policy: "agent", publish: false });
  ({ home, ws } = freshGateHome("sw-hostpaths-", "agent"));
  mkdirSync(path.join(ws, "notes/deep"), { recursive: true });
  mkdirSync(path.join(home, ".ssh"), { recursive: true });
  writeFileSync(path.join(home, ".ssh/id_rsa"), "CANARY-KEY\n");
  writeFileSync(path.join(home, "diary.txt"), "private\n");
  writeFileSync(path.join(home, ".ssh/notes.txt"), "private\n");
  writeFileSync(path.join(ws, "notes/real.md"), "hello\n");
  symlinkSync(path.join(home, ".ssh/id_rsa"), path.join(ws, "notes/key"));
  symlinkSync(path.join(home, ".ssh"), path.join(ws, "notes/sshdir"));
  symlinkSync("../../../diary.txt", path.join(ws, "notes/diary"));
  symlinkSync(home, path.join(ws, "notes/home"));
  symlinkSync("real.md", path.join(ws, "notes/alias.md"));
  symlinkSync(path.join(home, ".bashrc-new"), path.join(ws, "notes/dangling"));
  symlinkSync(path.join(ws, "notes/loop2"), path.join(ws, "notes/loop1"));
  symlinkSync(path.join(ws, "notes/loop1"), path.join(ws, "notes/loop2"));
  at = { cwd: ws, env: { HOME: home } };
});

describe("physicalPath", () => {
  it("follows every component, applies .. after a link, keeps the missing tail as written", () => {
    expect(physicalPath(path.join(ws, "notes/key"))).toBe(path.join(home, ".ssh/id_rsa"));
    expect(physicalPath(path.join(ws, "notes/sshdir/id_rsa"))).toBe(path.join(home, ".ssh/id_rsa"));
    expect(physicalPath(`${ws}/notes/sshdir/../diary.txt`)).toBe(path.join(home, "diary.txt"));
    expect(physicalPath(path.join(ws, "notes/dangling"))).toBe(path.join(home, ".bashrc-new"));
    expect(physicalPath(path.join(ws, "notes/new/file"))).toBe(path.join(ws, "notes/new/file"));
    expect(() => physicalPath(path.join(ws, "notes/loop1"))).toThrow(/too many symbolic links/);
  });
});

describe("judge: symlinked path operands", () => {
  it("allows workspace files and links that stay in the workspace", () => {
    expect(judge.judge("cat notes/real.md", at).verdict).toBe("allow");
    expect(judge.judge("cat notes/alias.md", at).verdict).toBe("allow");
  });

  it("denies a read through a symlink to a secret, naming where it leads", () => {
    for (const t of [
      "cat notes/key",
      "head -n 5 notes/sshdir/notes.txt",
      "cat notes/diary",
      "cat notes/home/diary.txt",
      "sed -n 1,5p notes/sshdir/../diary.txt",
      "cat < notes/key",
      "grep -r x notes/sshdir",
      "cd notes/home && cat diary.txt",
      "cd notes && cat home/diary.txt",
      "git -Cnotes/home status",
      "git -C notes/home status",
    ]) {
      const j = judge.judge(t, at);
      expect(j.verdict, t).toBe("deny");
      expect(j.rule, t).toBe("symlink");
      expect(j.canonical, t).toBeUndefined();
    }
    expect(judge.judge("cat notes/key", at).reason).toContain(path.join(home, ".ssh/id_rsa"));
  });

  it("denies a write through a dangling symlink to a file outside the workspace", () => {
    const j = judge.judge("echo x > notes/dangling", at);
    expect(j.verdict).toBe("deny");
    expect(j.reason).toContain(".bashrc-new");
  });

  it("looks again at every call: a link planted after an allowed judgement is seen", () => {
    const target = path.join(ws, "notes/later.md");
    writeFileSync(target, "harmless\n");
    expect(judge.judge("cat notes/later.md", at).verdict).toBe("allow");
    unlinkSync(target);
    symlinkSync(path.join(home, ".ssh/id_rsa"), target);
    expect(judge.judge("cat notes/later.md", at).verdict).toBe("deny");
  });

  it("denies a symlink loop (the judge fails closed)", () => {
    const j = judge.judge("cat notes/loop1", at);
    expect(j.verdict).toBe("deny");
    expect(j.reason).toMatch(/too many symbolic links/);
  });
});

describe("judge: links the operand's name does not show", () => {
  beforeAll(() => {
    writeFileSync(path.join(home, ".bashrc"), "# rc\n");
    for (const d of ["ta", "tb", "tc", "td", "te", "tf"]) mkdirSync(path.join(ws, d));
    // diff follows a symlink it finds inside a directory operand.
    symlinkSync(path.join(home, ".ssh/id_rsa"), path.join(ws, "ta/k"));
    writeFileSync(path.join(ws, "tb/k"), "x\n");
    writeFileSync(path.join(ws, "tc/k"), "x\n");
    writeFileSync(path.join(ws, "te/k"), "y\n");
    // cp into a directory writes DIR/<name>, here a symlink to ~/.bashrc.
    symlinkSync(path.join(home, ".bashrc"), path.join(ws, "td/k"));
    mkdirSync(path.join(ws, "tg/te"), { recursive: true });
    symlinkSync(path.join(home, ".bashrc"), path.join(ws, "tg/te/k"));
    // Hard links: the same file as the canary and ~/.bashrc under workspace names.
    linkSync(path.join(home, ".ssh/id_rsa"), path.join(ws, "hl.txt"));
    linkSync(path.join(home, ".bashrc"), path.join(ws, "hl2.txt"));
    linkSync(path.join(home, ".bashrc"), path.join(ws, "tf/k"));
    mkdirSync(path.join(ws, "th"));
    linkSync(path.join(home, "diary.txt"), path.join(ws, "th/d.txt"));
  });

  it("denies diff of a directory holding a symlink, allows one without", () => {
    for (const t of ["diff ta tb", "diff -r ta tb", "diff -u tb ta"]) {
      const j = judge.judge(t, at);
      expect(j.verdict, t).toBe("deny");
      expect(j.rule, t).toBe("symlink");
      expect(j.reason, t).toContain("ta/k");
    }
    expect(judge.judge("diff -r tb tc", at).verdict).toBe("allow");
  });

  it("refuses a diff directory too large to look through (fails closed)", () => {
    mkdirSync(path.join(ws, "big"));
    for (let i = 0; i <= limits.maxJudgeTreeEntries; i++) writeFileSync(path.join(ws, `big/f${i}`), "");
    const j = judge.judge("diff -r big tb", at);
    expect(j.verdict).toBe("deny");
    expect(j.reason).toMatch(/more than 2000 entries/);
  });

  it("denies cp into a directory whose entry of that name is a symlink or a hard link", () => {
    for (const t of ["cp te/k td/", "cp te/k td", "cp -r te/. td", "cp -r te tg", "cp te/k tf/"]) {
      const j = judge.judge(t, at);
      expect(j.verdict, t).toBe("deny");
      expect(["symlink", "hardlink"], t).toContain(j.rule);
    }
    const j = judge.judge("cp -r th tnew", at);
    expect(j.verdict).toBe("deny");
    expect(j.rule).toBe("hardlink");
    expect(judge.judge("cp -r ta tnew", at).verdict).toBe("allow");
    expect(judge.judge("cp te/k tb/", at).verdict).toBe("allow");
    expect(judge.judge("cp -r te/. tc", at).verdict).toBe("allow");
  });

  it("denies reading or writing a hard-linked file", () => {
    for (const t of ["cat hl.txt", "echo x >> hl2.txt", "head -n 1 hl.txt", "cp notes/real.md hl2.txt"]) {
      const j = judge.judge(t, at);
      expect(j.verdict, t).toBe("deny");
      expect(j.rule, t).toBe("hardlink");
      expect(j.reason, t).toContain("hard link");
    }
    expect(judge.judge("cat notes/real.md", at).verdict).toBe("allow");
    // A word that is not read as a path is judged as before.
    expect(judge.judge("echo hl.txt", at).verdict).toBe("allow");
  });
});
