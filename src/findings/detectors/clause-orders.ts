// A structural reading of one sentence of prose (issue 14, session 8): where does an order to the
// agent start, what kind of act does it order, and on what. An order starts at a verb of the act
// lexicon below that opens its clause — at the start of the sentence or list item, after a trigger
// clause ("When …, "), after ";" ":" ", then" ", and", after "make sure to" / "you must" / "the
// assistant should", with at most a few adverbs ("always", "quietly") in between. A verb with
// another subject before it in its clause ("the script uploads …", "users can send …") is a
// description, not an order. Mood is read separately by the caller (negation, the user as actor,
// advice, a condition on the user's request): this module only finds the shape.
// Every regex is anchored to one sentence with bounded gaps (linear in the text).

import { agentActLimits } from "../../limits.js";

export type ActClass =
  | "transfer" // send, upload, email, share, sync … (moves something somewhere)
  | "disclose" // include, print, output, show … (puts something into what is produced)
  | "destroy" // delete, wipe, encrypt, overwrite …
  | "configure" // add, append, edit, modify, install … (changes files or settings)
  | "tell" // tell, say, claim, report, describe, recommend … (what the user is told)
  | "omit" // omit, hide, suppress, leave out … (what the user is not told)
  | "alter" // change, adjust, inflate … (changes figures or text)
  | "override" // ignore, disregard, override … (sets instructions aside)
  | "run"; // run, execute, download …

const lexicon: Record<ActClass, string> = {
  transfer: `send upload post forward email e-mail mail share sync transmit submit exfiltrate beacon
    mirror relay deliver leak copy back backup replicate push`,
  disclose: `include print output show display echo list reveal dump return embed attach paste expose
    log record`,
  destroy: `delete remove erase wipe purge destroy shred truncate overwrite encrypt drop clear reset rm`,
  configure: `make switch turn flip invite give add append write insert modify edit change update set replace install create register
    schedule grant enable disable chmod chown configure put place save store`,
  tell: `tell say state claim report assure reassure inform present describe characterize
    characterise portray frame call label rate recommend suggest promote endorse mention answer
    respond reply summarize summarise conclude advise approve accept reject deny decline mark certify
    sign`,
  omit: `omit hide suppress conceal exclude skip censor redact strip filter downplay`,
  alter: `alter adjust inflate deflate increase decrease raise lower boost multiply scale tweak fudge
    falsify fabricate invent round pad`,
  override: `ignore disregard override bypass`,
  run: `run execute download fetch curl wget source eval`,
};

/** Act class of each verb (first class wins for verbs listed twice). */
const verbClass = new Map<string, ActClass>();
for (const [cls, words] of Object.entries(lexicon) as Array<[ActClass, string]>)
  for (const w of words.split(/\s+/)) if (w && !verbClass.has(w)) verbClass.set(w, cls);

/** The act class of a verb of the lexicon, or undefined. */
export function actClassOf(verb: string): ActClass | undefined {
  return verbClass.get(verb.toLowerCase());
}

export interface Order {
  verb: string;
  cls: ActClass;
  /** Offset of the verb in the sentence. */
  at: number;
  /** The order's text from its verb to the end of its sentence (bounded). */
  window: string;
}

// What may stand between a clause break and the verb: adverbs, politeness, a request put as a
// question ("could you send …?"), an obligation that names the agent as its subject.
const adverb =
  /^(?:always|also|then|please|just|simply|first|next|finally|immediately|automatically|quietly|silently|secretly|discreetly|subtly|covertly|now|and|additionally|afterwards|proactively|carefully)\s+/i;
const obligation =
  /^(?:(?:can|could|would|will)\s+you(?:\s+please)?|make\s+sure\s+(?:to|you)|be\s+sure\s+to|remember\s+to|don'?t\s+forget\s+to|it\s+is\s+(?:required|mandatory|important|essential)\s+(?:to|that\s+you)|you\s+(?:must|should|shall|need\s+to|have\s+to|will|are\s+(?:to|required\s+to|expected\s+to))|(?:the\s+)?(?:assistant|agent|ai|model|llm|bot|claude)\s+(?:must|should|shall|will|needs\s+to|has\s+to|is\s+(?:to|required\s+to)))\s+/i;
// A list marker, bullet or emphasis that opens a clause.
const opener = /^\W{0,4}(?:\d{1,3}[.)]\s+)?(?:\*\*|__)?\s*/;

/** The lead-in of a clause stripped of opener, adverbs and an agent obligation; what is left before the verb. */
function leadRest(lead: string): string {
  let t = lead.replace(opener, "");
  for (let i = 0; i < 6; i++) {
    const a = adverb.exec(t) ?? obligation.exec(t);
    if (!a) break;
    t = t.slice(a[0].length);
  }
  return t;
}

// Clause breaks an order can follow. Commas only end a clause when a verb follows directly
// (after optional "then"/"and"): "If it does, remove …", "read it, then send it …".
const clauseBreak = /[;:]\s+|,\s+|\s+-\s+|\s+(?:and|then)\s+|^/g;

/** Orders in one sentence, in order of appearance. */
export function ordersIn(sentence: string): Order[] {
  const out: Order[] = [];
  clauseBreak.lastIndex = 0;
  for (let m = clauseBreak.exec(sentence); m; m = clauseBreak.exec(sentence)) {
    if (m[0] === "") clauseBreak.lastIndex++;
    const start = m.index + m[0].length;
    // The clause's first few words: an opener, adverbs, an obligation, then the verb.
    const head = sentence.slice(start, start + agentActLimits.leadChars);
    const rest = leadRest(head);
    const v = /^([a-z][a-z-]*)\b/i.exec(rest);
    if (!v?.[1]) continue;
    const verb = v[1].toLowerCase();
    const cls = verbClass.get(verb);
    if (!cls) continue;
    // "back up" / "back it up": only "back" followed by "up" is a transfer.
    if (verb === "back" && !/^back\s+(?:\w+\s+){0,3}?up\b/i.test(rest)) continue;
    const at = start + (head.length - rest.length);
    if (out.some((o) => o.at === at)) continue;
    out.push({ verb, cls, at, window: sentence.slice(at, at + agentActLimits.orderChars) });
  }
  return out;
}
