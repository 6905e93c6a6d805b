// Persistence: cron, shell start-up files, launch agents, systemd units, and the agent's own
// memory and instruction files. High when what is persisted fetches, decodes or evaluates code.

import type { DetectContext, ShellSource } from "../context.js";
import type { LiteCommand } from "../shell-lite.js";
import { cmdText, fetchers, nameOf, pipelineOf, reportAt, unwrap } from "../util.js";
import type { RuleId } from "../rules.js";

const rcFile =
  /(?:^|\/)\.(?:bashrc|bash_profile|bash_login|zshrc|zprofile|zshenv|zlogin|profile|kshrc|cshrc)$|^\/etc\/(?:profile|bash\.bashrc|zsh\/zshrc|environment)/;
const cronPath = /^\/etc\/cron|\/var\/spool\/cron|^\/etc\/crontab/;
const launchPath = /Library\/Launch(?:Agents|Daemons)\//;
const systemdPath = /\/systemd\/(?:system|user)\/[^/]+\.(?:service|timer)$/;
// In the OpenClaw workspace, the agent's memory and instructions are the root files (AGENTS.md,
// SOUL.md, MEMORY.md …), memory/, skills/ and dot-folders; a skill's own data folder below it
// (~/.openclaw/workspace/notes/…) is not.
const memoryPath =
  /(?:^|\/)(?:HEARTBEAT|SOUL|MEMORY|AGENTS|CLAUDE|IDENTITY|USER|TOOLS|BOOTSTRAP)\.md$|(?:^|\/)\.claude\/|(?:^|\/)\.cursor\/rules|\.cursorrules$|(?:^|\/)skills\/[^/]+\/SKILL\.md$|\.(?:openclaw|clawdbot|moltbot)\/(?:workspace\/?$|workspace\/(?:[^/]*\.md$|[^/]*\*[^/]*$|memory(?:\/|$)|skills(?:\/|$)|\.[^/]+)|skills|agents)/i;
const dangerousPayload =
  /\b(?:curl|wget|base64|eval|nc|ncat|socat|python[\d.]*\s+-c|\/dev\/tcp|bash\s+-i)\b|alias\s+(?:sudo|ls|cd|git|ssh)=/;
// `eval "$(brew shellenv)"`, `eval "$(pyenv init -)"`: a tool's shell set-up, evaluated from a local
// program given plain words only. Not remote or encoded code, unless the program is one that
// prints or decodes text it is given (echo, printf, cat, an interpreter …), which could carry
// anything. Such an eval is left out before testing dangerousPayload; the rest still counts.
const localToolEval =
  /\beval\s+["']?\$\(\s*(?!(?:[^\s/]{0,80}\/){0,8}(?:echo|printf|cat|tac|rev|tr|sed|awk|xxd|od|base\d*|openssl|gzip|gunzip|zcat|python[\d.]*|perl|ruby|node|php|lua|bash|sh|zsh|dash|curl|wget|nc|ncat|socat|dig|nslookup|host|env|command|exec|sudo|xargs|timeout|nohup|busybox)\b)[\w./~-]{1,80}(?:[ \t]+[\w./=:-]{1,40}){0,4}[ \t]*\)["']?/g;

/** Whether `text` evaluates a local tool's shell set-up and nothing dangerous besides. */
export function onlyLocalToolEval(text: string): boolean {
  const rest = text.replace(localToolEval, " ");
  return rest !== text && !dangerousPayload.test(rest);
}

function writtenPaths(cmd: LiteCommand): string[] {
  const out = cmd.redirects
    .filter((r) => r.op === ">" || r.op === ">>" || r.op === ">|" || r.op === "&>")
    .map((r) => r.target);
  const { argv } = unwrap(cmd.argv);
  const name = nameOf(cmd);
  if (name === "tee") out.push(...argv.slice(1).filter((a) => !a.startsWith("-")));
  if (name === "cp" || name === "mv" || name === "ln" || name === "install") {
    const last = argv[argv.length - 1];
    if (last !== undefined && argv.length > 2) out.push(last);
  }
  if (name === "sed" && argv.some((a) => /^-[a-zA-Z]*i/.test(a))) out.push(argv[argv.length - 1] ?? "");
  return out;
}

export function detectPersistence(ctx: DetectContext): void {
  // Per pipeline, the stage index of its first dangerous stage: computed once, so a pipeline
  // of n stages costs n tests, not n² (15,000 '|' lines took 4 s).
  const firstDanger = new Map<LiteCommand[], number>();
  const firstDangerOf = (src: ShellSource, cmd: LiteCommand): number => {
    const stages = pipelineOf(src, cmd);
    let at = firstDanger.get(stages);
    if (at === undefined) {
      at = Infinity;
      for (const c of stages)
        if (c.pipeIndex < at && dangerousPayload.test(cmdText(src, c))) at = c.pipeIndex;
      firstDanger.set(stages, at);
    }
    return at;
  };
  for (const src of ctx.shell) {
    for (const cmd of src.commands) {
      const name = nameOf(cmd);
      const text = cmdText(src, cmd);
      const payload = `${text}\n${cmd.stdinText ?? ""}`.replace(localToolEval, "");
      const danger =
        dangerousPayload.test(payload) ||
        (name === "crontab" && dangerousPayload.test(src.text)) ||
        (cmd.pipeIndex > 0 && firstDangerOf(src, cmd) < cmd.pipeIndex);
      const flag = (id: RuleId, what: string): void =>
        reportAt(
          ctx,
          src,
          cmd.start,
          id,
          danger ? "high" : "medium",
          `${what}${danger ? ", and what it persists fetches or runs remote or encoded code" : ""}.`,
          text,
        );
      const { argv } = unwrap(cmd.argv);
      if (name === "crontab" && !(argv.length === 2 && argv[1] === "-l") && !argv.includes("-r"))
        flag("persist.crontab", "A cron job is installed and keeps running after the skill finishes");
      if (name === "launchctl" && argv.some((a) => a === "load" || a === "bootstrap" || a === "submit"))
        flag("persist.launch-agent", "A launch agent is loaded to run at every login");
      if (name === "systemctl" && argv.includes("enable"))
        flag("persist.systemd", "A systemd unit is enabled to start at every boot");
      for (const p of writtenPaths(cmd)) {
        if (rcFile.test(p)) flag("persist.shell-rc", `${p} is modified and runs in every new shell`);
        else if (cronPath.test(p)) flag("persist.crontab", `${p} is written, installing a cron job`);
        else if (launchPath.test(p)) flag("persist.launch-agent", `${p} installs a launch agent`);
        else if (systemdPath.test(p)) flag("persist.systemd", `${p} installs a systemd unit`);
        else if (memoryPath.test(p) && !fetchers.has(name))
          flag(
            "persist.agent-memory",
            `${p}, one of the agent's own memory or instruction files, is modified`,
          );
      }
    }
  }
  // Prose telling the agent to change its own memory/instruction files.
  const proseWrite =
    /\b(?:add|append|write|save|insert|put|update|create|modify|edit)\b[^.\n]{0,60}\b(?:HEARTBEAT|SOUL|MEMORY|AGENTS|CLAUDE|IDENTITY)\.md\b|\b(?:add|append|write|save|insert|put|update|create|modify|edit)\b[^.\n]{0,40}\.claude\/(?:settings|instructions|commands)/i;
  // Each proseWrite alternative names a ".md" file or ".claude/": the cheap test comes first.
  const proseWriteNeeds = /\.md|\.claude\//i;
  for (const p of ctx.prose) {
    const m = proseWriteNeeds.test(p.text) ? proseWrite.exec(p.text) : null;
    if (!m) continue;
    const danger = /\b(?:do not (?:tell|mention|inform)|silently|ignore previous)\b/i.test(p.text);
    ctx.report({
      id: "persist.agent-memory",
      severity: p.quoted ? "low" : danger ? "high" : "medium",
      file: p.file,
      line: p.line,
      column: p.column,
      message:
        "The agent is told to write into its own memory or instruction files, changing every future session.",
      evidence: m[0],
    });
  }
}
