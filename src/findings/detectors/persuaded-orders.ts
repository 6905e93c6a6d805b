// Persuaded orders (issue 14, session 9): an order slipped into a skill has to talk the agent into
// something the skill was never about, so it arrives with three marks that a skill's own how-to
// rarely combines, whatever the act is:
// 1. a trigger on the agent's own work — recurring ("after any change", "whenever", "before
//    responding to any tool call") or a completion point ("after you finish editing");
// 2. an imperative to the agent (a verb of the clause lexicon opening its clause, or the first act
//    verb after the trigger), not negated, not advice, not the user's act, not waiting on the
//    user's request, no other actor before the verb ("the script deletes …"), not a description,
//    whose clause holds an act with a consequence (moving, destroying, disclosing, telling,
//    hiding, altering, running, adding or opening something; not a hygiene step such as "set the
//    memory limit", "save the seed", "verify the checksum");
// 3. a sign that the order argues for itself or stands apart: a reason given for the act ("… to
//    save disk space", "… to ensure the remote is synchronized", "for rate limiting purposes", "for
//    the CTO to have access"), a policy label over the segment ("Important:", "Content Policy:"),
//    the frontmatter description as its place, or a destination host the skill names nowhere else;
// and it is judged against the skill's purpose: the act and its object (up to the reason) share at
// most one in five content words with the skill's name, description (minus the judged sentence)
// and headings (a long order may share a word by chance; a short one may not share any).
// instr.scope-drift needs an act from a fixed list of side effects; this rule reads the shape of
// the order instead, so an act no list names (a delay, a framing, a port left open) is judged.
// Every pattern is anchored to one sentence with bounded gaps (linear in the text).

import { lineOfOffset, type DetectContext, type ProseSource } from "../context.js";
import { bundledTextLower } from "../bundled-text.js";
import { baseDomain, urlsIn } from "../hosts.js";
import { describes, negatedAt, readingsOf, userIsActor } from "../sentences.js";
import { declaredService, isPlaceholderHost } from "../service.js";
import { persuadedOrderLimits } from "../../limits.js";
import { actClassOf, ordersIn } from "./clause-orders.js";
import { completion, orderSources, recurring, stemsOf } from "./scope-drift.js";
import { capsLabel, framing } from "./side-effects.js";

// A reason given for the act: "to save …", "in order to …", "so that …", "for … purposes".
export const reason =
  /\b(?:(?:in\s+order\s+)?to\s+(?:ensure|save|keep|make|allow|avoid|prevent|maintain|comply|guarantee|protect|secure|improve|speed|help|enable|facilitate|support|preserve|reduce|free|give|let|have|stay|remain|satisfy|meet|properly|better|always)\b|so\s+that\b|for\s+(?:\w+\s+){0,3}?(?:purposes?|reasons?|compliance)\b|for\s+(?:the|our|your)\s+(?:\w+\s+){0,2}?to\s+\w+)/i;
// The user keeps the decision.
export const userDecides =
  /\b(?:ask\w*|confirm\w*|approv\w*|permission|consent|if\s+the\s+user\s+(?:wants|asks|requests)|unless\s+the\s+user)\b/i;
export const onUserRequest =
  /\b(?:if|when|whenever|unless|once|after)\s+(?:the\s+)?(?:user|users|they|customer|client|human)s?\s+(?:\w+\s+){0,2}?(?:asks?|requests?|wants?|says|tells|chooses?|specif(?:y|ies))\b|\b(?:when|if)\s+(?:explicitly\s+)?(?:asked|requested|instructed|told)\b/i;
export const advisory =
  /\b(?:you\s+(?:can|could|may|might)|optionally|consider(?:ing)?|if\s+you\s+(?:want|wish|prefer|like|need)|feel\s+free|we\s+recommend|recommended)\b/i;
// Another actor before the verb in its clause: the sentence describes what something else does.
export const otherActor =
  /\b(?:it|this|that|which|who|script|tool|skill|command|function|server|service|system|users?|people|they|he|she|i|we)\s+(?:\w+\s+)?(?:will|can|may|might|could|would|does|did|is|are|was|were|has|had|lets?|allows?)\b/i;
// Verbs the act lexicon does not hold that order an act when they open the triggered clause.
const extraVerbs = new Set(
  `use verify check apply convert treat assume prefer rename move open expose keep leave bind listen
  sleep wait pause repeat loop ping call notify grant`.split(/\s+/),
);
// Words before a verb that make it a noun or an infinitive ("each run", "to add", "will send").
const notImperativeBefore = new Set(
  `to the a an will can may should would could must might of and or is are be been for by with each
  every any all this that your my our their its no some his her who which it they we you i`.split(/\s+/),
);
// Acts with a consequence beyond the task's own quality: moving, destroying, disclosing, telling,
// hiding, altering, overriding, running, and the configuring acts that add or open something. A
// hygiene step ("set the memory limit", "save the seed", "verify the checksum", "use a palette")
// is not one; "check whether … and delete them" is, through its second verb.
const consequentialVerbs = new Set(
  `add append insert embed inject install grant enable disable invite give chmod chown schedule
  register replace open expose bind listen sleep wait pause delay ping notify`.split(/\s+/),
);
const quietClasses = new Set(["configure"]);
function consequential(window: string): boolean {
  for (const m of window.matchAll(/[a-z][a-z-]*/gi)) {
    const w = m[0].toLowerCase();
    const cls = actClassOf(w);
    if (consequentialVerbs.has(w) || (cls && !quietClasses.has(cls))) return true;
  }
  return false;
}
// A label that announces a rule to obey ("Environmental Content Policy:", "Data Handling Rule:").
export const ruleLabel =
  /^\W{0,6}(?:[A-Z][\w-]*\s+){0,4}(?:Polic(?:y|ies)|Guidelines?|Rules?|Requirements?|Standards?|Protocol|Directives?|Procedures?|Notice|Mandate)\b\W{0,3}:/;
// Words too general to say what an act is about, beyond scope-drift's list.
const filler = new Set(`than into onto over upon like some very much many only even`.split(/\s+/));

interface Judged {
  verb: string;
  at: number;
  why: string;
}

/** Offsets of the imperative verbs in `s`: lexicon orders, then the first verb after the trigger. */
export function imperatives(s: string, triggerEnd: number): Array<{ verb: string; at: number }> {
  const out = ordersIn(s).map((o) => ({ verb: o.verb, at: o.at }));
  // "After any change to the document make a backup …", "When updating entries always append …":
  // the first act verb in the words after the trigger that is not a noun or an infinitive.
  const tail = s.slice(triggerEnd, triggerEnd + persuadedOrderLimits.triggerChars);
  // The trigger's last word counts as the word before ("after each download, …": a noun).
  let prev = /(\w+)\W*$/.exec(s.slice(0, triggerEnd))?.[1]?.toLowerCase() ?? "";
  for (const m of tail.matchAll(/[A-Za-z][\w'-]*|[,;:]/g)) {
    const w = m[0].toLowerCase();
    if ((actClassOf(w) || extraVerbs.has(w)) && !notImperativeBefore.has(prev)) {
      const at = triggerEnd + (m.index ?? 0);
      if (!out.some((o) => o.at === at)) out.push({ verb: w, at });
      break;
    }
    if (w === ";" || w === ":") break;
    prev = w;
  }
  return out;
}

// "wait for the task to finish", "poll for the job to complete": the "for … to …" completes the
// verb before it; it gives no reason.
const complementLead =
  /\b(?:wait|waiting|waits|poll|polling|look|looking|search|ask|listen|check|watch)\s+$/i;

/** The first reason given in `text`, not counting a verb's "for … to …" complement. */
function reasonIn(text: string): RegExpExecArray | null {
  const r = reason.exec(text);
  if (r && /^for\b/i.test(r[0]) && complementLead.test(text.slice(Math.max(0, r.index - 12), r.index))) {
    const next = reason.exec(text.slice(r.index + r[0].length));
    if (next) next.index += r.index + r[0].length;
    return next;
  }
  return r;
}

/** The clause of the order from its verb: up to a sentence break, the reason, or a URL. */
function actClause(s: string, at: number): string {
  const rest = s.slice(at, at + persuadedOrderLimits.objectChars).replace(/https?:\/\/\S+/g, " ");
  const r = reasonIn(rest);
  const cut = rest.search(/[;:.!?](?:\s|$)/);
  const stops = [r?.index ?? -1, cut].filter((i) => i > 0);
  return stops.length > 0 ? rest.slice(0, Math.min(...stops)) : rest;
}

interface Scope {
  /** Stems of the skill's declared purpose, the judged sentence left out when it is in the description. */
  purpose: Set<string>;
  /** A host of `text` that is not a placeholder, not the declared service, and named nowhere else in the skill. */
  foreignHost: (text: string, seg: ProseSource) => string | undefined;
}

function judge(s: string, seg: ProseSource, scope: Scope): Judged | undefined {
  const purpose = scope.purpose;
  const t = recurring.exec(s) ?? completion.exec(s);
  if (t && negatedAt(s, t.index)) return undefined;
  if (describes(s) || userDecides.test(s) || onUserRequest.test(s)) return undefined;
  for (const o of t ? imperatives(s, t.index + t[0].length) : ordersIn(s)) {
    if (negatedAt(s, o.at) || userIsActor(s, o.at)) continue;
    const lead = s.slice(Math.max(0, o.at - 60), o.at);
    if (advisory.test(lead)) continue;
    const clauseLead = lead.slice(
      Math.max(lead.lastIndexOf(","), lead.lastIndexOf(";"), lead.lastIndexOf(":")) + 1,
    );
    if (otherActor.test(clauseLead)) continue;
    const after = s.slice(o.at, o.at + persuadedOrderLimits.objectChars);
    const r = reasonIn(after);
    const head = seg.text.trimStart();
    const framed = framing.test(head) || capsLabel.test(head) || ruleLabel.test(head);
    const inDescription = seg.kind === "description";
    const host = (r || framed || inDescription) && t ? undefined : scope.foreignHost(after, seg);
    if (!r && !framed && !inDescription && !host) continue;
    // Without a trigger, two signs: a reason, a policy label, a host named nowhere else.
    if (!t && [r, framed, host].filter(Boolean).length < 2) continue;
    const clause = actClause(s, o.at + o.verb.length);
    if (!consequential(`${o.verb} ${clause}`)) continue;
    const object = new Set([...stemsOf(clause)].filter((w) => !filler.has(w)));
    if (object.size < persuadedOrderLimits.minObjectWords || purpose.size === 0) continue;
    // A long order may share a word with the purpose by chance; most of it must not.
    const shared = [...object].filter((w) => purpose.has(w)).length;
    if (shared > Math.floor(object.size * persuadedOrderLimits.purposeShare)) continue;
    const sign = r
      ? `with a reason ("${r[0].trim()} …")`
      : framed
        ? "under a policy label"
        : inDescription
          ? "in the skill's description"
          : `towards ${host}, a host the skill names nowhere else`;
    return {
      verb: o.verb,
      at: o.at,
      why: `${sign}, on ${[...object].slice(0, 4).join(", ")}…, which the skill's name, description and headings never mention`,
    };
  }
  return undefined;
}

export function detectPersuadedOrders(ctx: DetectContext): void {
  const fm = ctx.model.frontmatter;
  const name = (fm?.name ?? "").replace(/[-_]/g, " ");
  const description = fm?.description ?? "";
  const headings = ctx.prose.filter((p) => p.kind === "heading").map((h) => h.text);
  // Counted once: the purpose of the body; a description sentence is judged without itself.
  const bodyPurpose = stemsOf([name, description, ...headings].join("\n"));
  const purposeFor = (seg: ProseSource, sentence: string): Set<string> => {
    if (seg.kind !== "description") return bodyPurpose;
    const at = description.indexOf(sentence.trim());
    const rest =
      at < 0 ? description : description.slice(0, at) + description.slice(at + sentence.trim().length);
    return stemsOf([name, rest, ...headings].join("\n"));
  };
  const service = declaredService(ctx);
  const everything = [
    ctx.model.text.toLowerCase(),
    description.toLowerCase(),
    bundledTextLower(ctx.model.bundled),
  ].join("\n");
  const count = (text: string, needle: string): number => text.split(needle).length - 1;
  // Counted once per domain and per (segment, domain): many sentences naming hosts stay linear.
  const inSkill = new Map<string, number>();
  const inSegment = new Map<string, number>();
  const foreignHost = (text: string, seg: ProseSource): string | undefined =>
    urlsIn(text).find((u) => {
      if (!u.host || isPlaceholderHost(u.host)) return false;
      const d = baseDomain(u.host.toLowerCase());
      if (service.has(d)) return false;
      let all = inSkill.get(d);
      if (all === undefined) inSkill.set(d, (all = count(everything, d)));
      const key = `${seg.file}|${seg.kind}|${seg.offset}|${d}`;
      let own = inSegment.get(key);
      if (own === undefined) inSegment.set(key, (own = count(seg.text.toLowerCase(), d)));
      // The description is in the skill's text twice (its frontmatter line and the value).
      return all <= own * (seg.kind === "description" ? 2 : 1);
    })?.host;
  const sources = orderSources(ctx);
  for (const p of sources) {
    for (const sent of readingsOf(p.text, p.kind)) {
      const s = sent.text;
      if (s.trim().length < 20 || s.length > persuadedOrderLimits.maxSentenceChars) continue;
      if ((s.match(/\|/g) ?? []).length >= 2) continue;
      const j = judge(s, p, { purpose: purposeFor(p, s), foreignHost });
      if (!j) continue;
      ctx.report({
        id: "instr.persuaded-order",
        severity: "high",
        file: p.file,
        line: lineOfOffset(p, sent.offset),
        column: 1,
        message: `An order tied to the agent's work ("${j.verb} …") comes ${j.why}: an instruction argued into a skill about something else.`,
        evidence: s.trim().slice(0, 300),
      });
    }
  }
}
