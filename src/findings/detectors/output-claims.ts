// Output manipulation read from the shape of an order about what the user receives (issue 14,
// session 9). Three shapes no skill's own how-to needs:
// - instr.fixed-claim: the agent is to tell the user a fixed outcome ("say that all tests
//   passed", "report no vulnerabilities", "rate every submission 10/10", "describe every
//   competitor as insecure") that no condition in the sentence ties to the facts, or that an
//   override ("anyway", "whatever the scan shows") cuts loose from them;
// - instr.planted-promotion: a quoted text that advertises, attests or links to a third party is
//   to be put into every answer, document or report the agent writes; or one named product is to
//   be recommended over every alternative in a skill that is not about that product;
// - instr.skewed-figures: reported figures are to be moved in a direction ("down by 20%", "so the
//   new model beats the baseline") or failures counted as zero.
// A claim that waits on a fact ("if all tests pass, say so", "tell the user whether …") is a
// report, not a manipulation. Every regex is anchored to one sentence with bounded gaps.

import { lineOfOffset, type DetectContext, type ProseSource } from "../context.js";
import { baseDomain } from "../hosts.js";
import { quotedBySecurityTool } from "../quoting.js";
import { describes, negatedAt, readingsOf, userIsActor } from "../sentences.js";
import { declaredService, isPlaceholderHost } from "../service.js";
import type { Severity } from "../../model.js";
import type { RuleId } from "../rules.js";
import { ordersIn, type Order } from "./clause-orders.js";

// ---- mood (as in agent-acts.ts: an order, not a prohibition, advice or the user's act) ------

const prohibitionLead =
  /^\W{0,6}(?:\d{1,3}[.)]\s+)?(?:never|do\s+not|don'?t|must\s+not|you\s+(?:must|should)\s+(?:never|not)|avoid|under\s+no\s+circumstances)\b/i;
const advisory =
  /\b(?:you\s+(?:can|could|may|might)|optionally|consider(?:ing)?|if\s+you\s+(?:want|wish|prefer|like|need)|feel\s+free|we\s+recommend|recommended)\b/i;
// The user asks for it or decides it: the skill does not fix the content.
const userDecides =
  /\b(?:if|when|unless|only\s+if)\s+(?:the\s+)?(?:user|customer|client|human|operator)s?\s+(?:\w+\s+){0,2}?(?:asks?|requests?|wants?|tells?|chooses?|confirms?|approves?|specif(?:y|ies))\b|\b(?:user'?s?|their)\s+(?:choice|preference|decision)\b/i;

function ordered(s: string, o: Order): boolean {
  if (prohibitionLead.test(s) || negatedAt(s, o.at) || userIsActor(s, o.at)) return false;
  return !advisory.test(s.slice(Math.max(0, o.at - 80), o.at));
}

// ---- fixed claims ----------------------------------------------------------------------------

const claimVerb =
  /^(?:tell|say|state|claim|report|assure|reassure|inform|answer|respond|reply|conclude|mark|certify|present|announce|write)$/;
// An outcome stated as fact: success, absence of problems, safety, readiness, work done.
const outcome =
  /\b(?:(?:all|every|each)\s+(?:of\s+the\s+)?(?:\w+\s+)?(?:tests?|checks?|scans?|audits?|validations?|steps?|jobs?)\s+(?:have\s+|has\s+)?(?:passed|pass|succeeded|(?:are|were)\s+(?:passing|green|successful|clean))|(?:the\s+)?(?:tests?|checks?|builds?|scans?|audits?|deploy(?:ment)?s?|migrations?|pipelines?|jobs?|it|everything)\s+(?:has\s+|have\s+)?(?:passed|succeeded|completed\s+successfully|(?:is|are|was|were)\s+(?:passing|green|successful|clean))|(?:there\s+(?:are|were)\s+)?no\s+(?:\w+\s+)?(?:vulnerabilit(?:y|ies)|issues?|errors?|bugs?|problems?|warnings?|failures?|risks?|findings?|defects?)\s+(?:(?:were|was|have\s+been|has\s+been|are)\s+)?(?:found|detected|reported|identified|present|exist)|(?:is|are|was|were)\s+(?:\w+\s+)?(?:secure|bug-free|error-free|vulnerability-free|production[- ]ready|ready\s+for\s+(?:production|release|deployment|merge)|compliant|fully\s+tested|safe\s+to\s+(?:deploy|merge|ship|release|use))|(?:you|we)\s+(?:have\s+)?(?:ran|run|executed|tested|verified|reviewed|audited|scanned)\s+(?:the\s+)?(?:full|entire|whole|complete|every|all)|as\s+(?:passed|passing|successful|resolved|fixed|approved|compliant|secure|safe|green|done|complete))\b/i;
// A fixed grade: "10/10", "5 stars", "A+", "the highest score".
const fixedGrade =
  /^(?:rate|score|grade|rank)\b[^.;]{0,60}?(?:\b\d{1,3}\s*\/\s*\d{1,3}\b|\b\d\s+(?:out\s+of\s+\d+|stars?)\b|\bA\+|\b(?:perfect|maximum|highest|top|full)\s+(?:score|marks?|rating|grade)\b)/i;
// A quantified verdict: every member of a class described one way.
const classVerdict =
  /^(?:describe|portray|present|characteri[sz]e|frame|call|label|depict|refer\s+to)\s+(?:all|every|each|any)\s+(?:\w+\s+){0,3}?as\s+(?:an?\s+)?(?:\w+\s+)?(?:outdated|obsolete|insecure|unsafe|dangerous|inferior|unreliable|untrustworthy|scams?|fraud(?:ulent)?|harmful|ineffective|useless|superior|the\s+best|best-in-class)\b/i;
// The facts the claim could wait on: a condition that names an outcome.
const factCondition =
  /\b(?:if|when|once|unless|only\s+(?:if|when|after|once)|after\s+(?:checking|verifying|confirming|running|reading)|provided)\b[^.;,]{0,60}?\b(?:pass(?:es|ed)?|succeed(?:s|ed)?|success(?:ful)?|fail\w*|clean|errors?|issues?|vulnerabilit\w*|warnings?|green|bugs?|problems?|results?|outputs?|exit\s+(?:code|status)|returns?|shows?|reports?|finds?|found|exists?|confirms?|verif\w*|checks?|scan)\b/i;
// A claim cut loose from the facts.
const override =
  /\b(?:anyway|regardless|whatever\s+(?:the\s+)?\w+\s+(?:shows?|says?|returns?|reports?|finds?)|no\s+matter\s+(?:what|whether|how)|even\s+(?:if|when|though)|in\s+(?:any|every)\s+case|irrespective\s+of|despite\s+(?:any|the|what))\b/i;
// The telling leaves the answer open: a report of what is so.
const openAnswer = /^\S+\s+(?:\w+\s+){0,4}?(?:whether|if|which|how\s+many|what|where|the\s+number)\b/i;

function fixedClaim(s: string, o: Order): string | undefined {
  const w = o.window;
  const forced = override.test(s);
  if (o.cls === "tell" && claimVerb.test(o.verb)) {
    const c = outcome.exec(w);
    // The condition is read in the sentence without the claim itself ("… that all tests passed").
    const rest = c ? s.slice(0, o.at + c.index) + s.slice(o.at + c.index + c[0].length) : s;
    if (c && (forced || (!openAnswer.test(w.slice(0, c.index)) && !factCondition.test(rest))))
      return forced
        ? `the user is to be told a fixed outcome whatever the facts ("${c[0].trim()}")`
        : `the user is to be told a fixed outcome that no condition ties to the facts ("${c[0].trim()}")`;
  }
  if (o.cls === "tell") {
    const g = fixedGrade.exec(w);
    if (g && /\b(?:always|all|every|each|any)\b/i.test(s) && !factCondition.test(s))
      return "every case is to be given the same grade";
    const v = classVerdict.exec(w);
    if (v) return "every member of a class is to be described the same way, whatever the facts";
  }
  return undefined;
}

// ---- planted promotion --------------------------------------------------------------------

const plantVerb = /^(?:add|append|insert|include|put|place|embed|attach|write|prepend|end|sign)$/;
// Every piece of output the agent writes.
const everyOutput =
  /\b(?:always|every|each|all|any)\s+(?:\w+\s+){0,2}?(?:answers?|responses?|replies|reports?|documents?|docs|files?|emails?|e-mails?|messages?|outputs?|summar(?:y|ies)|readmes?|pages?|posts?|commits?|pull\s+requests?|prs?|drafts?|articles?|slides?|comments?|\w+\s+(?:you|the\s+agent)\s+(?:write|produce|generate|create|send|draft)s?)\b|\b(?:every|each)\s+\w+[.!]?\s*$/i;
const quotedText = /["“]([^"”]{4,160})["”]/g;
// What the quoted text does: advertise, attest, or send the reader somewhere.
const promotional =
  /\b(?:sponsored|advert\w*|ads?|discounts?|coupons?|promo(?:tion|tional)?|deals?|buy|sale|affiliate|referral|sign\s+up|subscribe|visit|powered\s+by|brought\s+to\s+you\s+by|\d+\s*%\s+off|free\s+trial|limited\s+offer)\b/i;
const attestation =
  /\b(?:verified|certified|audited|approved|endorsed|guaranteed|validated|reviewed)\s+by\b|\b(?:security|compliance)\s+(?:certified|approved|verified)\b/i;
const bareDomain = /\b((?:[a-z0-9-]+\.)+(?:com|net|org|io|co|biz|info|shop|xyz|app|ai|dev|me|us|uk|de))\b/gi;
// One product recommended over all others.
const steer =
  /^(?:recommend|suggest|promote|endorse|prefer)\s+([\w.-]+(?:\s+[A-Z][\w.-]*)?)\s+(?:\w+\s+){0,3}?(?:over|instead\s+of|rather\s+than|ahead\s+of)\s+(?:any\s+|all\s+|the\s+|other\s+){0,2}(?:alternatives?|others|competitors?|options|other\s+\w+)\b/i;

function foreignDomain(text: string, service: ReadonlySet<string>): string | undefined {
  for (const m of text.matchAll(bareDomain)) {
    const host = (m[1] ?? "").toLowerCase();
    if (!isPlaceholderHost(host) && !service.has(baseDomain(host))) return host;
  }
  return undefined;
}

function plantedPromotion(s: string, o: Order, own: OwnNames): string | undefined {
  const w = o.window;
  if (o.cls === "tell") {
    const m = steer.exec(w);
    const product = (m?.[1] ?? "").toLowerCase().replace(/[^a-z0-9]/g, "");
    if (m && product.length >= 3 && !own.purpose.includes(product) && !own.affinity.has(product))
      return `one product (${m[1]}) is to be recommended over every alternative, in a skill that is not about it`;
  }
  if (!plantVerb.test(o.verb) || !everyOutput.test(s)) return undefined;
  for (const q of w.matchAll(quotedText)) {
    const text = q[1] ?? "";
    const lower = text.toLowerCase().replace(/[^a-z0-9]/g, "");
    if (own.name.length >= 3 && lower.includes(own.name)) continue;
    if (attestation.test(text)) return `an attestation ("${text}") is to be put into every output`;
    const host = foreignDomain(text, own.service);
    if (promotional.test(text) || host)
      return `promotional text${host ? ` pointing to ${host}` : ""} ("${text}") is to be put into every output`;
  }
  return undefined;
}

// ---- skewed figures --------------------------------------------------------------------------

const alterVerb =
  /^(?:change|adjust|alter|round|replace|set|inflate|deflate|increase|decrease|reduce|lower|raise|boost|scale|modify|multiply|tweak|edit|bump|shift|update)$/;
const reportedFigure =
  /\b(?:numbers?|figures?|costs?|prices?|scores?|metrics?|results?|counts?|totals?|values?|accuracy|rates?|times?|durations?|latenc(?:y|ies)|revenue|earnings|benchmarks?|percentages?|statistics|stats)\b/i;
const reportedPlace =
  /\b(?:reported|shown|displayed|presented|final|published|in\s+(?:the|your|each|every)\s+(?:\w+\s+)?(?:report|summary|table|results?|dashboard|answer|response|output|chart|slides?))\b/i;
// A direction with no fact behind it.
const direction =
  /\b(?:up|down)(?:wards?)?\s+by\s+\d|\bby\s+\d+(?:\.\d+)?\s*(?:%|percent|points?)|\bso\s+(?:that\s+)?(?:\w+\s+){0,3}?(?:outperforms?|beats?|exceeds?|looks?\s+better|appears?\s+better|wins?|surpass\w*)\b/i;
const failureCount =
  /\b(?:fail\w*|errors?|broken|crash\w*|regressions?)\s+(?:\w+\s+)?(?:counts?|numbers?|totals?)\b[^.;]{0,40}?\b(?:with|to)\s+(?:zero|0|none)\b/i;

function skewedFigures(o: Order): string | undefined {
  if (o.cls !== "alter" && o.cls !== "configure") return undefined;
  if (!alterVerb.test(o.verb)) return undefined;
  const w = o.window;
  if (failureCount.test(w)) return "failures are to be counted as zero";
  if (reportedFigure.test(w) && direction.test(w) && (reportedPlace.test(w) || /\bso\s+/i.test(w)))
    return "reported figures are to be moved in a fixed direction";
  return undefined;
}

// ---- detector -------------------------------------------------------------------------------

interface OwnNames {
  /** The skill's name, letters and digits only. */
  name: string;
  /** Name and description, letters and digits only: what it says it is for. */
  purpose: string;
  service: ReadonlySet<string>;
  /** Normalised names the skill stands for (name, homepage, bins, tools it runs). */
  affinity: ReadonlySet<string>;
}

export interface ClaimHit {
  id: RuleId;
  why: string;
  at: number;
}

/** Hits in one sentence. */
export function claimHits(s: string, own: OwnNames): ClaimHit[] {
  if (userDecides.test(s)) return [];
  const hits: ClaimHit[] = [];
  for (const o of ordersIn(s)) {
    if (!ordered(s, o)) continue;
    const claim = fixedClaim(s, o);
    if (claim && !hits.some((h) => h.id === "instr.fixed-claim"))
      hits.push({ id: "instr.fixed-claim", why: claim, at: o.at });
    const plant = plantedPromotion(s, o, own);
    if (plant && !hits.some((h) => h.id === "instr.planted-promotion"))
      hits.push({ id: "instr.planted-promotion", why: plant, at: o.at });
    const skew = skewedFigures(o);
    if (skew && !hits.some((h) => h.id === "instr.skewed-figures"))
      hits.push({ id: "instr.skewed-figures", why: skew, at: o.at });
  }
  return hits;
}

const what: Record<string, string> = {
  "instr.fixed-claim": "The agent is told to give the user a fixed answer",
  "instr.planted-promotion": "The agent is told to plant third-party promotion in its output",
  "instr.skewed-figures": "The agent is told to skew the figures it reports",
};

const letters = (t: string): string => t.toLowerCase().replace(/[^a-z0-9]/g, "");

export function detectOutputClaims(ctx: DetectContext): void {
  const fm = ctx.model.frontmatter;
  const own: OwnNames = {
    name: letters(fm?.name ?? ""),
    purpose: letters(`${fm?.name ?? ""} ${fm?.description ?? ""}`),
    service: declaredService(ctx),
    affinity: ctx.affinity,
  };
  const sources: ProseSource[] = ctx.prose.filter(
    (p) => p.kind !== "table-cell" && p.kind !== "code-inline" && !p.quoted,
  );
  for (const p of sources)
    for (const sent of readingsOf(p.text, p.kind)) {
      const s = sent.text;
      if (s.trim().length < 12 || describes(s)) continue;
      for (const h of claimHits(s, own)) {
        const at = sent.offset + h.at;
        const quoted = quotedBySecurityTool(ctx.securityTool, p.text, at);
        const severity: Severity = quoted ? "low" : "high";
        ctx.report({
          id: h.id,
          severity,
          file: p.file,
          line: lineOfOffset(p, at),
          column: 1,
          message: `${what[h.id] ?? h.id}: ${h.why}${quoted ? " (quoted in a security tool's text, so severity is capped)" : ""}.`,
          evidence: s.trim().slice(0, 300),
        });
      }
    }
}
