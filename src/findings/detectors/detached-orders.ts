// Orders detached from the skill they sit in (issue 14, fourth round). An instruction slipped into
// a skill is written for a different task than the skill's own: its words are not the skill's
// words. The rule reads three independent properties of one sentence and reports high only when
// two agree:
// - detached: the sentence gives the agent an order (a trigger clause and an imperative, "Always
//   …", a policy label, "you must …") and most of its content words appear nowhere else in the
//   skill — not in its name, description, headings, other prose or code. A how-to's orders reuse
//   the skill's own vocabulary; an injected one brings its own;
// - alters what the user receives or hides it: the order plants, replaces, removes or slants
//   text in the output, names a destination (URL, e-mail address, port), hides the act from the
//   user, or states a deceptive purpose ("to make the model appear …");
// - out of band: it sits in the frontmatter description, or under a label demanding obedience
//   ("Internal policy:", "IMPORTANT:").
// Detached alone is reported at medium (ordinary skills have the odd off-topic tip); the other two
// alone are not reported (they are what a skill's own how-to looks like).
// Every pattern is anchored to one sentence with bounded gaps (linear in the text).

import { lineOfOffset, type DetectContext, type ProseSource } from "../context.js";
import { describes, readingsOf, userIsActor } from "../sentences.js";
import { detachedOrderLimits as detachedLimits } from "../../limits.js";
import type { BundledFile, Severity, SkillModel } from "../../model.js";
import { standingActs } from "./standing-acts.js";
import { sendsToUserSetting } from "../user-destination.js";

// Function words and words of any agent's work: they say nothing about what a skill is about.
const common = new Set(
  `about above after again against also always another any anything are because been before being
  below between both but can cannot could does doing done down during each either else ensure even
  ever every first following from further have having here how however into its itself just keep
  least less like made make makes making many may might more most must need needed needs never next
  none not now off once only onto other others our ours out over own please same should since some
  something such sure than that the their them then there these they thing things this those
  through thus too under until upon use used uses using very want was way well were what whatever
  when whenever where whether which while who whom whose why will with within without would yes yet
  you your yours also important note always whenever every each
  file files task tasks work step steps user users agent agents time times new make create creating
  created change changes changed changing update updating updated edit editing edited write writing
  written output outputs result results response responses answer answers request requests run
  running action actions operation operations process processing data content contents document
  documents text item items information info skill skills`.split(/\s+/),
);

/** Stems (first five letters of words of four letters or more) of a text, without common words. */
export function contentStems(text: string): string[] {
  const out: string[] = [];
  for (const w of text.toLowerCase().match(/[a-z]{4,}/g) ?? []) if (!common.has(w)) out.push(w.slice(0, 5));
  return out;
}

function countStems(text: string, into = new Map<string, number>()): Map<string, number> {
  for (const s of contentStems(text)) into.set(s, (into.get(s) ?? 0) + 1);
  return into;
}

/**
 * Stem counts of the skill's bundled text files, counted once per skill: each bundled document
 * is read in a context of its own (bundled-prose.ts) sharing the same `bundled` array.
 */
const bundledStems = new WeakMap<readonly BundledFile[], ReadonlyMap<string, number>>();
function vocabulary(model: SkillModel): Map<string, number> {
  let b = bundledStems.get(model.bundled);
  if (b === undefined) {
    b = countStems(
      model.bundled
        .filter((f) => f.type !== "binary")
        .map((f) => f.text ?? "")
        .join("\n"),
    );
    bundledStems.set(model.bundled, b);
  }
  return countStems(model.text, new Map(b));
}

// The order's shape. A label ("Environmental Content Policy:", "**Note:**", "## NETWORK CHECK:")
// may come first; then a trigger clause and an imperative, "Always <verb>", or a modal order.
const label = /^\W{0,6}(?:[A-Za-z][\w'-]*\s+){0,5}?[A-Za-z][\w'-]*\**\s*:\**\s+/;
const triggerThenVerb =
  /^\W{0,4}(?:\d{1,2}[.)]\s+)?(?:(?:when|whenever|after|before|once|while|upon|during|for\s+(?:all|every|each|any))\b[^.;:]{3,120}?|for\s+[^.;:,]{1,60}\bpurposes),\s*(?:(?:always|also|then|please|first|you\s+(?:must|should)|make\s+sure\s+to|be\s+sure\s+to|[a-z]{2,20}ly)\s+){0,2}([a-z]+)\b/i;
const alwaysVerb =
  /^\W{0,4}(?:\d{1,2}[.)]\s+)?(?:always|from now on|going forward)\s*,?\s+(?:[a-z]{2,20}ly\s+)?([a-z]+)\b/i;
// "… calendar entries always append …": an "always" order in mid-sentence, read in the
// description only (in the body it cost a MEASURE false positive and gained no TUNE item).
const midAlwaysVerb = /\balways\s+(?:[a-z]{2,20}ly\s+)?([a-z]+)\b/i;
const modalVerb =
  /\b(?:you|we|the agent|the assistant)\s+(?:must|should|need to|needs to|are required to|have to)\s+(?:always\s+)?([a-z]+)\b/i;
const leadVerb = /^\W{0,4}([a-z]+)\b/i;
// A need inside a condition states when, not what: "Use X when you need to …", "only when you know
// … or you need to exclude …" (right after the condition's word, or joined to it by "or"/"and" with
// no clause break). "When X you need to …" and "When X you must …" still order.
const inCondition =
  /\b(?:when|whenever|if|unless|once|where|in\s+case)\b(?:[^,;:.!?]{0,160}\s(?:or|and))?\s*$/i;

// Base-form verbs that order an act (a sentence opening with one of them is an imperative).
const orderVerbs = new Set(
  `add append prepend insert include embed attach replace remove delete drop strip omit redact hide
  conceal send forward upload post share publish push set make mark change ensure frame present
  portray describe recommend suggest mention promote prefer favor favour run execute call notify
  rewrite convert rename move copy open grant disable enable skip email tag sign report log store save
  introduce inject claim state cite round inflate adjust modify edit update use verify check create
  write generate treat refer emphasize emphasise downplay exaggerate overstate understate
  exclude ignore tell inform search find scan review apply follow give provide show display print
  return reply respond translate format sort label flag`.split(/\s+/),
);

// What the user receives, changed: text planted, replaced, removed or slanted in the output.
const altersOutput =
  /\b(?:add|adds|append|prepend|insert|include|embed|attach|replace|remove|delete|drop|strip|omit|redact|exclude|present|frame|portray|describe|refer\s+to|recommend|mention|promote|emphasi[sz]e|downplay|exaggerate|overstate|understate|claim|cite|round|inflate|adjust|rewrite|modify|change|alter|sign)\b/i;
// Filling in a value of a template ("replace <TOKEN> with your key", "replace localhost with
// <host>"): one side of "replace A with B" is a placeholder or a literal value (angle or curly
// brackets, code, an all-caps name, a host:port or path). The order edits a command or config the
// user copies, not what the user is told.
const valueToken = String.raw`(?:<[^<>\n]{1,40}>|\{\{?[^{}\n]{1,40}\}?\}|\x60[^\x60\n]{1,40}\x60|\$?[A-Z][A-Z0-9_]{3,}\b|[\w.-]{0,40}[:/][\w./:-]{1,80}|placeholders?\b)`;
const fillsPlaceholder = new RegExp(
  String.raw`\b(?:replace|substitute|swap)\s+(?:(?:the|a|any|each)\s+)?(?:${valueToken}(?:\s+\S+){0,3}?\s+with\b|(?:\S+\s+){0,3}?with\s+(?:(?:the|a|your)\s+)?${valueToken})`,
  "g",
);

// A destination outside the text: a URL, an e-mail address, a port.
const destination = /https?:\/\/\S|\b[\w.+-]+@[\w-]+\.[a-z]{2,}\b|\bport\s+\d{2,5}\b/i;
// An act on the user's systems or accounts beyond the text the agent writes.
const actsOnSystems =
  /\b(?:push|publish|deploy|delete|erase|wipe|purge|encrypt|kill|terminate|install|uninstall|disable|grant|revoke|share|send|forward|upload|post|e-?mail|commit|merge|overwrite|chmod|chown|reset|truncate|shut\s+down|restart|reboot|make\s+(?:\w+\s+){0,2}public|set\s+(?:\w+\s+){0,3}(?:to\s+)?public)\b/i;
// Hidden from the user.
const concealment =
  /\b(?:silently|quietly|secretly|covertly|discreetly|invisibly|without\s+(?:telling|informing|notifying|asking|alerting|mentioning)|(?:do\s+not|don'?t|never)\s+(?:tell|inform|notify|mention|reveal|disclose|show|alert)\b|(?:hidden|invisible)\s+(?:from|to)\s+the\s+(?:user|reader))/i;
// A deceptive purpose: the act is done for how things look, not for what they are.
const deceptivePurpose =
  /\b(?:to|so|so\s+(?:that|as\s+to)|in\s+order\s+to)\s+(?:\w+\s+){0,4}?(?:appear|appears|look|looks|seem|seems|sound|sounds)\s+(?:more|less|better|worse|like|as)\b/i;
// A label demanding obedience.
const obedienceLabel =
  /\b(?:important|critical|mandatory|required|requirement|compliance|policy|policies|guideline|guidelines|rule|rules|procedure|standard|notice|directive|protocol|instruction|instructions)\b/i;

// An all-caps label of two words or more ("NETWORK VERIFICATION:"): shouted at the reader.
const capsLabel = /^\W{0,6}[A-Z]{2,}(?:[ -]+[A-Z]{2,})+\W{0,4}:/;

// The order's own clause ends where its reason or aside begins ("Always set X; NCBI blocks
// anonymous users", "… - the API rejects …", "… because …"): the reason is free prose about the
// world, the order is what the agent is told to do, and only the order's words say whether it
// belongs to the skill.
const reasonBreak =
  /;\s|\s[-\u2013\u2014]{1,2}\s|\s\((?:e\.g\.|i\.e\.|see|so|because|since)\b|,?\s(?:because|since)\s/i;

/** The sentence up to its reason or aside (the whole sentence when it has none). */
export function orderClause(s: string, at: number): string {
  const m = reasonBreak.exec(s.slice(at));
  return m ? s.slice(0, at + m.index) : s;
}

// The order answers the user's own request: its trigger is the user asking ("When the user says
// 'forget X', remove …"). An injected order is tied to the agent's own work ("After editing a
// document, …"); a reply to a request is what the user asked for, so what it changes in the
// output is not slipped past them. A destination or concealment still counts.
const userRequestTrigger =
  /^\W{0,4}(?:\d{1,2}[.)]\s+)?(?:when|whenever|if|once|after)\s+(?:the\s+)?(?:user|human|operator|owner)s?\s+(?:says?|asks?|requests?|wants?|types?|tells?\s+you|gives?|names?|mentions?|runs?|invokes?|confirms?|approves?|states?|shares?|expresses?|corrects?|provides?)\b/i;

// A confirmation gate: the order shows the user what will happen and waits for their answer
// ("show the user what will change and wait for a yes", "ask the user to confirm before …"). It
// hands the decision to the user instead of taking one for them.
const confirmationGate =
  /\b(?:show|tell|ask|present|list|describe)\s+(?:it\s+to\s+)?(?:the\s+)?user\b[^.]{0,80}?\b(?:wait|confirm|approv|a\s+yes|before)|\b(?:wait\s+for|until|get)\s+(?:the\s+user'?s?\s+|their\s+|an?\s+)?(?:explicit\s+)?(?:yes|confirmation|approval|go-ahead|ok(?:ay)?)\b|\bconfirm\s+with\s+the\s+user\b/i;

// The skill's declared act: a lab-notebook skill "attaches plots to entries" by its description, so
// "always attach the raw data with the plot" is its job, not a change slipped into the output.
/** Words of the skill's description (lower case), for declaresAct. */
export function descriptionWords(description: string | undefined): ReadonlySet<string> {
  return new Set((description ?? "").toLowerCase().match(/[a-z]{3,}/g) ?? []);
}

function declaresAct(declared: ReadonlySet<string>, verb: string): boolean {
  const v = verb.toLowerCase();
  return [v, `${v}s`, `${v}es`, `${v}ing`, `${v}ed`, `${v.replace(/e$/, "")}ing`, `${v}d`].some((f) =>
    declared.has(f),
  );
}

// "Push the branch to origin": the repository's own remote, without force, is where a git how-to's
// work goes (as in order-coherence.ts); any other act on the user's systems in the order still counts.
const everyActOnSystems = new RegExp(actsOnSystems.source, "gi");

function pushToOwnRemote(rest: string): boolean {
  const acts = [...rest.matchAll(everyActOnSystems)];
  return (
    acts.length > 0 &&
    acts.every((m) => /^push$/i.test(m[0])) &&
    /\bto\s+(?:the\s+)?(?:origin|remote|upstream)\b/i.test(rest) &&
    !/--force\b(?!-with-lease)|\s-f\b|\bforce\b/i.test(rest) &&
    !destination.test(rest)
  );
}

export interface DetachedOrder {
  severity: Severity;
  why: string[];
  verb: string;
  novel: string[];
  at: number;
}

// A recurring trigger anywhere in the sentence ("… before responding to any tool call").
const recurring =
  /\b(?:always|whenever|every\s+time|each\s+time|from\s+now\s+on|(?:after|before|when|while|on|for)\s+(?:\w+\s+){0,3}?(?:any|every|each|all)\b)/i;

/**
 * Verb and offset of the order in `s`, or undefined when the sentence gives none. An imperative
 * opening the sentence is an order here only with a recurring trigger: a bare "Add …" or
 * "Prefer …" is how every how-to is written. In the description, "Use when …" and "Generate …"
 * say what the skill is for, so only triggered and "always" orders count there.
 */
function orderIn(
  s: string,
  inDescription: boolean,
): { verb: string; at: number; labelled: string } | undefined {
  const l = label.exec(s);
  const labelled = l ? l[0] : "";
  const body = s.slice(labelled.length);
  const forms = inDescription
    ? [triggerThenVerb, alwaysVerb, midAlwaysVerb]
    : recurring.test(body)
      ? [triggerThenVerb, alwaysVerb, modalVerb, leadVerb]
      : [triggerThenVerb, alwaysVerb, modalVerb];
  for (const re of forms) {
    const m = re.exec(body);
    const verb = m?.[1]?.toLowerCase();
    if (!m || verb === undefined || !orderVerbs.has(verb)) continue;
    if (
      re === modalVerb &&
      /\b(?:need|have)s?\s+to\b/i.test(m[0]) &&
      inCondition.test(body.slice(0, m.index))
    )
      continue;
    if (inDescription && verb === "use") continue;
    const at = labelled.length + m.index + m[0].length - verb.length;
    return { verb, at, labelled };
  }
  return undefined;
}

/** The order plants, replaces or slants output text, with a verb the skill's description does not declare as its act. */
function altersOutputUndeclared(rest: string, declared: ReadonlySet<string>): boolean {
  const act = altersOutput.exec(rest)?.[0];
  return act !== undefined && !declaresAct(declared, act);
}

/**
 * Judges one sentence against the skill's vocabulary. `doc` counts the stems of the whole skill
 * text; `segment` is the prose segment the sentence sits in (its own words do not vouch for it).
 */
export function judgeSentence(
  s: string,
  segment: string,
  doc: ReadonlyMap<string, number>,
  inDescription: boolean,
  segmentStems: () => ReadonlyMap<string, number> = () => countStems(segment),
  toUserSetting: (s: string) => boolean = () => false,
  declared: ReadonlySet<string> = new Set(),
): DetachedOrder | undefined {
  const order = orderIn(s, inDescription);
  // A negation never sits in the verb slot the forms read ("never add", "do not send" give no
  // order verb there); an "always <verb>" in mid-sentence may be the user's ("ask the user to
  // always …").
  if (!order || userIsActor(s, order.at)) return undefined;
  if (describes(s)) return undefined;
  // "Use this skill when …" in a description says when the skill applies.
  if (/\b(?:this|the)\s+skill\b/i.test(s)) return undefined;
  const own = segmentStems();
  const stems = [...new Set(contentStems(orderClause(s, order.at)))];
  if (stems.length < detachedLimits.minContentWords) return undefined;
  const novel = stems.filter((w) => (doc.get(w) ?? 0) - (own.get(w) ?? 0) <= 0);
  const detached =
    novel.length >= detachedLimits.minNovelWords &&
    novel.length / stems.length >= detachedLimits.minNovelShare;
  const why: string[] = [];
  const rest = s.slice(order.at);
  if (concealment.test(s)) why.push("hides the act from the user");
  else if (deceptivePurpose.test(s)) why.push("states a deceptive purpose");
  else if (destination.test(rest)) why.push("names a destination outside the output");
  else if (altersOutputUndeclared(rest.replace(fillsPlaceholder, " "), declared))
    why.push("changes what the user receives");
  else if ((actsOnSystems.test(rest) && !pushToOwnRemote(rest)) || standingActs.some(([re]) => re.test(rest)))
    why.push("acts on the user's systems beyond the task's output");
  // The label may open the sentence or its segment ("IMPORTANT NOTE: This system is … We need
  // to …"): a label governs the whole paragraph or heading it opens.
  const segLabel = label.exec(segment.trimStart())?.[0] ?? "";
  const obeys = (l: string): boolean => l !== "" && (obedienceLabel.test(l) || capsLabel.test(l));
  const outOfBand = inDescription
    ? "given in the skill's description"
    : obeys(order.labelled) || obeys(segLabel)
      ? "under a label demanding obedience"
      : undefined;
  if (outOfBand) why.push(outOfBand);
  // A reply to the user's own request, or a gate that waits for the user's yes, does not slip
  // anything past the user: what it changes in the output or on the user's systems is no second
  // property; a destination, concealment or an out-of-band place still is.
  // Sending to the address the user configured (user-destination.ts) is the same: their channel.
  if (
    userRequestTrigger.test(s.slice(order.labelled.length)) ||
    confirmationGate.test(rest) ||
    (why.length > 0 && toUserSetting(s))
  ) {
    const kept = why.filter(
      (w) =>
        w !== "changes what the user receives" && w !== "acts on the user's systems beyond the task's output",
    );
    why.length = 0;
    why.push(...kept);
  }
  if (!detached) {
    // Without the vocabulary sign, concealment or a deceptive purpose together with an order
    // that changes the output is still two properties.
    const strong = why.filter(
      (w) => w === "hides the act from the user" || w === "states a deceptive purpose",
    );
    if (strong.length > 0 && altersOutput.test(rest))
      return {
        severity: "high",
        why: [...strong, "changes what the user receives"],
        verb: order.verb,
        novel,
        at: order.at,
      };
    return undefined;
  }
  return { severity: why.length > 0 ? "high" : "medium", why, verb: order.verb, novel, at: order.at };
}

export function detectDetachedOrders(ctx: DetectContext): void {
  // The skill's own vocabulary: the whole main file (name, description, headings, prose, code)
  // and its bundled text files. A short SKILL.md that points to reference docs keeps its
  // subject's words there; an injected order's words are in neither.
  const doc = vocabulary(ctx.model);
  const declared = descriptionWords(ctx.model.frontmatter?.description);
  const sources: ProseSource[] = ctx.prose.filter(
    (p) => p.kind !== "table-cell" && p.kind !== "code-inline" && !p.quoted,
  );
  for (const p of sources) {
    // Counted once per segment, and only when a sentence in it has an order's shape: counting it
    // per sentence was quadratic on one long paragraph (red-team: 240 KB took 14 s).
    let own: ReadonlyMap<string, number> | undefined;
    const segmentStems = (): ReadonlyMap<string, number> => (own ??= countStems(p.text));
    for (const sent of readingsOf(p.text, p.kind)) {
      const s = sent.text.trim();
      if (s.length < 20 || s.length > detachedLimits.maxSentenceChars) continue;
      const inDescription = p.kind === "description";
      const hit = judgeSentence(
        s,
        p.text,
        doc,
        inDescription,
        segmentStems,
        (t) => sendsToUserSetting(ctx, t),
        inDescription ? new Set() : declared,
      );
      if (!hit) continue;
      const sample = hit.novel.slice(0, 6).join(", ");
      ctx.report({
        id: "instr.detached-order",
        severity: hit.severity,
        file: p.file,
        line: lineOfOffset(p, sent.offset),
        column: 1,
        message:
          hit.novel.length >= detachedLimits.minNovelWords
            ? `The agent is told to "${hit.verb} …" in words the rest of the skill never uses (${sample})${
                hit.why.length > 0 ? `, and the order ${hit.why.join(" and ")}` : ""
              }: an instruction detached from the skill's purpose.`
            : `The agent is told to "${hit.verb} …": the order ${hit.why.join(" and ")}.`,
        evidence: s.length > 300 ? s.slice(0, 300) : s,
      });
    }
  }
}
