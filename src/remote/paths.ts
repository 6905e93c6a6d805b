// Where skillwall keeps the trust state of an agent home (lockfile, blobs, heartbeat state,
// locks). One place, so tools agree. Never inside the home: a step or a wrapped agent can write
// the home, and whoever writes the lockfile approves. The state lives in a directory of its own,
// keyed by the home's absolute path: as root under /var/lib/skillwall/homes/, otherwise under the
// user's XDG state directory ($XDG_STATE_HOME or ~/.local/state)/skillwall/homes/; --state-dir
// (useStateDir) or $SKILLWALL_STATE_ROOT choose another place. state-dir.ts checks it before use.

import { createHash } from "node:crypto";
import os from "node:os";
import path from "node:path";

/** Where the state directories of all homes live (see the header). */
export function stateRoot(env: NodeJS.ProcessEnv = process.env): string {
  if (env.SKILLWALL_STATE_ROOT && path.isAbsolute(env.SKILLWALL_STATE_ROOT)) return env.SKILLWALL_STATE_ROOT;
  if (process.getuid?.() === 0) return "/var/lib/skillwall";
  const base =
    env.XDG_STATE_HOME && path.isAbsolute(env.XDG_STATE_HOME)
      ? env.XDG_STATE_HOME
      : path.join(os.homedir(), ".local", "state");
  return path.join(base, "skillwall");
}

const chosen = new Map<string, string>();

/** --state-dir: the state of `home` lives in `dir` (for the rest of this process). */
export function useStateDir(home: string, dir: string): void {
  chosen.set(path.resolve(home), path.resolve(dir));
}

/** The state directory of a home: the one chosen, else <stateRoot>/homes/<name>-<hash of path>. */
export function stateDirFor(home: string): string {
  const abs = path.resolve(home);
  const given = chosen.get(abs);
  if (given !== undefined) return given;
  const slug =
    path
      .basename(abs)
      .replace(/[^A-Za-z0-9._-]+/g, "-")
      .slice(0, 40) || "root";
  const key = createHash("sha256").update(abs).digest("hex").slice(0, 16);
  return path.join(stateRoot(), "homes", `${slug}-${key}`);
}

/** Where older versions kept the state, inside the home (migrated out by state-dir.ts). */
export function legacyStatePaths(home: string): { lockfile: string; dir: string } {
  const abs = path.resolve(home);
  return { lockfile: path.join(abs, "skillwall.lock.json"), dir: path.join(abs, ".skillwall") };
}

export interface AgentHomePaths {
  home: string;
  /** Pins of every installed skill (committed by the user if they like). */
  lockfile: string;
  /** skillwall's private state directory for this home (outside it). */
  dir: string;
  /** Heartbeat state (last check, pending reviews, backoff, next run). */
  state: string;
  /** One heartbeat process per agent home. */
  processLock: string;
  /** Short-lived lock around read-modify-write of state and lockfile. */
  mutationLock: string;
  /** Content-addressed copies of pinned and held files: blobs/<sha256>. */
  blobs: string;
}

export function agentHomePaths(home: string): AgentHomePaths {
  const abs = path.resolve(home);
  const dir = stateDirFor(abs);
  return {
    home: abs,
    lockfile: path.join(dir, "skillwall.lock.json"),
    dir,
    state: path.join(dir, "heartbeat.json"),
    processLock: path.join(dir, "heartbeat.pid"),
    mutationLock: path.join(dir, "mutation.lock"),
    blobs: path.join(dir, "blobs"),
  };
}

/** Relative to the agent home: where OpenClaw-style agents keep a skill (the runner mounts it). */
export function skillWorkspaceRel(skill: string): string {
  return path.posix.join(".moltbot", "skills", skill);
}

/** The skill's workspace: approved files are written here and step containers see it. */
export function skillWorkspace(home: string, skill: string): string {
  return path.join(path.resolve(home), ...skillWorkspaceRel(skill).split("/"));
}

/** The folder holding every skill skillwall installed in an agent home (their approved copies). */
export function installedSkillsDir(home: string): string {
  return path.dirname(skillWorkspace(home, "x"));
}

/** Skill names become directory names: keep them boring. */
export const skillNamePattern = /^[a-z0-9][a-z0-9._-]{0,63}$/;
