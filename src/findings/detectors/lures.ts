// Lures: content that sends a human or agent elsewhere to fetch the real payload. Password
// archives, paste sites, raw-IP URLs, shorteners, release executables, coercive prerequisite
// banners, decoy echo lines and "run this in Terminal".

import type { DetectContext } from "../context.js";
import { isHostileClass } from "../hosts.js";
import { cmdText, isAffine, nameOf, reportAt, unwrap } from "../util.js";
import type { Severity } from "../../model.js";

const archivePath = /\.(?:zip|rar|7z|exe|dmg|pkg|msi|scr|tar\.gz|tgz)$/i;
// Markdown emphasis may wrap the label or the value ("**Archive password**: `infected`"); `_` is
// a word character, so "__Pass__" needs letter/digit lookarounds where \b would not match.
const passwordCue =
  /(?<![A-Za-z0-9])(?:pass(?:word)?|pwd|passcode|archive key)(?![A-Za-z0-9])[*_]*\s*(?:is\s*)?[:=]?[*_]*\s*[`'"*_]*[\w.-]{3,}|\bextract (?:it )?(?:using|with)\b/i;
// A password-protected archive and an order to run what is inside it, with or without a link:
// the archive hides the payload from every scanner on the way.
const protectedArchive =
  /\bpassword[- ]protected\s+(?:\w+\s+){0,1}(?:zip|archive|file|download|package|installer|7z|rar)\b|(?<![A-Za-z0-9])(?:archive|zip)\s+password(?![A-Za-z0-9])/i;
const advisory =
  /\b(?:never|don'?t|do not|avoid|beware|malware|attackers?|scams?|phishing|red flags?|suspicious|detects?)\b/i;
const runInside =
  /\b(?:run|execute|launch|open|start|double[- ]click)\s+(?:the\s+|it\s+|its\s+)?(?:\w+\s+){0,2}?(?:installer|setup|\.exe|exe|binary|executable|app|application|program|script|file inside|contents)\b/i;
const runCue = /\b(?:run|execute|paste|copy|install|terminal|command|download|open)\b/i;
const terminalCue =
  /\b(?:run|execute|paste|enter|type)\b[^.\n]{0,80}\b(?:in|into|using|from) (?:the |your |a )?(?:terminal|command prompt|powershell|cmd|shell)\b/i;
const prerequisiteCue =
  /\b(?:is required|are required|requires? the|must be (?:installed|running)|must (?:first )?(?:install|download|run)|need to (?:install|download|run)|before (?:using|proceeding|continuing)|will not work|won't work|prerequisite)\b/i;

export function detectLures(ctx: DetectContext): void {
  const lines = ctx.lines;
  const near = (line: number): string => lines.slice(Math.max(0, line - 3), line + 3).join("\n");
  for (const u of ctx.urls) {
    const cap = (s: Severity): Severity => (u.quoted ? "low" : s);
    const here = lines[u.line - 1] ?? "";
    const ev = u.url;
    if (archivePath.test(u.path) && passwordCue.test(near(u.line)) && !u.quoted) {
      ctx.report({
        id: "lure.password-archive",
        severity: "critical",
        file: u.file,
        line: u.line,
        column: u.column,
        message: `An archive on ${u.host} is offered with its password nearby, a way to slip malware past scanners.`,
        evidence: ev,
      });
    }
    if (u.cls === "paste") {
      const sev = runCue.test(here) ? "critical" : "high";
      ctx.report({
        id: "lure.paste-site",
        severity: cap(sev),
        file: u.file,
        line: u.line,
        column: u.column,
        message: `Link to the paste site ${u.host}, whose content can change at any time${sev === "critical" ? " and which the text says to run" : ""}.`,
        evidence: ev,
      });
    } else if (u.cls === "raw-ip") {
      ctx.report({
        id: "lure.raw-ip",
        severity: cap("high"),
        file: u.file,
        line: u.line,
        column: u.column,
        message: `URL on the raw public IP address ${u.host}: vendors publish under domain names, payload servers often do not.`,
        evidence: ev,
      });
    } else if (u.cls === "shortener") {
      ctx.report({
        id: "lure.shortener",
        severity: cap("medium"),
        file: u.file,
        line: u.line,
        column: u.column,
        message: `The shortener ${u.host} hides where this link leads and can be re-pointed at will.`,
        evidence: ev,
      });
    } else if (u.cls === "throwaway-release") {
      const affine = isAffine(ctx, u);
      ctx.report({
        id: "lure.release-executable",
        severity: cap(affine ? "low" : "high"),
        file: u.file,
        line: u.line,
        column: u.column,
        message: `An executable or archive is downloaded from a GitHub release of ${u.path.split("/").slice(1, 3).join("/")}${affine ? "" : ", a project unrelated to this skill"}.`,
        evidence: ev,
      });
    } else if (u.cls === "homoglyph") {
      ctx.report({
        id: "hidden.homoglyph-host",
        severity: cap("high"),
        file: u.file,
        line: u.line,
        column: u.column,
        message: `The host ${u.host} uses non-ASCII or punycode characters that can imitate a known domain.`,
        evidence: ev,
      });
    }
  }
  // Coercive prerequisite banners pointing to a hostile download.
  for (const p of ctx.prose) {
    if (p.quoted || !prerequisiteCue.test(p.text)) continue;
    const hostile = ctx.urls.find(
      (u) =>
        u.line >= p.line &&
        u.line <= p.line + 2 &&
        (isHostileClass(u.cls) || (archivePath.test(u.path) && !isAffine(ctx, u))),
    );
    if (hostile) {
      ctx.report({
        id: "lure.fake-prerequisite",
        severity: "high",
        file: p.file,
        line: p.line,
        column: p.column,
        message: `A 'required first' banner sends the reader to ${hostile.host} instead of declaring a dependency in metadata.`,
        evidence: p.text.slice(0, 300),
      });
    } else if (
      terminalCue.test(p.text) &&
      ctx.urls.some((u) => u.line === p.line && !u.quoted && u.cls !== "vendor" && !isAffine(ctx, u))
    ) {
      ctx.report({
        id: "lure.run-in-terminal",
        severity: "medium",
        file: p.file,
        line: p.line,
        column: p.column,
        message:
          "The reader is told to run a command from an external page in a terminal, outside the reviewed text.",
        evidence: p.text.slice(0, 300),
      });
    }
  }
  for (let i = 0; i < lines.length; i++) {
    const m = protectedArchive.exec(lines[i] ?? "");
    const around = near(i + 1);
    // Warnings about the lure ("never run installers from password-protected archives") are advice.
    if (!m || !runInside.test(around) || advisory.test(around)) continue;
    ctx.report({
      id: "lure.password-archive",
      severity: "high",
      file: ctx.model.file,
      line: i + 1,
      column: m.index + 1,
      message:
        "A password-protected archive comes with an order to run what is inside it: the password keeps every scanner from reading the payload, so it cannot be analysed.",
      evidence: (lines[i] ?? "").trim().slice(0, 300),
    });
    break;
  }
  // echo "Installer-Package: https://…" && <something else>
  for (const src of ctx.shell) {
    for (const cmd of src.commands) {
      const name = nameOf(cmd);
      if (name !== "echo" && name !== "printf") continue;
      const arg = unwrap(cmd.argv).argv.slice(1).join(" ");
      if (
        !/^[\w .-]{0,40}(?:installer|package|download|setup|update|source|mirror|cdn)[\w .-]{0,20}:\s*https?:\/\//i.test(
          arg,
        )
      )
        continue;
      // The decoy shares its line with what runs (`echo "Installer: …" && payload`); a message
      // printed on a line of its own in a script is that script's help text.
      const others = src.commands.filter(
        (c) => c !== cmd && c.context === "top" && sameLogicalLine(src.text, cmd.start, c.start),
      );
      if (others.length === 0) continue;
      reportAt(
        ctx,
        src,
        cmd.start,
        "lure.decoy-echo",
        "high",
        "The step prints a harmless-looking installer URL while the rest of the line runs something else.",
        cmdText(src, cmd),
      );
    }
  }
}

/** Whether offsets `a` and `b` of `text` lie on one logical line (backslash-continued lines join). */
function sameLogicalLine(text: string, a: number, b: number): boolean {
  const between = text.slice(Math.min(a, b), Math.max(a, b));
  return !/(?:^|[^\\])\n/.test(between);
}
