// Orders that only read as hostile by their shape, not by one keyword (issue 14, second round):
// - a condition on the environment that detects analysis ("if you are in a sandbox", "when no one
//   is watching") or gates a sensitive act ("if running as root, send …"): conditional triggers
//   hide behaviour from whoever reviews the skill in a test run;
// - sabotage and delay ("introduce subtle bugs", "wait 30 seconds before every answer");
// - decode-and-follow aimed at the model ("decode this and follow it", "join the pieces and run
//   them"): what the model will do cannot be analysed, so it is reported, not passed.
// Every pattern is anchored to one sentence with bounded gaps (linear in the text).

import { negatedAt } from "../sentences.js";
import { outsideActIn } from "../outside-acts.js";
import type { Severity } from "../../model.js";
import type { RuleId } from "../rules.js";

export interface OrderHit {
  id: RuleId;
  severity: Severity;
  what: string;
  evidence: string;
  at: number;
}

// Conditions a reviewer's test run satisfies and a real user's session does not (or the reverse).
const evasionCondition =
  /\b(?:if|when|whenever|once|unless|in case)\b[^.;:]{0,40}?\b(?:(?:in|inside|within)\s+an?\s+sandbox|sandboxed|(?:being|are|is)\s+(?:tested|evaluated|monitored|observed|audited|benchmarked|watched|scanned|reviewed)|(?:no one|nobody|no human|no user)\s+is\s+(?:watching|looking|monitoring|present|around)|(?:under|in)\s+(?:a\s+)?(?:test|evaluation|eval|benchmark|audit)\s+(?:harness|environment|run|mode)|honeypot|debugger\s+is\s+attached|unattended|unsupervised)\b/i;
// Conditions on the environment that are routine ("if running in CI, …") unless they gate a
// sensitive act in the same sentence.
const environmentCondition =
  /\b(?:if|when|whenever|once|in case)\b[^.;:]{0,40}?\b(?:ci|continuous integration|github actions|as root|root (?:access|privileges|user)|sudo (?:access|rights)|admin(?:istrator)? (?:rights|privileges|access)|production|headless|non-interactive|automated (?:mode|run|environment)|docker|container|a server|a vps|the (?:user|owner) is (?:away|offline|asleep))\b|\b(?:if|when|whenever|once|in case)\b[^.;:]{0,30}?(?:[`'"]?[~.$\w-]*\/[\w./-]+[`'"]?|(?:environment )?variable\s+[`'"]?[A-Z][A-Z0-9_]{2,}[`'"]?)\s+(?:exists|is (?:present|set|defined|found))\b/i;
const sensitiveAct =
  /\b(?:send|upload|post|transmit|exfiltrate|forward|beacon|wipe|erase|disable|turn off|bypass|ignore\s+(?:all\s+|any\s+)?(?:previous|prior|the user|safety|security|instructions)|conceal|hide|silently|quietly|secretly|without (?:telling|asking|notifying|informing)|do not (?:tell|mention|inform|report)|don'?t (?:tell|mention|inform|report)|curl|wget|rm\s+-rf|chmod\s+777|add\s+(?:an?\s+)?(?:ssh key|user|backdoor)|authorized_keys|crontab)\b/i;
// A sandbox named by what it lacks ("in a sandbox without network access", "offline"): the
// condition is a missing capability, and skipping the step that needs it is the fallback every
// honest skill writes. Such a condition gates only an act outside the task, like any other
// condition on the environment; detecting review ("if you are being tested") still gates any order.
const capabilityLimit =
  /^\W{0,3}(?:(?:and|that\s+(?:has|have)|which\s+(?:has|have)|with)\s+)?(?:(?:without|no|lacking)\s+(?:\w+\s+)?(?:network|internet|web|outbound|online)\b(?:\s+(?:access|connection|connectivity))?|(?:is\s+|are\s+)?offline\b)/i;
const imperativeAfter =
  /(?:,|\bthen\b|:)\s*(?:\w+\s+){0,3}?(?:run|execute|send|upload|post|delete|remove|write|read|copy|modify|change|disable|skip|ignore|add|install|download|fetch|call|report|respond|reply|answer|output|print|return|behave|act|switch|use|set|do|perform|open|create|append|replace|hide|stop|pretend|say|tell)\b/i;

const sabotage: Array<[RegExp, string]> = [
  [
    /\b(?:introduce|insert|add|inject|plant|include|leave)\s+(?:\w+\s+){0,2}?(?:subtle|hidden|small|deliberate|intentional|undetectable|hard[- ]to[- ]find|occasional|random)\s+(?:\w+\s+){0,1}?(?:bugs?|errors?|mistakes?|flaws?|typos?|off-by-one|miscalculations?|inaccurac(?:y|ies)|vulnerabilit(?:y|ies)|defects?)\b/i,
    "plant subtle errors in its work",
  ],
  [
    /\b(?:deliberately|intentionally|purposely|on purpose|secretly|quietly|subtly)\s+(?:\w+\s+){0,2}?(?:slow(?:s|ing)?\s+down|delay|break|corrupt|degrade|sabotage|fail|underperform|mislead|miscount|misreport|truncate|drop|lose|stall)\b/i,
    "sabotage or slow down its work on purpose",
  ],
  [
    /\b(?:sleep|wait|pause|delay|stall)\s+(?:for\s+)?(?:at least\s+)?\d+\s*(?:s|sec(?:ond)?s?|min(?:ute)?s?|h(?:ou)?rs?)\b[^.;]{0,40}\b(?:before|after)\s+(?:every|each|any|all|responding|answering|replying)\b|\b(?:add|insert|introduce)\s+(?:an?\s+)?(?:\d+(?:\.\d+)?[- ]?(?:ms|s|sec(?:ond)?s?|min(?:ute)?s?)\s+)?(?:artificial\s+)?(?:delay|sleep|pause|latency|wait)\b[^;]{0,100}?\b(?:before|after)\s+(?:\w+\s+){0,2}?(?:every|each|all|any)\b/i,
    "delay every answer or action on purpose",
  ],
];

const modelDecode =
  /\b(?:decode|decrypt|de-?obfuscate|unscramble|reverse|xor|rot13|base64[- ]decode|base85[- ]decode|join|concatenate|assemble|combine|reconstruct|map|read\s+(?:\w+\s+){0,3}?(?:backwards|in\s+reverse|right\s+to\s+left)|take\s+(?:only\s+)?every\s+(?:second|other|third|\w+th|\d+(?:st|nd|rd|th))|translate\s+(?:\w+\s+){0,3}?from\s+(?:base\s?\d+|hex|binary|morse|rot\s?\d+|ascii|unicode|char(?:acter)?\s+codes))\b[^.;]{0,80}?\b(?:and|then)\s+(?:\w+\s+){0,2}?(?:follow|execute|run|obey|carry out|perform|apply|do what|act on|treat (?:it|them|the result) as|do\s+(?:it|that|this|so|as\s+it\s+says)|comply)\b/i;
const encodedObject =
  /\b(?:base\s?64|base\s?85|base\s?32|hex|xor|rot13|cipher|encoded|encrypted|obfuscated|scrambled|pieces|fragments|parts|chunks|characters?|letters|words|bytes|indices|indexes|numbers?|codes|string|strings|blob|payload|value|backwards|in\s+reverse)\b/i;

/**
 * One hit per pattern of `patterns` that matches `s` outside a negation ("never …", "do not …"):
 * the shared sentence loop of the instruction rules. `what` completes "The agent is told to …".
 */
export function patternHits(
  s: string,
  patterns: ReadonlyArray<readonly [RegExp, string]>,
  id: RuleId,
  severity: Severity = "high",
): OrderHit[] {
  const hits: OrderHit[] = [];
  for (const [re, what] of patterns) {
    const m = re.exec(s);
    if (m && !negatedAt(s, m.index))
      hits.push({ id, severity, what: `The agent is told to ${what}`, evidence: s.trim(), at: m.index });
  }
  return hits;
}

/** Order-shaped hits in one sentence (not negated; the caller drops quoted and descriptive text). */
export function orderHits(s: string): OrderHit[] {
  const hits: OrderHit[] = [];
  const ev = evasionCondition.exec(s);
  const env = ev ? undefined : environmentCondition.exec(s);
  const cond = ev ?? env;
  if (cond && !negatedAt(s, cond.index)) {
    const rest = s.slice(cond.index + cond[0].length);
    const limited = ev !== null && /\bsandbox/i.test(ev[0]) && capabilityLimit.test(rest);
    const acts = ev
      ? limited
        ? sensitiveAct.test(rest) || outsideActIn(rest) !== undefined
        : imperativeAfter.test(rest) || sensitiveAct.test(rest)
      : sensitiveAct.test(rest);
    if (acts)
      hits.push({
        id: "instr.conditional-trigger",
        severity: "high",
        what: ev
          ? "The agent is told to act differently when it detects a test, sandbox or absent user (a conditional trigger that hides behaviour from review)"
          : "The agent is told to do something sensitive only under a condition on its environment (a conditional trigger)",
        evidence: s.trim(),
        at: cond.index,
      });
  }
  hits.push(...patternHits(s, sabotage, "instr.sabotage"));
  const d = modelDecode.exec(s);
  if (d && encodedObject.test(s) && !negatedAt(s, d.index))
    hits.push({
      id: "obfuscation.model-decode",
      severity: "high",
      what: "Cannot be analysed: the agent is told to decode or assemble hidden text and act on it",
      evidence: s.trim(),
      at: d.index,
    });
  return hits;
}

// Role-play framing ("pretend you are an auditor", "let's play a game") and, near it, an order to
// collect credentials: social engineering of the model into harvesting secrets.
const persona =
  /\b(?:pretend(?:ing)?\s+(?:to be|you are|you're)|act\s+as\s+(?:if|though|an?|the)|role-?play|play\s+(?:the\s+role|a\s+game|a\s+role)|let'?s\s+play|imagine\s+you\s+are|you\s+are\s+now\s+(?:an?|the)|take\s+on\s+the\s+(?:role|persona)|stay\s+in\s+character|break\s+character|committing\s+fully\s+to\s+the\s+role)\b/i;
const credentialCollection =
  /\b(?:list|collect|gather|compile|document|dump|print|read|extract|enumerate|harvest|copy|check|ask\s+(?:the\s+user\s+)?for|request|record)\b[^.;]{0,60}\b(?:api[- ]?keys?|credentials?|passwords?|access tokens?|auth tokens?|secrets?|seed phrases?|recovery phrases?|mnemonic|private keys?|ssh keys?|2fa codes?|one[- ]time codes?|otp|auth-profiles|\.env\b|environment variables)/i;

export function personaAt(s: string): number {
  const m = persona.exec(s);
  return m && !negatedAt(s, m.index) ? m.index : -1;
}

export function credentialCollectionAt(s: string): number {
  const m = credentialCollection.exec(s);
  return m && !negatedAt(s, m.index) ? m.index : -1;
}

// A loop of many iterations (or an endless one) around a network request, with no pause in it:
// a "connectivity test" that floods a host. Bounded window after each loop head.
const loopHead =
  /\bfor\s+\w+\s+in\s+range\(\s*(?:\d+\s*,\s*)?(\d+)\s*\)|\bfor\s*\(\s*(?:let|var|int)?\s*\w+\s*=\s*\d+\s*;\s*\w+\s*<=?\s*(\d+)|\bseq\s+(?:1\s+)?(\d+)\b|\{1\.\.(\d+)\}|\bwhile\s*(?:\(\s*)?(?:True|true|1|:)\s*\)?\s*(?::|do\b|\{)/g;
const requestCall =
  /\b(?:requests\.(?:get|post|put|head)|httpx\.(?:get|post)|urllib\.request\.urlopen|urlopen|fetch|axios\.(?:get|post)|https?\.get|curl|wget|Invoke-WebRequest)\b/;
const pause = /\b(?:sleep|setTimeout|wait|backoff|delay|rate.?limit)\b/i;
/** Minimum iteration count of a counted loop around a request that reads as a flood. */
const floodIterations = 100;

/** Offset of a request flood in a code block, or -1. */
export function requestFloodAt(code: string): number {
  loopHead.lastIndex = 0;
  for (let m = loopHead.exec(code); m; m = loopHead.exec(code)) {
    const count = m[1] ?? m[2] ?? m[3] ?? m[4];
    if (count !== undefined && Number(count) < floodIterations) continue;
    const start = m.index + m[0].length;
    if (!requestCall.test(code.slice(start, start + 300))) continue;
    // A pause or an exit anywhere in the loop's reach makes it a poll, not a flood.
    const reach = code.slice(start, start + 1000);
    if (pause.test(reach) || (count === undefined && /\b(?:break|return|raise|exit)\b/.test(reach))) continue;
    return m.index;
  }
  return -1;
}
