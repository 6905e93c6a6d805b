// readSkillInputs: files, skill folders, directories of skills, stdin, per-file errors.

import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { Readable } from "node:stream";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { readSkillInputs } from "../../src/input/index.js";
import { limits } from "../../src/limits.js";

function tree(files: Record<string, string | Buffer>): string {
  const root = mkdtempSync(path.join(tmpdir(), "sw-input-"));
  for (const [rel, content] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
    writeFileSync(path.join(root, rel), content);
  }
  return root;
}

describe("readSkillInputs", () => {
  it("reads a skill folder with its bundled files; .git, node_modules and symlinks are listed not read", async () => {
    const root = tree({
      "s/Skill.md": "# S\n",
      "s/scripts/setup.sh": "echo hi\n",
      "s/run": "#!/usr/bin/env bash\nid\n",
      "s/blob.bin": Buffer.from([1, 0, 2]),
      "s/.git/config": "x",
      "s/node_modules/a/index.js": "x",
    });
    symlinkSync("/etc/passwd", path.join(root, "s/link"));
    const [r] = await readSkillInputs(["s"], { cwd: root });
    expect(r?.ok).toBe(true);
    if (!r?.ok) return;
    expect(r.input.file).toBe("Skill.md");
    expect(r.input.bundled.map((b) => [b.path, b.type])).toEqual([
      ["blob.bin", "binary"],
      ["run", "shell"],
      ["scripts/setup.sh", "shell"],
    ]);
    expect(r.input.bundled.find((b) => b.path === "scripts/setup.sh")?.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(r.input.warnings).toEqual([]);
    expect(r.input.notRead).toEqual([
      { path: ".git/", why: "folder not read (.git and node_modules are skipped)" },
      { path: "link", why: "a symbolic link; not followed" },
      { path: "node_modules/", why: "folder not read (.git and node_modules are skipped)" },
    ]);
  });

  it("a plain directory yields every skill folder and loose .md file, sorted; errors per file", async () => {
    const root = tree({
      "d/b/SKILL.md": "# B\n",
      "d/b/notes.md": "# inside skill folder\n",
      "d/a.md": "# A\n",
      "d/c/deep/z.md": "# Z\n",
      "d/bad.md": Buffer.from([0xff, 0xfe, 0x41]),
      "d/nul.md": Buffer.from("a\0b"),
      "d/data.tsv": "x\ty",
    });
    const results = await readSkillInputs(["d", "missing.md"], { cwd: root });
    expect(results.map((r) => (r.ok ? ["ok", r.input.source] : [r.error.code, r.error.source]))).toEqual([
      ["ok", "d/a.md"],
      ["ok", "d/b"],
      ["invalid-utf8", "d/bad.md"],
      ["ok", "d/c/deep/z.md"],
      ["binary", "d/nul.md"],
      ["not-found", "missing.md"],
    ]);
  });

  it("too-large files and stdin", async () => {
    const root = tree({ "big.md": Buffer.alloc(limits.maxFileBytes + 1, 0x61) });
    const [big] = await readSkillInputs(["big.md"], { cwd: root });
    expect(big?.ok === false && big.error.code).toBe("too-large");
    const [s] = await readSkillInputs(["-"], {
      cwd: root,
      stdin: Readable.from([Buffer.from("# from stdin\n")]),
    });
    expect(s?.ok && s.input.text).toBe("# from stdin\n");
  });

  it("refuses non-https URLs without fetching", async () => {
    const [r] = await readSkillInputs(["http://example.com/SKILL.md"], { cwd: "/" });
    expect(r?.ok === false && r.error.code).toBe("insecure-url");
  });

  it("scanning the malicious corpus directory finds every skill there", async () => {
    const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
    const results = await readSkillInputs(["../shared/corpus/malicious"], { cwd: repoRoot });
    const ok = results.filter((r) => r.ok);
    expect(ok.length).toBeGreaterThan(100);
    expect(ok.some((r) => r.ok && r.input.source.endsWith("danman60__proxy-scrap_SKILL.md"))).toBe(true);
    expect(results.every((r) => r.ok || r.error.code !== "unreadable")).toBe(true);
  });
});
