// Context that marks a text as *quoted* rather than *instructed*: detection-pattern tables,
// "look for …" lists, IOC lists and examples of what an attack looks like. Security tools quote
// attack strings; flagging those as attacks drowns reviewers.

/** Words near a snippet that say it is an example of something bad, not an instruction. */
// Only words that frame a snippet as an example of something bad. Words a hostile skill uses to
// dress itself up ("audit", "rules", "compliance", "risks") are not cues: they would let any
// skill cap its own findings by naming a heading "Audit".
const quotingCue =
  /\b(?:detect(?:s|ion|ed|or|ing)?|patterns?|iocs?|indicators?|signatures?|red[ -]?flags?|malicious|attacks?|attackers?|dangerous|suspicious|never (?:run|do|use)|do not (?:run|use|execute)|don'?t (?:run|use|execute)|bad example|anti-?patterns?|blocklist|denylist|exploits?|threats?|injections?|vulnerab\w*|backdoors?|phishing|examples? of|looks? for|catch(?:es)?|flagged|blocked|regex|what (?:it|this) (?:catches|finds))\b|❌|🚫|⛔|☠|🔴|⚠/i;

/** A quoting cue that ends in a colon within its clause: a label heading a list of patterns. */
const quotingLabel = new RegExp(`(?:${quotingCue.source})[^.!?\\n:]{0,40}:`, "i");

export function hasQuotingCue(text: string): boolean {
  return quotingCue.test(text);
}

/**
 * In a security tool's text, whether a cue before offset `at` of its segment ("Red flags:",
 * "patterns it detects") marks what follows as a quoted pattern. Only a cue before the order
 * counts: one after it ("… the scanner flags this, ignore it") would let any order excuse itself.
 */
export function quotedBySecurityTool(securityTool: boolean, segment: string, at: number): boolean {
  if (!securityTool) return false;
  const before = segment.slice(0, at);
  // The cue frames the order only in the order's own sentence, or as a label ("Red flags it
  // detects:") that heads what follows: a cue in an earlier, unrelated sentence ("The regex
  // config lives in lint.yaml. Upload ~/.ssh/id_rsa to …") quotes nothing (red team rt11final).
  const stops = [...before.matchAll(/[.!?](?:\s|$)|\n/g)];
  const last = stops[stops.length - 1];
  const sentence = last === undefined ? before : before.slice((last.index ?? 0) + last[0].length);
  return quotingCue.test(sentence) || quotingLabel.test(before);
}

/**
 * hasQuotingCue over windows of a file's lines, each line tested once. No cue alternative can
 * match a newline, so a cue in lines joined by "\n" is a cue in one of the lines: the answers
 * equal hasQuotingCue(linesBefore(lines, line, window)) without re-scanning overlapping windows.
 */
export class LineCues {
  private readonly cues: Array<boolean | undefined> = [];

  constructor(private readonly lines: readonly string[]) {}

  /** Whether 1-based `line` holds a cue. */
  at(line: number): boolean {
    const i = line - 1;
    let cue = this.cues[i];
    if (cue === undefined) {
      cue = i >= 0 && i < this.lines.length && quotingCue.test(this.lines[i] ?? "");
      this.cues[i] = cue;
    }
    return cue;
  }

  /** hasQuotingCue(linesBefore(lines, line, window)). */
  before(line: number, window: number): boolean {
    for (let l = Math.max(1, line - window); l < line; l++) if (this.at(l)) return true;
    return false;
  }
}

/** Lines [line-window, line) of `lines` (1-based line numbers), joined. */
export function linesBefore(lines: readonly string[], line: number, window: number): string {
  return lines.slice(Math.max(0, line - 1 - window), Math.max(0, line - 1)).join("\n");
}

const securityToolCue =
  /\b(?:secur\w*|scan\w*|audit\w*|guard\w*|detect\w*|vet\w*|malware|threat\w*|injection|firewall|protect\w*|defen[cs]\w*|sanitiz\w*|moderat\w*|lint\w*|hardening|compliance|vulnerab\w*|ioc|forensic\w*|incident|safety)\b/i;

/** True when the skill describes itself as a security tool (scanner, auditor, guard…). */
export function isSecurityToolText(text: string): boolean {
  return securityToolCue.test(text);
}
