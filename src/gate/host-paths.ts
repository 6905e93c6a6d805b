// Symlinked path operands. The policy checks a path by its name (`notes/link` is inside the
// workspace); on the host the program opens whatever the name leads to, and a symlink planted in
// the workspace (a cloned repository, an unpacked archive) can lead to ~/.ssh/id_rsa or the
// gateway's config. So every argument and redirect target of a command the policy did not deny
// is resolved on the host at judge time (src/hostfs/physical-path.ts); when one leads elsewhere,
// the command is judged again with the places it really reaches, and refused if that is worse.
// A hard-linked file (a second name for the same file, maybe ~/.ssh/id_rsa) is judged as if it
// lay outside every granted place. Links below a directory operand are looked for where the
// program follows them (diff) or writes through them (cp into a directory): link-census.ts.
//
// Time of check to time of use: the check runs when the command is judged, the command a moment
// later. A path swapped for a symlink in between is not seen. Only a process already running in
// the workspace can do that (a background session the gate judged, a script a person approved),
// not the model's next call, which is judged after the swap. Sandbox mode confines reads and
// writes by mounts at run time and has no such window (docs/openclaw.md).

import type { JudgedCommand, Redirect, SimpleCommand, Word } from "../model.js";
import type { Policy } from "../policy/types.js";
import { judgeCommand, worstVerdict } from "../policy/evaluate.js";
import { normaliseGlob, normalisePath } from "../policy/paths.js";
import { physicalPath } from "../hostfs/physical-path.js";
import { entryKind, firstLinkBelow, isHardLinked } from "../hostfs/link-census.js";
import type { Judgement } from "./judge.js";

/** Where a hard-linked file is judged to be: no policy grants it short of granting everything. */
const hardLinkPlace = "/hard-link-to-an-unknown-place";
/** `>&2`, `<&0`, `>&-`: a descriptor, not a file. */
const fdTarget = /^(?:\d+-?|-)$/;
const noFile = new Set<Redirect["op"]>(["<<", "<<-", "<<<"]);

/**
 * The judgement `j` (for the policy `view`), or a worse one when a path operand leads through a
 * symlink somewhere the policy does not grant. `viewIn(dir)` is the policy with workdir `dir`.
 */
export function hostPathCheck(j: Judgement, view: Policy, viewIn: (dir: string) => Policy): Judgement {
  const workdir = normaliseGlob(view.workdir, view.home, view.home);
  // HOME or the workdir reached through a symlink themselves: looked up only when some operand
  // leads elsewhere (every lookup is a system call).
  let roots: Array<[string, string]> | undefined;
  const rootsNow = (): Array<[string, string]> => (roots ??= rootsOf([view.home, workdir]));
  const byStage = new Map<string, string>();
  for (const c of j.judged.commands)
    byStage.set(`${c.command.pipeline.id}:${c.command.pipeline.index}`, c.rule);
  // Where each working directory really is, once per call: relative operands start there, as
  // the kernel starts them at the process's (physical) cwd.
  const physicalDirs = new Map<string, string>();
  const physicalDir = (dir: string): string => {
    let real = physicalDirs.get(dir);
    if (real === undefined) {
      real = physicalPath(dir);
      physicalDirs.set(dir, real);
    }
    return real;
  };
  for (const c of j.judged.commands) {
    const cwd = c.cwd ?? workdir;
    const hidden = c.verdict === "deny" ? undefined : hiddenLink(c.command, physicalDir(cwd));
    if (hidden) {
      const out: Judgement = {
        ...j,
        verdict: "deny",
        rule: hidden.rule,
        reason: hidden.reason,
        fix: hidden.fix,
      };
      delete out.canonical;
      return Object.freeze(out);
    }
    const moved = leadsElsewhere(c, cwd, physicalDir(cwd), rootsNow);
    if (!moved) continue;
    const cmd = c.command;
    const previousRule =
      cmd.pipeline.index > 0 ? byStage.get(`${cmd.pipeline.id}:${cmd.pipeline.index - 1}`) : undefined;
    const again = judgeCommand(
      moved.command,
      c.cwd === undefined ? view : viewIn(c.cwd),
      previousRule === undefined ? {} : { previousRule },
    );
    const verdict = worstVerdict(c.verdict, again.verdict);
    if (verdict === c.verdict || verdict === "allow") continue;
    const out: Judgement = {
      ...j,
      verdict: worstVerdict(j.verdict, verdict),
      rule: moved.hardLinks ? "hardlink" : "symlink",
      reason: `${moved.notes.join("; ")}; there: ${again.reason}`,
      fix: moved.hardLinks
        ? "copy the file's content to a new file first (cp makes an independent copy), or remove the extra name"
        : "name the file where it really is (inside the workspace), or remove the symlink",
    };
    if (out.verdict === "deny") delete out.canonical;
    return Object.freeze(out);
  }
  return j;
}

/** [physical, as named] for each root that is itself reached through a symlink (HOME → /data/home). */
function rootsOf(dirs: string[]): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  for (const dir of dirs) {
    const real = physicalPath(dir);
    if (real !== dir) out.push([real, dir]);
  }
  return out.sort((a, b) => b[0].length - a[0].length);
}

/** A physical path written under the name its root goes by, so the policy's globs still apply. */
function asNamed(real: string, roots: Array<[string, string]>): string {
  for (const [phys, named] of roots) {
    if (real === phys) return named;
    if (real.startsWith(`${phys}/`)) return named + real.slice(phys.length);
  }
  return real;
}

/** The command with every operand that leads elsewhere replaced by where it leads, or undefined. */
function leadsElsewhere(
  c: JudgedCommand,
  cwd: string,
  realCwd: string,
  roots: () => Array<[string, string]>,
): { command: SimpleCommand; notes: string[]; hardLinks: boolean } | undefined {
  const notes: string[] = [];
  let hardLinks = false;
  const swap = (w: Word, what: string): Word => {
    const v = w.value;
    // The whole word, the value of an --option=PATH and of an attached -XPATH (git -Crepo).
    const forms: Array<[string, string]> = [["", v]];
    const eq = v.indexOf("=");
    if (v.startsWith("-") && eq > 0) forms.push([v.slice(0, eq + 1), v.slice(eq + 1)]);
    if (/^-[^-]./.test(v)) forms.push([v.slice(0, 2), v.slice(2)]);
    for (const [prefix, p] of forms) {
      if (p === "") continue;
      const named = normalisePath(p.startsWith("/") ? p : `${cwd}/${p}`);
      const physical = physicalPath(p, realCwd);
      // A hard-linked file is judged as if it were anywhere: the other name may be ~/.ssh/id_rsa.
      if (isHardLinked(physical)) {
        notes.push(`${what} '${v}' is a hard link: the same file may live outside the workspace`);
        hardLinks = true;
        return { ...w, value: prefix + hardLinkPlace + physical };
      }
      if (physical === named) continue;
      const real = asNamed(physical, roots());
      if (real === named) continue;
      notes.push(`${what} '${v}' leads through a symlink to ${real}`);
      return { ...w, value: prefix + real };
    }
    return w;
  };
  const cmd = c.command;
  const argv = cmd.argv.map((w, i) => (i === 0 ? w : swap(w, `argument ${i}`)));
  const redirects = cmd.redirects.map((r) =>
    r.target === undefined ||
    noFile.has(r.op) ||
    ((r.op === ">&" || r.op === "<&") && fdTarget.test(r.target.value))
      ? r
      : { ...r, target: swap(r.target, `redirect ${r.op}`) },
  );
  return notes.length === 0 ? undefined : { command: { ...cmd, argv, redirects }, notes, hardLinks };
}

/** Programs that follow symlinks they find below a directory operand (GNU diff, even without -r). */
const followsLinksBelow = new Set(["diff"]);
/** Programs that write each source into DEST/<name> when DEST is an existing directory. */
const copiesInto = new Set(["cp"]);

interface Hidden {
  rule: "hardlink" | "symlink";
  reason: string;
  fix: string;
}

/**
 * A link the operand's name does not show: a hard-linked file (the same file may live outside
 * the workspace: reading or appending to it reaches that file), a link below a directory a
 * link-following program reads, or DEST/<name> of a copy into an existing directory (cp writes
 * through a symlink or into a hard-linked file found there).
 */
function hiddenLink(cmd: SimpleCommand, realCwd: string): Hidden | undefined {
  const at = (p: string): string => physicalPath(p, realCwd);
  const hard = (what: string, p: string): Hidden => ({
    rule: "hardlink",
    reason: `${what} is a hard link: the same file may live outside the workspace`,
    fix: `copy the file's content to a new file first (cp makes an independent copy), or remove ${p}`,
  });
  const program = (cmd.argv[0]?.value ?? "").split("/").pop() ?? "";
  const operands = positionals(cmd.argv.slice(1).map((w) => w.value));
  const below = (what: string, dir: string, symlinks = true): Hidden | undefined => {
    const link = firstLinkBelow(dir, { symlinks });
    if (link === undefined) return undefined;
    return {
      rule: link.kind,
      reason: `${what} holds ${link.path}, a ${link.kind === "symlink" ? "symbolic" : "hard"} link (${program} follows it, and it may lead outside the workspace)`,
      fix: "name the files themselves, or remove the link",
    };
  };
  if (followsLinksBelow.has(program)) {
    for (const o of operands) {
      const real = at(o);
      if (entryKind(real)?.kind !== "dir") continue;
      const found = below(`directory '${o}'`, real);
      if (found) return found;
    }
  }
  if (copiesInto.has(program) && operands.length >= 2) {
    const recursive = cmd.argv.some((w) => w.value === "--recursive" || /^-[a-zA-Z]*[rR]/.test(w.value));
    // A recursive copy reads every file of its source trees (symlinks are copied as links): a
    // hard-linked secret there lands, as a plain file, in the workspace.
    for (const src of recursive ? operands.slice(0, -1) : []) {
      const real = at(src);
      if (entryKind(real)?.kind !== "dir") continue;
      const found = below(`directory '${src}'`, real, false);
      if (found) return found;
    }
    const dest = at(operands[operands.length - 1] as string);
    if (entryKind(dest)?.kind !== "dir") return undefined;
    for (const src of operands.slice(0, -1)) {
      const name = src.replace(/\/+$/, "").split("/").pop() ?? "";
      const target = name === "." || name === ".." || name === "" ? dest : `${dest}/${name}`;
      const e = entryKind(target);
      if (e?.kind === "symlink") {
        return {
          rule: "symlink",
          reason: `${program} would write '${src}' through ${target}, a symbolic link that may lead outside the workspace`,
          fix: "remove the link first, or copy to a file name that does not exist yet",
        };
      }
      if (e?.kind === "file" && e.nlink > 1) return hard(`the copy's destination ${target}`, target);
      if (recursive && e?.kind === "dir") {
        const found = below(`the copy's destination '${target}'`, target);
        if (found) return found;
      }
    }
  }
  return undefined;
}

/** Arguments that are not options (all of them after `--`). */
function positionals(args: string[]): string[] {
  const out: string[] = [];
  let ended = false;
  for (const a of args) {
    if (!ended && a === "--") ended = true;
    else if (ended || !a.startsWith("-") || a === "-") out.push(a);
  }
  return out;
}
