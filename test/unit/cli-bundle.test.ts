// bin/skillwall.js runs the CLI bundle (dist/bundle/, scripts/build-cli-bundle.mjs): a one-file
// scan loads a few bundled files instead of hundreds of modules. These tests fail when the bin
// goes back to dist/'s modules, when the bundle is stale (built from other dist/ modules than
// the ones there now), when it behaves differently from dist/cli.js, or when the files found
// relative to a module (policies/, the scan worker) are no longer found from the bundle.
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { repoRoot } from "./policy-helpers.js";

const bin = path.join(repoRoot, "bin/skillwall.js");
const register = path.join(repoRoot, "test/fixtures/module-trace/register.mjs");
const distUrl = pathToFileURL(path.join(repoRoot, "dist")).href + "/";
const tmp = mkdtempSync(path.join(os.tmpdir(), "skillwall-cli-bundle-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** Runs the CLI with every loaded ES module recorded; returns its output and the module URLs. */
function tracedCli(
  args: string[],
  name: string,
): { status: number | null; stdout: string; modules: string[] } {
  const trace = path.join(tmp, `${name}.trace`);
  const r = spawnSync(process.execPath, ["--import", pathToFileURL(register).href, bin, ...args], {
    cwd: repoRoot,
    encoding: "utf8",
    env: { ...process.env, MODULE_TRACE_FILE: trace, NO_COLOR: "1" },
  });
  expect(r.stderr).toBe("");
  return { status: r.status, stdout: r.stdout, modules: readFileSync(trace, "utf8").trim().split("\n") };
}

const ownModules = (modules: string[]) => modules.filter((u) => u.startsWith(distUrl));
const bundledPackages =
  /\/node_modules\/(commander|unified|remark-parse|micromark[^/]*|mdast-[^/]*|yaml|zod)\//;

describe("the CLI bundle", () => {
  it("a one-file scan loads the bundle only: no dist/ module outside it, no bundled package", () => {
    const r = tracedCli(["scan", "examples/notes/SKILL.md", "--policy", "default"], "one-file");
    expect(r.status).toBe(1); // the default policy denies two of its steps
    expect(r.stdout).toContain("summary: 1 skill");
    // The bundle's chunks are CommonJS, compiled by the loader, itself CommonJS like the bin
    // (dist/cli-bundle-loader.cjs): no ES module of dist/ at all.
    expect(ownModules(r.modules)).toEqual([]);
    expect(r.modules.filter((u) => bundledPackages.test(u))).toEqual([]);
    // Every require() of the same scan: chunks of the bundle, node: modules, unbundled packages.
    const required = spawnSync(
      process.execPath,
      [bin, "scan", "examples/notes/SKILL.md", "--policy", "default"],
      {
        cwd: repoRoot,
        encoding: "utf8",
        env: { ...process.env, NODE_DEBUG: "module,skillwall-bundle" },
      },
    );
    expect(required.stderr).toContain("skillwall.cjs: code cache used");
    // The shell parser's compile is started (src/cli/shell-start.ts) before the CLI loads.
    const order = [...required.stderr.matchAll(/^SKILLWALL-BUNDLE \d+: (\S+)\.cjs: /gm)].map((m) =>
      m[1]!.replace(/-[\w-]{8}$/, ""),
    );
    expect(order[0]).toBe("cli-early");
    expect(order.indexOf("shell-start")).toBeGreaterThan(0);
    expect(order.indexOf("shell-start")).toBeLessThan(order.indexOf("skillwall"));
    // The trace works: it records the node: modules the chunks require.
    expect(required.stderr).toMatch(/^MODULE \d+: load built-in module node:fs$/m);
    // No file outside the bundle but the bin and the loader: web-tree-sitter, the last package a
    // one-file scan loaded from node_modules, is bundled too (its code cache saves ~10 ms).
    const loads = [...required.stderr.matchAll(/^MODULE \d+: load "([^"]+)"/gm)].map((m) => m[1]!);
    expect(loads).toEqual([bin, path.join(repoRoot, "dist/cli-bundle-loader.cjs")]);
    // Nor node: modules the scan does not use (~15 ms of start-up): commander's eager
    // child_process (made lazy by the build) and the scan pool's worker_threads.
    expect(required.stderr).not.toMatch(
      /^MODULE \d+: load built-in module node:(child_process|worker_threads)$/m,
    );
  });

  it("runs under a --require preload (NODE_OPTIONS=-r …): the V8 flags it sets do not crash it", () => {
    // An empty preload named by a relative path was enough to make --no-regexp-tier-up, set at
    // run time, kill the CLI with SIGSEGV (a regex Node ran to resolve "./preload.cjs" before the
    // flag changed was then run as machine code).
    writeFileSync(path.join(tmp, "preload.cjs"), "");
    const skill = path.join(repoRoot, "examples/notes/SKILL.md");
    const r = spawnSync(
      process.execPath,
      ["-r", "./preload.cjs", bin, "scan", skill, "--policy", "default"],
      { cwd: tmp, encoding: "utf8" },
    );
    expect(r.signal).toBeNull();
    expect(r.status).toBe(1); // the default policy denies two of its steps
    expect(r.stdout).toContain("summary: 1 skill");
  });

  it("without a build (fresh clone), says to run npm run build: no stack trace, exit 2", () => {
    const clone = path.join(tmp, "fresh-clone");
    mkdirSync(path.join(clone, "bin"), { recursive: true });
    for (const f of ["skillwall.js", "package.json"])
      writeFileSync(path.join(clone, "bin", f), readFileSync(path.join(repoRoot, "bin", f)));
    writeFileSync(path.join(clone, "package.json"), readFileSync(path.join(repoRoot, "package.json")));
    const r = spawnSync(process.execPath, [path.join(clone, "bin/skillwall.js"), "scan", "x"], {
      encoding: "utf8",
    });
    expect(r.status).toBe(2);
    expect(r.stderr).toContain("the CLI is not built");
    expect(r.stderr).toContain("fix: run npm run build");
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it("reports exactly what dist/cli.js reports (same output, same exit code)", () => {
    const args = ["scan", "examples/moltbook", "--policy", "moltbook", "--format", "json"];
    const viaBin = spawnSync(process.execPath, [bin, ...args], { cwd: repoRoot, encoding: "utf8" });
    const viaDist = spawnSync(
      process.execPath,
      [
        "--input-type=module",
        "-e",
        `const { main } = await import(${JSON.stringify(`${distUrl}cli.js`)});` +
          "process.exitCode = await main(process.argv.slice(1));",
        ...args,
      ],
      { cwd: repoRoot, encoding: "utf8" },
    );
    expect(viaBin.stderr).toBe(viaDist.stderr);
    expect(viaBin.status).toBe(viaDist.status);
    // The JSON report carries no timestamps: byte-identical.
    expect(viaBin.stdout.length).toBeGreaterThan(1000);
    expect(viaBin.stdout).toBe(viaDist.stdout);
  });

  it("many inputs start the scan worker dist/scan/worker.js, found relative to its module", () => {
    const skills = path.join(tmp, "skills");
    for (let i = 0; i < 30; i++) {
      mkdirSync(path.join(skills, `s${i}`), { recursive: true });
      writeFileSync(
        path.join(skills, `s${i}`, "SKILL.md"),
        `---\nname: s${i}\ndescription: lists files\n---\n\n\`\`\`bash\nls -la\n\`\`\`\n`,
      );
    }
    const r = tracedCli(["scan", skills, "--policy", "default", "--workers", "2"], "many");
    expect(r.status).toBe(0);
    expect(r.stdout).toContain("summary: 30 skills");
    expect(ownModules(r.modules)).toContain(`${distUrl}scan/worker.js`);
  });

  it("checks a policy file with the prebuilt validator found next to dist/policy/schema.js, not ajv", () => {
    const file = path.join(tmp, "mine.yaml");
    writeFileSync(file, "name: mine\nbogus: 1\n");
    const r = spawnSync(process.execPath, [bin, "policy", "check", file], {
      cwd: repoRoot,
      encoding: "utf8",
      env: { ...process.env, NODE_DEBUG: "module" }, // logs every require()
    });
    expect(r.status).toBe(2);
    expect(r.stderr).toContain("bogus is not a known key");
    const validator = path.join(repoRoot, "dist/policy/schema-validator.cjs");
    expect(r.stderr).toContain(`load ${JSON.stringify(validator)}`);
    expect(r.stderr).not.toMatch(/node_modules\/ajv\/dist\/(ajv|core)\.js/);
  });

  it("was built from the dist/ modules there now (npm run build rebuilds it after tsc)", () => {
    const manifest = JSON.parse(readFileSync(path.join(repoRoot, "dist/bundle/manifest.json"), "utf8")) as {
      modules: Record<string, string>;
    };
    const files = Object.keys(manifest.modules);
    expect(files).toContain("dist/cli.js");
    expect(files).toContain("dist/scan/scan-skill.js");
    for (const f of files) {
      const sha256 = createHash("sha256")
        .update(readFileSync(path.join(repoRoot, f)))
        .digest("hex");
      expect({ file: f, sha256 }).toEqual({ file: f, sha256: manifest.modules[f] });
    }
  });
});
