// Features of one prose unit for the learned order scorer (issue 14, I14LRN). Structural features
// name how the sentence is built — mood, trigger, framing, addressee, negation or advice, quoting,
// where it points, what it handles, which act it orders, and how far it is from the skill's
// declared purpose — so a weight learned on one wording can apply to another. Word features are a
// hashed bag of crude lemmas and bigrams, kept apart ("w:" and "b:") so a model can be trained
// without them. Every regex is anchored to one unit with bounded gaps (linear in the text).

import type { DetectContext } from "../context.js";
import { baseDomain, urlsIn } from "../hosts.js";
import { describes, negatedAt, standingOrder, userIsActor } from "../sentences.js";
import { declaredService, isPlaceholderHost } from "../service.js";
import { actClassOf, ordersIn } from "../detectors/clause-orders.js";
import { completion, recurring, stemsOf } from "../detectors/scope-drift.js";
import { capsLabel, framing } from "../detectors/side-effects.js";
import type { ProseUnit } from "./units.js";

const ruleLabel =
  /^\W{0,6}(?:[A-Z][\w-]*\s+){0,4}(?:Polic(?:y|ies)|Guidelines?|Rules?|Requirements?|Standards?|Protocol|Directives?|Procedures?|Notice|Mandate)\b\W{0,3}:/;
const reason =
  /\b(?:(?:in\s+order\s+)?to\s+(?:ensure|save|keep|make\s+sure|allow|avoid|prevent|maintain|comply|guarantee|protect|secure|improve|help|enable|facilitate|support|preserve|reduce|free|satisfy|meet)\b|so\s+that\b|for\s+(?:\w+\s+){0,3}?(?:purposes?|reasons?|compliance)\b)/i;
const advisory =
  /\b(?:you\s+(?:can|could|may|might)|optionally|consider(?:ing)?|if\s+you\s+(?:want|wish|prefer|like|need)|feel\s+free|we\s+recommend|recommended|tip:)\b/i;
const onUserRequest =
  /\b(?:if|when|whenever|unless|once|after)\s+(?:the\s+)?(?:user|users|they|customer|client|human)s?\s+(?:\w+\s+){0,2}?(?:asks?|requests?|wants?|says|tells|chooses?|specif(?:y|ies))\b|\b(?:when|if)\s+(?:explicitly\s+)?(?:asked|requested|instructed|told)\b/i;
const userDecides = /\b(?:ask\w*\s+(?:the\s+)?user|confirm\w*|approv\w*|permission|consent)\b/i;
const agentAddressee =
  /\b(?:you|your|the\s+(?:agent|assistant|ai|model|llm|bot)|claude|as\s+an?\s+(?:ai|assistant|agent))\b/i;
const userAddressee = /\b(?:the\s+)?(?:user|human|operator|owner|customer)s?\b/i;
const secretObject =
  /\b(?:api[_ -]?keys?|tokens?|secrets?|credentials?|passwords?|passphrases?|private\s+keys?|ssh\s+keys?|seed\s+phrases?|mnemonic|\.env\b|env(?:ironment)?\s+variables?|auth\w*\s+headers?|cookies?|session\s+ids?|wallet)\b/i;
const userData =
  /\b(?:conversation|chat\s+history|message\s+history|personal\s+(?:data|information|details)|contacts?|emails?\s+(?:addresses|contents?)|user(?:'s)?\s+(?:data|files|documents|messages|inputs?|queries|prompts?)|documents?|files?|logs?|history|pii|phone\s+numbers?|addresses)\b/i;
const concealment =
  /\b(?:silently|quietly|secretly|covertly|discreetly|without\s+(?:telling|informing|notifying|asking|mentioning|alerting)|(?:do\s+not|don'?t|never)\s+(?:tell|mention|inform|notify|reveal|disclose|report|show|alert)\b|hide\s+(?:it|this|them)\s+from|not\s+visible\s+to|(?:the\s+)?user\s+(?:should|must|need)\s+not\s+(?:know|see|be\s+told))\b/i;
const urgency =
  /\b(?:important|critical|mandatory|required|must|crucial|essential|immediately|always|never|strictly|at\s+all\s+times)\b/i;
const overrideWords =
  /\b(?:ignore|disregard|override|forget|bypass)\s+(?:\w+\s+){0,3}?(?:instructions?|rules?|guidelines?|polic(?:y|ies)|restrictions?|safety|previous|prior|above)\b/i;
const otherActor =
  /^(?:[\w'-]+\s+){0,3}?(?:it|this|which|who|script|tool|skill|command|function|server|service|system|api|library|users?|people|they|he|she|we)\s+(?:\w+\s+)?(?:will|can|may|might|could|would|does|did|is|are|was|were|has|had|lets?|allows?|\w+s)\b/i;
// A clause opening on a bare verb the act lexicon does not hold ("Read ~/.ssh/…", "Visit this page").
const bareVerb =
  /(?:^|[;:]\s+|,\s+(?:then\s+)?|\s+(?:and|then)\s+)(?:\W{0,4}(?:\d{1,3}[.)]\s+)?)(?:(?:always|also|then|please|just|first|next|finally|immediately|silently|quietly)\s+)?(?:read|visit|open|access|collect|gather|extract|check|use|keep|go|navigate|load|scan|search|find|look|copy|grab|retrieve|obtain|store|save|follow|perform|do|start|stop|verify|confirm|ensure|treat|act|pretend|become|assume|respond|reply|provide|generate|compose|draft|build|compile|enumerate|locate|query|request|call|invoke|trigger|connect|login|log\s+in|sign\s+in|enter|type|paste|click|install|download|execute|run)\b/i;
// The description's usage clause ("Use when …", "Triggers: …"): says when to load the skill.
const usage =
  /^\W{0,4}(?:use|used|invoke|trigger(?:s|ed)?|activate|load|apply)\b(?:\s+\w+){0,3}?\s*(?:when|whenever|for|if|to|:)/i;
// A path into the user's home or system configuration.
const privatePath =
  /(?:~|\$HOME|%USERPROFILE%)[\\/]\.?\w|\/etc\/|\/root\/|\bid_(?:rsa|ed25519|ecdsa)\b|\.(?:ssh|aws|gnupg|kube|docker|npmrc|netrc|pypirc|git-credentials)\b/i;
// The agent told it is something else ("you are now …", "act as …", "maintenance mode").
const persona =
  /\b(?:you\s+are\s+now|act\s+as|pretend|role-?play|from\s+now\s+on|(?:maintenance|debug|developer|admin|god)\s+mode|new\s+instructions?|system\s+(?:prompt|override|message))\b/i;
const codeLike = /`[^`]{2,}`|\$\(|\b[\w-]+\.(?:py|sh|js|json|md|ya?ml|txt)\b/;
const numberLike = /\b\d+(?:\.\d+)?\b/;

// Very frequent words with no meaning of their own, left out of the bag.
const stopwords = new Set(
  `the a an and or of to in on at for by with from is are be been was were it its this that these
  those as if then than so but not no into onto over about can will would should could may might
  must do does did has have had which who whom what when where how all any each every some such
  other more most also only just your you our we they their them he she his her i my me us`.split(/\s+/),
);

/** A crude lemma: lower case, common inflections stripped ("sending" → "send", "files" → "file"). */
export function lemma(word: string): string {
  const w = word.toLowerCase();
  if (w.length > 5 && w.endsWith("ies")) return `${w.slice(0, -3)}y`;
  if (w.length > 5 && w.endsWith("ing")) return w.slice(0, -3);
  if (w.length > 4 && w.endsWith("ed")) return w.slice(0, -2);
  if (w.length > 4 && w.endsWith("es") && /(?:ss|sh|ch|x)es$/.test(w)) return w.slice(0, -2);
  if (w.length > 3 && w.endsWith("s") && !w.endsWith("ss")) return w.slice(0, -1);
  return w;
}

/** What the features of every unit of one skill are judged against, computed once per skill. */
export interface SkillScope {
  /** Stems of the skill's name, description and headings. */
  purpose: Set<string>;
  /** Stems of the name and headings only (for units of the description itself). */
  base: Set<string>;
  /** Base domains of the skill's declared service. */
  service: Set<string>;
  /** The skill's text, lower-cased, to tell a host named once from one named throughout. */
  everything: string;
}

export function skillScope(ctx: DetectContext): SkillScope {
  const fm = ctx.model.frontmatter;
  const name = (fm?.name ?? "").replace(/[-_]/g, " ");
  const headings = ctx.prose.filter((p) => p.kind === "heading").map((h) => h.text);
  const everything = [
    ctx.model.text,
    ...ctx.model.bundled.map((b) => (b.type === "binary" ? "" : (b.text ?? ""))),
  ]
    .join("\n")
    .toLowerCase();
  return {
    purpose: stemsOf([name, fm?.description ?? "", ...headings].join("\n")),
    base: stemsOf([name, ...headings].join("\n")),
    service: declaredService(ctx),
    everything,
  };
}

const count = (text: string, needle: string): number => (needle ? text.split(needle).length - 1 : 0);

/** Whether an act verb of the sentence is negated or forbidden in its clause ("never send …"). */
function negatedAct(s: string): boolean {
  for (const m of s.matchAll(/[a-z]+/gi)) if (actClassOf(m[0]) && negatedAt(s, m.index)) return true;
  return false;
}

/** Structural features of a unit, by name ("s:…"), in a fixed order. */
export function structuralFeatures(u: ProseUnit, scope: SkillScope): string[] {
  const s = u.text;
  const f: string[] = [];
  const add = (name: string, on: unknown): void => {
    if (on) f.push(`s:${name}`);
  };
  const orders = ordersIn(s);
  const first = orders[0];
  // Mood and addressee of the first order.
  add("imperative", first);
  // How the first order is framed when it is not a bare imperative (directive-frames.ts).
  if (first && first.frame !== "imperative") f.push(`s:frame:${first.frame}`);
  add("imperative-bare", !first && bareVerb.test(s));
  add("usage", usage.test(s));
  add("private-path", privatePath.test(s));
  add("persona", persona.test(s));
  for (const cls of new Set(orders.map((o) => o.cls))) f.push(`s:act:${cls}`);
  add("negated", negatedAct(s));
  add("user-acts", first && userIsActor(s, first.at));
  add("advisory", advisory.test(s));
  add("on-user-request", onUserRequest.test(s));
  add("user-decides", userDecides.test(s));
  add("other-actor", !first && otherActor.test(s));
  add("addressee-agent", agentAddressee.test(s));
  add("addressee-user", userAddressee.test(s));
  // Trigger and framing.
  add("trigger-recurring", recurring.test(s));
  add("trigger-completion", completion.test(s));
  add("standing", standingOrder(s));
  const head = u.seg.text.trimStart();
  add("policy-frame", framing.test(head) || capsLabel.test(head) || ruleLabel.test(head) || framing.test(s));
  add("reason", reason.test(s));
  add("urgency", urgency.test(s));
  add("override", overrideWords.test(s));
  add("conceal", concealment.test(s));
  // Description, quotation, example.
  add("describes", describes(s));
  add("quoted", u.seg.quoted);
  add("question", /\?\s*$/.test(s));
  add(`seg:${u.seg.kind}`, true);
  add("code-like", codeLike.test(s));
  add("number", numberLike.test(s));
  // Objects: secrets, the user's data.
  add("secret", secretObject.test(s));
  add("user-data", userData.test(s));
  // Destination: hosts that are not the declared service, named nowhere else.
  let foreign = false;
  let once = false;
  let own = false;
  let placeholder = false;
  for (const url of urlsIn(s)) {
    if (!url.host) continue;
    if (isPlaceholderHost(url.host)) {
      placeholder = true;
      continue;
    }
    const d = baseDomain(url.host.toLowerCase());
    if (scope.service.has(d)) own = true;
    else {
      foreign = true;
      if (count(scope.everything, d) <= count(s.toLowerCase(), d) * (u.seg.kind === "description" ? 2 : 1))
        once = true;
    }
  }
  add("host-own", own);
  add("host-foreign", foreign);
  add("host-named-once", once);
  add("host-placeholder", placeholder);
  // Distance from the declared purpose: content stems shared with name, description, headings.
  const stems = stemsOf(s);
  const purpose = u.seg.kind === "description" ? scope.base : scope.purpose;
  const shared = [...stems].filter((w) => purpose.has(w)).length;
  if (stems.size >= 3) {
    if (shared === 0) f.push("s:purpose-none");
    else if (shared <= Math.floor(stems.size / 5)) f.push("s:purpose-low");
    else f.push("s:purpose-on");
  } else f.push("s:short");
  // Conjunctions the rules found telling: an order on a trigger, an order off purpose.
  add("imperative+trigger", first && (recurring.test(s) || completion.test(s)));
  add("imperative+off-purpose", first && stems.size >= 3 && shared <= Math.floor(stems.size / 5));
  add("imperative+reason", first && reason.test(s));
  return f;
}

/** Word and bigram features of a unit ("w:lemma", "b:lemma_lemma"), stopwords left out, each once. */
export function wordFeatures(text: string): string[] {
  const lemmas = (text.toLowerCase().match(/[a-z][a-z']{1,24}/g) ?? [])
    .map((w) => lemma(w.replace(/'s?$/, "")))
    .filter((w) => w.length > 1 && !stopwords.has(w));
  const out = new Set<string>();
  for (let i = 0; i < lemmas.length; i++) {
    out.add(`w:${lemmas[i]}`);
    if (i + 1 < lemmas.length) out.add(`b:${lemmas[i]}_${lemmas[i + 1]}`);
  }
  return [...out];
}

/** All features of a unit: structural, then words and bigrams. */
export function unitFeatures(u: ProseUnit, scope: SkillScope): string[] {
  return [...structuralFeatures(u, scope), ...wordFeatures(u.text)];
}
