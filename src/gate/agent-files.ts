// Files an agent's host reads as instructions or runs at start-up: a file tool that writes one
// plants a command (a shell rc file) or standing orders (AGENTS.md, HEARTBEAT.md, SKILL.md) that
// later run with nobody checking them. The gate refuses such writes outright.

import { taskFileNames, taskFolders } from "../policy/task-files.js";

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
  // boot-md runs BOOT.md at gateway start; HOOK.md declares an internal hook OpenClaw loads.
  "boot.md",
  "hook.md",
  "skill.md",
  "openclaw.json",
  "openclaw.json5",
]);

/** Files whose settings name programs that git runs (core.fsmonitor, hooks) on an allowed `git status`. */
const gitConfigNames = new Set([".gitconfig", ".gitmodules"]);

const taskFolderSet = new Set(taskFolders);
const taskFileSet = new Set(taskFileNames);

/** Why writing `file` is refused, or undefined when it is not an agent start-up file. */
export function agentStartupFile(file: string): string | undefined {
  // Lower case: a case-insensitive file system (macOS, Windows) opens .BashRC as .bashrc.
  const segments = file
    .replace(/[/\\]+$/, "")
    .split(/[/\\]/)
    .map((s) => s.toLowerCase());
  const name = segments.at(-1) ?? "";
  if (shellStartup.has(name))
    return `${name} is a shell start-up file: what it says runs in every later shell`;
  if (agentInstructions.has(name))
    return `${name} is read by the agent as instructions or configuration on every turn`;
  const folder = segments.slice(0, -1).find((s) => taskFolderSet.has(s));
  if (folder !== undefined || taskFileSet.has(name))
    return `${file} names commands that run when a person opens the folder or commits (${folder ?? name}: editor tasks, direnv, git hook managers)`;
  if (
    segments.includes(".git") ||
    gitConfigNames.has(name) ||
    /(^|\/)\.config\/git\//.test(segments.join("/"))
  )
    return `${file} is git configuration or a git hook: git runs the programs it names on later git commands`;
  const openclaw = segments.lastIndexOf(".openclaw");
  if (openclaw >= 0) {
    const inside = segments.slice(openclaw + 1);
    if (/\.json5?$/.test(name) && inside[0] !== "workspace") return `${file} is OpenClaw configuration`;
    if (inside[0] === "extensions") return `${file} is in OpenClaw's plugin folder: the gateway runs it`;
    if (inside[0] === "hooks") return `${file} is in OpenClaw's managed hooks folder: the gateway runs it`;
    if (inside[0] === "skills" || inside[0] === "plugin-skills")
      return `${file} is in one of OpenClaw's skills folders: every later session loads it`;
    if (inside.length === 1 && name.endsWith(".md"))
      return `${file} is one of OpenClaw's prompt files (SYSTEM.md, APPEND_SYSTEM.md)`;
  }
  // <workspace>/.agents/skills and ~/.agents/skills: OpenClaw's project and personal agent skills.
  if (segments.includes(".agents")) return `${file} is in an .agents folder OpenClaw loads skills from`;
  // OpenClaw loads ~/.openclaw/.env and the working folder's .env into the gateway's environment.
  if (name === ".env") return `${file} sets the environment of OpenClaw or tools that start from it`;
  return undefined;
}

/**
 * Target paths named in a patch: the apply_patch envelope (`*** Add File: p`, `*** Update
 * File: p`, `*** Delete File: p`, `*** Move to: p`) and unified diff headers (`--- a/p`, `+++ b/p`).
 */
export function patchTargets(patch: string): string[] {
  const out = new Set<string>();
  for (const raw of patch.split(/\r?\n/)) {
    // OpenClaw trims a hunk header before it reads the marker, so an indented header counts;
    // the match here is looser still (spacing, letter case): a superset of what OpenClaw applies.
    const line = raw.trim();
    const envelope =
      /^\*\*\*\s*(?:Add|Update|Delete)\s+File\s*:\s*(.+)$/i.exec(line) ??
      /^\*\*\*\s*Move\s+to\s*:\s*(.+)$/i.exec(line);
    if (envelope?.[1]) out.add(envelope[1].trim());
    const diff = /^(?:\+\+\+|---) (?:[ab]\/)?(.+?)(?:\t.*)?$/.exec(line);
    if (diff?.[1] && diff[1] !== "/dev/null") out.add(diff[1].trim());
  }
  return [...out];
}
