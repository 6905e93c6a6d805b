// The names a copy or move writes below its destination. `cp -r stage/. .` writes every name of
// stage's tree into the workspace: stage/skills/p2/SKILL.md becomes skills/p2/SKILL.md, a skill
// every later session loads. The policy judged where each source lands (src/policy/copy-targets.ts);
// here, at each call, the source trees are listed on the host (lstat and readdir, no link
// followed: the tree is whatever the agent or a cloned repository put there) and every name in
// them is judged at each place it may land, with the destination's spec and the protected globs.
//
// A source that does not exist yet (made earlier in the same command) cannot be listed. What
// that command can put in it went through the judge already, and the names protected anywhere
// (AGENTS.md, skills/, .git/ …) cannot be written anywhere; so only the names protected by where
// they sit are left: for each protected glob (and exception of the destination's spec) its last
// name (`~/.bashrc` → .bashrc, `/**/skills/*` → x) is tried directly below each landing place.

import type { Policy } from "../policy/types.js";
import type { Judgement } from "./judge.js";
import { landingMiss } from "../policy/copy-targets.js";
import { blockedPathHit } from "../policy/evaluate.js";
import { normaliseGlob } from "../policy/paths.js";
import { compiledPathMatch, compilePath } from "../policy/glob.js";
import { PROTECTED_WRITE_GLOBS } from "../policy/protected.js";
import { physicalPath } from "../hostfs/physical-path.js";
import { entryKind, namesBelow } from "../hostfs/link-census.js";
import { describeError } from "../errors.js";

/** Globs a name anywhere already matches (`/**\/AGENTS.md`, `/**\/memory/**`): no need to try. */
const protectedAnywhere = /^\/\*\*\/[^*?[\]{}/]+(?:\/\*\*)?$/;

/** A name that stands for the last segment of `glob`: wildcards become `x`. */
function probeName(glob: string): string {
  const last = glob.split("/").pop() ?? "";
  return /[[\]{}]/.test(last) ? "x" : last.replace(/\*\*|\*|\?/g, "x") || "x";
}

function probes(policy: Policy, except: readonly string[]): string[] {
  const globs = [...PROTECTED_WRITE_GLOBS, ...except].map((g) => normaliseGlob(g, policy.home, "/"));
  const anywhere = globs.filter((g) => protectedAnywhere.test(g)).map((g) => compilePath(g));
  const out = new Set<string>();
  for (const g of globs) {
    if (protectedAnywhere.test(g)) continue;
    const name = probeName(g);
    // SOUL.md (also named by ~/.openclaw/workspace/SOUL.md) cannot be written anywhere.
    if (anywhere.some((a) => compiledPathMatch(a, `/skillwall-probe/${name}`))) continue;
    out.add(name);
  }
  return [...out];
}

/**
 * The judgement `j`, or a denial when a copy or move it allows writes a name (from the
 * source's tree on the host) that the destination's spec or the protected globs refuse.
 */
export function copiedTreeCheck(j: Judgement, view: Policy, viewIn: (dir: string) => Policy): Judgement {
  const workdir = normaliseGlob(view.workdir, view.home, view.home);
  for (const c of j.judged.commands) {
    const copies = c.copies;
    if (c.verdict === "deny" || copies === undefined || !copies.trees) continue;
    const policy = c.cwd === undefined ? view : viewIn(c.cwd);
    const cwd = c.cwd ?? workdir;
    const program = c.command.argv[0]?.value ?? "";
    const deny = (reason: string, fix: string): Judgement => {
      const out: Judgement = { ...j, verdict: "deny", rule: "copy-tree", reason, fix };
      delete out.canonical;
      return Object.freeze(out);
    };
    try {
      const realCwd = physicalPath(cwd);
      for (const [i, src] of copies.sources.entries()) {
        const real = physicalPath(src, realCwd);
        const kind = entryKind(real)?.kind;
        if (kind !== undefined && kind !== "dir") continue; // a file: its landing name was judged
        const names =
          kind === "dir"
            ? namesBelow(real)
            : probes(policy, copies.spec?.type === "path" ? (copies.spec.except ?? []) : []);
        for (const root of copies.roots[i] ?? []) {
          for (const name of names) {
            const landing = `${root.replace(/\/+$/, "")}/${name}`;
            const what =
              kind === "dir"
                ? `'${src}/${name}' landing at '${landing}'`
                : `'${src}' does not exist yet: a name it may hold, landing at '${landing}',`;
            // A blocked path (.git/hooks/**, which `git commit` runs) is refused whatever the spec.
            // (Real names only: the probes for a source not made yet are protected-file names.)
            const blocked = kind === "dir" ? blockedPathHit(landing, policy) : undefined;
            const miss = blocked
              ? { reason: `${what} names ${blocked.path}, a blocked path (${blocked.glob})` }
              : landingMiss(landing, copies.spec, policy, `commands[${c.rule}] destination`, what);
            if (miss)
              return deny(
                `${program}: ${miss.reason}`,
                kind === "dir"
                  ? `${program} writes every name of the source's tree: remove that name from the source first, or copy the files you need one by one`
                  : "create the source in an earlier command, so the gate can see what it holds",
              );
          }
        }
      }
    } catch (err) {
      return deny(
        `${program}: the copied tree cannot be checked: ${describeError(err)}`,
        "copy or move a smaller directory, or the files themselves",
      );
    }
  }
  return j;
}
