#!/usr/bin/env node
import { main } from "../dist/cli.js";
import { exitQuietlyOnBrokenPipe } from "../dist/cli/io.js";

// `skillwall policy show default | head`: a reader that stops early is not an error.
exitQuietlyOnBrokenPipe(process.stdout);
process.exitCode = await main(process.argv.slice(2));
