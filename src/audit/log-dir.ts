// Where a root supervisor may keep its audit log. The default folder comes from HOME or
// XDG_DATA_HOME, which `sudo -E` keeps from the user who called it: root then created the
// folders by path (following a symlink that user planted under ~/.local/share, so the log went
// wherever it led) and kept its hash-chained log in a folder that user can rename or empty, so
// the chain could be rewritten whole. As root the folder is now made through hostfs (a symlink
// in a folder someone else owns is refused) and must be one only root can change: owned by
// root, not group- or world-writable, and no folder above it renamable by anyone else.
// Not root: the log is the user's own, but still not in a folder another user could change: the
// folder is made through hostfs too, and it and every folder above it must be the user's or
// root's, writable by nobody else (a folder of the user's that only the user's own primary group
// may also write, as with a user-private group and umask 002, counts as the user's).

import { SkillwallError } from "../errors.js";
import { HostDir, HostFsError } from "../hostfs/host-dir.js";

const fix =
  "run sudo without -E (so HOME is root's), or give --audit-log FILE in a folder only root can write (e.g. /var/log/skillwall)";

/** Throws SkillwallError "audit-dir-unsafe" when the log folder is not this user's (root's) alone. */
export async function checkAuditDir(dir: string): Promise<void> {
  const me = process.geteuid?.() ?? 0;
  let held: HostDir;
  try {
    held = await HostDir.open(dir, { create: true, mode: 0o700 });
  } catch (err) {
    if (!(err instanceof HostFsError)) throw err;
    throw new SkillwallError("audit-dir-unsafe", `the audit log folder ${dir} is refused: ${err.message}`, {
      fix: me === 0 ? fix : (err.fix ?? "give --audit-log FILE in a folder of your own"),
      cause: err,
    });
  }
  try {
    const st = await held.stat();
    const ownGroup = me !== 0 && st.gid === (process.getegid?.() ?? -1);
    const why =
      st.uid !== me
        ? `it is owned by uid ${st.uid}`
        : (st.mode & 0o002) !== 0 || ((st.mode & 0o020) !== 0 && !ownGroup)
          ? "others can write it"
          : await held.renamableByOthers({ ownGroup: me !== 0 });
    if (why !== undefined) {
      const whose = me === 0 ? "root's" : `uid ${me}'s`;
      throw new SkillwallError(
        "audit-dir-unsafe",
        `the audit log folder ${dir} is not ${whose} alone (${why}): whoever can change it can rewrite the log`,
        { fix: me === 0 ? fix : "give --audit-log FILE in a folder of your own that nobody else can write" },
      );
    }
  } finally {
    await held.close();
  }
}
