// A skill folder read by `scan`, `run` or `policy suggest` may be written while it is read (an
// agent's home, a workspace a step wrote). The swap is made deterministic here: right after the
// listing that readBundled walks, a subdirectory and two files are replaced by symlinks to a
// root-only folder outside the skill and by a FIFO. The reader must refuse them: never read the
// outside files into the scan, never block on the FIFO.

import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { SkillInput } from "../../src/input/index.js";

const hook = vi.hoisted(() => ({ listings: 0, swapAfter: 0, swap: (): void => undefined }));

// Counts the listings that show the skill's main file; the swap runs after the Nth, before the
// reader looks at the entries it returned.
function hooked<F extends (...a: never[]) => Promise<unknown>>(orig: F): F {
  return (async (...args: Parameters<F>) => {
    const out = await orig(...args);
    const names = (out as Array<string | { name: string }>).map((e) => (typeof e === "string" ? e : e.name));
    if (names.includes("SKILL.md") && ++hook.listings === hook.swapAfter) hook.swap();
    return out;
  }) as F;
}

vi.mock("node:fs", async (importOriginal) => {
  const orig = await importOriginal<typeof import("node:fs")>();
  const promises = { ...orig.promises, readdir: hooked(orig.promises.readdir) };
  return { ...orig, promises, default: { ...orig, promises } };
});
vi.mock("node:fs/promises", async (importOriginal) => {
  const orig = await importOriginal<typeof import("node:fs/promises")>();
  const readdir = hooked(orig.readdir);
  return { ...orig, readdir, default: { ...orig, readdir } };
});

const { readSkillInputs } = await import("../../src/input/index.js");

let dir: string;
let skill: string;
let secret: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "sw-input-swap-"));
  secret = path.join(dir, "secret");
  fs.mkdirSync(secret, { mode: 0o700 });
  fs.writeFileSync(path.join(secret, "keys.md"), "# keys\n\n```bash\ncat CANARY-DIR-7731\n```\n");
  fs.writeFileSync(path.join(secret, "id_rsa"), "CANARY-FILE-7731\n");
  skill = path.join(dir, "skill");
  fs.mkdirSync(path.join(skill, "d"), { recursive: true });
  fs.writeFileSync(path.join(skill, "SKILL.md"), "---\nname: s\ndescription: d\n---\n# S\n");
  fs.writeFileSync(path.join(skill, "d", "a.md"), "# a\n");
  fs.writeFileSync(path.join(skill, "notes.md"), "# notes\n");
  fs.writeFileSync(path.join(skill, "pipe.md"), "# pipe\n");
  hook.listings = 0;
  // 1: the main-file lookup, 2: readBundled's listing of the folder.
  hook.swapAfter = 2;
});
afterEach(() => {
  hook.swapAfter = 0;
  fs.rmSync(dir, { recursive: true, force: true });
});

describe("a skill folder swapped while it is read", () => {
  it("a directory or file turned into a symlink out of the folder is not followed", async () => {
    hook.swap = () => {
      fs.renameSync(path.join(skill, "d"), path.join(dir, "d-moved"));
      fs.symlinkSync(secret, path.join(skill, "d"));
      fs.rmSync(path.join(skill, "notes.md"));
      fs.symlinkSync(path.join(secret, "id_rsa"), path.join(skill, "notes.md"));
    };
    const [r] = await readSkillInputs([skill], { cwd: dir });
    expect(hook.listings).toBeGreaterThanOrEqual(2);
    expect(r?.ok).toBe(true);
    if (!r?.ok) return;
    expect(JSON.stringify(r.input)).not.toContain("CANARY");
    expect(r.input.bundled.map((b) => b.path)).not.toContain("d/keys.md");
    // Listed as not analysed (the skill is never allowed), never followed.
    expect(notRead(r.input)).toMatch(/d\/: folder not readable/);
    expect(notRead(r.input)).toMatch(/notes\.md: not readable/);
  });

  it("a file turned into a FIFO is refused, not waited on", async () => {
    hook.swap = () => {
      fs.rmSync(path.join(skill, "pipe.md"));
      execFileSync("mkfifo", [path.join(skill, "pipe.md")]);
    };
    const [r] = await readSkillInputs([skill], { cwd: dir });
    expect(r?.ok).toBe(true);
    if (!r?.ok) return;
    expect(notRead(r.input)).toMatch(/pipe\.md: not readable/);
  });
});

const notRead = (input: SkillInput) => (input.notRead ?? []).map((n) => `${n.path}: ${n.why}`).join("\n");
