// The directories of the audit logs this process has open, so that nothing hands them to a
// sandbox: a tree skillwall mounts into a container or chowns to the container user must not
// hold one (the chain is a plain hash chain: whoever can write the file can rewrite it whole).
// Kept apart from log.ts so the workspace code can ask without loading pino.

import { isWithin, type DirIdentity } from "../hostfs/ancestry.js";

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
 * The first open audit log directory inside `tree` (an open directory's identity), or undefined.
 * Compared by dev+ino along each log directory's parent chain, never by name: a "..name" folder
 * and a bind-mount alias of the tree are caught. A tree inside the log's directory is fine: a
 * container sees only the tree, never the log beside it.
 */
export function auditDirOverlapping(tree: DirIdentity): string | undefined {
  for (const dir of dirs.keys()) if (isWithin(dir, tree)) return dir;
  return undefined;
}
