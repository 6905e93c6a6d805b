#!/usr/bin/env node
// The CLI runs from its bundle (dist/bundle/, built by `npm run build`: scripts/build-cli-bundle.mjs):
// loading a few files instead of several hundred modules is most of a one-file scan's start-up,
// and the bundle's code cache (src/cli-bundle-loader.ts) saves compiling it again on every start.
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";

const loader = new URL("../dist/cli-bundle-loader.js", import.meta.url);
const bundleDir = fileURLToPath(new URL("../dist/bundle/", import.meta.url));
// A fresh clone has no dist/: say what to do instead of Node's module-not-found stack trace.
if (!existsSync(fileURLToPath(loader)) || !existsSync(`${bundleDir}skillwall.cjs`)) {
  process.stderr.write(
    `skillwall: the CLI is not built (${bundleDir}skillwall.cjs is missing)\n` +
      `  fix: run npm run build in ${fileURLToPath(new URL("..", import.meta.url))}\n`,
  );
  process.exit(2);
}
const { loadCliBundle } = await import(loader.href);
const { main, exitQuietlyOnBrokenPipe } = loadCliBundle(bundleDir).entry;

// `skillwall policy show default | head`: a reader that stops early is not an error.
exitQuietlyOnBrokenPipe(process.stdout);
process.exitCode = await main(process.argv.slice(2));
