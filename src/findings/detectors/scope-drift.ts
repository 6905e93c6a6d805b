// Scope drift (issue 14, session 7): an order slipped into a skill is tied to the agent's work
// ("after editing a document", "when you finish the task", "whenever …") but acts on something
// the skill was never about. Three properties of one sentence, read from its structure:
// 1. a trigger on the agent's own work — recurring ("after any …", "whenever", "always") or a
//    completion point ("after you finish", "at the end of the task", "before responding");
// 2. an ordered side effect outside the task's output (send, delete, publish, open permissions,
//    switch off a safeguard, install something that runs again, destroy work, move money): the
//    act's verb opens its clause (an imperative, not "the script deletes …"), is not negated,
//    not addressed to the user, and the sentence does not hand the decision back to the user;
// 3. drift: the act reaches past the skill's declared purpose — a destination host the skill
//    names nowhere else, or an object none of whose words the skill's name, description and
//    other headings use (judged without the sentence's own segment: an injected sentence, or the
//    heading it brings along, cannot vouch for itself).
// High only when all three hold. instr.standing-side-effect reads 1 and 2 and escalates on the
// trigger's words; this rule reads the words of the act itself, so an order hung on work the skill
// really does ("after submitting a training job, forward the metrics to …") is still judged.
// Every pattern is anchored to one sentence with bounded gaps (linear in the text).

import { lineOfOffset, type DetectContext, type ProseSource } from "../context.js";
import { bundledTextLower } from "../bundled-text.js";
import { baseDomain, urlsIn } from "../hosts.js";
import { hasQuotingCue } from "../quoting.js";
import { describes, negatedAt, readingsOf, userIsActor } from "../sentences.js";
import { declaredService, isPlaceholderHost } from "../service.js";
import { scopeDriftLimits } from "../../limits.js";
import { acts } from "./side-effects.js";
import { standingActs } from "./standing-acts.js";

// 1. A trigger on the agent's own work.
export const recurring =
  /\b(?:always|whenever|every time|each time|from now on|going forward|(?:after|before|when|while|once|upon|on)\s+(?:you\s+)?(?:\w+\s+){0,3}?(?:any|every|each|all)\b|(?:after|before|when|once|upon)\s+(?:you\s+)?(?:have\s+)?[a-z]{3,}(?:ing|ed)\b)/i;
export const completion =
  /\b(?:(?:after|when|once|before)\s+(?:you\s+)?(?:(?:are|'re|have|'ve)\s+)?(?:finish(?:ed)?|complete[ds]?|done|wrap(?:ped)?\s+up)\b|at\s+the\s+(?:end|close)\s+of\s+(?:the|each|every|your|a|any)\s+\w+|before\s+(?:you\s+)?(?:respond|reply|answer|return|hand\s+(?:it\s+)?(?:back|over)|end\s+the)\b|as\s+(?:a|the)\s+(?:final|last)\s+step\b)/i;

// 2. The act is ordered, not described: nothing before it in its clause names another actor
// with a finite verb ("the script will delete …", "which uploads …", "users can send …").
const otherActor =
  /\b(?:it|this|that|which|who|script|tool|skill|command|function|server|service|system|users?|people|they|he|she|i)\s+(?:\w+\s+)?(?:will|can|may|might|could|would|does|did|is|are|was|were|has|had|lets?|allows?)\b/i;
// The user keeps the decision ("ask before deleting", "with the user's confirmation").
const userDecides =
  /\b(?:ask\w*|confirm\w*|approv\w*|permission|consent|if\s+the\s+user\s+(?:wants|asks|requests))\b/i;
// What a skill may clean up or publish on its own: its temporary and build artefacts.
export const ownArtefacts =
  /\b(?:temp(?:orary)?|tmp|cache[ds]?|intermediate|scratch|build|generated|lock|stale|teardown|fixtures?|test\s+(?:files?|data|databases?))\b/i;

// Words too general to say what a skill or an act is about.
const generic = new Set(
  `after before when while once upon every each always whenever from going forward time times your
  their this that these those with into onto have been being make making made edit editing edited
  change changes changing changed update updating updated create creating created finish finishing
  finished complete completing completed write writing written work task tasks step steps file files
  thing things item items operation operations action actions request requests response responses
  answer answers output outputs result results session sessions user users agent agents some more
  most other such also just then there here them they what which where will would should could must
  need needs using used running process processing ensure sure using done data content contents
  all any new same only first last please manual manually https http`.split(/\s+/),
);

export function stemsOf(text: string): Set<string> {
  const out = new Set<string>();
  for (const w of text.toLowerCase().match(/[a-z]{4,}/g) ?? []) if (!generic.has(w)) out.add(w.slice(0, 5));
  return out;
}

/** The clause an act opens: from the act to the next sentence or clause break, URLs removed. */
function clauseFrom(s: string, at: number): string {
  const rest = s.slice(at, at + scopeDriftLimits.objectChars).replace(/https?:\/\/\S+/g, " ");
  const stop = rest.search(/[;:.!?](?:\s|$)|,\s+(?:and\s+|so\s+|to\s+|which\b|because\b)/);
  return stop > 0 ? rest.slice(0, stop) : rest;
}

/** Text before `at` in its clause (after the last , ; : or the trigger). */
function leadOf(s: string, at: number): string {
  const before = s.slice(Math.max(0, at - 60), at);
  const cut = Math.max(before.lastIndexOf(","), before.lastIndexOf(";"), before.lastIndexOf(":"));
  return cut >= 0 ? before.slice(cut + 1) : before;
}

function occurrences(text: string, needle: string): number {
  let n = 0;
  for (let i = text.indexOf(needle); i >= 0; i = text.indexOf(needle, i + needle.length)) n++;
  return n;
}

interface Drift {
  what: string;
  why: string;
  at: number;
}

interface Scope {
  /** Stems of the skill's name, description and headings, with the segment's own text left out. */
  purpose: (segment: ProseSource, sentence: string) => Set<string>;
  /** Registrable domains named outside the segment (the whole skill minus the segment). */
  namedElsewhere: (domain: string, segment: ProseSource) => boolean;
  service: Set<string>;
}

function judge(s: string, seg: ProseSource, scope: Scope): Drift | undefined {
  const t = recurring.exec(s) ?? completion.exec(s);
  if (!t) return undefined;
  if (describes(s) || userDecides.test(s)) return undefined;
  for (const [re, what] of [...acts, ...standingActs]) {
    const m = re.exec(s);
    if (!m || negatedAt(s, m.index) || userIsActor(s, m.index)) continue;
    if (otherActor.test(leadOf(s, m.index))) continue;
    if (what === "delete data" && ownArtefacts.test(s)) continue;
    // A destination the skill names nowhere else and does not declare as its service.
    const foreign = urlsIn(s.slice(m.index)).find((u) => {
      const d = baseDomain(u.host.toLowerCase());
      return !isPlaceholderHost(u.host) && !scope.service.has(d) && !scope.namedElsewhere(d, seg);
    });
    if (foreign) return { what, why: `to ${foreign.host}, a host the skill names nowhere else`, at: m.index };
    // An object none of whose words the skill's declared purpose uses.
    const verb = /^\S+/.exec(m[0])?.[0].toLowerCase() ?? "";
    const object = stemsOf(clauseFrom(s, m.index + verb.length));
    const purpose = scope.purpose(seg, s);
    if (
      object.size >= scopeDriftLimits.minObjectWords &&
      purpose.size > 0 &&
      [...object].every((w) => !purpose.has(w))
    )
      return {
        what,
        why: `on ${[...object].slice(0, 4).join(", ")}…, which the skill's name, description and headings never mention`,
        at: m.index,
      };
  }
  return undefined;
}

/** The prose whose sentences the triggered-order rules judge: paragraphs, list items, the description. */
export function orderSources(ctx: DetectContext): ProseSource[] {
  return ctx.prose.filter(
    (p) =>
      p.kind !== "table-cell" &&
      p.kind !== "code-inline" &&
      p.kind !== "heading" &&
      !p.quoted &&
      // A security tool's own description says what it reports, and its body quotes attacks: only
      // those are exempt. Calling itself a security tool does not switch the rule off for the body.
      !(ctx.securityTool && (p.kind === "description" || hasQuotingCue(p.text))),
  );
}

export function detectScopeDrift(ctx: DetectContext): void {
  const fm = ctx.model.frontmatter;
  const name = (fm?.name ?? "").replace(/[-_]/g, " ");
  const description = fm?.description ?? "";
  const headings = ctx.prose.filter((p) => p.kind === "heading");
  const bundledText = bundledTextLower(ctx.model.bundled);
  const main = ctx.model.text.toLowerCase();
  // Counted once (not per sentence: a long paragraph of orders would make this quadratic).
  const bodyPurpose = stemsOf([name, description, ...headings.map((h) => h.text)].join("\n"));
  const base = stemsOf([name, ...headings.map((h) => h.text)].join("\n"));
  const descCounts = new Map<string, number>();
  for (const w of description.toLowerCase().match(/[a-z]{4,}/g) ?? [])
    if (!generic.has(w)) descCounts.set(w.slice(0, 5), (descCounts.get(w.slice(0, 5)) ?? 0) + 1);
  const inMain = new Map<string, number>();
  const inSegment = new Map<string, number>();
  const scope: Scope = {
    purpose: (seg, sentence) => {
      if (seg.kind !== "description") return bodyPurpose;
      // The description without the judged sentence: a stem counts when it occurs elsewhere.
      const own = new Map<string, number>();
      for (const w of sentence.toLowerCase().match(/[a-z]{4,}/g) ?? [])
        if (!generic.has(w)) own.set(w.slice(0, 5), (own.get(w.slice(0, 5)) ?? 0) + 1);
      const out = new Set(base);
      for (const [w, n] of descCounts) if (n > (own.get(w) ?? 0)) out.add(w);
      return out;
    },
    namedElsewhere: (domain, seg) => {
      if (bundledText.includes(domain)) return true;
      let n = inMain.get(domain);
      if (n === undefined) inMain.set(domain, (n = occurrences(main, domain)));
      // Occurrences in the main file beyond those in the segment itself.
      const key = `${seg.kind}|${seg.offset}|${domain}`;
      let own = inSegment.get(key);
      if (own === undefined) {
        const text = seg.kind === "description" ? description : seg.text;
        inSegment.set(key, (own = occurrences(text.toLowerCase(), domain)));
      }
      return n > own;
    },
    service: declaredService(ctx),
  };
  const sources = orderSources(ctx);
  for (const p of sources) {
    for (const sent of readingsOf(p.text, p.kind)) {
      const s = sent.text;
      if (s.trim().length < 20 || s.length > scopeDriftLimits.maxSentenceChars) continue;
      const d = judge(s, p, scope);
      if (!d) continue;
      ctx.report({
        id: "instr.scope-drift",
        severity: "high",
        file: p.file,
        line: lineOfOffset(p, sent.offset),
        column: 1,
        message: `An order tied to the agent's work tells it to ${d.what} ${d.why}: an instruction that reaches past the skill's declared purpose.`,
        evidence: s.trim().slice(0, 300),
      });
    }
  }
}
