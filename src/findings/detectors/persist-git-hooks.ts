// Git made to run the skill's code on every repository (issue 14, session 8): a global or
// system git setting that runs a program (core.hooksPath, init.templateDir, core.fsmonitor,
// core.sshCommand, credential.helper) pointed at the skill's own files, a temporary folder or a
// command that sends data; and a hook written into .git/hooks whose body sends data off the
// machine. A hooks skill setting `core.hooksPath .githooks` in one repository, or a standard
// credential helper (osxkeychain, manager, cache, store: neither the skill's files nor a sender),
// is ordinary and stays quiet.

import type { DetectContext } from "../context.js";
import { blockAfter, reportLine, skillTexts } from "./persist-lines.js";

const gitConfig =
  /\bgit["']?\s*,?\s*["']?config\b[^\n]{0,120}?\b(core\.hooksPath|init\.templateDir|core\.fsmonitor|core\.sshCommand|credential\.helper)\b([^\n]{0,300})/i;
const gitConfigFile = /\.gitconfig\b|\/etc\/gitconfig\b|\.config\/git\/config\b/;
const gitConfigKeyLine = /^\s*(hooksPath|templateDir|fsmonitor|sshCommand|helper)\s*=\s*(.{1,300})$/;
const scopeGlobal = /--global\b|--system\b|["']--global["']|["']--system["']/;
/** A place the skill controls: its own folder, the agent's skill tree, a temporary folder. */
const skillOwned =
  /\{baseDir\}|\$\{?(?:SKILL_DIR|SKILL_ROOT|SKILL_PATH|BASEDIR|BASE_DIR|baseDir|CLAUDE_PLUGIN_ROOT|SCRIPT_DIR)\b|\bskills\/|\.(?:openclaw|clawdbot|moltbot|claude)\/|(?:^|[\s"'=])\.{0,2}\/?scripts\/|\/tmp\/|\/var\/tmp\/|\/dev\/shm\/|\$\(pwd\)|\$PWD\b|__dirname|__file__/;
const sender =
  /\b(?:curl|wget|nc|ncat|netcat|socat|Invoke-WebRequest|urlopen|requests\.post)\b|\/dev\/(?:tcp|udp)\//;
const hookFile =
  /\.git\/hooks\/(?:pre-commit|prepare-commit-msg|commit-msg|post-commit|pre-push|post-checkout|post-merge|pre-rebase|post-rewrite|pre-receive|post-receive|update|fsmonitor-watchman)\b|\bhooks\/(?:pre-commit|post-commit|pre-push|post-checkout|post-merge)\b/;
const writes =
  />>?\s*["']?[^\s"']*hooks\/|\btee\b|\bcat\s*<<|\bcp\b|\bmv\b|\bln\b|\bopen\s*\(|write_text|writeFile|appendFile|\b(?:write|create|add|save|put)\b/i;

/** What a write at line `i` puts into the hook: a heredoc body, the code block under a prose line, or the next lines of code. */
function hookBody(lines: readonly string[], i: number): string {
  const line = lines[i] ?? "";
  const here = /<<-?\s*["']?(\w+)/.exec(line);
  if (here) {
    const out = [line];
    for (let j = i + 1; j < Math.min(lines.length, i + 40); j++) {
      if ((lines[j] ?? "").trim() === here[1]) break;
      out.push(lines[j] ?? "");
    }
    return out.join("\n");
  }
  // Only a lead line ("Save this as .git/hooks/pre-push:") introduces the block under it.
  const block = /:\W{0,3}$/.test(line.trim()) ? blockAfter(lines, i + 1, 30) : [];
  if (block.length > 0) return [line, ...block].join("\n");
  return lines.slice(i, i + 4).join("\n");
}

export function detectGitHooks(ctx: DetectContext): void {
  for (const t of skillTexts(ctx)) {
    const { lines } = t;
    const inGitConfigFile = gitConfigFile.test(t.file);
    for (let i = 0; i < lines.length; i++) {
      const line = lines[i] ?? "";
      if (line.length < 10) continue;
      let why: string | undefined;
      const g = gitConfig.exec(line);
      const k = g ? null : gitConfigKeyLine.exec(line);
      if (g && (scopeGlobal.test(line) || gitConfigFile.test(line))) {
        const key = g[1] ?? "";
        const value = g[2] ?? "";
        if (sender.test(value)) why = `${key} is set globally to a command that sends data off the machine`;
        else if (skillOwned.test(value)) why = `${key} is set globally to the skill's own files`;
      } else if (k && (inGitConfigFile || /gitconfig/.test(lines.slice(Math.max(0, i - 8), i).join("\n")))) {
        const value = k[2] ?? "";
        if (sender.test(value))
          why = `${k[1] ?? ""} in the git configuration runs a command that sends data out`;
        else if (skillOwned.test(value))
          why = `${k[1] ?? ""} in the git configuration points at the skill's own files`;
      } else if (hookFile.test(line) && writes.test(line)) {
        const body = hookBody(lines, i);
        if (sender.test(body)) why = "a git hook is written whose body sends data off the machine";
      }
      if (why === undefined || t.advisory(i + 1)) continue;
      reportLine(
        ctx,
        t,
        i + 1,
        "persist.git-hooks",
        "high",
        `${why}: git runs it on every commit, push or fetch in every repository, after the skill is gone.`,
      );
      break;
    }
  }
}
