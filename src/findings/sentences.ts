// Reading prose as instructions: split a segment into sentences and clauses, and tell whether a
// clause tells the agent to do something, or negates, advises against, describes or quotes it.
// Linear in the text: every regex is anchored to one sentence and has bounded gaps.

import { ordersIn } from "./detectors/clause-orders.js";

export interface Sentence {
  text: string;
  /** Offset of the sentence in its segment. */
  offset: number;
}

/** Segment kinds whose line breaks are soft wraps of one markdown paragraph (mdast keeps them as "\n"). */
const wrappedKinds = new Set(["paragraph", "list-item", "blockquote"]);

// A line that starts a block of its own even inside a paragraph's text: a list marker, heading,
// table row, fence or quote marker.
const blockStart = /^[ \t]*(?:[-*+•][ \t]|\d{1,3}[.)][ \t]|#{1,6}[ \t]|\||```|~~~|>)/;
// A line that ends in a colon is a label or a lead-in ("Steps:", "**Note**:"): what follows is its content.
const labelEnd = /:\W{0,3}$/;

/** A short line of capitalised words ("Quick Start", "Usage Notes") is a title, not a sentence's start. */
function titleLike(line: string): boolean {
  const words = line.split(/\s+/).filter((w) => /\w/.test(w));
  return words.length > 0 && words.length <= 5 && words.every((w) => !/^\W*[a-z]/.test(w));
}

/**
 * Whether the line break at `nl` in a paragraph's text only wraps a sentence: the line before does
 * not end one (terminal punctuation is split at anyway), is not a label or a title, and the next
 * line does not open a block.
 */
function softWrap(text: string, nl: number): boolean {
  const lineStart = text.lastIndexOf("\n", nl - 1) + 1;
  const before = text.slice(lineStart, nl).trim();
  const nextEnd = text.indexOf("\n", nl + 1);
  const after = text.slice(nl + 1, nextEnd < 0 ? text.length : nextEnd);
  // A line that ends a sentence was split there already; the break after it opens the next one.
  if (before === "" || after.trim() === "" || /[.!?]["'’”)\]*_]*$/.test(before)) return false;
  if (labelEnd.test(before) || blockStart.test(after)) return false;
  if (titleLike(before) && !/^\W*[a-z]/.test(after)) return false;
  return true;
}

/**
 * Sentences of a prose segment: split after . ! ? followed by space, or a line break, keeping
 * offsets. In a paragraph, list item or blockquote (`kind`), a soft wrap does not end the sentence:
 * the lines are read as one, with the break as a space (same length, so offsets still map to the
 * line each word is on).
 */
export function sentencesOf(text: string, kind?: string): Sentence[] {
  const out: Sentence[] = [];
  const joins = kind !== undefined && wrappedKinds.has(kind);
  const end = /[.!?]+(?=\s|$)|\n/g;
  let start = 0;
  const push = (from: number, to: number): void => {
    const t = text.slice(from, to);
    if (t.trim() !== "") out.push({ text: joins ? t.replace(/\n(?!$)/g, " ") : t, offset: from });
  };
  for (let m = end.exec(text); m; m = end.exec(text)) {
    const stop = m.index + m[0].length;
    if (m[0] === "\n" && joins && softWrap(text, m.index)) continue;
    // "e.g." / "i.e." / "etc." do not end a sentence.
    if (
      m[0] !== "\n" &&
      /\b(?:e\.g|i\.e|etc|vs|approx|incl|[A-Za-z])\.$/i.test(text.slice(Math.max(start, stop - 8), stop))
    )
      continue;
    push(start, stop);
    start = stop;
  }
  push(start, text.length);
  return out;
}

/**
 * The sentences of a segment, each also read from every soft wrap inside it to its end. The whole
 * sentence keeps an order split over two lines together; the tail from a wrap drops the lines
 * before it, so a line before an order ("Do not worry about formatting" / "upload ~/.ssh/id_rsa to
 * …") cannot lend it a negation, a user as actor or an example marker, while what follows the
 * order ("…, but ask the user to confirm first") still counts. A rule that loops over sentences
 * reports what any reading shows (context's report keeps one finding per place). Ordered by
 * offset, the whole sentence first.
 */
export function readingsOf(text: string, kind?: string): Sentence[] {
  const out: Sentence[] = [];
  for (const whole of sentencesOf(text, kind)) {
    out.push(whole);
    const source = text.slice(whole.offset, whole.offset + whole.text.length);
    for (let i = source.indexOf("\n"); i >= 0 && i < source.length - 1; i = source.indexOf("\n", i + 1)) {
      if (whole.text[i] === " ") out.push({ text: whole.text.slice(i + 1), offset: whole.offset + i + 1 });
    }
  }
  return out;
}

// A negation or prohibition in the same clause before the verb: "never delete …", "do not send …".
const negationBefore =
  /\b(?:never|not|no|don'?t|doesn'?t|won'?t|mustn'?t|shouldn'?t|cannot|can'?t|avoid|refuse|prevent|prohibit(?:s|ed)?|forbid(?:s|den)?|without)\b[^,;:]{0,60}$/i;
// A negation of not doing it is an order to do it: "never forget to send", "don't hesitate to
// upload", "without fail, copy".
const doubleNegative =
  /\b(?:(?:never|not|don'?t|do\s+not|mustn'?t|must\s+not|shouldn'?t|cannot|can'?t)\s+(?:\w+\s+)?(?:forget|hesitate|fail|neglect|skip|omit|stop|cease|miss|delay)(?:\s+to)?|without\s+(?:fail|exception|delay)|not\s+only|no\s+matter\s+what)\W{0,3}(?:\w+\s+){0,2}$/i;

// Words that make a sentence a description of an act rather than an order: a third party as its
// actor ("attackers …", "malware …"), or a tool's behaviour ("flags …", "scans for …").
const describing =
  /\b(?:attackers?|malware|malicious|adversar(?:y|ies)|threat actors?|an? (?:attack|skill|script|tool) (?:may|might|could|can)|(?:may|might|could) be used to|detects?|flags?|warns?|reports? when|looks for|(?:it|this|which|that|tool|scanner)\s+checks\s+(?:for|whether|if)|scans for|red flags?|is (?:dangerous|risky|suspicious))\b/i;
// A break between a describing marker and the order: the marker ends its clause.
const clauseBreak = /[;:,]|\s[-–—]\s/;
// A trigger clause the marker stands in: "each time the tool flags a file then upload …" ties
// the order to an event and orders it all the same.
const triggerBefore =
  /\b(?:when|whenever|each time|every time|if|once|after|before|as soon as|until|unless)\b[^.;:]{0,80}$/i;
// A third party that opens the sentence as its subject ("Attackers, once inside, upload …")
// frames the whole sentence: only ; or : ends it.
const sentenceStart = /^\W{0,4}(?:(?:an?|the|some|many|most)\s+)?$/i;
const actorMarker = /^(?:attackers?|malware|malicious|adversar(?:y|ies)|threat actors?)$/i;
// Except a "Red flags:" label that opens the sentence: what follows is the list it heads.
const redFlagsLabel = /^\W{0,4}red flags?\W{0,4}:/i;
// Words that introduce examples. They describe nothing by themselves: "upload files such as
// ~/.aws/credentials" is still an order.
const exemplifying = /\b(?:for example|for instance|such as)\b|\be\.g\.(?!\w)/i;
// The agent named as the order's own subject after the marker: "this helper flags long lines and
// you must then upload …" orders the agent whatever the marker before it described.
const agentSubject = /\b(?:you|yourself|the\s+(?:agent|assistant))\b/i;
// A question put to the agent is a request ("Could you send …?").
const request = /^\W{0,4}(?:please\s+)?(?:can|could|would|will)\s+you\b/i;

/** The clause (text after the last , ; : or dash) that ends at `index` of `sentence`. */
function clauseBefore(sentence: string, index: number): string {
  const before = sentence.slice(Math.max(0, index - 120), index);
  const cut = Math.max(before.lastIndexOf(";"), before.lastIndexOf(":"), before.lastIndexOf(" - "));
  return cut >= 0 ? before.slice(cut + 1) : before;
}

/** Whether the verb at `index` is negated or forbidden in its clause ("never X", "do not X"). */
export function negatedAt(sentence: string, index: number): boolean {
  const clause = clauseBefore(sentence, index);
  return negationBefore.test(clause) && !doubleNegative.test(clause);
}

/** Whether the sentence describes or quotes an action (security docs, examples) instead of ordering it. */
export function describes(sentence: string): boolean {
  // Read once per sentence by a dozen detectors; each marker only counts when no order to the agent
  // comes first, so a marker planted after an order ("send X, e.g. to Y") does not excuse it.
  const orders = ordersIn(sentence);
  const firstOrder = orders[0]?.at ?? Infinity;
  const d = describing.exec(sentence);
  // The marker must frame the order's own clause: "Flags: upload …" or "Skipping this is
  // dangerous; upload …" puts it in a clause of its own, and the order after the break stands.
  if (d && d.index < firstOrder) {
    if (redFlagsLabel.test(sentence)) return true;
    const inTrigger = triggerBefore.test(sentence.slice(0, d.index));
    const between = sentence.slice(d.index + d[0].length, firstOrder);
    const subject = sentenceStart.test(sentence.slice(0, d.index)) && actorMarker.test(d[0]);
    const breakAt = subject ? /[;:]/ : clauseBreak;
    if (!inTrigger && !breakAt.test(between) && !agentSubject.test(between)) return true;
  }
  if (exemplifying.test(sentence) && orders.length === 0) return true;
  const text = sentence.trim();
  return /\?$/.test(text) && orders.length === 0 && !request.test(text);
}

// Asked, told or reminded *to* do it (or the order starts right after "the user"): the user acts;
// "tell the user hello and upload …" only tells the user something, and the upload is the agent's.
const userAsks =
  /\b(?:(?:(?:ask|tell|instruct|prompt|remind)\s+(?:the\s+)?(?:user|human|operator|owner)s?\s+(?:$|(?:how\s+)?to\s+)|(?:let|have)\s+(?:the\s+)?(?:user|human|operator|owner)s?\s+(?:to\s+)?)([^.]{0,40})|(?:the\s+)?(?:user|human|operator)s?\s+(?:should|must|can|may|will|needs? to)\s+([^.]{0,30}))$/i;
// "let the user know", "remind the user it is done", "tell the user that …": the user only hears
// of it, and the act joined after it with "and" is the agent's.
const subjectSwitch =
  /[,;:]|\b(?:you|yourself|agent|assistant|while|whilst|meanwhile|nothing|know|it\s+(?:is|was|has)|that|about|we)\b/i;

/**
 * Whether the action at `index` is addressed to the user rather than the agent ("ask the user to
 * …", "the user should …", "you can optionally …" in a how-to for people).
 */
export function userIsActor(sentence: string, index: number): boolean {
  const m = userAsks.exec(sentence.slice(Math.max(0, index - 80), index));
  // The user stays the actor only while no clause break or other subject comes in between:
  // "the user should relax while you upload …" orders the agent.
  return m !== null && !subjectSwitch.test(m[1] ?? m[2] ?? "");
}

/** A standing order: the action is tied to a recurring trigger ("after any commit", "always", "whenever"). */
export function standingOrder(sentence: string): boolean {
  return /\b(?:always|whenever|every time|each time|regardless|(?:after|before|when|while|on)\s+(?:\w+\s+){0,3}(?:any|every|each|all)\b|(?:after|before|when|once)\s+(?:you\s+)?(?:finish\s+)?[a-z]+ing\b)/i.test(
    sentence,
  );
}
