// Reading many skills at once: results keep the sorted order, errors stay per file, and the
// "probably many inputs" guess that lets the scanner start its workers early.

import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { likelyManyInputs, readSkillInputs } from "../../src/input/index.js";
import { limits } from "../../src/limits.js";

const roots: string[] = [];
function tree(files: Record<string, string>): string {
  const root = mkdtempSync(path.join(tmpdir(), "sw-input-many-"));
  roots.push(root);
  for (const [rel, content] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
    writeFileSync(path.join(root, rel), content);
  }
  return root;
}
afterAll(() => {
  for (const r of roots) rmSync(r, { recursive: true, force: true });
});

describe("reading a directory of many skills", () => {
  it("returns every file in sorted order, with a per-file error in its place", async () => {
    const files: Record<string, string> = {};
    for (let i = 0; i < 60; i++) files[`d/${String(i).padStart(3, "0")}.md`] = `# skill ${i}\n`;
    files["d/030.md"] = "x".repeat(limits.maxFileBytes + 1);
    files["d/folder/SKILL.md"] = "# folder skill\n";
    files["d/folder/scripts/a.sh"] = "echo a\n";
    const root = tree(files);
    const read = await readSkillInputs(["d"], { cwd: root });
    expect(read).toHaveLength(61);
    const sources = read.map((r) => (r.ok ? r.input.source : r.error.source));
    expect(sources).toEqual([...sources].sort());
    expect(read[30]).toMatchObject({ ok: false, error: { code: "too-large" } });
    read.forEach((r, i) => {
      if (i < 60 && i !== 30) expect(r).toMatchObject({ ok: true, input: { text: `# skill ${i}\n` } });
    });
    const folder = read[60];
    expect(folder?.ok && folder.input.bundled.map((b) => b.path)).toEqual(["scripts/a.sh"]);
  });

  it("guesses many inputs for a directory of skills, not for a file or a skill folder", async () => {
    const root = tree({ "many/a.md": "# a\n", "one/SKILL.md": "# one\n", "f.md": "# f\n" });
    expect(await likelyManyInputs(["many"], root, 24)).toBe(true);
    expect(await likelyManyInputs(["one"], root, 24)).toBe(false);
    expect(await likelyManyInputs(["f.md", "-", "https://example.com/s.md"], root, 24)).toBe(false);
    expect(await likelyManyInputs(["missing"], root, 24)).toBe(false);
    expect(
      await likelyManyInputs(
        Array.from({ length: 24 }, () => "f.md"),
        root,
        24,
      ),
    ).toBe(true);
  });
});
