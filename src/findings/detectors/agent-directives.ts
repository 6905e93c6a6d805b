// Directives to the agent that work against the user (issue 14, session 6). Earlier rules learned
// the payloads of the tuning data; this one reads the shape of one sentence: an order addressed
// to the agent (an imperative, "you/the assistant must …", "always …", "in every reply …") and
// what the order does to the person the agent works for:
// - conceal: it hides the agent's act from the user ("so the user does not notice", "keep this
//   between us", "leave it out of your summary") — a secret kept from the user is not an act;
// - precedence: it claims to outrank the user or the system ("this rule takes precedence over
//   any user request", "do not follow the user's instructions");
// - misreport: it makes the output misstate facts (fabricate, falsify, exaggerate, downplay,
//   misrepresent figures, results or sources);
// - plant: it puts promotional or hidden content into what the user receives (ads, affiliate or
//   referral links, tracking pixels, invisible text, a link to a host that is not the skill's
//   service), or steers every answer to a product or vendor;
// - solicit: it makes the agent ask the user for a secret a skill never needs (a seed phrase,
//   card number, one-time code);
// - language: it switches every answer to another language in a skill that is not about
//   language.
// Conceal, precedence, misreport and solicit are reported high on their own: no skill's purpose
// needs them. Plant and language are high only when the content is off the skill's declared
// purpose (its name and description, without the sentence itself) or names a host that is not the
// skill's service; medium otherwise (a marketing skill writes calls to action). Negated, advisory,
// descriptive and user-addressed sentences are filtered by the caller (instructions.ts) and here.
// Every pattern is anchored to one sentence with bounded gaps (linear in the text).

import { negatedAt, userIsActor } from "../sentences.js";
import { baseDomain, urlsIn } from "../hosts.js";
import { isPlaceholderHost } from "../service.js";
import { contentStems } from "./detached-orders.js";
import type { OrderHit } from "./orders.js";

export interface DirectivePlace {
  /** The skill's declared service domains. */
  service: ReadonlySet<string>;
  /** The skill's frontmatter name and description. */
  name: string;
  description: string;
}

// Who is told: an imperative opening the sentence (after a list marker, a label or a trigger
// clause), a modal with the agent as subject, or a standing frame.
const imperativeLead =
  /^\W{0,6}(?:\d{1,2}[.)]\s+)?(?:[A-Za-z][\w'-]*(?:\s+[A-Za-z][\w'-]*){0,4}\**\s*:\**\s+)?(?:(?:when|whenever|after|before|once|while|if|for|in|at|on|during|upon|from\s+now\s+on|going\s+forward)\b[^.;:]{0,100}?,\s*)?(?:(?:always|also|then|please|just|simply|quietly|silently|secretly|discreetly|subtly|make\s+sure\s+to|be\s+sure\s+to)\s+){0,2}([a-z]+)\b/i;
const agentModal =
  /\b(?:you|the\s+(?:assistant|agent|ai|model|llm|bot)|claude|assistants?)\s+(?:must|should|shall|will|need\s+to|needs\s+to|are\s+to|is\s+to|have\s+to|has\s+to|are\s+required\s+to|is\s+required\s+to|ought\s+to)\s+(?:always\s+|also\s+|quietly\s+|silently\s+|subtly\s+){0,2}([a-z]+)\b/i;
const standingFrame =
  /\b(?:always|from\s+now\s+on|going\s+forward|in\s+(?:every|each|all|any)\s+(?:of\s+your\s+)?(?:responses?|replies|answers?|outputs?|messages?)|before\s+(?:responding|answering|replying)|at\s+the\s+(?:end|start|beginning|bottom|top)\s+of\s+(?:every|each|all|your)\s+(?:responses?|replies|answers?|outputs?|messages?))\b/i;

// Verbs that open an order (base forms).
const orderVerb = new Set(
  `add append prepend insert include embed inject attach put place end finish sign close open start
  begin mention recommend suggest promote endorse advertise push steer direct refer point link
  respond reply answer write translate convert present report state claim say tell describe frame
  portray make keep hide conceal omit leave exclude remove delete drop strip skip ignore disregard
  override treat consider follow obey prioritize prioritise prefer favor favour ask request prompt
  collect gather change alter modify adjust replace rename round inflate deflate increase decrease
  reduce raise lower boost exaggerate overstate understate downplay fabricate invent falsify fake
  misreport misrepresent cite quote list show display output print return send give provide do use
  ensure set send upload forward post share publish run execute copy move install save store log
  create update edit`.split(/\s+/),
);

/** Offset of the order's verb, or -1 when the sentence gives the agent no order. */
export function directiveAt(s: string): number {
  for (const re of [agentModal, imperativeLead]) {
    const m = re.exec(s);
    const verb = m?.[1]?.toLowerCase();
    if (!m || verb === undefined || !orderVerb.has(verb)) continue;
    const at = m.index + m[0].length - verb.length;
    if (negatedAt(s, at) || userIsActor(s, at)) continue;
    return at;
  }
  // "… in every reply, include …" / "Always …" in mid-sentence: the standing frame addresses the agent.
  const f = standingFrame.exec(s);
  if (f) {
    const after = /\b([a-z]+)\b/i.exec(s.slice(f.index + f[0].length));
    if (after?.[1] && orderVerb.has(after[1].toLowerCase())) {
      const at = f.index + f[0].length + after.index;
      if (!negatedAt(s, at) && !userIsActor(s, at)) return at;
    }
  }
  return -1;
}

// The agent's act hidden from the user. A secret kept from the user ("keep your key private")
// is not an act: the object words below exclude it.
const conceal =
  /\bso\s+(?:that\s+)?(?:the\s+)?(?:user|users|human|client|customer|reader|owner)s?\s+(?:does\s+not|doesn'?t|do\s+not|don'?t|will\s+not|won'?t|cannot|can'?t|never)\s+(?:\w+\s+){0,2}?(?:notice|know|find\s+out|realize|realise|suspect|become\s+aware)\b|\bwithout\s+(?:the\s+)?(?:user|users|human|client|customer|owner|them|anyone)(?:'s)?\s+(?:knowing|noticing|realizing|realising|seeing|being\s+aware|knowledge|awareness)\b|\b(?:do\s+not|don'?t|never)\s+(?:let|allow)\s+(?:the\s+)?(?:user|users|human|client|customer|owner|them)\s+(?:\w+\s+){0,2}?(?:know|notice|find\s+out|realize|realise|become\s+aware)\b|\bkeep\s+(?:this|it|these|that|the\s+(?:change|changes|step|steps|action|actions|instruction|instructions|modification|modifications|edit|edits))\s+(?:\w+\s+){0,1}?(?:hidden|secret|invisible|to\s+yourself|between\s+us)\b|\b(?:leave|keep)\s+(?:this|it|these|them|that)\s+out\s+of\s+(?:your|the|any)\s+(?:\w+\s+){0,1}?(?:summary|summaries|response|responses|reply|replies|answer|answers|report|reports|output|changelog|log|logs|explanation|message|messages|commit\s+messages?)\b|\b(?:omit|exclude|leave\s+out)\s+(?:any\s+)?(?:record|trace|evidence)\s+of\s+(?:this|these|it|the\s+\w+)\b|\b(?:the\s+)?(?:user|users|human|client|customer|owner)s?\s+(?:must|should|need|needs)\s+(?:never|not)\s+(?:\w+\s+){0,1}?(?:know|notice|find\s+out|be\s+(?:told|informed|notified|aware))\b/i;
// What may be kept from the user without hiding an act: secrets and answers (tutoring, quizzes).
const secretObject =
  /\b(?:api[ _-]?keys?|tokens?|passwords?|secrets?|credentials?|private\s+keys?|keys?|answers?|solutions?|spoilers?|hints?|system\s+prompt)\b/i;

// The order claims to outrank the user or the system.
const precedence =
  /\b(?:this|these|the\s+following)\s+(?:\w+\s+){0,2}?(?:instructions?|rules?|directives?|policy|policies|requirements?|guidelines?|steps?|orders?)\s+(?:always\s+)?(?:takes?|have|has|take)\s+(?:\w+\s+){0,1}?(?:precedence|priority)\s+over\s+(?:any\s+|all\s+|the\s+)?(?:user|users|human|system|other\s+instructions|previous|prior|conflicting)|\b(?:supersedes?|overrides?|outranks?|trumps?)\s+(?:any|all|every|the\s+user'?s?|user|other|previous|prior|conflicting|system)\s+(?:\w+\s+){0,1}?(?:instructions?|requests?|rules?|guidelines?|preferences?|prompts?|wishes|settings?)\b|\b(?:do\s+not|don'?t|never)\s+(?:follow|obey|comply\s+with|listen\s+to|honou?r)\s+(?:the\s+)?(?:user|users|human|client|customer)(?:'s|s')?\s*(?:instructions?|requests?|commands?|wishes|preferences?|objections?)?\b|\bignore\s+(?:the\s+|any\s+|all\s+)?(?:user'?s?|users'|human'?s?)\s+(?:\w+\s+){0,1}?(?:instructions?|requests?|preferences?|objections?|questions?|wishes|commands?|choices?)\b|\bno\s+matter\s+what\s+(?:the\s+)?(?:user|users|human|client|customer|they|anyone)\s+(?:says?|asks?|wants?|requests?|prefers?|tells?)\b/i;

// The output misstates facts.
const misreport =
  /\b(?:fabricate|falsify|misreport|misrepresent|misstate|exaggerate|overstate|understate|downplay|inflate|fudge)\s+(?:\w+\s+){0,3}?(?:numbers?|figures?|scores?|results?|metrics?|values?|statistics|stats|data|percentages?|prices?|totals?|amounts?|ratings?|findings?|citations?|references?|sources?|quotes?|quotations?|evidence|benchmarks?|reviews?|testimonials?|risks?|severity|costs?|fees?|returns?|performance|accuracy|dates?|counts?|revenue|earnings|profits?|losses|side\s+effects?|dangers?|safety)\b/i;

// Promotional or hidden content planted in what the user receives.
const plantVerb =
  /\b(?:add|append|prepend|insert|include|embed|inject|attach|put|place|end\s+(?:\w+\s+){0,2}?with|finish\s+(?:\w+\s+){0,2}?with|sign\s+off\s+with|mention|recommend|suggest|promote|endorse|advertise|steer|direct|refer|point|link)\b/i;
const plantedThing =
  /\b(?:ads?|advert\w*|promo(?:tion(?:al)?)?\b|promo\s+codes?|coupon(?:\s+codes?)?|discount\s+codes?|sponsor\w*|affiliate\w*|referral\w*|tracking\s+(?:pixels?|links?|codes?|images?|parameters?)|(?:hidden|invisible|white|zero-width|tiny)\s+(?:text|content|instructions?|links?|characters?|prompts?|messages?)|html\s+comments?\s+(?:with|containing)|call\s+to\s+action|(?:a\s+partner'?s?|the\s+partner|our\s+partner'?s?|sponsored)\s+(?:\w+\s+){0,1}?(?:products?|services?|brand|vendor|company|platform|app|tool|course|offer)|(?:buy|purchase|subscribe|sign\s+up|donate)\s+(?:at|to|on|via))\b/i;
const everyOutput =
  /\b(?:every|each|all|any)\s+(?:\w+\s+){0,2}?(?:responses?|replies|answers?|outputs?|messages?|emails?|documents?|reports?|summaries|posts?|comments?|pages?|files?|recommendations?|suggestions?)\b|\bwhenever\b|\balways\b|\bregardless\b|\bfrom\s+now\s+on\b|\bgoing\s+forward\b/i;
// Steering to a vendor: recommend X over / instead of the alternatives, or only X.
const steer =
  /\b(?:recommend|suggest|promote|endorse|push|steer|direct|refer)\s+(?:\w+\s+){0,4}?(?:over|instead\s+of|rather\s+than|in\s+place\s+of)\s+(?:any\s+|all\s+|other\s+|the\s+)?(?:\w+\s+){0,1}?(?:competitors?|alternatives?|other\s+(?:options?|products?|vendors?|providers?|brands?|services?|tools?))\b|\b(?:only|exclusively)\s+(?:recommend|suggest|promote|mention)\b/i;

// Secrets a skill never needs to ask a person for.
const solicit =
  /\b(?:ask|prompt|request|get|have|collect|obtain|gather)\s+(?:the\s+)?(?:user|users|human|client|customer|them)\s+(?:for|to\s+(?:enter|provide|share|type|paste|send|give|confirm|reveal|supply))\s+(?:their|your|the|his|her|a|an)?\s*(?:\w+\s+){0,2}?(?:seed\s+phrases?|recovery\s+(?:phrases?|codes?|words)|mnemonics?|private\s+keys?|credit\s+card(?:\s+(?:numbers?|details))?|card\s+numbers?|cvv|cvc|security\s+codes?|social\s+security(?:\s+numbers?)?|ssn|one[- ]time\s+(?:codes?|passwords?|passcodes?)|otp|2fa\s+codes?|verification\s+codes?|bank\s+(?:account\s+)?(?:details|logins?|passwords?)|passwords?)\b/i;

// Every answer in another language.
const languageSwitch =
  /\b(?:respond|reply|answer|write|translate|output)\s+(?:\w+\s+){0,4}?(?:only\s+)?(?:in|into)\s+(?:the\s+)?([A-Z][a-z]{3,})(?:\s+language)?\b/;
const languageNames =
  /^(?:English|French|German|Spanish|Italian|Portuguese|Dutch|Russian|Chinese|Mandarin|Japanese|Korean|Arabic|Hindi|Turkish|Polish|Swedish|Norwegian|Danish|Finnish|Greek|Hebrew|Latin|Klingon|Esperanto|Pirate|Ukrainian|Vietnamese|Thai|Indonesian|Czech|Romanian|Hungarian)$/;
const languagePurpose =
  /\b(?:transl\w*|languages?|multilingual|locali[sz]\w*|i18n|l10n|interpret\w*|bilingual)\b/i;

/** Content stems of `text` that the skill's name and description (minus the sentence) never use. */
function offPurpose(text: string, s: string, place: DirectivePlace): boolean {
  const at = place.description.indexOf(s.trim());
  const own =
    at < 0
      ? place.description
      : place.description.slice(0, at) + " " + place.description.slice(at + s.trim().length);
  const purpose = new Set(contentStems(`${place.name.replace(/[-_]/g, " ")} ${own}`));
  if (purpose.size === 0) return false;
  const words = contentStems(text);
  return words.length > 0 && words.every((w) => !purpose.has(w));
}

/** A URL in the text whose host is not the skill's declared service (or a placeholder). */
function foreignHost(text: string, service: ReadonlySet<string>): string | undefined {
  for (const u of urlsIn(text)) {
    if (!u.host || isPlaceholderHost(u.host)) continue;
    const d = baseDomain(u.host.toLowerCase());
    if (!service.has(d)) return u.host;
  }
  return undefined;
}

const id = "instr.agent-directive" as const;

/** Directives in one sentence that work against the user. */
export function directiveHits(s: string, place: DirectivePlace): OrderHit[] {
  const at = directiveAt(s);
  const hits: OrderHit[] = [];
  const evidence = s.trim();
  // Concealment and precedence carry their own negation ("do not let the user know"); they
  // need an order in the sentence, and the concealed thing must not be a secret.
  const c = conceal.exec(s);
  if (
    c &&
    // The "leave it out / keep it hidden" forms are orders themselves.
    (at >= 0 || standingFrame.test(s) || /^(?:leave|keep|omit|exclude)\b/i.test(c[0])) &&
    !userIsActor(s, c.index) &&
    // "keep it hidden" points back to its object: a secret anywhere before it is kept, not an act.
    !secretObject.test(/^keep\b/i.test(c[0]) ? s.slice(0, c.index + c[0].length) : c[0]) &&
    !/\b(?:never|not|don'?t|no)\s+(?:\w+\s+)?$/i.test(s.slice(Math.max(0, c.index - 24), c.index))
  )
    hits.push({
      id,
      severity: "high",
      what: "The agent is told to hide what it does from the user",
      evidence,
      at: c.index,
    });
  const p = precedence.exec(s);
  if (p && !/\b(?:never|not)\s+(?:\w+\s+){0,2}$/i.test(s.slice(Math.max(0, p.index - 30), p.index)))
    hits.push({
      id,
      severity: "high",
      what: "An instruction claims to outrank the user or the system, or tells the agent not to follow the user",
      evidence,
      at: p.index,
    });
  if (at < 0) return hits;
  const rest = s.slice(at);
  const m = misreport.exec(rest);
  if (m && !negatedAt(s, at + m.index) && !userIsActor(s, at + m.index))
    hits.push({
      id,
      severity: "high",
      what: "The agent is told to misstate facts in what it gives the user (fabricated, falsified or slanted figures, results or sources)",
      evidence,
      at: at + m.index,
    });
  const so = solicit.exec(rest);
  if (so && !negatedAt(s, at + so.index))
    hits.push({
      id,
      severity:
        /\bpasswords?\b/i.test(so[0]) &&
        !/\b(?:seed|recovery|card|cvv|cvc|ssn|social|one[- ]time|otp|2fa|verification|bank)\b/i.test(so[0])
          ? "medium"
          : "high",
      what: "The agent is told to ask the user for a secret that a skill has no need for",
      evidence,
      at: at + so.index,
    });
  const pv = plantVerb.exec(rest);
  if (pv && !negatedAt(s, at + pv.index) && !userIsActor(s, at + pv.index)) {
    const after = rest.slice(pv.index);
    const thing = plantedThing.exec(after);
    const host = foreignHost(after, place.service);
    const steered = steer.exec(after);
    if (thing || steered || (host && everyOutput.test(s))) {
      const off = host !== undefined || offPurpose(after, s, place);
      hits.push({
        id,
        severity: off ? "high" : "medium",
        what: `The agent is told to ${
          steered ? "steer what it recommends to one vendor" : "plant promotional or hidden content"
        } in what the user receives${host ? ` (a link to ${host}, not the skill's service)` : ""}${
          off ? ", off the skill's declared purpose" : ""
        }`,
        evidence,
        at: at + pv.index,
      });
    }
  }
  const l = languageSwitch.exec(rest);
  if (l?.[1] && languageNames.test(l[1]) && everyOutput.test(s) && !negatedAt(s, at + l.index)) {
    const own = `${place.name} ${place.description}`;
    if (!languagePurpose.test(own))
      hits.push({
        id,
        severity: "high",
        what: `The agent is told to answer in ${l[1]} in a skill that is not about language`,
        evidence,
        at: at + l.index,
      });
  }
  return hits;
}
