// The only host directory a step sees: the skill's own directory under the agent home,
// bind-mounted writable at the same place under /home/agent. Before mounting, the tree is
// checked: it must really be inside the agent home (no symlinked components), hold no symlink
// pointing outside it, no device node, no setuid/setgid file, no hard-linked file, and nothing a
// blocked path of the policy names. Anything else in /home/agent is a tmpfs that vanishes.

import { lstat, lchown, mkdir, readdir, readlink, realpath } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { InputError } from "../errors.js";
import { normaliseGlob, normalisePath, firstMatchingGlob } from "../policy/paths.js";

export const containerHome = "/home/agent";

/** Most entries walked in one workspace before it is refused as too large to check. */
export const maxWorkspaceEntries = 20_000;

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
  containerDir: string;
  agentHome: string;
}

function refuse(message: string, fix: string): never {
  throw new InputError("workspace-refused", message, { fix });
}

function isInside(child: string, parent: string): boolean {
  const rel = path.relative(parent, child);
  return rel === "" || (!rel.startsWith("..") && !path.isAbsolute(rel));
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
  await mkdir(opts.agentHome, { recursive: true, mode: 0o755 });
  const home = await realpath(opts.agentHome);
  // Walk down component by component so no symlink on the way can redirect the mount.
  let hostDir = home;
  for (const seg of rel.split("/")) {
    hostDir = path.join(hostDir, seg);
    await mkdir(hostDir, { mode: 0o755 }).catch((err: NodeJS.ErrnoException) => {
      if (err.code !== "EEXIST") throw err;
    });
    const st = await lstat(hostDir);
    if (st.isSymbolicLink() || !st.isDirectory()) {
      refuse(`${hostDir} is not a plain directory (symlink or file)`, `remove ${hostDir} and run again`);
    }
    if (opts.owner && st.uid !== opts.owner.uid) await lchown(hostDir, opts.owner.uid, opts.owner.gid);
  }
  if (!isInside(hostDir, home)) refuse(`${hostDir} is outside the agent home ${home}`, "check --agent-home");

  const containerDir = normalisePath(`${containerHome}/${rel}`);
  const blocked = (opts.blockedPaths ?? []).map((g) => normaliseGlob(g, containerHome, containerDir));
  const blockedHit = firstMatchingGlob(containerDir, blocked);
  if (blockedHit !== undefined) {
    refuse(
      `the workspace ${containerDir} is a blocked path (${blockedHit})`,
      "blocked paths are never mounted; choose another skill directory",
    );
  }
  await checkTree(hostDir, containerDir, blocked, opts.owner);
  return { hostDir, containerDir, agentHome: home };
}

/**
 * `wrap`: the whole agent home is mounted at /home/agent, after the same checks as a skill
 * workspace (no symlink out, no device, no setuid, no hard link, nothing a blocked path names).
 */
export async function prepareAgentHome(opts: Omit<WorkspaceOptions, "relDir">): Promise<Workspace> {
  await mkdir(opts.agentHome, { recursive: true, mode: 0o755 });
  const home = await realpath(opts.agentHome);
  if (opts.owner) {
    const st = await lstat(home);
    if (st.uid !== opts.owner.uid) await lchown(home, opts.owner.uid, opts.owner.gid);
  }
  const blocked = (opts.blockedPaths ?? []).map((g) => normaliseGlob(g, containerHome, containerHome));
  await checkTree(home, containerHome, blocked, opts.owner);
  return { hostDir: home, containerDir: containerHome, agentHome: home };
}

async function checkTree(
  root: string,
  containerRoot: string,
  blocked: string[],
  owner: { uid: number; gid: number } | undefined,
): Promise<void> {
  let seen = 0;
  const queue = [root];
  while (queue.length > 0) {
    const dir = queue.pop() as string;
    for (const name of await readdir(dir)) {
      if (++seen > maxWorkspaceEntries) {
        refuse(
          `the workspace ${root} has more than ${maxWorkspaceEntries} entries`,
          "clean the skill directory",
        );
      }
      const full = path.join(dir, name);
      const containerPath = normalisePath(
        `${containerRoot}/${path.relative(root, full).split(path.sep).join("/")}`,
      );
      const st = await lstat(full);
      const hit = firstMatchingGlob(containerPath, blocked);
      if (hit !== undefined) {
        refuse(
          `${full} is a blocked path (${hit}) inside the workspace`,
          `move ${full} out of the skill directory`,
        );
      }
      if (st.isSymbolicLink()) {
        const target = await readlink(full);
        const resolved = path.resolve(path.dirname(full), target);
        if (!isInside(resolved, root)) {
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
      if (owner && st.uid !== owner.uid) await lchown(full, owner.uid, owner.gid);
      if (st.isDirectory()) queue.push(full);
    }
  }
}

export interface FileStamp {
  size: number;
  mtimeMs: number;
  ino: number;
}

/** Regular files under root (relative "/" paths) with what changes when they are written. */
export async function snapshotFiles(root: string): Promise<Map<string, FileStamp>> {
  const out = new Map<string, FileStamp>();
  const queue = [root];
  while (queue.length > 0 && out.size < maxWorkspaceEntries) {
    const dir = queue.pop() as string;
    let names: string[];
    try {
      names = await readdir(dir);
    } catch {
      continue;
    }
    for (const name of names) {
      const full = path.join(dir, name);
      const st = await lstat(full).catch(() => undefined);
      if (!st) continue;
      if (st.isDirectory()) {
        if (name !== ".git") queue.push(full);
      } else if (st.isFile()) {
        out.set(path.relative(root, full).split(path.sep).join("/"), {
          size: st.size,
          mtimeMs: st.mtimeMs,
          ino: st.ino,
        });
      }
    }
  }
  return out;
}

/** Markdown files (SKILL.md, HEARTBEAT.md, *.md) that are new or changed since `before`. */
export function changedSkillFiles(before: Map<string, FileStamp>, after: Map<string, FileStamp>): string[] {
  const out: string[] = [];
  for (const [rel, st] of after) {
    if (!rel.toLowerCase().endsWith(".md")) continue;
    const old = before.get(rel);
    if (!old || old.size !== st.size || old.mtimeMs !== st.mtimeMs || old.ino !== st.ino) out.push(rel);
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
