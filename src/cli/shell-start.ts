// Which sub-commands parse shell. For those the CLI starts compiling the shell parser's
// WebAssembly (src/shell/wasm.ts) before it loads anything else: that compile, on V8's background
// threads, is what a one-file scan waits for last. bin/skillwall.js calls
// startShellWasmCompileFor first (this module is a bundle entry of its own,
// scripts/build-cli-bundle.mjs); src/cli.ts calls it again (it is idempotent) for main()'s other
// callers.
import { startShellWasmCompile } from "../shell/wasm.js";

/** The sub-commands that parse shell (a test checks each is a command of the CLI). */
export const shellCommandNames: ReadonlySet<string> = new Set([
  "scan",
  "run",
  "judge",
  "openclaw",
  "exec",
  "wrap",
  "install",
  "serve",
  "heartbeat",
  "review",
  "approve",
  "reject",
  "status",
]);

/** The sub-command argv names (the first word that is not a root option or its value). */
export function commandName(argv: readonly string[]): string | undefined {
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === "--audit-log")
      i++; // the root option's value is not the command
    else if (!a.startsWith("-")) return a;
  }
  return undefined;
}

/** Start the compile when argv names a command that parses shell (not for its --help). */
export function startShellWasmCompileFor(argv: readonly string[]): void {
  const name = commandName(argv);
  if (name !== undefined && shellCommandNames.has(name) && !argv.includes("--help") && !argv.includes("-h"))
    startShellWasmCompile();
}
