#!/usr/bin/env node
// The CLI runs from its bundle (dist/bundle/, built by `npm run build`: scripts/build-cli-bundle.mjs):
// loading a few files instead of several hundred modules is most of a one-file scan's start-up.
import { main, exitQuietlyOnBrokenPipe } from "../dist/bundle/skillwall.js";

// `skillwall policy show default | head`: a reader that stops early is not an error.
exitQuietlyOnBrokenPipe(process.stdout);
process.exitCode = await main(process.argv.slice(2));
