// Where skillwall keeps its files inside an agent home. One place, so tools agree.

import path from "node:path";

export interface AgentHomePaths {
  home: string;
  /** Pins of every installed skill (committed by the user if they like). */
  lockfile: string;
  /** skillwall's private directory. */
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
  const dir = path.join(abs, ".skillwall");
  return {
    home: abs,
    lockfile: path.join(abs, "skillwall.lock.json"),
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

/** Skill names become directory names: keep them boring. */
export const skillNamePattern = /^[a-z0-9][a-z0-9._-]{0,63}$/;
