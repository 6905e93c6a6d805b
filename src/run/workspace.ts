// The only host directory a step sees: the skill's own directory under the agent home,
// bind-mounted writable at the same place under /home/agent. Before mounting, the tree is
// checked: it must really be inside the agent home (no symlinked components), hold no symlink
// pointing outside it, no device node, no setuid/setgid file, no hard-linked file, and nothing a
// blocked path of the policy names. Anything else in /home/agent is a tmpfs that vanishes.

import os from "node:os";
import path from "node:path";
import { auditDirOverlapping, openAuditDirAt } from "../audit/open-files.js";
import { InputError } from "../errors.js";
import { HostDir, HostFsError, kindOf, withHostDir } from "../hostfs/host-dir.js";
import { walkTree } from "../hostfs/walk.js";
import { hostfsLimits } from "../limits.js";
import { normaliseGlob, normalisePath, firstMatchingGlob } from "../policy/paths.js";

export const containerHome = "/home/agent";

/** Most entries walked in one workspace before it is refused as too large to check. */
export const maxWorkspaceEntries = hostfsLimits.maxTreeEntries;

export function defaultAgentHome(env: NodeJS.ProcessEnv = process.env): string {
  const data =
    env.XDG_DATA_HOME && path.isAbsolute(env.XDG_DATA_HOME)
      ? env.XDG_DATA_HOME
      : path.join(os.homedir(), ".local", "share");
  return path.join(data, "skillwall", "agent-home");
}

/** A skill name usable as one path segment: letters, digits, ".", "_", "-"; no "." or "..". */
export function safeSkillName(name: string): string {
  const cleaned = name
    .trim()
    .toLowerCase()
    .replace(/[^a-z0-9._-]+/g, "-")
    .replace(/^[.-]+|-+$/g, "")
    .slice(0, 64);
  if (cleaned === "" || cleaned === "." || cleaned === "..") {
    throw new InputError(
      "skill-name",
      `cannot derive a directory name from skill name ${JSON.stringify(name)}`,
      {
        fix: "give the skill a name in its frontmatter (name: my-skill)",
      },
    );
  }
  return cleaned;
}

/** ".moltbot/skills/<name>": where OpenClaw-style agents keep a skill, relative to home. */
export function skillWorkspaceRel(name: string): string {
  return path.posix.join(".moltbot", "skills", safeSkillName(name));
}

export interface WorkspaceOptions {
  agentHome: string;
  /** Relative to the home, "/"-separated, e.g. ".moltbot/skills/moltbook". */
  relDir: string;
  /** The policy's blocked path globs (with "~" meaning the container home). */
  blockedPaths?: readonly string[];
  /** When set (supervisor runs as root), entries are lchown'ed to the container user. */
  owner?: { uid: number; gid: number };
}

export interface Workspace {
  hostDir: string;
  /** hostDir relative to agentHome ("/"-separated; "" for the home itself). */
  relDir?: string;
  containerDir: string;
  agentHome: string;
  /** dev+ino of hostDir as it was checked (a later mount must be this directory). */
  identity?: { dev: number; ino: number };
}

function refuse(message: string, fix: string): never {
  throw new InputError("workspace-refused", message, { fix });
}

/**
 * Refuses a tree that is about to be mounted into a container or chowned to the container user
 * when it holds this process's audit log (or lies inside its directory): the sandbox could
 * rewrite the log, and a hash chain without a key cannot show that.
 */
function refuseAuditInside(tree: HostDir): void {
  const dir = auditDirOverlapping(tree);
  if (dir !== undefined) {
    refuse(
      `the audit log directory ${dir} is inside ${tree.where}, which the sandbox can write: it could rewrite the audit log`,
      "pass --audit-log FILE outside the agent home (or set XDG_DATA_HOME), or choose another --agent-home",
    );
  }
}

function isInside(child: string, parent: string): boolean {
  const rel = path.relative(parent, child);
  // "..name" is a folder inside; only ".." itself or "../…" leaves.
  return rel === "" || (rel !== ".." && !rel.startsWith(`..${path.sep}`) && !path.isAbsolute(rel));
}

/** Create (if needed) and check the skill's workspace; returns where it is on both sides. */
export async function prepareWorkspace(opts: WorkspaceOptions): Promise<Workspace> {
  const rel = path.posix.normalize(opts.relDir);
  if (path.posix.isAbsolute(rel) || rel === "." || rel.split("/").includes("..")) {
    refuse(
      `workspace ${JSON.stringify(opts.relDir)} must be a path inside the home`,
      "use a relative path like .moltbot/skills/NAME",
    );
  }
  const containerDir = normalisePath(`${containerHome}/${rel}`);
  const blocked = (opts.blockedPaths ?? []).map((g) => normaliseGlob(g, containerHome, containerDir));
  const blockedHit = firstMatchingGlob(containerDir, blocked);
  if (blockedHit !== undefined) {
    refuse(
      `the workspace ${containerDir} is a blocked path (${blockedHit})`,
      "blocked paths are never mounted; choose another skill directory",
    );
  }
  return withHostDir(path.resolve(opts.agentHome), { create: true, mode: 0o755 }, async (homeDir) => {
    const home = await homeDir.realPath();
    // Walk down component by component through directory descriptors (O_NOFOLLOW each), so
    // no symlink on the way can redirect the mount or the chown.
    // Each component's descriptor is kept: they are chowned only after the whole tree passed
    // the check (a refused workspace must not be left owned by the container user).
    const chain: HostDir[] = [];
    let dir = await homeDir.dup();
    try {
      for (const seg of rel.split("/")) {
        const next = await dir.dir(seg, { create: true, mode: 0o755 }).catch((err: unknown) => {
          if (err instanceof HostFsError) refuse(err.message, err.fix ?? "remove it and run again");
          throw err;
        });
        chain.push(dir);
        dir = next;
        // Everything from the first component down is created, chowned (as root) and mounted.
        if (chain.length === 1) refuseAuditInside(dir);
      }
      const hostDir = await dir.realPath();
      if (!isInside(hostDir, home))
        refuse(`${hostDir} is outside the agent home ${home}`, "check --agent-home");
      if (opts.owner) {
        await checkTree(dir, containerDir, blocked, undefined);
        for (const d of [...chain.slice(1), dir])
          if ((await d.stat()).uid !== opts.owner.uid) await d.chown(opts.owner.uid, opts.owner.gid);
      }
      await checkTree(dir, containerDir, blocked, opts.owner);
      return { hostDir, relDir: rel, containerDir, agentHome: home };
    } finally {
      await dir.close();
      for (const d of chain) await d.close();
    }
  });
}

/**
 * `wrap`: the whole agent home is mounted at /home/agent, after the same checks as a skill
 * workspace (no symlink out, no device, no setuid, no hard link, nothing a blocked path names).
 */
export async function prepareAgentHome(opts: Omit<WorkspaceOptions, "relDir">): Promise<Workspace> {
  const blocked = (opts.blockedPaths ?? []).map((g) => normaliseGlob(g, containerHome, containerHome));
  return withHostDir(path.resolve(opts.agentHome), { create: true, mode: 0o755 }, async (homeDir) => {
    const home = await homeDir.realPath();
    refuseAuditInside(homeDir);
    // Everything is checked before anything is chowned: a refused home (a blocked path in it)
    // must not be left owned by the container user. The second pass checks again as it chowns.
    if (opts.owner) await checkTree(homeDir, containerHome, blocked, undefined);
    if (opts.owner && (await homeDir.stat()).uid !== opts.owner.uid)
      await homeDir.chown(opts.owner.uid, opts.owner.gid);
    await checkTree(homeDir, containerHome, blocked, opts.owner);
    return {
      hostDir: home,
      relDir: "",
      containerDir: containerHome,
      agentHome: home,
      identity: { dev: homeDir.dev, ino: homeDir.ino },
    };
  });
}

/**
 * The pre-mount check (and, as root, the chown to the container user): every entry is looked at
 * and chowned through its parent's descriptor (hostfs), so swapping a directory for a symlink
 * while this runs cannot redirect it outside the tree.
 */
async function checkTree(
  root: HostDir,
  containerRoot: string,
  blocked: string[],
  owner: { uid: number; gid: number } | undefined,
): Promise<void> {
  try {
    await walkTree(root, async ({ dir, name, rel, st }) => {
      const full = path.join(root.where, rel);
      const containerPath = normalisePath(`${containerRoot}/${rel}`);
      const hit = firstMatchingGlob(containerPath, blocked);
      if (hit !== undefined) {
        refuse(
          `${full} is a blocked path (${hit}) inside the workspace`,
          `move ${full} out of the skill directory`,
        );
      }
      // By identity as the walk meets it: the log's folder may have been moved in since any check.
      const auditDir = st.isDirectory() ? openAuditDirAt(st) : undefined;
      if (auditDir !== undefined) {
        refuse(
          `the audit log directory ${auditDir} is inside ${root.where} (at ${full}), which the sandbox can write: it could rewrite the audit log`,
          "pass --audit-log FILE outside the agent home (or set XDG_DATA_HOME), or choose another --agent-home",
        );
      }
      if (st.isSymbolicLink()) {
        const target = await dir.readlink(name);
        const resolved = path.posix.normalize(path.posix.join(path.posix.dirname(rel), target));
        if (path.posix.isAbsolute(target) || resolved === ".." || resolved.startsWith("../")) {
          refuse(
            `symlink ${full} points outside the workspace (${target})`,
            `remove ${full}; a skill's files must stay inside its directory`,
          );
        }
      } else if (st.isBlockDevice() || st.isCharacterDevice()) {
        refuse(`${full} is a device node`, `remove ${full}`);
      } else if (st.isFile() && (st.mode & 0o6000) !== 0) {
        refuse(`${full} is setuid/setgid`, `chmod ug-s ${full}`);
      } else if (st.isFile() && st.nlink > 1) {
        refuse(
          `${full} is hard-linked (${st.nlink} links): it may be a file outside the workspace`,
          `replace ${full} with a copy`,
        );
      }
      if (owner && (st.isFile() || st.isDirectory()) && (st.uid !== owner.uid || st.gid !== owner.gid)) {
        const got = await dir.chownEntry(name, owner.uid, owner.gid);
        if (got !== undefined && "kind" in got && kindOf(st) !== got.kind) {
          refuse(
            `${full} changed while it was checked (now a ${got.kind})`,
            "stop whatever writes the directory and run again",
          );
        }
      }
    });
  } catch (err) {
    if (err instanceof HostFsError) refuse(err.message, err.fix ?? "clean the skill directory");
    throw err;
  }
}

export interface FileStamp {
  size: number;
  mtimeMs: number;
  /** A step can set mtime back (touch -d) after rewriting in place; ctime it cannot. */
  ctimeMs: number;
  ino: number;
}

/** Whether a file was (re)written between two stamps. */
export function stampChanged(old: FileStamp | undefined, now: FileStamp): boolean {
  return (
    !old ||
    old.size !== now.size ||
    old.mtimeMs !== now.mtimeMs ||
    old.ctimeMs !== now.ctimeMs ||
    old.ino !== now.ino
  );
}

/**
 * Regular files under the workspace (relative "/" paths) with what changes when they are written,
 * and anything else named like markdown (a symlink to an unscanned file, a FIFO): the agent
 * loads those by name, so they must reach the rescan, which refuses them.
 * A tree too large (or deep) to walk is refused: the post-run rescan must see every file.
 */
export async function snapshotFiles(ws: {
  agentHome: string;
  relDir?: string | undefined;
}): Promise<Map<string, FileStamp>> {
  const out = new Map<string, FileStamp>();
  await withHostDir(ws.agentHome, {}, async (home) => {
    const dir = await home.dirPath(ws.relDir ?? "");
    try {
      await walkTree(
        dir,
        ({ rel, st }) => {
          const md = !st.isDirectory() && rel.toLowerCase().endsWith(".md");
          if (st.isFile() || md)
            out.set(rel, { size: st.size, mtimeMs: st.mtimeMs, ctimeMs: st.ctimeMs, ino: st.ino });
        },
        { skipDirs: new Set([".git"]) },
      );
    } catch (err) {
      if (err instanceof HostFsError) {
        throw new InputError(
          "workspace-rescan-refused",
          `cannot re-scan what the steps wrote: ${err.message}`,
          {
            fix: err.fix ?? "clean the skill directory",
            cause: err,
          },
        );
      }
      throw err;
    } finally {
      await dir.close();
    }
  });
  return out;
}

/** Markdown files (SKILL.md, HEARTBEAT.md, *.md) that are new or changed since `before`. */
export function changedSkillFiles(before: Map<string, FileStamp>, after: Map<string, FileStamp>): string[] {
  const out: string[] = [];
  for (const [rel, st] of after) {
    if (!rel.toLowerCase().endsWith(".md")) continue;
    if (stampChanged(before.get(rel), st)) out.push(rel);
  }
  return out.sort();
}

/**
 * The workspace, relative to the home: the policy's workdir when it is a directory below the
 * home (relative paths in the skill resolve there, so that is where its files belong), else
 * ".moltbot/skills/<skill>".
 */
export function workspaceRelFor(workdir: string, skillName: string): string {
  const abs = normaliseGlob(workdir || "~", containerHome, containerHome);
  const rel = path.posix.relative(containerHome, abs);
  if (rel !== "" && !rel.startsWith("..") && !rel.includes("*")) return rel;
  return skillWorkspaceRel(skillName);
}
