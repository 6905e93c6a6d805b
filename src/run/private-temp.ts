// New 0700 folders of the supervisor's own in the temp directory (mount points, the quota image,
// serve's job scripts and FIFOs, the egress CA bundle, the install snapshot, image build work).
// `sudo -E` keeps a user's TMPDIR (/run/user/1000 belongs to that user): that user could rename
// a root-owned folder made there and put their own (or a symlink) at its name, so root would
// write a job script through their symlink, or hand Docker their folder to mount. So the temp
// directory and every folder above it must be ones nobody but root (or this user) can rename
// entries in; otherwise nothing is made and the error names the folder and the fix.
// A world-writable folder with the sticky bit (/tmp) is fine: only an entry's owner renames it.

import { lstatSync, mkdtempSync, realpathSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { SkillwallError } from "../errors.js";

/** Why someone other than root or this user could rename entries in `dir` or above it, or undefined. */
export function tempDirUnsafe(dir: string): string | undefined {
  const me = process.geteuid?.() ?? 0;
  for (let p = dir; ; p = path.dirname(p)) {
    const st = lstatSync(p);
    const sticky = (st.mode & 0o1000) !== 0;
    if (st.uid !== 0 && st.uid !== me) return `${p} is owned by uid ${st.uid}`;
    if ((st.mode & 0o022) !== 0 && !sticky) return `others can write ${p}`;
    if (p === path.dirname(p)) return undefined;
  }
}

/**
 * The temp directory (resolved), after the check above. `use` says what it is for, in the error.
 * Throws SkillwallError "private-tempdir" when the check fails.
 */
export function safeTempDir(use: string): string {
  const tmp = realpathSync(os.tmpdir());
  const why = tempDirUnsafe(tmp);
  if (why !== undefined) {
    throw new SkillwallError(
      "private-tempdir",
      `the temp directory ${tmp} is not safe for ${use}: ${why}, who could swap skillwall's folder there`,
      {
        fix: "run with TMPDIR unset or set to a folder only root (or you) can write, e.g. TMPDIR=/tmp (with sudo: no -E, or sudo TMPDIR=/tmp …)",
      },
    );
  }
  return tmp;
}

/** A new 0700 folder `<prefix>XXXXXX` in the checked temp directory. */
export function privateTempDir(prefix: string, use: string): string {
  return mkdtempSync(path.join(safeTempDir(use), prefix));
}
