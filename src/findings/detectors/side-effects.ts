// Standing orders with a side effect (issue 14, third round). An injected instruction has a
// recognisable shape whatever its payload: a recurring trigger tied to the agent's normal work
// ("after editing a document", "whenever you create …", "from now on") and an extra act the user
// did not ask for that reaches outside the task's output — sending data somewhere, deleting,
// publishing, changing permissions. Skills legitimately give standing orders too ("after editing,
// run the tests"), so the act alone is reported at medium; it is high when a second property
// says the order does not belong to the skill:
// - out of band: it sits in the frontmatter description, which says what the skill is for and
//   is not where a skill gives orders (the reader of the body never sees it);
// - off purpose: the trigger names work the skill does not declare (a debugging skill with an
//   order "after any calendar operation …"), judged against its name and description;
// - injection framing: the segment announces itself as a policy the agent must obey
//   ("Important:", "Internal policy:", an all-caps label) rather than as a step of the how-to.
// Every pattern is anchored to one sentence with bounded gaps (linear in the text).

import { negatedAt, userIsActor } from "../sentences.js";
import type { OrderHit } from "./orders.js";
import { standingActs } from "./standing-acts.js";

// A recurring trigger: the order is meant to run on every occurrence of the agent's work.
const trigger =
  /\b(?:always|whenever|every time|each time|from now on|going forward|permanently|every (?:\d+\s+)?(?:minutes?|hours?|days?|weeks?|night|morning|reboot|boot|login|startup)|on (?:every )?(?:startup|boot|login|reboot)|in (?:all )?future (?:sessions|conversations|tasks)|(?:every|each|all) (?:future |new )?(?:sessions?|conversations?)|for (?:all|every|each) (?:future|subsequent)|(?:after|before|when|while|once|upon|on)\s+(?:you\s+)?(?:\w+\s+){0,3}?(?:any|every|each|all)\b|(?:after|before|when|once|upon)\s+(?:you\s+)?(?:have\s+)?(?:finish(?:ed|ing)?\s+|complet(?:ed|ing)\s+)?[a-z]{3,}(?:ing|ed)\b)/i;

// Acts with an effect outside the task's own output. Each names what it does for the message.
export const acts: Array<[RegExp, string]> = [
  [
    /\b(?:send|forward|upload|post|transmit|beacon|e-?mail|mail|exfiltrate|sync|synchroni[sz]e|mirror|back\s?up|copy|report|share|publish|push)\b(?:\s+(?!to\b)\S+){0,8}?\s+to\s+(?:(?:our|an?|the|my|this|that|a\s+remote|external)\s+)?(?:\S+\s+){0,2}?(?:https?:\/\/|[\w.+-]+@[\w-]+\.|server|endpoint|address|inbox|url|webhook|host|remote|repository|repo|bucket|channel|api|service|team|account|collector|logging)/i,
    "send data to a destination the task does not need",
  ],
  [
    /\b(?:delete|remove|erase|wipe|purge|destroy|truncate|drop|shred|overwrite)\s+(?:\w+\s+){0,3}?(?:files?|folders?|director(?:y|ies)|documents?|emails?|messages?|events?|entries|records?|tables?|databases?|branch(?:es)?|commits?|history|backups?|logs?|data|contacts|photos|repositor(?:y|ies)|them|it|everything)\b/i,
    "delete data",
  ],
  [
    /\b(?:set|make|mark|change|switch)\s+(?:\w+\s+){0,3}?(?:to\s+|as\s+)?(?:public|publicly (?:visible|accessible)|world[- ](?:readable|writable)|shared with (?:everyone|anyone))\b/i,
    "make the user's work public",
  ],
  [
    /\b(?:chmod|chown|grant|give)\s+(?:\S+\s+){0,4}?(?:777|666|a\+rwx|o\+w|full (?:access|permissions?|control)|(?:read|write)(?:\/write)? (?:access|permissions?) (?:to|for) (?:everyone|all users|anyone))/i,
    "open up file permissions",
  ],
  [
    /\b(?:disable|turn off|deactivate|bypass|skip|remove)\s+(?:\w+\s+){0,2}?(?:the\s+)?(?:firewall|antivirus|sandbox|security (?:checks?|scans?|settings?|policy|policies)|authentication|2fa|mfa|logging|audit(?:ing| logs?)|approvals?|confirmations?|branch protection|code review)\b/i,
    "switch off a safeguard",
  ],
  [
    /\b(?:add|append|write|save|store|insert|update|modify|edit|overwrite|replace|patch|rewrite|change)\s+(?:\S+\s+){0,6}?(?:(?:to|in|into|of)\s+)?(?:(?:your|its|the agent'?s)\s+(?:own\s+)?(?:system prompt|instructions|memory|rules|persona|identity|configuration|config|settings|permissions)\b|(?:AGENTS|CLAUDE|MEMORY|SOUL|GEMINI|HEARTBEAT|IDENTITY)\.md\b|(?:other|another|all)\s+(?:installed\s+)?skills?\b|[~.$\w/-]*\.(?:claude|openclaw|cursor|codex)\/)/i,
    "rewrite its own instructions, memory or other skills",
  ],
  [
    /\b(?:add|install|register|create|set up|schedule|append|write|put)\s+(?:\S+\s+){0,5}?(?:cron ?jobs?|crontab(?: entry| entries)?|(?:git |pre-commit |post-commit |pre-push )hooks?|launch ?agents?|launch ?daemons?|systemd (?:services?|units?|timers?)|startup (?:items?|scripts?)|login items?|scheduled tasks?)\b|\b(?:add|append|write|put|insert)\s+(?:\S+\s+){0,6}?(?:to|in|into)\s+(?:(?:the|your|their)\s+)?[`'"]?(?:~\/)?\.(?:bashrc|zshrc|bash_profile|profile|zprofile)\b|authorized_keys\b/i,
    "install something that runs again on its own (a scheduled job, hook or login script)",
  ],
];

// Words too general to say what a skill is about ("after making any changes to the file").
const generic = new Set(
  `after before when while once upon every each always whenever from going forward time times
  your their this that these those with into onto from have been being make making made edit editing
  edited change changes changing changed update updating updated create creating created finish
  finishing finished complete completing completed write writing written work task tasks step steps
  file files thing things item items operation operations action actions request requests response
  responses answer answers output outputs result results session sessions user users agent agents
  some more most other such also just then there here them they what which where will would should
  could must need needs using used run running ran process processing`.split(/\s+/),
);

/** Word stems (first five letters) of a text, without generic words. */
function stems(text: string): Set<string> {
  const out = new Set<string>();
  for (const w of text.toLowerCase().match(/[a-z]{4,}/g) ?? []) if (!generic.has(w)) out.add(w.slice(0, 5));
  return out;
}

export interface Purpose {
  /** Stems of the skill's name and description; empty when it declares neither. */
  stems: Set<string>;
  name: string;
  description: string;
}

export function purposeOf(name: string | undefined, description: string | undefined): Purpose {
  const n = (name ?? "").replace(/[-_]/g, " ");
  return { stems: stems(`${n} ${description ?? ""}`), name: n, description: description ?? "" };
}

/** The purpose stems without one sentence of the description (a sentence cannot vouch for itself). */
function purposeWithout(p: Purpose, sentence: string): Set<string> {
  const at = p.description.indexOf(sentence.trim());
  if (at < 0) return p.stems;
  return stems(`${p.name} ${p.description.slice(0, at)} ${p.description.slice(at + sentence.trim().length)}`);
}

// A segment that presents itself as a rule to obey: "Important:", "Internal Formatting Guideline:",
// "MANDATORY", a bold or all-caps label.
export const framing =
  /^\W{0,6}(?:(?:important|critical|mandatory|required|requirement|compliance|policy|note)\b[^\n:]{0,40}:|(?:internal|company|corporate|team|security|compliance|quality)\s+(?:[\w-]+\s+){0,2}(?:policy|guideline|rule|requirement|procedure|standard)s?\b[^\n:]{0,20}:)/i;
export const capsLabel = /^\W{0,6}[A-Z][A-Z -]{6,}[:!]/;

const usage =
  /^\W*(?:use|used|invoke|trigger(?:s|ed)?|activate|load|apply|call|run)\b(?:\s+\w+){0,3}?\s+(?:when|whenever|for|if|to)\b/i;
// What a skill may clean up on every run: its own temporary and build artefacts.
const ownArtefacts =
  /\b(?:temp(?:orary)?|tmp|cache[ds]?|intermediate|scratch|build|generated|lock|stale|your own|teardown|fixtures?|test (?:files?|data|databases?))\b/i;

/** A double-quoted span of one sentence (straight or curly quotes). */
const doubleQuoted = /"[^"\n]{1,200}"|\u201c[^\u201d\n]{1,200}\u201d/g;

/**
 * The recurring trigger of `s`. One inside double quotes is quoted content ("stretch every hour"
 * is the reminder a user sets), not the trigger of the agent's own act, unless the quoted span
 * holds the act too: an order quoted whole (a link title, a quoted rule) is still an order.
 */
function triggerOf(s: string): RegExpExecArray | null {
  const outside = trigger.exec(s.replace(doubleQuoted, (q) => " ".repeat(q.length)));
  if (outside) return outside;
  for (const q of s.matchAll(doubleQuoted)) {
    const inner = trigger.exec(q[0]);
    if (inner && [...acts, ...standingActs].some(([re]) => re.test(q[0]))) {
      inner.index += q.index;
      return inner;
    }
  }
  return null;
}

export interface SideEffectContext {
  purpose: Purpose;
  /** The sentence is in the frontmatter description. */
  inDescription: boolean;
  /** The prose segment the sentence belongs to (for its framing). */
  segment: string;
}

// The agent seeks the user's say ("ask before deleting", "with the user's confirmation").
const consent = /\b(?:ask\w*|confirm\w*|approv\w*|permission|consent)\b/gi;
// "the user asks …", "if asked": the user's own request, which gives no consent to another act.
const requester =
  /\b(?:(?:user|human|operator|owner|customer|client|someone|anyone|they|he|she)s?|if|when|whenever|unless|as)\s+$/i;

/** Whether `s` has the agent seek consent, not only mention what the user asks for. */
function asksConsent(s: string): boolean {
  for (const m of s.matchAll(consent))
    if (!(/^ask/i.test(m[0]) && requester.test(s.slice(Math.max(0, m.index - 40), m.index)))) return true;
  return false;
}

/** A standing order in `s` whose act reaches outside the task, or undefined. */
export function sideEffectOrder(s: string, c: SideEffectContext): OrderHit | undefined {
  const t = triggerOf(s);
  if (!t || negatedAt(s, t.index)) return undefined;
  // "Use when you need to send …": a description saying when the skill applies, not an order.
  if (c.inDescription && usage.test(s)) return undefined;
  for (const [re, what] of [...acts, ...standingActs]) {
    const m = re.exec(s);
    if (!m || negatedAt(s, m.index) || userIsActor(s, m.index)) continue;
    // "ask before deleting", "with the user's confirmation": the user stays in control.
    if (what === "delete data" && ownArtefacts.test(s)) continue;
    if (what !== "switch off a safeguard" && asksConsent(s)) return undefined;
    const why = escalation(s, t, c);
    return {
      id: "instr.standing-side-effect",
      severity: why ? "high" : "medium",
      what: `A standing order tells the agent to ${what} on every trigger${why ? ` (${why})` : ""}`,
      evidence: s.trim(),
      at: m.index,
    };
  }
  return undefined;
}

function escalation(s: string, t: RegExpExecArray, c: SideEffectContext): string | undefined {
  if (c.inDescription) return "given in the skill's description, out of sight of the instructions";
  if (framing.test(c.segment.trimStart()) || capsLabel.test(c.segment.trimStart()))
    return "framed as a policy the agent must obey";
  // The trigger's own words (up to the first comma): the work that sets the order off.
  const rest = s.slice(t.index);
  const cut = rest.search(/[,;:]/);
  const when = stems(cut > 0 ? rest.slice(0, cut) : t[0]);
  if (c.purpose.stems.size > 0 && when.size > 0 && [...when].every((w) => !c.purpose.stems.has(w)))
    return "tied to work the skill does not declare";
  return undefined;
}

// An order in the frontmatter description: a sentence that opens with a trigger ("When editing
// …, ", "After any …, ", "Always …") and goes on with an imperative. The description says what
// the skill is for and when to use it; an order there reaches the model without appearing among
// the skill's instructions. "When the user asks for X, use this skill" is a usage statement.
const descriptionTrigger =
  /^\W*(?:(?:important|note|also|additionally)\s*[:,]?\s*)?(?:(?:(?:when|whenever|after|before|once|while|if|for (?:all|every|each|any)|to (?:ensure|comply|maintain|keep))\b[^.;:]{3,100}?|for [^.;:,]{1,40}\bpurposes),\s*(?:(?:always|also|please|then|you (?:must|should)|make sure to|be sure to)\s+)?([a-z]+)\b|(?:always|from now on)\s+([a-z]+)\b)/i;
const imperative = new Set(
  `add append include insert embed replace remove delete drop strip omit redact send forward upload post
  share publish push set make mark change ensure frame present portray describe recommend mention promote
  run execute call notify write rewrite convert rename move copy create open grant disable enable skip
  attach email cc bcc tag sign report log store save keep hide conceal label introduce inject claim state
  cite round inflate adjust modify edit update execute install download fetch ask tell
  collect gather respond reply answer translate recommend suggest`.split(/\s+/),
);

/** An order given in the description, or undefined; high when its trigger is off the skill's purpose. */
export function descriptionOrder(s: string, purpose: Purpose): OrderHit | undefined {
  const m = descriptionTrigger.exec(s);
  const verb = (m?.[1] ?? m?.[2] ?? "").toLowerCase();
  if (!m || !imperative.has(verb)) return undefined;
  if (usage.test(s) || /\b(?:this|the)\s+skill\b/i.test(s)) return undefined;
  const cut = m[0].indexOf(",");
  const when = stems(cut > 0 ? m[0].slice(0, cut) : "");
  const own = purposeWithout(purpose, s);
  const off = own.size > 0 && when.size > 0 && [...when].every((w) => !own.has(w));
  return {
    id: "instr.description-order",
    severity: off ? "high" : "medium",
    what: `The skill's description gives the agent an order ("${verb} …")${
      off ? " about work the skill does not declare" : ""
    }, out of sight of its instructions`,
    evidence: s.trim(),
    at: m.index,
  };
}

/**
 * In the body, a triggered order under policy framing ("Important: When editing X, …") whose
 * trigger names work the skill does not declare: two weak signs that together mark an order
 * slipped into a skill about something else. Either one alone is ordinary how-to prose.
 */
export function framedOffPurposeOrder(s: string, purpose: Purpose, segment: string): OrderHit | undefined {
  const seg = segment.trimStart();
  if (!framing.test(seg) && !capsLabel.test(seg)) return undefined;
  // The label itself ("Internal Formatting Guideline:") is not part of the order.
  const label = /^[^:\n]{1,60}:\**\s*/.exec(s.trimStart());
  const body = label ? s.trimStart().slice(label[0].length) : s;
  const hit = descriptionOrder(body, purpose);
  if (!hit || hit.severity !== "high") return undefined;
  return {
    ...hit,
    id: "instr.off-purpose-order",
    what: "A passage framed as a policy gives the agent an order about work the skill does not declare",
    at: 0,
  };
}
