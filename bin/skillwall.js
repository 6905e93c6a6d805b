#!/usr/bin/env node
// The CLI runs from its bundle (dist/bundle/, built by `npm run build`: scripts/build-cli-bundle.mjs):
// loading a few files instead of several hundred modules is most of a one-file scan's start-up,
// and the bundle's code cache (src/cli-bundle-loader.ts) saves compiling it again on every start.
import { fileURLToPath } from "node:url";
import { loadCliBundle } from "../dist/cli-bundle-loader.js";

const { main, exitQuietlyOnBrokenPipe } = loadCliBundle(
  fileURLToPath(new URL("../dist/bundle/", import.meta.url)),
).entry;

// `skillwall policy show default | head`: a reader that stops early is not an error.
exitQuietlyOnBrokenPipe(process.stdout);
process.exitCode = await main(process.argv.slice(2));
