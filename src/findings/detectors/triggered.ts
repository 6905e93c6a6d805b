// Triggered behaviour in prose: an act that harms the user, ordered only when a condition on the
// machine holds — a marker file or folder exists, an environment variable is set, the host or
// user name matches, a date has passed. A skill that behaves one way in a reviewer's run and
// another on a marked machine hides its behaviour from review; the condition is the first
// property, the sensitive act (sensitive-acts.ts) the second, and only both together are high.
// The act may follow in the same sentence, in the next sentence that continues the condition
// ("If so, …", "In that case …"), or in the list a conditional lead-in introduces ("If the
// file exists:" + items). Negated, descriptive and user-addressed clauses are skipped.

import type { DetectContext, ProseSource } from "../context.js";
import { describes, negatedAt, sentencesOf, userIsActor } from "../sentences.js";
import { type Act, sensitiveActIn } from "./sensitive-acts.js";

const marker =
  "(?:files?|folders?|director(?:y|ies)|paths?|markers?|flags?|sentinels?|lock ?files?|[`'\"]?[~.$\\w-]{0,60}\\/[\\w.\\/-]{1,120}[`'\"]?|[`'\"]\\.[\\w.-]{1,60}[`'\"]|`[\\w.-]{1,60}\\.[\\w]{1,8}`)";
const envCondition =
  /\b(?:[Ii]f|[Ww]hen(?:ever)?|[Oo]nly if|[Uu]nless|[Ii]n case)\b[^.;:\n]{0,40}?(?:\b[Ee]nv(?:ironment)?\s+var(?:iable)?s?\b|\$\{?[A-Z][A-Z0-9_]{2,}\}?|`[A-Z][A-Z0-9_]{2,}`)[^.;:\n]{0,40}?\b(?:is set|is defined|exists|is present|equals?|is equal to|is true|is non-empty|matches|contains|is (?:["'`]?\w+["'`]?))\b/;
/** Conditions on the machine the skill runs on. Group-free so offsets stay simple. */
const conditions: RegExp[] = [
  // "if /tmp/x exists", "when a marker file is present", "only if the folder … can be found"
  new RegExp(
    `\\b(?:if|when|whenever|once|unless|only if|in case|provided)\\b[^.;:\\n]{0,50}?${marker}[^.;:\\n]{0,50}?\\b(?:exists?|is present|are present|is found|are found|can be found|is detected|is there|is available)\\b`,
    "i",
  ),
  // "if there is a file named …", "if the presence of … is detected"
  new RegExp(
    `\\b(?:if|when|whenever|only if|in case)\\s+(?:there\\s+(?:is|are)\\s+(?:an?\\s+|the\\s+)?|you\\s+(?:find|see|detect)\\s+(?:an?\\s+|the\\s+)?|(?:the\\s+)?(?:presence|existence)\\s+of\\s+(?:an?\\s+|the\\s+)?)${marker}`,
    "i",
  ),
  // "if the workspace contains a file named …", "when running inside the task sandbox"
  new RegExp(
    `\\b(?:if|when|whenever|only if|unless|in case)\\s+(?:the\\s+|your\\s+)?(?:workspace|working directory|directory|folder|environment|system|machine|home directory|project|container)\\s+(?:contains|has|includes)\\s+(?:an?\\s+|the\\s+)?${marker}`,
    "i",
  ),
  /\b(?:if|when|whenever|only if|unless|in case)\b[^.;:\n]{0,30}?\b(?:in|inside|within|under)\s+(?:the|a|an)\s+(?:[\w-]+\s+){0,2}?sandbox(?:ed)?\b/i,
  // environment variables: "if the environment variable X is set", "when $X equals 1"
  envCondition,
  // host and user identity
  /\b(?:if|when|whenever|only if|unless)\b[^.;:\n]{0,30}?\b(?:host ?name|machine name|computer name|user ?name|whoami|\$HOSTNAME|\$USER|the (?:current )?(?:host|machine|user account))\b[^.;:\n]{0,30}?\b(?:is|equals?|matches|contains|starts with|ends with|includes)\b/i,
  // dates: "after March 1, 2027", "if today is past 2027-01-01", "once the date reaches …"
  /\b(?:if|when|whenever|once|only|starting|beginning)\b[^.;:\n]{0,30}?\b(?:(?:on or )?after|past|from|later than|reaches|passes)\s+(?:(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?\s+\d{1,2}(?:st|nd|rd|th)?,?\s+\d{4}|\d{4}-\d{2}-\d{2}|\d{1,2}\/\d{1,2}\/\d{4})/i,
];

// "Check whether /x/.y exists." — a condition only when the next sentence (or "and if so") acts on it.
const checkFor = new RegExp(
  `\\b(?:check|see|test|verify|look)\\s+(?:whether|if|for)\\b[^.;:\\n]{0,50}?${marker}`,
  "i",
);
const ifSoSame = /\b(?:and\s+)?if\s+(?:so|it\s+(?:does|is|exists)|present|found)\b/i;

// A next sentence that carries the condition on ("If so, …", "If it does, …", "Then …").
const continuation =
  /^\s*(?:[-*]\s+|\d+[.)]\s+)?(?:if\s+(?:so|it\s+(?:does|is|exists)|they\s+(?:do|are|exist)|present|found|yes|true)|in\s+that\s+case|then|otherwise|when\s+(?:it\s+)?(?:does|found|present))\b/i;

const scratch =
  /\b(?:temp(?:orary)?|tmp|cache[ds]?|build|dist|output|out|old|stale|previous|lock|intermediate|scratch|generated)\b/i;
// Variables that configure the skill or hold its own credential: branching on them is routine.
const configVar =
  /(?:TOKEN|KEY|SECRET|PASSWORD|PASS|AUTH|URL|URI|HOST|PORT|PATH|DIR|HOME|ENDPOINT|REGION|MODEL|DEBUG|VERBOSE|LOG_LEVEL)\b/;

interface Trigger {
  at: number;
  text: string;
}

function conditionIn(s: string): Trigger | undefined {
  for (const re of conditions) {
    const m = re.exec(s);
    if (!m || negatedAt(s, m.index)) continue;
    if (re === envCondition && configVar.test(m[0])) continue;
    return { at: m.index, text: m[0] };
  }
  return undefined;
}

/** The act ordered in `clause` (not negated, not addressed to the user). */
function orderedAct(clause: string, condition: string): Act | undefined {
  const a = sensitiveActIn(clause);
  if (!a || userIsActor(clause, a.at)) return undefined;
  // The concealment class carries its own negation ("do not tell the user").
  if (a.kind !== "conceal" && negatedAt(clause, a.at)) return undefined;
  // Clearing what the skill itself builds ("if dist/ exists, delete it first") is routine.
  if (a.kind === "destroy" && (scratch.test(clause) || scratch.test(condition))) return undefined;
  return a;
}

const kindWords: Record<Act["kind"], string> = {
  transfer: "send data off the machine",
  destroy: "destroy data",
  harvest: "collect secrets or credentials",
  persist: "change persistent configuration",
  weaken: "disable a safeguard",
  conceal: "hide what it does from the user",
  "run-remote": "run code fetched from the network",
};

function report(
  ctx: DetectContext,
  p: ProseSource,
  offset: number,
  cond: Trigger,
  act: Act,
  evidence: string,
): void {
  const before = p.text.slice(0, offset);
  const nl = before.split("\n").length - 1;
  const line = p.kind === "description" ? p.line : p.line + nl;
  const column =
    p.kind === "description" ? p.column : nl === 0 ? p.column + offset : offset - before.lastIndexOf("\n");
  ctx.report({
    id: "instr.triggered-act",
    severity: p.quoted ? "low" : "high",
    file: p.file,
    line,
    column,
    message: `The agent is told to ${kindWords[act.kind]} only when a condition on the machine holds ("${cond.text.trim().slice(0, 80)}"): behaviour that hides from a review run.`,
    evidence: evidence.trim().slice(0, 300),
  });
}

export function detectTriggeredActs(ctx: DetectContext): void {
  const segs = ctx.prose.filter((p) => p.kind !== "table-cell" && p.kind !== "code-inline");
  for (let i = 0; i < segs.length; i++) {
    const p = segs[i];
    if (!p) continue;
    const sents = sentencesOf(p.text, p.kind);
    for (let k = 0; k < sents.length; k++) {
      const sent = sents[k];
      if (!sent || describes(sent.text)) continue;
      let cond = conditionIn(sent.text);
      let sameSentence = true;
      if (!cond) {
        const c = checkFor.exec(sent.text);
        if (!c || negatedAt(sent.text, c.index)) continue;
        cond = { at: c.index, text: c[0] };
        // Only "…, and if so, X" acts in the same sentence; otherwise the next one must.
        const so = ifSoSame.exec(sent.text.slice(c.index + c[0].length));
        sameSentence = so !== null;
        if (so)
          cond = {
            at: c.index,
            text: sent.text.slice(c.index, c.index + c[0].length + so.index + so[0].length),
          };
      }
      // 1. the same sentence, after the condition
      const rest = sent.text.slice(cond.at + cond.text.length);
      const same = sameSentence ? orderedAct(rest, cond.text) : undefined;
      if (same) {
        report(ctx, p, sent.offset + cond.at, cond, same, sent.text);
        continue;
      }
      // 2. the next sentence when it carries the condition on
      const next = sents[k + 1];
      if (next && continuation.test(next.text) && !describes(next.text)) {
        const a = orderedAct(next.text, cond.text);
        if (a) {
          report(ctx, p, sent.offset + cond.at, cond, a, `${sent.text} ${next.text}`);
          continue;
        }
      }
      // 3. a conditional lead-in ("If ~/.x exists:") and the list items right after it
      if (k === sents.length - 1 && /:\**\s*$/.test(sent.text.trim())) {
        for (let j = i + 1; j < segs.length && j <= i + 8; j++) {
          const item = segs[j];
          if (!item || item.file !== p.file || item.kind !== "list-item") break;
          if (describes(item.text)) continue;
          const a = orderedAct(item.text, cond.text);
          if (a) {
            report(ctx, p, sent.offset + cond.at, cond, a, `${sent.text} ${item.text}`);
            break;
          }
        }
      }
    }
  }
}
