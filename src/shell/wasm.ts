// The WebAssembly declarations must come with every compile that includes this file (a project
// that lists only some files, like the sandbox-cleanup test's child, has no include glob).
// eslint-disable-next-line @typescript-eslint/triple-slash-reference
/// <reference path="./webassembly.d.ts" />
// tree-sitter's two WebAssembly modules (web-tree-sitter's runtime and the bash grammar), compiled
// once per process. Compiling them was the largest single cost of a one-file scan's start-up:
// V8 compiles wasm lazily, function by function on first call, on the main thread (the grammar's
// lexer is one 160 KB function). The CLI instead starts this compile as soon as it knows its
// command parses shell (src/cli.ts), with lazy compilation off (src/cli-bundle-loader.ts), so V8
// compiles both modules on its background threads while the main thread loads the rest of the
// CLI, the policy and the skill. Same bytes, same compiler (Liftoff), same code: only when and
// on which thread it is built changes.
import { createRequire } from "node:module";
import v8 from "node:v8";
import { packageFileReader } from "../package-file-reader.js";

export interface ShellWasm {
  /** web-tree-sitter.wasm: the parser runtime. */
  runtime: WebAssembly.Module;
  /** tree-sitter-bash.wasm: the bash grammar. */
  bash: WebAssembly.Module;
}

let compiling: Promise<ShellWasm> | undefined;

/** Start compiling (idempotent); the promise rejects when a module is missing or invalid. */
export function compileShellWasm(): Promise<ShellWasm> {
  compiling ??= (async () => {
    // V8 re-compiles the parser's wasm with TurboFan in the background and the main thread then
    // blocks ~450 ms waiting for it (measured: a one-file scan went from 0.2 s to 0.65 s). Liftoff
    // code parses our short commands as fast, so skip the tier-up. Must precede the compile.
    v8.setFlagsFromString("--liftoff-only");
    const require = createRequire(import.meta.url);
    // Both files through one buffer: WebAssembly.compile copies the bytes when called.
    const read = packageFileReader();
    // The grammar first: it is 6x the runtime's size, the compile a scan waits for last.
    const [bash, runtime] = await Promise.all(
      ["tree-sitter-bash/tree-sitter-bash.wasm", "web-tree-sitter/web-tree-sitter.wasm"].map((m) =>
        WebAssembly.compile(read(require.resolve(m))),
      ),
    );
    return { runtime: runtime!, bash: bash! };
  })();
  compiling.catch(() => (compiling = undefined)); // a failed compile is tried again next time
  return compiling;
}

/** Start the compile without waiting for it; initShell() reports any failure. */
export function startShellWasmCompile(): void {
  compileShellWasm().catch(() => undefined);
}
