// The CLI bundle's code cache (src/cli-bundle-loader.ts, written by scripts/build-code-cache.mjs)
// saves compiling the bundle on every start. What runs must be the chunk on disk: V8 itself checks
// a cache against the source's length only, so a chunk changed in place (same length) would run
// the cached, old code. These tests change a chunk of a copy of the bundle and check that the
// changed code runs; a missing or damaged cache means a plain compile, never an error.
import { spawnSync } from "node:child_process";
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { repoRoot } from "./policy-helpers.js";

const loaderUrl = pathToFileURL(path.join(repoRoot, "dist/cli-bundle-loader.cjs")).href;
const { chunkHead, chunkTail } = (await import(loaderUrl)) as { chunkHead: string; chunkTail: string };
const tmp = mkdtempSync(path.join(os.tmpdir(), "skillwall-code-cache-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** A fresh copy of the built bundle (chunks and their caches). */
function bundleCopy(name: string): string {
  const dir = path.join(tmp, name);
  cpSync(path.join(repoRoot, "dist/bundle"), dir, { recursive: true });
  return dir;
}

/** `skillwall ARGS` run from the bundle in `dir`, with the loader's per-chunk cache log. */
function runBundle(dir: string, args: string[]): { status: number | null; stdout: string; log: string } {
  const r = spawnSync(
    process.execPath,
    [
      "--input-type=module",
      "-e",
      `const { loadCliBundle } = await import(${JSON.stringify(loaderUrl)});` +
        `process.exitCode = await loadCliBundle(${JSON.stringify(dir)}).entry.main(process.argv.slice(1));`,
      "--",
      ...args,
    ],
    { cwd: repoRoot, encoding: "utf8", env: { ...process.env, NODE_DEBUG: "skillwall-bundle" } },
  );
  return { status: r.status, stdout: r.stdout, log: r.stderr };
}

describe("the CLI bundle's code cache", () => {
  it("is built for every chunk a one-file scan loads, and used", () => {
    const r = spawnSync(
      process.execPath,
      [path.join(repoRoot, "bin/skillwall.js"), "scan", "examples/notes/SKILL.md", "--policy", "default"],
      { cwd: repoRoot, encoding: "utf8", env: { ...process.env, NODE_DEBUG: "skillwall-bundle" } },
    );
    expect(r.status).toBe(1); // the default policy denies two of its steps
    const lines = r.stderr.trim().split("\n");
    expect(lines.length).toBeGreaterThan(5);
    for (const line of lines) expect(line).toMatch(/: code cache used$/);
    expect(r.stderr).toContain("skillwall.cjs: code cache used");
  });

  it("is ignored for a chunk changed in place (same length): the changed code runs", () => {
    const dir = bundleCopy("changed");
    expect(runBundle(dir, ["--version"]).stdout.trim()).toBe("0.1.0");
    const entry = path.join(dir, "skillwall.cjs");
    const source = readFileSync(entry, "utf8");
    expect(source).toContain('.version("0.1.0")');
    writeFileSync(entry, source.replace('.version("0.1.0")', '.version("9.1.0")'));
    const r = runBundle(dir, ["--version"]);
    expect(r.stdout.trim()).toBe("9.1.0");
    expect(r.log).toContain("skillwall.cjs: code cache ignored");
    expect(r.log).not.toContain("skillwall.cjs: code cache used");
  });

  it("a chunk that is not ASCII is read as UTF-8 (ASCII ones are copied as latin1)", () => {
    const dir = bundleCopy("utf8");
    const entry = path.join(dir, "skillwall.cjs");
    const source = readFileSync(entry, "utf8");
    writeFileSync(entry, source.replace('.version("0.1.0")', '.version("0.1.0-\u00e9\u2713")'));
    const r = runBundle(dir, ["--version"]);
    expect(r.stdout.trim()).toBe("0.1.0-\u00e9\u2713");
  });

  it("a chunk written without the loader's wrapper (an older build) is wrapped when loaded", () => {
    const dir = bundleCopy("unwrapped");
    const entry = path.join(dir, "skillwall.cjs");
    const source = readFileSync(entry, "utf8");
    expect(source.startsWith(chunkHead) && source.endsWith(chunkTail)).toBe(true);
    writeFileSync(entry, source.slice(chunkHead.length, -chunkTail.length));
    const r = runBundle(dir, ["--version"]);
    expect(r.status).toBe(0);
    expect(r.stdout.trim()).toBe("0.1.0");
  });

  it("is ignored when made by another Node (its key names the Node version)", () => {
    const dir = bundleCopy("other-node");
    const cache = path.join(dir, "skillwall.cjs.v8cache");
    const bytes = readFileSync(cache);
    // A key of the right shape for other bytes: what a cache built elsewhere looks like.
    writeFileSync(cache, Buffer.concat([Buffer.from("0".repeat(64)), bytes.subarray(64)]));
    const r = runBundle(dir, ["--version"]);
    expect(r.stdout.trim()).toBe("0.1.0");
    expect(r.log).toContain("skillwall.cjs: code cache ignored");
  });

  it("missing or damaged caches mean a plain compile, not an error", () => {
    const dir = bundleCopy("damaged");
    for (const f of readdirSync(dir).filter((f) => f.endsWith(".v8cache"))) {
      if (f.startsWith("skillwall.cjs")) {
        const bytes = readFileSync(path.join(dir, f));
        // The right key, but V8's data cut short: V8 rejects it.
        writeFileSync(path.join(dir, f), bytes.subarray(0, 65 + 32));
      } else rmSync(path.join(dir, f));
    }
    const r = runBundle(dir, ["--version"]);
    expect(r.status).toBe(0);
    expect(r.stdout.trim()).toBe("0.1.0");
    expect(r.log).toContain("skillwall.cjs: code cache rejected by V8");
    expect(r.log).toMatch(/: no code cache$/m);
  });
});
