// Report and suggested-policy files the operator names may sit in a folder the skill's author or
// an agent writes: a symlink planted at the name is replaced (its target is never written as
// root) and a FIFO there never blocks the write.

import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { runCli } from "../helpers/cli.js";

const skill = "---\nname: out-demo\ndescription: d\n---\n# Demo\n\n```bash\necho hi\n```\n";

let dir: string;
let victim: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "sw-out-planted-"));
  fs.mkdirSync(path.join(dir, "skill"));
  fs.writeFileSync(path.join(dir, "skill", "SKILL.md"), skill);
  victim = path.join(dir, "victim");
  fs.writeFileSync(victim, "ORIGINAL\n");
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

const cases: Array<[string, (out: string) => string[]]> = [
  ["scan --output", (out) => ["scan", path.join(dir, "skill"), "--output", out]],
  ["policy suggest -o", (out) => ["policy", "suggest", path.join(dir, "skill"), "-o", out]],
];

describe.each(cases)("%s into a folder someone else writes", (_name, args) => {
  it("replaces a planted symlink instead of writing through it", async () => {
    const out = path.join(dir, "skill", "out.txt");
    fs.symlinkSync(victim, out);
    const r = await runCli(args(out));
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(fs.readFileSync(victim, "utf8")).toBe("ORIGINAL\n");
    expect(fs.lstatSync(out).isFile()).toBe(true);
    expect(fs.readFileSync(out, "utf8")).toMatch(/out-demo|SKILL\.md/);
  });

  it("replaces a planted FIFO instead of blocking on it", async () => {
    const out = path.join(dir, "skill", "out.txt");
    execFileSync("mkfifo", [out]);
    const r = await runCli(args(out));
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(fs.lstatSync(out).isFile()).toBe(true);
  });

  it("refuses a folder on the way swapped for a symlink (F5): nothing written through it", async () => {
    const pub = path.join(dir, "pub");
    fs.mkdirSync(pub);
    // As root: sticky like /tmp, the link planted by uid 1000. Otherwise (no other uid to plant
    // as): a folder where anyone could have replaced the link.
    const asRoot = process.getuid?.() === 0;
    fs.chmodSync(pub, asRoot ? 0o1777 : 0o777);
    const target = path.join(dir, "target");
    fs.mkdirSync(target);
    fs.symlinkSync(target, path.join(pub, "etclink"));
    if (asRoot) fs.lchownSync(path.join(pub, "etclink"), 1000, 1000);
    const r = await runCli(args(path.join(pub, "etclink", "out.txt")));
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/etclink is a symbolic link .*\n\s+fix: name the real folder/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(fs.readdirSync(target)).toEqual([]);
  });

  it("says a folder name is not a file name, and names a missing folder with the fix", async () => {
    const dot = await runCli(args("."), { cwd: dir });
    expect(dot.code).toBe(2);
    expect(dot.stderr).toMatch(/\. names a folder, not a file\n\s+fix: name a file/);
    const missing = await runCli(args(path.join(dir, "nope", "out.txt")));
    expect(missing.stderr).toMatch(/nope does not exist\n\s+fix: create the folder first \(mkdir -p /);
    expect(missing.stderr).not.toMatch(/ENOENT/);
  });
});
