// Lexical path handling for policy checks: `~` expansion (policy globs only — in argv, bash
// has already expanded an unquoted tilde, and a quoted "~" is a literal directory name),
// resolution against the workdir and `.`/`..` normalisation. Symlinks are invisible here; the
// sandbox enforces the same write roots at run time.

import { pathGlobMatch } from "./glob.js";

/** Expand a leading `~` or `~/` in a policy glob or setting to `home`. */
export function expandHome(pattern: string, home: string): string {
  if (pattern === "~") return home;
  if (pattern.startsWith("~/")) return home.replace(/\/+$/, "") + pattern.slice(1);
  return pattern;
}

/** Normalise an absolute path: collapse "//", drop ".", resolve ".." (never above "/"). */
export function normalisePath(path: string): string {
  const out: string[] = [];
  for (const seg of path.split("/")) {
    if (seg === "" || seg === ".") continue;
    if (seg === "..") out.pop();
    else out.push(seg);
  }
  return "/" + out.join("/");
}

/** Resolve a path value as the program will see it: relative to `workdir`, normalised. */
export function resolvePath(value: string, workdir: string): string {
  return normalisePath(value.startsWith("/") ? value : `${workdir}/${value}`);
}

/**
 * Normalise a policy path glob to an absolute pattern: `~` expanded, relative globs resolved
 * against workdir, "." and ".." removed (a "**" segment is kept as is).
 */
export function normaliseGlob(pattern: string, home: string, workdir: string): string {
  const expanded = expandHome(pattern, home);
  const absolute = expanded.startsWith("/") ? expanded : `${workdir}/${expanded}`;
  const keepTrailingGlobstar = absolute.endsWith("/**");
  const normal = normalisePath(absolute);
  return keepTrailingGlobstar && !normal.endsWith("/**") ? `${normal}/**` : normal;
}

/** The first glob (already normalised) that the resolved path matches, if any. */
export function firstMatchingGlob(path: string, globs: readonly string[]): string | undefined {
  return globs.find((g) => pathGlobMatch(g, path));
}
