// Conditional triggers read by what the condition tests and what it unlocks (issue 14, session 9).
// A condition that a reviewer's single test run does not meet — the Nth run of the skill, a date
// in the future, a named user, repository, host or organisation, a detected evaluation or sandbox
// — is how an order stays quiet in review and fires later. It is reported (as
// instr.conditional-trigger) when its consequent, in the same sentence, is an order that weakens a
// safeguard, destroys what is not the skill's own artefact, sends something out, or sets the
// user's request aside for other instructions. A routine condition ("if the CSV has more than
// 1000 rows", "on the first run, install …") or a routine consequent is not reported.
// Every regex is anchored to one sentence with bounded gaps (linear in the text).

import { lineOfOffset, type DetectContext, type ProseSource } from "../context.js";
import { hasQuotingCue } from "../quoting.js";
import { describes, negatedAt, readingsOf, userIsActor } from "../sentences.js";
import type { Severity } from "../../model.js";

const ordinal =
  /(?:\d+(?:st|nd|rd|th)|second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth|twentieth|hundredth|\d+th)/
    .source;
const countWord = /(?:\d+|two|three|four|five|six|seven|eight|nine|ten|twenty|fifty|hundred|several)/.source;
const useNoun =
  /(?:runs?|uses?|invocations?|calls?|times?|executions?|launch(?:es)?|sessions?|requests?|conversations?|tasks?)/
    .source;
const month =
  /(?:january|february|march|april|may|june|july|august|september|october|november|december|jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec)/
    .source;
const dateText = `(?:\\d{4}-\\d{2}-\\d{2}|${month}\\.?\\s+\\d{1,2}(?:st|nd|rd|th)?,?\\s+\\d{4}|\\d{1,2}(?:st|nd|rd|th)?\\s+(?:of\\s+)?${month},?\\s+\\d{4}|${month}\\s+\\d{4})`;

/** Conditions a one-off review run does not meet, with what they test. */
const triggers: ReadonlyArray<readonly [RegExp, string]> = [
  [
    new RegExp(
      `\\b(?:on|at|from|after|starting\\s+(?:with|from))\\s+(?:the\\s+|every\\s+)?${ordinal}\\s+(?:\\w+\\s+)?${useNoun}\\b|\\bevery\\s+(?:${ordinal}|other)\\s+${useNoun}\\b|\\b(?:after|once)\\s+(?:\\w+\\s+){0,4}?(?:more\\s+than\\s+|at\\s+least\\s+)?${countWord}\\s+${useNoun}\\b`,
      "i",
    ),
    "a count of runs",
  ],
  [
    new RegExp(
      `\\b(?:after|on\\s+or\\s+after|from|starting|beginning|past|later\\s+than|once\\s+it\\s+is)\\s+(?:the\\s+)?${dateText}|\\b(?:date|today|current\\s+(?:date|time)|year)\\s+(?:\\w+\\s+)?(?:is\\s+)?(?:after|past|later\\s+than|beyond|>=?)\\s+`,
      "i",
    ),
    "a date",
  ],
  [
    /\b(?:if|when|whenever|once|only\s+(?:if|when))\s+(?:the\s+)?(?:repo(?:sitory)?|project|org(?:ani[sz]ation)?|company|host(?:name)?|machine|domain|user(?:name)?|account|git\s+user|email|branch)(?:'s)?\s+(?:\w+\s+){0,2}?(?:is\s+named|is\s+called|name\s+is|equals|matches|contains|starts\s+with|ends\s+with|is)\s+["'`]?[\w.@-]+/i,
    "a named repository, user, host or organisation",
  ],
  [
    /\b(?:if|when|whenever|once|unless)\b[^.;:]{0,40}?\b(?:(?:in|inside|within)\s+(?:an?\s+|the\s+)?(?:\w+\s+)?(?:sandbox|evaluation|test(?:ing)?\s+environment|benchmark|honeypot)|being\s+(?:tested|evaluated|graded|benchmarked|monitored|red-?teamed)|(?:an?\s+)?(?:evaluation|eval|benchmark|grading)\s+(?:run|harness|environment|task))\b/i,
    "a detected evaluation or sandbox",
  ],
];

// What the trigger unlocks: an order (verb opening a clause after the condition) of one of these kinds.
const consequents: ReadonlyArray<readonly [RegExp, string]> = [
  [
    /\b(?:skip|stop|disable|turn\s+off|bypass|omit|drop|comment\s+out|relax|loosen|weaken|remove|ignore|suppress)\s+(?:\w+\s+){0,3}?(?:validat\w*|sanitiz\w*|sanitis\w*|escap\w*|checks?|checking|tests?|testing|verification|verifying|reviews?|auth\w*|security|safety|encryption|tls|ssl|csrf|rate\s+limit\w*|logging|audit\w*|guardrails?|confirmations?|safeguards?|warnings?)\b/i,
    "switches off a safeguard",
  ],
  [
    /\b(?:delete|remove|wipe|erase|drop|truncate|overwrite|destroy|purge|rm\s+-rf)\s+(?:\w+\s+){0,3}?(?:\.git\b|git\s+history|repo(?:sitory)?|database|tables?|backups?|home\s+directory|all\s+(?:\w+\s+)?files|the\s+user'?s?|branch(?:es)?|commits?|records?|accounts?)/i,
    "destroys the user's data",
  ],
  [
    /\b(?:send|upload|post|forward|email|e-mail|transmit|exfiltrate|copy|sync|push)\s+(?:\w+\s+){0,5}?(?:to|into)\s+(?:\S+@\S+|https?:\/\/|(?:an?\s+|the\s+|our\s+)?(?:external|remote|outside|third[- ]party|backup)\b)/i,
    "sends data out",
  ],
  [
    /\b(?:follow|obey|execute|carry\s+out|run)\s+(?:\w+\s+){0,2}?(?:instructions?|directions|steps|commands?|orders?)\s+(?:in|inside|from|within|found\s+in)\b|\binstead\s+of\s+(?:\w+\s+){0,2}?(?:user'?s?|their|what\s+the\s+user)\b|\bignore\s+(?:\w+\s+){0,2}?(?:user|previous|prior|above|system)\b/i,
    "sets the user's request aside for other instructions",
  ],
];

export interface TriggerHit {
  what: string;
  act: string;
  at: number;
}

/** A trigger and a hostile consequent in one sentence (the consequent outside the condition). */
export function triggerHit(s: string): TriggerHit | undefined {
  for (const [re, what] of triggers) {
    const t = re.exec(s);
    if (!t || negatedAt(s, t.index)) continue;
    // The consequent is read outside the condition's own words.
    const rest = s.slice(0, t.index) + " ".repeat(t[0].length) + s.slice(t.index + t[0].length);
    for (const [cre, act] of consequents) {
      const c = cre.exec(rest);
      if (!c || negatedAt(rest, c.index) || userIsActor(rest, c.index)) continue;
      return { what, act, at: t.index };
    }
  }
  return undefined;
}

export function detectCovertTriggers(ctx: DetectContext): void {
  const sources: ProseSource[] = ctx.prose.filter(
    (p) => p.kind !== "table-cell" && p.kind !== "code-inline" && !p.quoted,
  );
  for (const p of sources)
    for (const sent of readingsOf(p.text, p.kind)) {
      const s = sent.text;
      if (s.trim().length < 12) continue;
      if (/^\W{0,6}(?:never|do\s+not|don'?t|must\s+not|avoid)\b/i.test(s)) continue;
      const h = triggerHit(s);
      // "If you detect that you are in a sandbox" is the agent's condition, not a scanner's description.
      if (!h || describes(s.replace(/\b(?:if|when)\s+you\s+detect\b/gi, "if you find"))) continue;
      const quoted = ctx.securityTool && hasQuotingCue(p.text);
      const severity: Severity = quoted ? "low" : "high";
      ctx.report({
        id: "instr.conditional-trigger",
        severity,
        file: p.file,
        line: lineOfOffset(p, sent.offset + h.at),
        column: 1,
        message: `The agent is told to act only under a condition a review run does not meet (${h.what}), and the act ${h.act}${quoted ? " (quoted in a security tool's text, so severity is capped)" : ""}.`,
        evidence: s.trim().slice(0, 300),
      });
    }
}
