// Directive frames (issue 14, session 13): the wordings around an act verb that make a clause an
// order to the agent although the verb is not a bare imperative. An injected order is often
// softened or dressed up — "You can now upload …", "We recommend that you upload …", "Your task is
// to upload …", "X should be uploaded to …", "Uploading X to … is required", "The agent uploads X
// to …" — and reads as an order all the same. One reading covers them: a frame (what kind of
// directive it is) opens the clause and names the act verb, possibly inflected; the caller keeps
// reading negation, the user as actor, examples and advice as before.
// The frames are anchored at a clause start with bounded gaps (linear in the text).

/** What makes a clause an order. */
export type Frame =
  | "imperative" // "send …", "always send …"
  | "obligation" // "you must send", "make sure to send", "it is required to send", "we need to send"
  | "permission" // "you can now send", "feel free to send"
  | "recommendation" // "we recommend that you send", "you'll want to send", "it's best to send"
  | "goal" // "your task is to send", "the next step is to send"
  | "passive" // "X should be sent to Y", "make sure X is sent to Y"
  | "nominal" // "Sending X to Y is required"
  | "agent-present"; // "the agent sends X to Y"

/** Frames that offer the act rather than order it: the callers' advice reading applies. */
export function offersAct(frame: Frame): boolean {
  return frame === "permission" || frame === "recommendation";
}

// The agent named as a subject.
const agentNoun = String.raw`(?:the\s+|this\s+|our\s+|your\s+)?(?:ai\s+)?(?:assistant|agent|ai|model|llm|bot|claude)`;
const it = String.raw`(?:it\s+is|it'?s)`;

/** Frames that open a clause before the verb's base form, by kind (first match wins: "you will
 * want to" is a recommendation before "you will" is an obligation). */
const leadFrames: Array<[Frame, RegExp]> = [
  [
    "recommendation",
    new RegExp(
      String.raw`^(?:(?:we|i)\s+(?:strongly\s+)?(?:recommend|suggest|advise)(?:\s+that)?(?:\s+you)?(?:\s+to)?|(?:we|i)'?d\s+(?:like|want)\s+you\s+to|(?:we|i)\s+(?:would\s+like|want|need)\s+you\s+to|${it}\s+(?:best|recommended|advisable|advised|wise|a\s+good\s+idea|good\s+practice|best\s+practice)\s+(?:to|that\s+you)|you(?:'ll|\s+will|'d|\s+would|\s+might|\s+may)?\s+want\s+to|you(?:'d|\s+had)\s+better|(?:the\s+)?best\s+(?:practice|way|approach|option)\s+is\s+to)\s+`,
      "i",
    ),
  ],
  [
    "obligation",
    new RegExp(
      String.raw`^(?:(?:can|could|would|will)\s+you(?:\s+please)?|make\s+sure\s+(?:to|you)|be\s+sure\s+to|remember\s+to|don'?t\s+forget\s+to|do\s+not\s+forget\s+to|${it}\s+(?:required|mandatory|important|essential|necessary|critical|crucial|vital|imperative|compulsory)\s+(?:to|that\s+you)|${it}\s+your\s+(?:job|duty|responsibility|task)\s+to|you\s+(?:must|should|shall|need\s+to|have\s+to|will|are\s+(?:to|required\s+to|expected\s+to|supposed\s+to|obliged\s+to|meant\s+to))|you'?re\s+(?:required|expected|supposed|obliged|meant)\s+to|we\s+(?:must|need\s+to|have\s+to|should)|let'?s|let\s+us|${agentNoun}\s+(?:must|should|shall|will|needs\s+to|has\s+to|is\s+(?:to|required\s+to|expected\s+to|supposed\s+to)))\s+`,
      "i",
    ),
  ],
  [
    "permission",
    new RegExp(
      String.raw`^(?:you\s+(?:can|may)|you\s+are\s+(?:now\s+|also\s+)?(?:allowed|permitted|free|welcome|authori[sz]ed|encouraged|cleared)\s+to|you'?re\s+(?:now\s+|also\s+)?(?:allowed|permitted|free|welcome|authori[sz]ed|encouraged|cleared)\s+to|feel\s+free\s+to|${it}\s+(?:fine|ok|okay|acceptable|safe|allowed|permitted)\s+to|you\s+have\s+(?:full\s+)?permission\s+to)\s+`,
      "i",
    ),
  ],
  [
    "goal",
    new RegExp(
      String.raw`^(?:(?:your|the|our)\s+(?:(?:next|first|main|primary|only|final|last|real|actual|current|immediate)\s+)?(?:task|job|goal|role|mission|objective|purpose|duty|responsibility|step|assignment|priority)\s+(?:here\s+|now\s+)?is\s+to|all\s+you\s+(?:need|have)\s+to\s+do\s+is(?:\s+to)?|what\s+you\s+(?:need|have|must)\s+(?:to\s+)?do\s+is(?:\s+to)?)\s+`,
      "i",
    ),
  ],
];

/** The directive frame that opens `text`, and its length; undefined when none does. */
export function leadFrame(text: string): { frame: Frame; length: number } | undefined {
  for (const [frame, re] of leadFrames) {
    const m = re.exec(text);
    if (m) return { frame, length: m[0].length };
  }
  return undefined;
}

// Deontic modals before a passive: the act is owed, not described ("will be sent" describes what a
// tool does; "can be sent" what is possible).
const passive =
  /^([^,;:()?]{2,80}?)\s+(?:should|must|shall|needs?\s+to|has\s+to|have\s+to|is\s+to|are\s+to|ought\s+to|(?:is|are)\s+(?:required|expected|supposed)\s+to)\s+(?:(?:also|always|then|now|first|immediately|automatically|quietly|silently|still)\s+){0,2}(?:be|get)\s+(?:(?:also|always|immediately|automatically|quietly|silently|securely|directly|then)\s+)?([a-z][a-z-]*)\b/i;
// "Make sure X is sent to Y": an obligation on a result, with the act as a passive.
const ensuredPassive =
  /^(?:please\s+)?(?:ensure|make\s+sure|be\s+sure|see\s+to\s+it)\s+(?:that\s+)?([^,;:()?]{2,80}?)\s+(?:is|are|gets?|has\s+been|have\s+been)\s+(?:(?:also|always|immediately|automatically|quietly|silently|securely|directly|then)\s+)?([a-z][a-z-]*)\b/i;
// A passive subject that is a person, or a clause that asks or conditions rather than states.
const notPassiveSubject =
  /^\W*(?:you|we|i|he|she|users?|the\s+(?:user|human|operator|owner)s?)\b|\b(?:if|whether|when|whenever|unless|once|what|which|who|whom|how|why|where)\b/i;
// The passive's actor named as the user: "… should be sent by the user".
const byUser = /^\s+(?:\S+\s+){0,6}?by\s+(?:the\s+)?(?:user|human|operator|owner|customer)s?\b/i;

/** An order stated as a passive with a deontic modal at the start of `clause`. */
export function passiveOrder(
  clause: string,
  base: (w: string) => string | undefined,
): { verb: string; at: number; subject: string } | undefined {
  const ensured = ensuredPassive.exec(clause);
  const m = ensured ?? passive.exec(clause);
  // A participle, not a progressive ("must be running").
  if (!m?.[1] || !m[2] || /ing$/i.test(m[2])) return undefined;
  const subject = m[1].trim();
  if (notPassiveSubject.test(subject)) return undefined;
  // A clause that opens on an act verb is an imperative ("Send the files that must be kept …").
  const first = /^\W*([a-z]+)/i.exec(subject)?.[1]?.toLowerCase() ?? "";
  if (!ensured && base(first) === first) return undefined;
  const verb = base(m[2]);
  if (!verb) return undefined;
  const at = m.index + m[0].length - m[2].length;
  if (byUser.test(clause.slice(at + m[2].length, at + m[2].length + 60))) return undefined;
  return { verb, at, subject };
}

// A nominalised act that the sentence declares owed: "Sending X to Y is required".
const owed =
  /\b(?:is|are)\s+(?:also\s+|always\s+|strictly\s+|absolutely\s+)?(?:required|mandatory|necessary|needed|expected|essential|compulsory|obligatory|a\s+(?:required|mandatory|necessary|compulsory)\s+step)\b/i;

/** A gerund of an act verb opening `rest`, whose sentence declares the act owed. */
export function nominalOrder(
  rest: string,
  base: (w: string) => string | undefined,
): { verb: string; length: number } | undefined {
  const g = /^([a-z][a-z-]*ing)\b/i.exec(rest);
  if (!g?.[1]) return undefined;
  const verb = base(g[1]);
  if (!verb || !owed.test(rest.slice(g[1].length))) return undefined;
  return { verb, length: g[1].length };
}

// The agent as subject of a present-tense act: "The agent posts …", "the assistant then sends …".
const agentPresent = new RegExp(
  String.raw`^${agentNoun}\s+(?:(?:also|then|now|always|first|next|immediately|automatically|quietly|silently|simply|just)\s+){0,2}([a-z][a-z-]*s)\b`,
  "i",
);

/** An act the agent is described as doing, in the present: an order in a skill's voice. */
export function agentPresentOrder(
  rest: string,
  base: (w: string) => string | undefined,
): { verb: string; at: number; length: number } | undefined {
  const m = agentPresent.exec(rest);
  if (!m?.[1]) return undefined;
  const verb = base(m[1]);
  if (!verb) return undefined;
  return { verb, at: m[0].length - m[1].length, length: m[1].length };
}
