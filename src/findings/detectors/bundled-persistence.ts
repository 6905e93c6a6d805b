// Bundled code that persists itself (issue 14, session 6): a Python or JavaScript file that
// writes a shell start-up file, installs a cron job, drops a git hook, adds an SSH key, writes
// the agent's instruction or memory files or another skill, or a Python start-up hook
// (sitecustomize.py, a .pth file). The markdown only says "run the helper"; what outlives the
// task is in the script. Reported high when the skill's name and description declare no such
// purpose, medium when they do (a dotfiles or cron skill does this as its job). Ungated writes only: writes behind a
// condition on the machine are bundled-triggered's business.
// Line-based and linear: a path literal names the target, a variable assigned from it carries
// it to a write call (open(…, "a"/"w"), write_text, appendFile(Sync), writeFile(Sync), copy);
// a crontab or git-hooks command run through a process call is a write by itself.

import type { DetectContext } from "../context.js";
import { codeUnits } from "../code-units.js";
import { declaresPersistence, type PersistKind } from "./persist-kinds.js";

const paths: Array<[PersistKind, RegExp, string]> = [
  [
    "shell-rc",
    /["'`/](?:\.bashrc|\.bash_profile|\.bash_login|\.zshrc|\.zprofile|\.zshenv|\.zlogin|\.profile|\.kshrc|\.cshrc)["'`]|\/etc\/(?:profile|bash\.bashrc)\b/,
    "a shell start-up file (runs in every new shell)",
  ],
  [
    "scheduler",
    /\/var\/spool\/cron|\/etc\/cron|LaunchAgents\/|LaunchDaemons\/|systemd\/(?:user|system)\//,
    "a scheduler entry (runs again on its own)",
  ],
  [
    "git-hook",
    /\.git\/hooks\b|\.git["'`]\s*[,/]\s*["'`]hooks["'`]/,
    "a git hook (runs on every commit or push)",
  ],
  ["access", /authorized_keys|\/etc\/sudoers|\.ssh\/config\b/, "the SSH or sudo configuration"],
  [
    "agent-files",
    /(?:AGENTS|CLAUDE|MEMORY|SOUL|IDENTITY|GEMINI|HEARTBEAT|BOOTSTRAP)\.md\b|\.cursorrules\b|\.cursor\/rules|copilot-instructions\.md|\.claude\/settings|\.codex\/config/,
    "the agent's instruction or memory files (loaded by every future session)",
  ],
  ["other-skills", /skills\/[^"'`\s]*\/?SKILL\.md|\/skills\/["'`]/, "another skill's files"],
  ["shell-rc", /sitecustomize\.py|usercustomize\.py|["'`][\w-]+\.pth["'`]/, "a Python start-up hook"],
];

/** A write to a path given on the line (capture 1) or in a variable. */
const writeCall =
  /\bopen\s*\(\s*([^,()\n]{1,160}),\s*(?:mode\s*=\s*)?f?["'](?:a|w|a\+|w\+|at|wt|ab|wb)["']|\.write_text\s*\(|\.open\s*\(\s*["'](?:a|w)["']|\b(?:appendFileSync|appendFile|writeFileSync|writeFile|createWriteStream|copyFileSync|copyFile)\s*\(|\bshutil\.(?:copy|copy2|copyfile|move)\s*\(|\bos\.(?:symlink|rename|replace)\s*\(/;
/** Process calls that install persistence by their own command. */
const persistCommand =
  /\b(?:subprocess\.\w+|os\.system|os\.popen|execSync|exec|spawnSync|spawn|execFileSync)\s*\([^\n]{0,200}?(?:\bcrontab\b|\bgit\s+config\b[^\n]{0,40}core\.hooksPath|["']git["']\s*,\s*["']config["'][^\n]{0,60}core\.hooksPath|\bsystemctl\b[^\n]{0,40}\benable\b|\blaunchctl\s+(?:load|bootstrap))/;
const assign = /^\s*(?:(?:const|let|var)\s+)?([A-Za-z_]\w*)\s*(?::\s*[\w[\]]+\s*)?=(?!=)\s*(.*)$/;

interface Hit {
  kind: PersistKind;
  what: string;
  offset: number;
  line: string;
}

function kindOf(expr: string): [PersistKind, string] | undefined {
  for (const [kind, re, what] of paths) if (re.test(expr)) return [kind, what];
  return undefined;
}

/** The target a tainted variable named in `expr` carries, if any. */
function taintOf(
  expr: string,
  tainted: ReadonlyMap<string, [PersistKind, string]>,
): [PersistKind, string] | undefined {
  if (tainted.size === 0) return undefined;
  for (const m of expr.matchAll(/[A-Za-z_]\w*/g)) {
    const t = tainted.get(m[0]);
    if (t) return t;
  }
  return undefined;
}

function scanFile(text: string, lang: "python" | "javascript"): Hit | undefined {
  const comment = lang === "python" ? /^\s*#/ : /^\s*(?:\/\/|\*)/;
  const tainted = new Map<string, [PersistKind, string]>();
  let offset = 0;
  for (const line of text.split("\n")) {
    const at = offset;
    offset += line.length + 1;
    if (line.trim() === "" || comment.test(line)) continue;
    if (persistCommand.test(line)) {
      const hooks = /hooksPath/.test(line);
      const sys = /systemctl|launchctl/.test(line);
      return {
        kind: hooks ? "git-hook" : "scheduler",
        what: hooks
          ? "a git hooks path (runs on every commit)"
          : sys
            ? "a service that starts at every boot or login"
            : "a cron job (runs again on its own)",
        offset: at,
        line,
      };
    }
    const a = assign.exec(line);
    if (a && !/^\s*(?:if|while|return|for)\b/.test(line)) {
      const rhs = a[2] ?? "";
      const k = kindOf(rhs);
      const via = k ?? taintOf(rhs, tainted);
      if (via) tainted.set(a[1] ?? "", via);
    }
    if (!writeCall.test(line)) continue;
    const direct = kindOf(line);
    const viaVar = direct ?? taintOf(line, tainted);
    if (viaVar) return { kind: viaVar[0], what: viaVar[1], offset: at, line };
  }
  return undefined;
}

export function detectBundledPersistence(ctx: DetectContext): void {
  const purpose = `${(ctx.model.frontmatter?.name ?? "").replace(/[-_]/g, " ")} ${ctx.model.frontmatter?.description ?? ""}`;
  // Bundled scripts and code blocks of the skill's documents; a quoted example is not an order.
  for (const b of codeUnits(ctx)) {
    if (b.quoted) continue;
    // Cheap pre-check: no persistence target or command named anywhere in the file.
    if (
      !/bashrc|zshrc|profile|zprofile|zshenv|zlogin|cshrc|cron|Launch|systemd|hooks|authorized_keys|sudoers|\.ssh\/config|\.md\b|cursorrules|\.cursor|\.claude|\.codex|customize\.py|\.pth|skills\/|systemctl|launchctl/.test(
        b.text,
      )
    )
      continue;
    const hit = scanFile(b.text, b.lang);
    if (!hit) continue;
    // A declared purpose lowers an ordinary edit to medium (still shown to a reviewer), never to
    // nothing; the acts no purpose covers are persist-acts' business, reported high regardless.
    const declared = declaresPersistence(hit.kind, purpose);
    const pos = b.at(hit.offset);
    ctx.report({
      id: "bundled.persistence",
      severity: declared ? "medium" : "high",
      file: b.file,
      line: pos.line,
      column: pos.column,
      message: declared
        ? `The bundled code writes ${hit.what}, which outlives the task; the skill's name and description declare this kind of work.`
        : `The bundled code writes ${hit.what}, which outlives the task; the skill's name and description declare no such purpose.`,
      evidence: hit.line.trim().slice(0, 300),
    });
  }
}
