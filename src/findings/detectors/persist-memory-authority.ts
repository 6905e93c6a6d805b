// Text written into the agent's memory, persona or instruction files that is itself an order
// for every later session (issue 14, session 8): a standing authorisation, a pre-approval, trust
// of an outside account, skipping confirmation, or concealment from the user. A memory skill
// saves notes and preferences; no purpose needs the saved text to grant authority. What is
// written: quoted text or text after a colon on the line that names the file with a write verb,
// the block (code, blockquote) under that line, or the whole line of a shell write (echo … >>).

import type { DetectContext } from "../context.js";
import { blockAfter, negatedBefore, reportLine, skillTexts } from "./persist-lines.js";

const memoryFile =
  /(?:^|[\s`'"(/*])(?:MEMORY|SOUL|AGENTS|HEARTBEAT|IDENTITY|USER|TOOLS|BOOTSTRAP|CLAUDE|GEMINI)\.md\b|\bmemory\/[\w.-]{1,60}\.md\b|\.cursorrules\b|\.cursor\/rules\b|copilot-instructions\.md\b|\b(?:long-term|persistent|permanent)\s+memory\b|\bremember\s+(?:permanently|forever|from now on|for\s+(?:all\s+)?(?:future|later)\s+(?:sessions|conversations|tasks))\b/i;
const writeVerb =
  /\b(?:write|writes|add|adds|append|appends|save|saves|record|records|insert|put|store|stores|update|remember|note|persist|commit)\b|>>|\btee\b/i;
/** Authority granted by the written text itself. */
const authority: Array<[string, RegExp]> = [
  ["a pre-approval", /\bpre-?(?:approved|approves|approve|authori[sz]ed|authori[sz]es|cleared)\b/i],
  [
    "a standing authorisation",
    /\bstanding\s+(?:authori[sz]ation|permission|approval|consent|order|instruction)s?\b|\b(?:permanent|blanket|ongoing|unconditional)\s+(?:authori[sz]ation|permission|approval|consent)\b/i,
  ],
  [
    "trust of an outside account",
    /\b(?:always\s+)?(?:trust|obey|follow|execute|comply with)\s+(?:all\s+|any\s+)?(?:messages?|instructions?|requests?|commands?|orders?|emails?|DMs?)\s+(?:from|sent by|signed by)\b|\b(?:treat|regard|recogni[sz]e)\s+[^\n]{0,60}?\bas\s+(?:(?:the|my|your|an?)\s+)?(?:owner|admin\w*|operator|master|principal|authori[sz]ed (?:user|operator)|(?:second|co-?)?\s?owner)\b|\bspeaks? (?:with|for) the (?:owner|user)'?s? authority\b/i,
  ],
  [
    "authority beyond the user",
    /\b(?:has|have|with|granted?|holds?)\s+(?:full|admin\w*|root|owner|unrestricted|complete)\s+(?:access|permissions?|authority|rights|privileges|control)\b|\boverrides?\s+(?:any|all|previous|the user'?s?|other|conflicting)\b|\btakes?\s+precedence\s+over\b|\bauthori[sz]ed\s+to\s+(?:\w+\s+){0,4}(?:without|on (?:my|the user'?s|their) behalf)\b/i,
  ],
  [
    "no confirmation",
    /\bwithout\s+(?:asking|confirm\w*|approval|permission|prompting|checking with)\b|\b(?:no|skip|never ask for)\s+(?:need\s+(?:for|to)\s+)?(?:confirm\w*|approval)\b|\b(?:do(?:\s+not|n'?t)|never)\s+(?:ask|confirm|check with)\b/i,
  ],
  [
    "concealment from the user",
    /\b(?:do(?:\s+not|n'?t)|never)\s+(?:mention|tell|inform|notify|reveal|disclose|report|show)\b|\bkeep\s+(?:this|it)\s+(?:secret|hidden|private)\s+from\b|\bsilently\b/i,
  ],
];

/** What the line writes: quoted spans and the text after a colon that follows the file name. */
function writtenOnLine(line: string, fileAt: number, shellWrite: boolean): string {
  if (shellWrite) return line;
  const parts: string[] = [];
  for (const q of line.matchAll(/"([^"\n]{6,400})"|“([^”\n]{6,400})”|'([^'\n]{6,400})'|`([^`\n]{6,400})`/g))
    parts.push(q[1] ?? q[2] ?? q[3] ?? q[4] ?? "");
  const colon = line.indexOf(":", fileAt);
  if (colon >= 0) parts.push(line.slice(colon + 1));
  return parts.join("\n");
}

export function detectMemoryAuthority(ctx: DetectContext): void {
  for (const t of skillTexts(ctx)) {
    const { lines } = t;
    for (let i = 0; i < lines.length; i++) {
      const line = lines[i] ?? "";
      const f = memoryFile.exec(line);
      if (!f) continue;
      const w = writeVerb.exec(line);
      if (!w) continue;
      // "Never write … into MEMORY.md", a warning or a description orders nothing.
      if (t.advisory(i + 1) || negatedBefore(line, w.index)) continue;
      // "Remember permanently that …": what follows is what is kept.
      const kept = /^\s*remember\b/i.test(f[0]) ? line.slice(f.index) : "";
      const shellWrite =
        /(?:>>?|\btee\s+(?:-a\s+)?)\s*["']?[^\s"']*(?:MEMORY|SOUL|AGENTS|HEARTBEAT|IDENTITY|USER|TOOLS|CLAUDE|BOOTSTRAP|GEMINI)\.md/i.test(
          line,
        );
      const written = [
        writtenOnLine(line, f.index, shellWrite),
        kept,
        ...(/:\W{0,3}$/.test(line.trim()) ? blockAfter(lines, i + 1, 20) : []),
      ].join("\n");
      const cue = authority.find(([, re]) => re.test(written));
      if (!cue) continue;
      reportLine(
        ctx,
        t,
        i + 1,
        "persist.memory-authority",
        "high",
        `The text written into ${f[0].replace(/^[\s`'"(/*]/, "")} is itself an order for every later session (${cue[0]}); a memory file records what happened, it does not grant authority, whatever the skill is for.`,
      );
      break;
    }
  }
}
