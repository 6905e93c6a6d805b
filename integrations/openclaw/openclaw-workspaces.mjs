// Where OpenClaw puts an agent's workspace and its own state, computed as the pinned OpenClaw
// (2026.9.6) does: resolveAgentWorkspaceDir (agent-scope-config), resolveDefaultAgentWorkspaceDir
// (workspace-default), resolveStateDir (paths) and resolveUserPath/resolveEffectiveHomeDir
// (home-dir). The gate prefers OpenClaw's own resolver when the plugin API gives it; this port is
// the fallback, and the start-up refusal takes the union of both, so a difference refuses more.

import os from "node:os";
import path from "node:path";

const usable = (v) => {
  const t = typeof v === "string" ? v.trim() : "";
  return t !== "" && t !== "undefined" && t !== "null" ? t : undefined;
};

/** OpenClaw's home: OPENCLAW_HOME (itself `~`-expanded against HOME), else HOME. */
export function openclawHome(env) {
  const osHome = usable(env.HOME) ?? usable(env.USERPROFILE) ?? os.homedir();
  const explicit = usable(env.OPENCLAW_HOME);
  if (explicit === undefined) return path.resolve(osHome);
  return path.resolve(explicit.replace(/^~(?=$|[\\/])/, () => osHome));
}

/** A path from OpenClaw's config or env: trimmed, a leading `~` (bare too) is OpenClaw's home. */
export function userPath(input, env) {
  const t = typeof input === "string" ? input.trim() : "";
  if (t === "") return undefined;
  return path.resolve(t.replace(/^~(?=$|[\\/])/, () => openclawHome(env)));
}

/** OpenClaw's state folder: OPENCLAW_STATE_DIR, else `<OpenClaw home>/.openclaw`. */
export function openclawStateDir(env) {
  return userPath(env.OPENCLAW_STATE_DIR, env) ?? path.join(openclawHome(env), ".openclaw");
}

/** The folder of a non-default profile (`~/.openclaw-<name>`), else undefined. */
function profileStateDir(env) {
  const profile = usable(env.OPENCLAW_PROFILE);
  if (profile === undefined || profile.toLowerCase() === "default") return undefined;
  if (!/^[a-z0-9][a-z0-9_-]{0,63}$/i.test(profile)) return undefined;
  return path.join(openclawHome(env), `.openclaw-${profile}`);
}

/** The default agent's workspace when none is configured (resolveDefaultAgentWorkspaceDir). */
export function defaultWorkspace(env) {
  const explicit = usable(env.OPENCLAW_WORKSPACE_DIR);
  if (explicit !== undefined) return path.resolve(explicit);
  if (usable(env.OPENCLAW_STATE_DIR) !== undefined) return path.join(openclawStateDir(env), "workspace");
  const profile = profileStateDir(env);
  return profile !== undefined
    ? path.join(profile, "workspace")
    : path.join(openclawHome(env), ".openclaw", "workspace");
}

/** An agent id as OpenClaw compares it (normalizeAgentId): trimmed, lower case, "main" if empty. */
export function agentIdOf(value) {
  const id = (typeof value === "string" ? value : "")
    .trim()
    .toLowerCase()
    .replace(/[^a-z0-9_-]+/g, "-")
    .replace(/^-+/, "")
    .replace(/-+$/, "")
    .slice(0, 64);
  return id === "" ? "main" : id;
}

function agentList(cfg) {
  const list = cfg?.agents?.list;
  return Array.isArray(list) ? list.filter((a) => a !== null && typeof a === "object") : [];
}

/** The agent that owns the default workspace: the one marked default, else the first, else main. */
export function defaultAgentId(cfg) {
  const list = agentList(cfg);
  const marked = list.find((a) => a.default === true) ?? list[0];
  return agentIdOf(marked?.id);
}

/** The workspace OpenClaw gives agent `id` (resolveAgentWorkspaceDir). */
export function agentWorkspace(cfg, id, env) {
  const want = agentIdOf(id);
  const own = userPath(agentList(cfg).find((a) => agentIdOf(a.id) === want)?.workspace, env);
  if (own !== undefined) return own;
  const fallback = userPath(cfg?.agents?.defaults?.workspace, env);
  if (want === defaultAgentId(cfg)) return fallback ?? defaultWorkspace(env);
  if (fallback !== undefined) return path.join(fallback, want);
  return path.join(openclawStateDir(env), `workspace-${want}`);
}

/**
 * Every folder OpenClaw may make an agent's workspace under this config and env: each listed
 * agent's and the default one's, by the rules above and by their alternatives (the default
 * folder, `<defaults>/<id>`, `$STATE/workspace-<id>`, a profile's), whichever agent owns the
 * default. A superset: the start-up refusal errs on refusing.
 */
export function possibleWorkspaces(cfg, env) {
  const ids = new Set(["main", defaultAgentId(cfg), ...agentList(cfg).map((a) => agentIdOf(a.id))]);
  const out = new Set([defaultWorkspace(env), path.join(openclawStateDir(env), "workspace")]);
  const profile = profileStateDir(env);
  if (profile !== undefined) out.add(path.join(profile, "workspace"));
  const fallback = userPath(cfg?.agents?.defaults?.workspace, env);
  if (fallback !== undefined) out.add(fallback);
  for (const a of agentList(cfg)) {
    const own = userPath(a.workspace, env);
    if (own !== undefined) out.add(own);
  }
  for (const id of ids) {
    out.add(agentWorkspace(cfg, id, env));
    if (fallback !== undefined) out.add(path.join(fallback, id));
    out.add(path.join(openclawStateDir(env), `workspace-${id}`));
    if (profile !== undefined) out.add(path.join(profile, `workspace-${id}`));
  }
  return [...out];
}
