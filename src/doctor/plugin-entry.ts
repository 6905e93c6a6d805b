// Does the skillwall plugin folder OpenClaw found have an entry module that loads? OpenClaw
// 2026.9.6 has no setting that makes a plugin required: a plugin whose module fails to load is
// recorded as an error and skipped, and the Gateway starts without it and runs every turn
// unguarded (only `openclaw agent --local` stops). The plugin's entry (index.mjs) imports nothing
// of its own at load, so a broken gate.mjs or library gives a gate that refuses every call; the
// entry itself is what is left, and this check reads it the way OpenClaw picks it: package.json
// `openclaw.extensions`, each a file inside the folder, each parsed as a module (`node --check`:
// syntax only, nothing runs and no import is resolved).

import { execFileSync } from "node:child_process";
import path from "node:path";

/** How long the syntax check of one entry may take (a module of a few KiB parses in milliseconds). */
const entryCheckTimeoutMs = 30_000;

/**
 * Why the plugin in `dir` would fail to load, or undefined when each entry parses. `read` is the
 * doctor's own reader (regular files only, size-capped; it throws otherwise), so this module
 * opens no file itself.
 */
export function pluginEntryProblem(
  dir: string,
  read: (file: string) => string,
  nodePath = process.execPath,
): string | undefined {
  const pkgFile = path.join(dir, "package.json");
  let pkg: unknown;
  try {
    pkg = JSON.parse(read(pkgFile));
  } catch (err) {
    return `${pkgFile} cannot be read as JSON (${firstLine(err)}), so the entry OpenClaw loads is unknown`;
  }
  const extensions = (pkg as { openclaw?: { extensions?: unknown } } | null)?.openclaw?.extensions;
  if (
    !Array.isArray(extensions) ||
    extensions.length === 0 ||
    !extensions.every((e) => typeof e === "string")
  )
    return `${pkgFile} has no openclaw.extensions list naming the entry module`;
  const root = path.resolve(dir);
  for (const rel of extensions as string[]) {
    const file = path.resolve(root, rel);
    const inside = path.relative(root, file);
    if (inside === "" || inside.startsWith("..") || path.isAbsolute(inside))
      return `the entry ${rel} in ${pkgFile} is not a file inside ${root}`;
    try {
      read(file);
    } catch (err) {
      return `the entry ${file} is missing or not a regular file (${firstLine(err)})`;
    }
    try {
      execFileSync(nodePath, ["--check", file], {
        stdio: ["ignore", "ignore", "pipe"],
        timeout: entryCheckTimeoutMs,
      });
    } catch (err) {
      const stderr = String((err as { stderr?: unknown }).stderr ?? "");
      const reason = stderr.split("\n").find((l) => /Error/.test(l)) ?? firstLine(err);
      return `the entry ${file} does not parse (${reason.trim()})`;
    }
  }
  return undefined;
}

function firstLine(err: unknown): string {
  return (err instanceof Error ? err.message : String(err)).split("\n")[0] ?? "";
}
