// The names an archive extraction writes. `tar -xzf a.tgz` or `unzip a.zip` writes every member
// of the archive below its destination: a member skills/pwn/SKILL.md plants a skill every later
// session loads, AGENTS.md a start-up file. The policy judged the archive and the destination
// (src/policy/extract-targets.ts); here, at each call, the archive is read on the host (never
// through a symlink, never a FIFO or device) and every member is judged where it lands, with the
// destination's spec and the protected globs. Link, device and FIFO members, absolute names,
// `..` and control characters are refused outright. Host mode only: a sandbox confines
// extraction by its mounts.

import type { Policy } from "../policy/types.js";
import type { Judgement } from "./judge.js";
import type { ExtractTargets } from "../policy/extract-targets.js";
import { landingMiss } from "../policy/copy-targets.js";
import { blockedPathHit } from "../policy/evaluate.js";
import { normaliseGlob } from "../policy/paths.js";
import { physicalPath } from "../hostfs/physical-path.js";
import { readArchiveFile } from "../hostfs/archive-file.js";
import { limits } from "../limits.js";
import { describeError } from "../errors.js";
import { tarMembers, zipMembers, type ArchiveMember } from "./archive-members.js";

const listFix =
  "extract the archive in the sandbox (`skillwall run`), or list it first (tar -tzf / unzip -l) and extract only the members you need";

/** Why a member may not be extracted at all, whatever its destination; undefined when it may. */
function memberRefusal(m: ArchiveMember, format: ExtractTargets["format"]): string | undefined {
  if (m.kind !== "file" && m.kind !== "dir") return `it is a ${m.kind} member`;
  if (/[\u0000-\u001f\u007f]/.test(m.name)) return "its name holds control characters";
  if (m.name.startsWith("/")) return "its name is absolute";
  if (m.name.split("/").includes("..")) return "its name has a '..' component";
  // unzip turns a DOS archive's backslashes into folders.
  if (format === "zip" && m.name.includes("\\")) return "its name holds a backslash";
  return undefined;
}

/** The name tar writes for `name` after --strip-components, or undefined when it is skipped. */
function stripped(name: string, strip: number): string | undefined {
  if (strip === 0) return name;
  const parts = name.split("/").filter((p) => p !== "" && p !== ".");
  return parts.length > strip ? parts.slice(strip).join("/") : undefined;
}

/**
 * The judgement `j`, or a denial when an extraction it allows writes a member (from the archive
 * on the host) that the destination's spec or the protected globs refuse, or when the archive
 * cannot be listed.
 */
export function extractedMembersCheck(
  j: Judgement,
  view: Policy,
  viewIn: (dir: string) => Policy,
): Judgement {
  const workdir = normaliseGlob(view.workdir, view.home, view.home);
  for (const c of j.judged.commands) {
    const x = c.extracts;
    if (c.verdict === "deny" || x === undefined) continue;
    const policy = c.cwd === undefined ? view : viewIn(c.cwd);
    const program = c.command.argv[0]?.value ?? "";
    const deny = (reason: string, fix: string): Judgement => {
      const out: Judgement = { ...j, verdict: "deny", rule: "extract-members", reason, fix };
      delete out.canonical;
      return Object.freeze(out);
    };
    const archive = x.archive;
    let members: ArchiveMember[];
    try {
      if (archive === undefined || archive === "-") throw new Error("it is read from standard input");
      // GNU tar reads HOST:FILE from another machine (rmt).
      if (x.format === "tar" && /^[^/]*:/.test(archive))
        throw new Error("tar reads HOST:FILE over the network");
      // unzip takes its archive operand as a wildcard pattern (and tries NAME.zip when NAME is missing).
      if (x.format === "zip" && /[*?[\]\\]/.test(archive))
        throw new Error("unzip reads the name as a wildcard");
      if (!Number.isInteger(x.strip) || x.strip < 0) throw new Error("--strip-components is not a count");
      const bytes = readArchiveFile(archive, physicalPath(c.cwd ?? workdir), limits.maxArchiveListBytes);
      members = x.format === "tar" ? tarMembers(bytes) : zipMembers(bytes);
    } catch (err) {
      return deny(
        `${program}: cannot list the archive's members (${archive ?? "no archive named"}: ${describeError(err)})`,
        listFix,
      );
    }
    const dest = x.dest.replace(/\/+$/, "") || "/";
    for (const m of members) {
      const bad = memberRefusal(m, x.format);
      if (bad) return deny(`${program}: archive member '${m.name}' is refused: ${bad}`, listFix);
      const name = stripped(m.name, x.strip);
      if (name === undefined) continue;
      const landing = `${dest === "/" ? "" : dest}/${name.replace(/\/+$/, "")}`;
      const what = `archive member '${m.name}' landing at '${landing}'`;
      const blocked = blockedPathHit(landing, policy);
      if (blocked) {
        return deny(`${program}: ${what} names ${blocked.path}, a blocked path (${blocked.glob})`, listFix);
      }
      const miss = landingMiss(landing, x.spec, policy, `commands[${c.rule}] destination`, what);
      if (miss) return deny(`${program}: ${miss.reason}`, listFix);
    }
  }
  return j;
}
