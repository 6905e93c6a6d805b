// The agent's own files: its instruction and memory files, its configuration, shell start-up
// files and the folders of skills. Writing one changes what every later session does, so a write
// (a path spec with `write: true`, or a redirect to a file) that lands on one is denied even when
// a broad allow glob (`~/.openclaw/workspace/**`) covers it. Only an allow glob that names the
// protected path (its literal part reaches the file, or the one skill folder) lets it through:
// `~/.moltbot/skills/moltbook/**` names that skill's folder, `~/.openclaw/skills/**` names none.
import { compiledPathMatch, compilePath, type CompiledPathGlob } from "./glob.js";
import { normaliseGlob } from "./paths.js";
import { taskFileNames, taskFolders } from "./task-files.js";

/** Globs after `~` expansion; `/**` prefixes match anywhere (any workspace, any home). */
export const PROTECTED_WRITE_GLOBS: readonly string[] = Object.freeze([
  // Injected into every prompt (OpenClaw's workspace bootstrap files), or run: BOOT.md by the
  // boot-md hook at gateway start, HOOK.md declares an internal hook.
  ...["AGENTS", "SOUL", "HEARTBEAT", "MEMORY", "USER", "IDENTITY", "TOOLS", "BOOTSTRAP", "BOOT", "HOOK"].map(
    (name) => `/**/${name}.md`,
  ),
  "/**/memory/**",
  "/**/.openclaw/*.json",
  "/**/.openclaw/*.json5",
  "/**/.openclaw/agents/**",
  "/**/.openclaw/credentials/**",
  "/**/.moltbot/*.json",
  "/**/.moltbot/*.json5",
  "/**/.clawdbot/*",
  // OpenClaw 2026.9.6 loads skills from <workspace>/skills, <workspace>/.agents/skills,
  // ~/.agents/skills, ~/.openclaw/skills, ~/.openclaw/plugin-skills and
  // ~/.openclaw/agents/<id>/agent/workshop-skills. A skills folder itself (moved or copied
  // into place whole) and each skill's folder in it are protected as well as their files.
  "/**/skills",
  "/**/skills/*",
  "/**/skills/*/**",
  "/**/.agents/**",
  "/**/plugin-skills/**",
  "/**/workshop-skills/**",
  // Managed hooks (~/.openclaw/hooks), plugins, the gateway's .env and its prompt files
  // (.openclaw/SYSTEM.md, APPEND_SYSTEM.md in the working folder).
  "/**/.openclaw/hooks/**",
  "/**/.openclaw/extensions/**",
  "/**/.openclaw/.env",
  "/**/.openclaw/*.md",
  "~/.bashrc",
  "~/.bash_profile",
  "~/.bash_login",
  "~/.bash_logout",
  "~/.profile",
  "~/.zshrc",
  "~/.zprofile",
  "~/.zshenv",
  "~/.zlogin",
  "~/.inputrc",
  "~/.config/fish/**",
  // Files that run commands when a person opens the folder or commits (task-files.ts; the
  // OpenClaw file-tool gate refuses the same names through agentStartupFile).
  ...taskFolders.map((d) => `/**/${d}/**`),
  ...taskFileNames.map((n) => `/**/${n}`),
]);

const cache = new Map<string, CompiledPathGlob[]>();
function compiled(home: string): CompiledPathGlob[] {
  let hit = cache.get(home);
  if (!hit) {
    hit = PROTECTED_WRITE_GLOBS.map((g) => compilePath(normaliseGlob(g, home, home)));
    cache.set(home, hit);
  }
  return hit;
}

/** The literal directory part of an absolute glob: its segments before the first wildcard. */
function literalPrefix(glob: string): string {
  const segments = glob.split("/");
  const literal: string[] = [];
  for (const s of segments) {
    if (/[*?[\]{}]/.test(s)) break;
    literal.push(s);
  }
  return literal.join("/") || "/";
}

/**
 * The protected glob a write to `resolved` hits that `allowGlobs` (absolute, normalised) do not
 * name, or undefined. An allow glob names a protected path when its literal part already lies
 * in it (`…/skills/moltbook/**`, `…/workspace/MEMORY.md`). A path several protected globs match
 * (`skills/moltbook/HEARTBEAT.md`) is named when one of them is: a rule that names a skill's
 * folder owns the files in it.
 */
export function unnamedProtectedWrite(
  resolved: string,
  allowGlobs: readonly string[],
  home: string,
  ownFolders: readonly string[] = [],
): string | undefined {
  // Inside the scanned skill's own folder (resolved is normalised: no `..` left): its own.
  if (ownFolders.some((f) => resolved === f || resolved.startsWith(`${f}/`))) return undefined;
  let first: string | undefined;
  for (const glob of compiled(home)) {
    if (!compiledPathMatch(glob, resolved)) continue;
    const dirGlob = glob.pattern.endsWith("/**") ? compilePath(glob.pattern.slice(0, -3)) : undefined;
    // The named place must be where the write lands: `~/.openclaw/skills/**` names that skills
    // folder, not <workspace>/.agents/skills.
    const named = allowGlobs.some((a) => {
      const prefix = literalPrefix(a);
      if (resolved !== prefix && !resolved.startsWith(`${prefix.replace(/\/+$/, "")}/`)) return false;
      return compiledPathMatch(glob, prefix) || (dirGlob !== undefined && compiledPathMatch(dirGlob, prefix));
    });
    if (named) return undefined;
    first ??= glob.pattern;
  }
  return first;
}

/**
 * The scanned skill's own folders (`~/.moltbot/skills/<name>` and the OpenClaw spellings): its
 * install steps write there, and the runner mounts only that folder. A write there is the
 * skill's own, as if a rule named the folder; another skill's folder stays protected. Set per
 * scan from the skill's name, never from a policy file; the agent gate has no own skill.
 */
export function ownSkillFolders(home: string, skillName: string): string[] {
  if (!/^[a-z0-9][a-z0-9._-]{0,63}$/.test(skillName)) return [];
  return [".moltbot", ".openclaw", ".clawdbot"].map(
    (d) => `${home.replace(/\/+$/, "")}/${d}/skills/${skillName}`,
  );
}
