// The models the operator chose in OpenClaw's config. A sub-agent (sessions_spawn `model`) or an
// automation's agent turn (`model`, `fallbacks`) may run on one of them only: OpenClaw 2026.9.6
// otherwise runs the turn on any model of a provider it can reach (one it detected from an API key
// in the gateway's environment included), and the turn's text, with whatever secret the agent
// read, goes to that provider (rt13gate F4). OpenClaw's own allowlist (agents.defaults.models)
// also counts: each of its keys and aliases is a model the operator chose.

/** A model reference as compared here: trimmed, lower case. */
const refOf = (v) => (typeof v === "string" && v.trim() !== "" ? v.trim().toLowerCase() : undefined);

/** The refs of a model setting: a string, or { primary, fallbacks }. */
function modelSetting(v) {
  if (typeof v === "string") return [v];
  if (typeof v !== "object" || v === null) return [];
  const fallbacks = Array.isArray(v.fallbacks) ? v.fallbacks : [];
  return [v.primary, ...fallbacks];
}

/** Every model the operator names for agents: defaults, each agent's, sub-agents', heartbeats', the allowlist. */
export function operatorModels(cfg) {
  const out = new Set();
  const agents = [cfg?.agents?.defaults, ...(Array.isArray(cfg?.agents?.list) ? cfg.agents.list : [])];
  for (const a of agents) {
    if (typeof a !== "object" || a === null) continue;
    for (const v of [a.model, a.subagents?.model, a.heartbeat?.model])
      for (const r of modelSetting(v)) if (refOf(r)) out.add(refOf(r));
    const listed = a.models;
    if (typeof listed === "object" && listed !== null && !Array.isArray(listed))
      for (const [ref, entry] of Object.entries(listed)) {
        if (refOf(ref)) out.add(refOf(ref));
        if (refOf(entry?.alias)) out.add(refOf(entry.alias));
      }
  }
  return out;
}

/**
 * Why `value`, given as `key` (a model or a list of fallbacks), names a model the operator did
 * not choose; undefined when every model it names is one of `models` (null and an empty list
 * name none: the configured default runs).
 */
export function unchosenModel(key, value, models) {
  if (value === undefined || value === null) return undefined;
  const list = Array.isArray(value) ? value : [value];
  for (const m of list) {
    const ref = refOf(m);
    if (ref === undefined || !models.has(ref))
      return {
        reason: `${key} ${JSON.stringify(m)} is not a model the operator configured for agents (agents.defaults.model, subagents.model, agents.defaults.models): the turn, and whatever the agent read, would go to a provider the operator did not choose`,
        fix: `omit ${key} (the configured model runs); the operator lists a model in agents.defaults.models to allow it`,
      };
  }
  return undefined;
}
