// Files too large to read are still hashed, and sparse files cost nothing to ship: without an
// overall budget a directory of skills full of 60 MiB holes kept the scan hashing for hours
// (red team S8-B F10). One scan hashes at most limits.maxHashedBytes of them; every file past
// the budget is reported not analysed, so the skill holding it is never ALLOW.

import { mkdirSync, mkdtempSync, truncateSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { limits } from "../../src/limits.js";
import { runCli } from "../helpers/cli.js";

const holeBytes = 60 * 1024 * 1024;

/** A benign skill with `holes` sparse files of holeBytes each. */
function skillWithHoles(dir: string, holes: number): void {
  mkdirSync(path.join(dir, "assets"), { recursive: true });
  writeFileSync(
    path.join(dir, "SKILL.md"),
    "---\nname: pics\ndescription: pictures\n---\n# Pics\n\nAsk the user for a name.\n",
  );
  for (let i = 0; i < holes; i++) {
    const f = path.join(dir, "assets", `hole${i}.bin`);
    writeFileSync(f, "");
    truncateSync(f, holeBytes);
  }
}

describe("hashing oversized bundled files has one budget per scan (limits.maxHashedBytes)", () => {
  it("the budget fits four 60 MiB files", () => {
    expect(Math.floor(limits.maxHashedBytes / holeBytes)).toBe(4);
  });

  it("one skill: files within the budget are hashed, the rest are not analysed", async () => {
    const dir = path.join(mkdtempSync(path.join(tmpdir(), "sw-hashbudget-")), "pics");
    skillWithHoles(dir, 5);
    const r = await runCli(["scan", dir]);
    expect(r.stdout).toMatch(/\bREVIEW\b/);
    expect(r.stdout).not.toMatch(/\bALLOW\b/);
    // Sorted walk: hole0..hole3 hashed, hole4 over the budget.
    expect(r.stdout).toContain("not analysed assets/hole4.bin:1");
    expect(r.stdout).toContain("limits.maxHashedBytes");
    expect(r.stdout.match(/not analysed assets\/hole\d\.bin/g)).toHaveLength(1);
  });

  it("the budget is shared by every skill of one scan", async () => {
    const base = mkdtempSync(path.join(tmpdir(), "sw-hashbudget-dir-"));
    skillWithHoles(path.join(base, "a"), 3);
    skillWithHoles(path.join(base, "b"), 3);
    const r = await runCli(["scan", "--format", "json", base]);
    const report = JSON.parse(r.stdout) as {
      results: Array<{ verdict: string; unanalysed?: Array<{ why: string }> }>;
    };
    const over = report.results.flatMap((s) =>
      (s.unanalysed ?? []).filter((u) => u.why.includes("limits.maxHashedBytes")),
    );
    // Six files, four fit: two are reported whichever skill was read first.
    expect(over).toHaveLength(2);
    expect(report.results.some((s) => s.verdict !== "allow")).toBe(true);
  });
});
