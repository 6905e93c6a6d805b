// Where a root supervisor may keep its audit log. The default folder comes from HOME or
// XDG_DATA_HOME, which `sudo -E` keeps from the user who called it: root then created the
// folders by path (following a symlink that user planted under ~/.local/share, so the log went
// wherever it led) and kept its hash-chained log in a folder that user can rename or empty, so
// the chain could be rewritten whole. As root the folder is now made through hostfs (a symlink
// in a folder someone else owns is refused) and must be one only root can change: owned by
// root, not group- or world-writable, and no folder above it renamable by anyone else.
// Not root: the log is the user's own; nothing is checked beyond what openAuditLog does.

import { SkillwallError } from "../errors.js";
import { HostDir, HostFsError } from "../hostfs/host-dir.js";

const fix =
  "run sudo without -E (so HOME is root's), or give --audit-log FILE in a folder only root can write (e.g. /var/log/skillwall)";

/** Throws SkillwallError "audit-dir-unsafe" when a root supervisor's log folder is not root's alone. */
export async function checkAuditDir(dir: string): Promise<void> {
  if ((process.geteuid?.() ?? 0) !== 0) return;
  let held: HostDir;
  try {
    held = await HostDir.open(dir, { create: true, mode: 0o700 });
  } catch (err) {
    if (!(err instanceof HostFsError)) throw err;
    throw new SkillwallError("audit-dir-unsafe", `the audit log folder ${dir} is refused: ${err.message}`, {
      fix,
      cause: err,
    });
  }
  try {
    const st = await held.stat();
    const why =
      st.uid !== 0
        ? `it is owned by uid ${st.uid}`
        : (st.mode & 0o022) !== 0
          ? "others can write it"
          : await held.renamableByOthers();
    if (why !== undefined) {
      throw new SkillwallError(
        "audit-dir-unsafe",
        `the audit log folder ${dir} is not root's alone (${why}): whoever can change it can rewrite the log`,
        { fix },
      );
    }
  } finally {
    await held.close();
  }
}
