#!/usr/bin/env node
// Build step (npm run build, after tsc): bundles the CLI (dist/cli.js and what it imports, npm
// packages included) into dist/bundle/, which bin/skillwall.js loads. Resolving and reading
// several hundred small ES modules cost more than a one-file scan itself; the bundle is one file
// per sub-command (plus shared chunks). dist/ stays as it is: the library API (dist/index.js),
// the OpenClaw plugin and the scan workers use it.
//
// The chunks are CommonJS (CHUNK.cjs), compiled by src/cli-bundle-loader.ts with V8's code cache
// (scripts/build-code-cache.mjs writes it next to them): Node 20 cannot hand a code cache to its
// ES module loader. They are pure ASCII (non-ASCII escaped, comments dropped), which V8 reads
// and keeps as one-byte strings: half the memory and faster to decode than UTF-8 text.
//
// `import.meta.url` of every dist/ module is rewritten to the URL that module has in dist/, so
// files found relative to it (policies/, the prebuilt schema validator, the shipped-policy cache,
// seccomp/, images/, the scan worker) resolve exactly as without the bundle; the loader passes
// each chunk its own URL as `__skillwallChunkUrl`. Some packages stay external (loaded from
// node_modules as before, with require()): see `external`.
// dist/bundle/manifest.json records the sha256 of every dist/ module bundled, so a test can tell
// a stale bundle from a fresh one (test/unit/cli-bundle.test.ts).

import { isAscii } from "node:buffer";
import { createHash } from "node:crypto";
import { readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { rolldown } from "rolldown";

const root = path.resolve(fileURLToPath(import.meta.url), "../..");
const dist = path.join(root, "dist");
const outDir = path.join(dist, "bundle");
/**
 * Not bundled: packages that find files next to their own module (pino's transport workers), load
 * native addons (dockerode via ssh2), or are loaded with require() at run time anyway
 * (tree-sitter-bash's wasm, ajv); undici is only used by commands that reach the network, whose
 * start-up the bundle is not for. web-tree-sitter IS bundled (see webTreeSitterCjs).
 */
const external = ["tree-sitter-bash", "pino", "dockerode", "undici", "ajv"];

const webTreeSitterCjsFile = path.join(root, "node_modules/web-tree-sitter/web-tree-sitter.cjs");
/**
 * web-tree-sitter's CommonJS build, bundled: loaded from node_modules it was the one large module
 * of a one-file scan compiled without the bundle's code cache (~10 ms). Its ES build would reach
 * the ES module loader (`await import("module")`); the CommonJS one only require()s node: modules.
 * It looks for its wasm next to its own file only when not handed one, and src/shell/parser.ts
 * always hands it the runtime compiled by src/shell/wasm.ts (instantiateWasm), which still reads
 * both .wasm files from node_modules (createRequire().resolve, unchanged).
 */
const webTreeSitterCjs = {
  name: "skillwall-web-tree-sitter-cjs",
  resolveId(id) {
    return id === "web-tree-sitter" ? webTreeSitterCjsFile : null;
  },
};

/**
 * commander require()s node:child_process at load, for sub-commands that are separate
 * executables, which skillwall has none of; loading it (with net, dgram, streams) was ~12 ms of
 * every start. Here it is required on first use instead. The build fails if commander's line
 * changes, rather than silently bundling the eager require again.
 */
const commanderEagerChildProcess = "const childProcess = require('node:child_process');";
const lazyCommanderChildProcess = {
  name: "skillwall-lazy-commander-child-process",
  transform(code, id) {
    if (!id.split(path.sep).join("/").endsWith("/node_modules/commander/lib/command.js")) return null;
    if (!code.includes(commanderEagerChildProcess))
      throw new Error(
        `build-cli-bundle: commander's ${JSON.stringify(commanderEagerChildProcess)} not found in ${id}`,
      );
    return {
      code: code.replace(
        commanderEagerChildProcess,
        "const childProcess = { spawn: (...args) => require('node:child_process').spawn(...args) };",
      ),
    };
  },
};

const bundled = new Map();
const ownUrls = {
  name: "skillwall-own-import-meta-url",
  transform(code, id) {
    if (!id.startsWith(dist + path.sep)) return null;
    bundled.set(path.relative(root, id), createHash("sha256").update(readFileSync(id)).digest("hex"));
    if (!code.includes("import.meta.url")) return null;
    const rel = path.relative(outDir, id).split(path.sep).join("/");
    // Chunks are written to outDir itself, so this is the module's own dist/ URL at run time.
    return {
      code: code.replaceAll("import.meta.url", `new URL(${JSON.stringify(rel)}, __skillwallChunkUrl).href`),
    };
  },
};

rmSync(outDir, { recursive: true, force: true });
const bundle = await rolldown({
  // cli-early: what bin/skillwall.js runs before loading the CLI (src/cli/shell-start.ts).
  input: { skillwall: path.join(dist, "cli-entry.js"), "cli-early": path.join(dist, "cli/shell-start.js") },
  platform: "node",
  external: (id) => external.some((e) => id === e || id.startsWith(`${e}/`)),
  plugins: [ownUrls, webTreeSitterCjs, lazyCommanderChildProcess],
  logLevel: "warn",
  // Emscripten's glue runs EM_ASM snippets with a direct eval; rolldown warns that it then keeps
  // that scope's names, which is all the glue needs. Any other warning is printed.
  onLog(level, log, print) {
    if (log.code === "EVAL" && log.id === webTreeSitterCjsFile) return;
    print(level, log);
  },
});
const { output } = await bundle.write({
  dir: outDir,
  format: "cjs",
  charset: "ascii",
  comments: false,
  entryFileNames: "[name].cjs",
  chunkFileNames: "[name]-[hash].cjs",
});
await bundle.close();
// Each chunk is written wrapped in the loader's function head (src/cli-bundle-loader.ts says why).
const { chunkHead, chunkTail } = await import(pathToFileURL(path.join(dist, "cli-bundle-loader.js")).href);
for (const o of output) {
  if (o.type !== "chunk") continue;
  if (!isAscii(Buffer.from(o.code))) throw new Error(`build-cli-bundle: ${o.fileName} is not ASCII`);
  writeFileSync(path.join(outDir, o.fileName), `${chunkHead}${o.code}${chunkTail}`);
}

// The loader itself, as CommonJS (dist/cli-bundle-loader.cjs), for bin/skillwall.js, which is
// CommonJS too (bin/package.json): an ES module entry brought up Node's ES module loader and an ES
// facade for every node: module it imports, ~10 ms of each start that a CommonJS one skips.
const loaderBundle = await rolldown({
  input: path.join(dist, "cli-bundle-loader.js"),
  platform: "node",
  external: (id) => id.startsWith("node:"),
  logLevel: "warn",
});
await loaderBundle.write({ file: path.join(dist, "cli-bundle-loader.cjs"), format: "cjs", comments: false });
await loaderBundle.close();

const manifest = Object.fromEntries([...bundled].sort(([a], [b]) => a.localeCompare(b)));
writeFileSync(path.join(outDir, "manifest.json"), `${JSON.stringify({ modules: manifest }, null, 2)}\n`);
const bytes = output.reduce((n, o) => n + (o.type === "chunk" ? o.code.length : 0), 0);
console.log(
  `wrote ${path.relative(root, outDir)}/ (${output.length} files, ${bytes} bytes, ${bundled.size} dist modules)`,
);
