// Files that make a program run a command when a person opens the folder or commits in it:
// direnv, editors' task and settings folders, git hook managers. An agent that writes one plants
// a command that later runs with nobody checking it (red-team finding F3, session 6), so a write
// there is refused by every policy (protected.ts) and by the OpenClaw file-tool gate
// (gate/agent-files.ts).

/** Folders whose files name commands: VS Code tasks/settings, Zed, JetBrains, dev containers, hook managers. */
export const taskFolders: readonly string[] = Object.freeze([
  ".vscode",
  ".zed",
  ".idea",
  ".devcontainer",
  ".husky",
  ".githooks",
  ".lefthook",
]);

/** Single files by name: direnv, pre-commit, lefthook, overcommit, simple-git-hooks, a dev container. */
export const taskFileNames: readonly string[] = Object.freeze([
  ".envrc",
  ".pre-commit-config.yaml",
  ".pre-commit-config.yml",
  "lefthook.yml",
  "lefthook.yaml",
  ".lefthook.yml",
  ".lefthook.yaml",
  "lefthook-local.yml",
  "lefthook-local.yaml",
  ".overcommit.yml",
  ".simple-git-hooks.json",
  ".simple-git-hooks.js",
  ".simple-git-hooks.cjs",
  "simple-git-hooks.json",
  "simple-git-hooks.js",
  "simple-git-hooks.cjs",
  ".devcontainer.json",
]);
