// The directories of the audit logs this process has open, so that nothing hands them to a
// sandbox: a tree skillwall mounts into a container or chowns to the container user must not
// hold one (the chain is a plain hash chain: whoever can write the file can rewrite it whole).
// Each is held by a descriptor, not recorded by path: whoever may write a folder above the log
// can move that folder into the agent home and leave a decoy at the old path, which a later
// look-up by name would check instead. Kept apart from log.ts so the workspace code can ask
// without loading pino.

import { readlinkSync } from "node:fs";
import { isHeldWithin, type DirIdentity } from "../hostfs/ancestry.js";

/** Open log directory descriptors -> the identity they had when opened. */
const held = new Map<number, DirIdentity>();

/** Records an open log's directory by its descriptor (kept open by the log until it closes). */
export function registerAuditDir(fd: number, id: DirIdentity): void {
  held.set(fd, id);
}

export function unregisterAuditDir(fd: number): void {
  held.delete(fd);
}

function whereIs(fd: number): string {
  try {
    return readlinkSync(`/proc/self/fd/${fd}`);
  } catch {
    return `(descriptor ${fd})`;
  }
}

/**
 * The first open audit log directory inside `tree` (an open directory's identity), or undefined.
 * Walked up from each log directory's descriptor and compared by dev+ino, never by name: a
 * "..name" folder, a bind-mount alias of the tree and a folder moved since the log was opened
 * are caught. A tree inside the log's directory is fine: a container sees only the tree, never
 * the log beside it.
 */
export function auditDirOverlapping(tree: DirIdentity): string | undefined {
  for (const fd of held.keys()) if (isHeldWithin(fd, tree)) return whereIs(fd);
  return undefined;
}

/** The open audit log directory that is this very directory (dev+ino), or undefined. */
export function openAuditDirAt(dir: DirIdentity): string | undefined {
  for (const [fd, id] of held) if (id.dev === dir.dev && id.ino === dir.ino) return whereIs(fd);
  return undefined;
}
