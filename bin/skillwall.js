#!/usr/bin/env node
// The CLI runs from its bundle (dist/bundle/, built by `npm run build`: scripts/build-cli-bundle.mjs):
// loading a few files instead of several hundred modules is most of a one-file scan's start-up,
// and the bundle's code cache (src/cli-bundle-loader.ts) saves compiling it again on every start.
// This file and the loader it requires (dist/cli-bundle-loader.cjs) are CommonJS (bin/package.json):
// an ES module entry brought up Node's ES module loader for nothing but these two files.
"use strict";
const { existsSync } = require("node:fs");
const path = require("node:path");

const root = path.join(__dirname, "..");
const loader = path.join(root, "dist/cli-bundle-loader.cjs");
const bundleDir = path.join(root, "dist/bundle/");
// A fresh clone has no dist/: say what to do instead of Node's module-not-found stack trace.
if (
  !existsSync(loader) ||
  !existsSync(`${bundleDir}skillwall.cjs`) ||
  !existsSync(`${bundleDir}cli-early.cjs`)
) {
  process.stderr.write(
    `skillwall: the CLI is not built (${bundleDir}skillwall.cjs is missing)\n` +
      `  fix: run npm run build in ${root}${path.sep}\n`,
  );
  process.exit(2);
}
const { loadCliBundle } = require(loader);
const argv = process.argv.slice(2);
// First, before the rest of the CLI loads: start compiling the shell parser's WebAssembly on V8's
// background threads when the command parses shell (src/cli/shell-start.ts).
const bundle = loadCliBundle(bundleDir, "cli-early.cjs");
bundle.entry.startShellWasmCompileFor(argv);
const { main, exitQuietlyOnBrokenPipe } = bundle.require("skillwall.cjs");

// `skillwall policy show default | head`: a reader that stops early is not an error.
exitQuietlyOnBrokenPipe(process.stdout);
main(argv).then((code) => {
  process.exitCode = code;
});
