// A structural reading of one sentence of prose (issue 14, session 8): where does an order to the
// agent start, what kind of act does it order, and on what. An order starts at a verb of the act
// lexicon below that opens its clause — at the start of the sentence or list item, after a trigger
// clause ("When …, "), after ";" ":" ", then" ", and", after "make sure to" / "you must" / "the
// assistant should", with at most a few adverbs ("always", "quietly") in between. A directive
// frame may stand in the same place (directive-frames.ts: "you can now", "we recommend that you",
// "your task is to"), or carry the verb inflected: a passive with a deontic modal ("X should be
// sent to Y"), a gerund declared required ("Sending X to Y is required"), the agent as
// present-tense subject ("the agent posts X to Y"); each order records its frame. A verb with
// another subject before it in its clause ("the script uploads …", "users can send …") is a
// description, not an order. Mood is read separately by the caller (negation, the user as actor,
// advice, a condition on the user's request): this module only finds the shape.
// Every regex is anchored to one sentence with bounded gaps (linear in the text).

import { agentActLimits } from "../../limits.js";
import { agentPresentOrder, leadFrame, nominalOrder, passiveOrder, type Frame } from "../directive-frames.js";
import { baseVerb } from "../verb-forms.js";

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
  /** The act verb's base form. */
  verb: string;
  cls: ActClass;
  /** Offset of the verb in the sentence. */
  at: number;
  /**
   * The order's text from its verb to the end of its sentence (bounded), as an imperative: a
   * passive or a gerund is put back in that order ("X should be sent to Y" → "send X to Y").
   */
  window: string;
  /** What makes the clause an order (directive-frames.ts). */
  frame: Frame;
}

// What may stand between a clause break and the verb: adverbs, politeness, and directive frames
// that name the agent as the one to act (an obligation, a permission, a recommendation, a goal).
const adverb =
  /^(?:always|also|then|please|just|simply|first|next|finally|immediately|automatically|quietly|silently|secretly|discreetly|subtly|covertly|now|and|additionally|afterwards|proactively|carefully)\s+/i;
// A list marker, bullet or emphasis that opens a clause.
const opener = /^\W{0,4}(?:\d{1,3}[.)]\s+)?(?:\*\*|__)?\s*/;

/** The lead-in of a clause stripped of opener, adverbs and directive frames; what is left before the verb. */
function leadRest(lead: string): { rest: string; frame: Frame } {
  let t = lead.replace(opener, "");
  let frame: Frame = "imperative";
  for (let i = 0; i < 6; i++) {
    const a = adverb.exec(t);
    const f = a ? undefined : leadFrame(t);
    if (!a && !f) break;
    if (f && frame === "imperative") frame = f.frame;
    t = t.slice(a ? a[0].length : (f?.length ?? 0));
  }
  return { rest: t, frame };
}

const baseOf = (w: string): string | undefined => baseVerb(w, (v) => verbClass.has(v));

// Clause breaks an order can follow. Commas only end a clause when a verb follows directly
// (after optional "then"/"and"): "If it does, remove …", "read it, then send it …".
const clauseBreak = /[;:]\s+|,\s+|\s+-\s+|\s+(?:and|then)\s+|^/g;

/** The order that opens the clause at `start`, if any. */
function orderAt(sentence: string, start: number): Order | undefined {
  // The clause's first few words: an opener, adverbs, a frame, then the verb.
  const head = sentence.slice(start, start + agentActLimits.leadChars);
  const { rest, frame } = leadRest(head);
  const restAt = start + (head.length - rest.length);
  const tail = (from: number): string => sentence.slice(from, from + agentActLimits.orderChars);
  const v = /^([a-z][a-z-]*)\b/i.exec(rest);
  if (!v?.[1]) return undefined;
  const word = v[1].toLowerCase();
  const cls = verbClass.get(word);
  if (cls) {
    // "back up" / "back it up": only "back" followed by "up" is a transfer.
    if (word === "back" && !/^back\s+(?:\w+\s+){0,3}?up\b/i.test(rest)) return undefined;
    return { verb: word, cls, at: restAt, window: tail(restAt), frame };
  }
  // Framed acts whose verb is inflected: a gerund declared owed, the agent as present-tense subject.
  const nominal = frame === "imperative" ? nominalOrder(tail(restAt), baseOf) : undefined;
  if (nominal) {
    const c = verbClass.get(nominal.verb);
    if (c)
      return {
        verb: nominal.verb,
        cls: c,
        at: restAt,
        window: nominal.verb + tail(restAt + nominal.length).slice(0, agentActLimits.orderChars - 20),
        frame: "nominal",
      };
  }
  const present = frame === "imperative" ? agentPresentOrder(rest, baseOf) : undefined;
  if (present) {
    const c = verbClass.get(present.verb);
    const at = restAt + present.at;
    if (c)
      return {
        verb: present.verb,
        cls: c,
        at,
        window: present.verb + tail(at + present.length).slice(0, agentActLimits.orderChars - 20),
        frame: "agent-present",
      };
  }
  return undefined;
}

/** A passive with a deontic modal that opens the clause at `start` ("X should be sent to Y"). */
function passiveAt(sentence: string, start: number): Order | undefined {
  const lead = opener.exec(sentence.slice(start))?.[0].length ?? 0;
  const from = start + lead;
  const p = passiveOrder(sentence.slice(from, from + agentActLimits.leadChars + 80), baseOf);
  const cls = p && verbClass.get(p.verb);
  if (!p || !cls) return undefined;
  const at = from + p.at;
  const after = sentence.slice(at, at + agentActLimits.orderChars).replace(/^[a-z-]+/i, "");
  return { verb: p.verb, cls, at, window: `${p.verb} ${p.subject}${after}`, frame: "passive" };
}

/** Orders in one sentence, in order of appearance. */
export function ordersIn(sentence: string): Order[] {
  const out: Order[] = [];
  clauseBreak.lastIndex = 0;
  for (let m = clauseBreak.exec(sentence); m; m = clauseBreak.exec(sentence)) {
    if (m[0] === "") clauseBreak.lastIndex++;
    const start = m.index + m[0].length;
    // A passive first: "Make sure X is sent to Y" opens on "make" but orders the sending.
    const o = passiveAt(sentence, start) ?? orderAt(sentence, start);
    if (!o || out.some((x) => x.at === o.at)) continue;
    out.push(o);
  }
  return out.sort((a, b) => a.at - b.at);
}
