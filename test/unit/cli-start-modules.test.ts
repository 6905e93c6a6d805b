// Node's own modules a one-file scan must not load: each costs start-up time (compiled and run at
// every start) for nothing the scan uses. Some load without any require(): the first use of the
// global `performance` loads perf_hooks' internals, so this reads Node's own list of loaded
// modules (process.moduleLoadList) at exit rather than a trace of require() calls.
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { repoRoot } from "./policy-helpers.js";

const tmp = mkdtempSync(path.join(os.tmpdir(), "skillwall-start-modules-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** The built-in modules Node loaded during `skillwall ARGS` (names as in process.moduleLoadList). */
function loadedBuiltins(args: string[]): { status: number | null; modules: string[] } {
  const out = path.join(tmp, "modules");
  const preload = path.join(tmp, "record.cjs");
  writeFileSync(
    preload,
    `process.on("exit", () => require("node:fs").writeFileSync(${JSON.stringify(out)}, process.moduleLoadList.join("\\n")));\n`,
  );
  const r = spawnSync(process.execPath, ["-r", preload, path.join(repoRoot, "bin/skillwall.js"), ...args], {
    cwd: repoRoot,
    encoding: "utf8",
  });
  return { status: r.status, modules: readFileSync(out, "utf8").split("\n") };
}

describe("a one-file scan's start-up", () => {
  it("does not load perf_hooks (the shell parser's time budget reads process.hrtime)", () => {
    const r = loadedBuiltins(["scan", "examples/notes/SKILL.md", "--policy", "default"]);
    expect(r.status).toBe(1); // the default policy denies two of its steps
    // The list is real: it holds what the scan does use.
    expect(r.modules).toContain("NativeModule vm");
    expect(
      r.modules.filter((m) => /^NativeModule (perf_hooks|internal\/perf\/performance)$/.test(m)),
    ).toEqual([]);
  });
});
