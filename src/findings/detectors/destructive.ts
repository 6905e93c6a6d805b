// Destructive commands, disabled security controls and privilege escalation.

import type { DetectContext } from "../context.js";
import { cmdText, nameOf, reportAt, unwrap } from "../util.js";

const criticalTargets =
  /^(?:\/(?:home|Users)\/[^/]+\/?\*?|\/root\/?\*?|\/|\/\*|~|~\/|~\/\*|\$HOME|\$\{HOME\}|\$HOME\/\*|\/(?:etc|usr|bin|sbin|boot|lib|var|home|Users|System|opt)\/?\*?|\/var\/log(?:\/.*)?|\.\.?\/?\*?|\*)$/;
const disableSecurity: Array<[RegExp, string]> = [
  [/\bsetenforce\s+0\b/, "SELinux enforcement is turned off"],
  [
    /\bufw\s+disable\b|\biptables\s+-F\b|\bsystemctl\s+(?:stop|disable)\s+(?:firewalld|ufw|apparmor|auditd)\b/,
    "the firewall or audit service is disabled",
  ],
  [/\bspctl\s+--master-disable\b|\bcsrutil\s+disable\b/, "macOS Gatekeeper/SIP is disabled"],
  [
    /\bxattr\s+-[a-z]*[dc][a-z]*\s+(?:-r\s+)?com\.apple\.quarantine\b|\bxattr\s+-c?r/,
    "the macOS quarantine flag is stripped so Gatekeeper never checks the file",
  ],
  [
    /\bhistory\s+-c\b|\bunset\s+HISTFILE\b|HISTFILE=\/dev\/null|\bexport\s+HISTSIZE=0\b/,
    "shell history is wiped or disabled, hiding what ran",
  ],
  [/Set-MpPreference\s+-Disable\w+|DisableRealtimeMonitoring/i, "Windows Defender is disabled"],
  [
    /NODE_TLS_REJECT_UNAUTHORIZED=0|\bsslVerify\s+false\b|strict-ssl\s+false|PYTHONHTTPSVERIFY=0|--trusted-host\b/,
    "TLS certificate verification is turned off",
  ],
  [/\bauditctl\s+-D\b|\/var\/log\/audit/, "audit logs are deleted or disabled"],
];

export function detectDestructive(ctx: DetectContext): void {
  for (const src of ctx.shell) {
    let sudoReported = false;
    for (const cmd of src.commands) {
      const { argv, sudo } = unwrap(cmd.argv);
      const name = nameOf(cmd);
      const text = cmdText(src, cmd);
      if (name === "rm" && argv.some((a) => /^-[a-zA-Z]*[rR]/.test(a) || a === "--recursive")) {
        const target = argv.slice(1).find((a) => !a.startsWith("-") && criticalTargets.test(a));
        if (
          target !== undefined &&
          !(/^\.\.?\/?\*?$|^\*$/.test(target) && !argv.includes("--no-preserve-root"))
        ) {
          reportAt(
            ctx,
            src,
            cmd.start,
            "destructive.delete",
            /^(?:\/\*?|~\/?\*?|\$\{?HOME\}?\/?\*?|\/(?:home|Users)\/[^/]+\/?\*?|\/root\/?\*?)$/.test(target)
              ? "critical"
              : "high",
            `rm deletes ${target} recursively, destroying system, home or log data.`,
            text,
          );
        }
      }
      if (
        name === "mkfs" ||
        name.startsWith("mkfs.") ||
        (name === "dd" && argv.some((a) => /^of=\/dev\/(?:sd|hd|nvme|disk|xvd|vd|mmcblk)/.test(a))) ||
        /:\(\)\s*\{\s*:\|:&\s*\};:/.test(text)
      ) {
        reportAt(
          ctx,
          src,
          cmd.start,
          "destructive.disk",
          "critical",
          "The command overwrites a disk or exhausts the system.",
          text,
        );
      }
      for (const [re, what] of disableSecurity) {
        if (re.test(text)) {
          reportAt(
            ctx,
            src,
            cmd.start,
            "destructive.disable-security",
            /quarantine|TLS|history/.test(what) ? "medium" : "high",
            `A security control is weakened: ${what}.`,
            text,
          );
          break;
        }
      }
      if (name === "chmod") {
        const mode = argv.slice(1).find((a) => !a.startsWith("-") || /^-?[ugoa]*[+-]/.test(a));
        const targets = argv.slice(2).filter((a) => !a.startsWith("-"));
        if (
          mode !== undefined &&
          (/^[ugoa]*\+[rwx]*s|^[2-7][0-7]{3}$/.test(mode) ||
            (/^[0-7]?777$|^a\+rwx$|^o\+w$/.test(mode) && targets.some((t) => /^\/(?!tmp\b)/.test(t))))
        ) {
          reportAt(
            ctx,
            src,
            cmd.start,
            "privesc.setuid",
            "high",
            "Permissions are widened (setuid or world-writable on a system path), so any local process can escalate or tamper.",
            text,
          );
        }
      }
      // The cheap write check first: most commands write nothing, and need no text built.
      if (
        cmd.redirects.length + (name === "tee" ? 1 : 0) + (name === "visudo" ? 1 : 0) > 0 &&
        /\/etc\/sudoers|NOPASSWD/.test(`${text}\n${cmd.stdinText ?? ""}`)
      ) {
        reportAt(
          ctx,
          src,
          cmd.start,
          "privesc.setuid",
          "high",
          "The sudoers configuration is changed, granting password-less root.",
          text,
        );
      }
      if (sudo && !sudoReported) {
        sudoReported = true;
        reportAt(
          ctx,
          src,
          cmd.start,
          "privesc.sudo",
          "low",
          "The step runs a command as root with sudo.",
          text,
        );
      }
    }
  }
}
