// Files an agent's host reads as instructions or runs at start-up: a file tool that writes one
// plants a command (a shell rc file) or standing orders (AGENTS.md, HEARTBEAT.md, SKILL.md) that
// later run with nobody checking them. The gate refuses such writes outright.

/** Shell start-up files: sourced by interactive and login shells (OpenClaw snapshots one). */
const shellStartup = new Set([
  ".bashrc",
  ".bash_profile",
  ".bash_login",
  ".bash_logout",
  ".bash_aliases",
  ".profile",
  ".zshrc",
  ".zshenv",
  ".zprofile",
  ".zlogin",
  ".kshrc",
  ".mkshrc",
  ".inputrc",
  ".envrc",
]);
/** OpenClaw's workspace files injected into every prompt, its heartbeat, skills and config. */
const agentInstructions = new Set([
  "agents.md",
  "heartbeat.md",
  "soul.md",
  "memory.md",
  "tools.md",
  "user.md",
  "identity.md",
  "bootstrap.md",
  "skill.md",
  "openclaw.json",
  "openclaw.json5",
]);

/** Why writing `file` is refused, or undefined when it is not an agent start-up file. */
export function agentStartupFile(file: string): string | undefined {
  const name =
    file
      .replace(/[/\\]+$/, "")
      .split(/[/\\]/)
      .pop() ?? "";
  if (shellStartup.has(name))
    return `${name} is a shell start-up file: what it says runs in every later shell`;
  if (agentInstructions.has(name.toLowerCase()))
    return `${name} is read by the agent as instructions or configuration on every turn`;
  if (/(^|[/\\])\.openclaw[/\\].*\.json5?$/.test(file)) return `${file} is OpenClaw configuration`;
  return undefined;
}

/**
 * Target paths named in a patch: the apply_patch envelope (`*** Add File: p`, `*** Update
 * File: p`, `*** Delete File: p`, `*** Move to: p`) and unified diff headers (`--- a/p`, `+++ b/p`).
 */
export function patchTargets(patch: string): string[] {
  const out = new Set<string>();
  for (const line of patch.split(/\r?\n/)) {
    const envelope =
      /^\*\*\* (?:Add|Update|Delete) File: (.+)$/.exec(line) ?? /^\*\*\* Move to: (.+)$/.exec(line);
    if (envelope?.[1]) out.add(envelope[1].trim());
    const diff = /^(?:\+\+\+|---) (?:[ab]\/)?(.+?)(?:\t.*)?$/.exec(line);
    if (diff?.[1] && diff[1] !== "/dev/null") out.add(diff[1].trim());
  }
  return [...out];
}
