// Kinds of files that govern what runs or what the agent does later (shell start-up files,
// schedulers, git hooks, SSH and sudo configuration, the agent's own instruction and settings
// files, other skills), each with the words in a skill's name or
// description that make writing it the skill's declared business (a dotfiles skill edits
// ~/.zshrc, a cron skill adds a job, an agent-memory skill updates MEMORY.md).

export type PersistKind = "shell-rc" | "scheduler" | "git-hook" | "access" | "agent-files" | "other-skills";

interface Target {
  kind: PersistKind;
  /** Words in the skill's name or description that make this target its declared business. */
  purpose: RegExp;
}

const targets: Target[] = [
  {
    kind: "shell-rc",
    purpose: /\b(?:shell|bash|zsh|fish|terminal|dotfiles?|aliase?s?|prompt customi[sz]ation)\b/i,
  },
  {
    kind: "scheduler",
    purpose:
      /\b(?:cron|schedul\w*|periodic\w*|recurring|timers?|daemons?|services?|automat\w*|backups?|reminders?|monitor\w*|sysadmin|devops)\b/i,
  },
  {
    kind: "git-hook",
    purpose: /\b(?:hooks?|pre-commit|husky|lint-staged|commit conventions?)\b/i,
  },
  {
    kind: "access",
    purpose:
      /\b(?:ssh|sudo|server|servers|sysadmin|hosts file|dns|remote access|deploy\w*|vps|infrastructure)\b/i,
  },
  {
    kind: "agent-files",
    purpose:
      /\b(?:memory|memories|persona|soul|identity|instructions? files?|agents\.md|claude\.md|cursor ?rules|system prompts?|onboard\w*|self-improv\w*|proactive|context files?|agent config\w*|permissions?)\b/i,
  },
  {
    kind: "other-skills",
    purpose:
      /\b(?:skills? (?:manager|management|installer|creator|authoring|editor|linter|registry)|manage skills|create skills|skill-creator)\b/i,
  },
];

/** Whether the skill's name and description (`purpose`) declare work on this kind of file. */
export function declaresPersistence(kind: PersistKind, purpose: string): boolean {
  return targets.find((t) => t.kind === kind)?.purpose.test(purpose) ?? false;
}
