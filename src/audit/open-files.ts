// The directories of the audit logs this process has open, so that nothing hands them to a
// sandbox: a tree skillwall mounts into a container or chowns to the container user must not
// hold one (the chain is a plain hash chain: whoever can write the file can rewrite it whole).
// Kept apart from log.ts so the workspace code can ask without loading pino.

import path from "node:path";

const dirs = new Map<string, number>();

/** Records an open log's directory (its real path, resolved by the caller). */
export function registerAuditDir(realDir: string): void {
  dirs.set(realDir, (dirs.get(realDir) ?? 0) + 1);
}

export function unregisterAuditDir(realDir: string): void {
  const n = (dirs.get(realDir) ?? 0) - 1;
  if (n <= 0) dirs.delete(realDir);
  else dirs.set(realDir, n);
}

/**
 * The first open audit log directory inside `tree` (both real paths), or undefined. A tree inside
 * the log's directory is fine: a container sees only the tree, never the log beside it.
 */
export function auditDirOverlapping(tree: string): string | undefined {
  const inside = (child: string, parent: string): boolean => {
    const rel = path.relative(parent, child);
    return rel === "" || (!rel.startsWith("..") && !path.isAbsolute(rel));
  };
  for (const dir of dirs.keys()) if (inside(dir, tree)) return dir;
  return undefined;
}
