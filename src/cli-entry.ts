// The entry of the CLI bundle (scripts/build-cli-bundle.mjs): what bin/skillwall.js needs.
export { main } from "./cli.js";
export { exitQuietlyOnBrokenPipe } from "./cli/io.js";
