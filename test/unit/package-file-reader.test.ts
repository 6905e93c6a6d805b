// The CLI loader and the shell parser read skillwall's own files through one reused buffer
// (src/package-file-reader.ts): every read must still return that file's bytes, whole, whatever
// was read before it, and whatever its size says. And the code cache keeps V8's data at an
// aligned offset, which V8 reads in place instead of copying it first.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { codeCacheDataOffset, encodeCodeCache } from "../../src/cli-bundle-loader.js";
import { packageFileReader } from "../../src/package-file-reader.js";
import { compileShellWasm } from "../../src/shell/wasm.js";
import { initShell, withTree } from "../../src/shell/parser.js";
import { repoRoot } from "./policy-helpers.js";

const tmp = mkdtempSync(path.join(os.tmpdir(), "skillwall-package-read-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** Deterministic bytes (a fixed linear congruential sequence), so a stale byte shows. */
function bytes(n: number, seed: number): Buffer {
  const b = Buffer.alloc(n);
  let x = seed;
  for (let i = 0; i < n; i++) {
    x = (x * 1103515245 + 12345) >>> 0;
    b[i] = x >>> 24;
  }
  return b;
}

describe("the package file reader", () => {
  it("returns each file whole, larger or smaller than the one read before", () => {
    const read = packageFileReader();
    const sizes = [10, 300_000, 5, 0, 70_000, 1_000_000, 65_535, 65_536, 1];
    sizes.forEach((n, i) => {
      const file = path.join(tmp, `f${i}`);
      writeFileSync(file, bytes(n, i + 1));
      expect(read(file).equals(bytes(n, i + 1)), `file ${i} (${n} bytes)`).toBe(true);
    });
  });

  it("reads a file whose size is not known in advance (/proc reports 0) to its end", () => {
    const read = packageFileReader();
    read(path.join(tmp, "f0"));
    const status = read("/proc/self/status").toString("latin1");
    expect(status).toMatch(/^Name:/);
    expect(status).toMatch(/\nPid:\s+\d+\n/);
  });

  it("throws as readFileSync does for a missing file", () => {
    expect(() => packageFileReader()(path.join(tmp, "missing"))).toThrow(/ENOENT/);
  });

  it("the shell parser's two modules, read through one buffer, are each their own file", async () => {
    const wasm = await compileShellWasm();
    // web-tree-sitter's runtime exports its allocator; the grammar exports its language.
    const exports = (m: WebAssembly.Module): string[] => WebAssembly.Module.exports(m).map((e) => e.name);
    expect(exports(wasm.runtime)).toContain("malloc");
    expect(exports(wasm.bash)).toContain("tree_sitter_bash");
    await initShell();
    const tree = withTree(
      "echo hi | tr a-z A-Z",
      (t) => `${t.rootNode.hasError} ${t.rootNode.firstChild?.type}`,
    );
    expect(tree).toBe("false pipeline");
  });
});

describe("the CLI code cache file", () => {
  it("keeps V8's data at an 8-byte aligned offset, after the key", () => {
    expect(codeCacheDataOffset % 8).toBe(0);
    const source = Buffer.from("(function () {})");
    const data = bytes(100, 7);
    const file = encodeCodeCache(source, data);
    expect(file.subarray(codeCacheDataOffset).equals(data)).toBe(true);
    expect(file.toString("latin1", 0, codeCacheDataOffset)).toMatch(/^[0-9a-f]{64} +\n$/);
  });

  it("the built caches have that layout", () => {
    const dir = path.join(repoRoot, "dist/bundle");
    const cache = readFileSync(path.join(dir, "skillwall.cjs.v8cache"));
    expect(cache.toString("latin1", 0, codeCacheDataOffset)).toMatch(/^[0-9a-f]{64} +\n$/);
  });
});
