// A scheduled entry whose command fetches and runs remote code or sends data out (issue 14,
// session 8), wherever it is written: a cron line (in a crontab command, a heredoc, a code block
// of any language or inline code), an at/batch job, systemd-run or a unit's ExecStart, a launchd
// program, schtasks, or the agent platform's own scheduler (openclaw cron add). A cron or
// reminder skill schedules the user's job; it never needs the job to run code it downloads at
// each tick or to upload data, so the declared purpose does not exempt this. A health-check ping
// (curl a URL, output discarded) or a reminder stays quiet.

import type { DetectContext } from "../context.js";
import { urlsIn } from "../hosts.js";
import { isAffine } from "../util.js";
import { negatedBefore, reportLine, skillTexts } from "./persist-lines.js";

/** A line that schedules a command. */
const scheduled =
  /(?:^|[\s`"'>])(?:@(?:reboot|hourly|daily|weekly|monthly|yearly|annually|midnight)|(?:[\d*][\d*/,-]{0,20}\s+){4}[\d*A-Za-z][\w*/,-]{0,20})\s+\S|\bcrontab\b|\b(?:at|batch)\s+(?:now|midnight|noon|teatime|tomorrow|\d{1,2}(?::\d{2})?(?:\s*[ap]m)?)\b|\bsystemd-run\b|^\s*ExecStart(?:Pre|Post)?\s*=|\bschtasks\b|\bopenclaw\s+cron\s+add\b|<string>[^<\n]{0,200}(?:curl|wget)|\bStartInterval\b|\bOnCalendar\s*=/i;
/** Downloads and runs code, in one line. */
const fetchRun =
  /\b(?:curl|wget)\b[^\n|;&]{0,300}\|\s*(?:sudo\s+)?(?:ba|z|da|k)?sh\b|\b(?:curl|wget)\b[^\n|;&]{0,300}\|\s*(?:python[\d.]*|node|perl|ruby|php)\b|\b(?:ba|z)?sh\s+-c\s+["']?\$\((?:curl|wget)\b|\beval\s+["']?\$\((?:curl|wget)\b|\bsource\s+<\((?:curl|wget)\b|\b(?:curl|wget)\b[^\n]{0,300}(?:-o|-O|--output)\s{0,4}\S{1,200}\s{0,4}(?:&&|;)\s*(?:chmod\b|(?:ba|z)?sh\b|python[\d.]*\b|node\b|\.\/|\/tmp\/)|\bbase64\s+(?:-d|-D|--decode)\b[^\n]{0,80}\|\s*(?:ba|z)?sh\b|\bpython[\d.]*\s+-c\s+["'][^\n]{0,300}(?:urlopen|requests\.get)[^\n]{0,200}\bexec\b/i;
/** Sends data out. */
const sends =
  /\b(?:curl|wget)\b[^\n]{0,300}\s(?:-d|--data(?:-\w+)?|-F|--form|-T|--upload-file|--post-data|--post-file)\b|\b(?:nc|ncat|netcat|socat)\s+(?:-\w+\s+)*[\w.-]+\s+\d{2,5}\b|\/dev\/(?:tcp|udp)\//i;

export function detectScheduledRemote(ctx: DetectContext): void {
  for (const t of skillTexts(ctx)) {
    const { lines } = t;
    for (let i = 0; i < lines.length; i++) {
      const line = lines[i] ?? "";
      if (line.length < 12) continue;
      const s = scheduled.exec(line);
      if (!s) continue;
      const rest = line.slice(s.index);
      const run = fetchRun.test(rest);
      const send = !run && sends.test(rest);
      if (!run && !send) continue;
      if (t.advisory(i + 1) || negatedBefore(line, s.index)) continue;
      // Uploading to the skill's own declared service (a backup skill's endpoint) is its job.
      const urls = urlsIn(rest);
      if (send && urls.length > 0 && urls.every((u) => isAffine(ctx, u))) continue;
      reportLine(
        ctx,
        t,
        i + 1,
        "persist.scheduled-remote",
        "high",
        `A scheduled entry ${run ? "downloads and runs code" : "sends data off the machine"} on every tick, unattended and after the skill is gone; what it runs can change at any time, and no declared purpose needs that.`,
      );
      break;
    }
  }
}
