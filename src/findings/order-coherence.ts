// Topical coherence of an order with its own skill (issue 14, session 10). An injected
// instruction is pasted in from elsewhere, so whatever its wording its subject is not the skill's:
// a benign skill's orders talk about what the rest of the skill talks about. For every order
// aimed at the agent (the order machinery of clause-orders.ts and persuaded-orders.ts: an
// imperative or a triggered order, not negated, not advice, not the user's act, not waiting on the
// user's request, not a description, not quoted) this reads how much of the order's content
// vocabulary the rest of the skill supports — every other segment, the code and the bundled
// files, but not the order's own paragraph or the heading directly above it (an injected
// paragraph, or the heading it brings along, cannot vouch for itself). Words are weighted by
// rarity in benign skills (topic-weights.ts): "calendar" shared with the skill says much, "server"
// little. The order's shape is read beside it: a standing trigger, policy framing, and an act that
// reaches outside the task.

import type { DetectContext, ProseSource } from "./context.js";
import { describes, negatedAt, readingsOf, userIsActor } from "./sentences.js";
import { stemCounts, stemsIn } from "./topic-words.js";
import { weightOf } from "./topic-weight.js";
import { orderCoherenceLimits } from "../limits.js";
import { actClassOf, type ActClass } from "./detectors/clause-orders.js";
import { completion, orderSources, ownArtefacts, recurring } from "./detectors/scope-drift.js";
import {
  advisory,
  imperatives,
  onUserRequest,
  otherActor,
  ruleLabel,
  userDecides,
} from "./detectors/persuaded-orders.js";
import { acts, capsLabel, framing } from "./detectors/side-effects.js";
import { standingActs } from "./detectors/standing-acts.js";
import { ordersIn } from "./detectors/clause-orders.js";

export interface OrderReading {
  segment: ProseSource;
  sentence: string;
  /** Offset of the sentence in its segment. */
  offset: number;
  verb: string;
  /** Offset of the order's verb in the sentence. */
  at: number;
  /** Content stems of the sentence, each with its weight and whether the rest of the skill uses it. */
  words: Array<{ stem: string; weight: number; supported: boolean }>;
  /** Weighted share of the sentence's content the rest of the skill supports (0 … 1). */
  support: number;
  /** The same share over the order's own clause (from its verb), leaving the trigger out. */
  actSupport: number;
  /** Weight of the sentence's words the rest of the skill never uses. */
  novelWeight: number;
  /** A trigger that makes the order standing ("after any …", "whenever", "before responding"). */
  standing: string | undefined;
  /** Policy framing: a rule label over the segment, or the frontmatter description as its place. */
  framed: string | undefined;
  /** An act that reaches outside the task (sending, deleting, publishing, permissions, altering, hiding). */
  act: string | undefined;
  /**
   * An order that rewrites or slants the content the user gets ("replace …", "append …", "present
   * X as …"): the shape of output manipulation, but also of every editing how-to (tried as an act
   * above, it cost a MEASURE false positive: docs/eval.md), so it weighs less than an act.
   */
  rewrite: string | undefined;
}

// Act classes that reach outside the task's own output when ordered. A transfer reaches out only
// through an outbound verb ("copy", "back up", "mirror" keep the thing on the machine: a
// destination makes them an act of the list above); "clear" and "reset" are mostly adjectives
// and the reset of a form.
const reaching: ReadonlySet<ActClass> = new Set(["transfer", "destroy", "alter", "omit", "override"]);
// Rewriting content and slanting claims: text planted in, swapped or framed in what the user gets
// ("add", "include", "call" and "label" are left out: they are how every how-to is written).
const rewriting = new Set(
  `replace append prepend insert inject embed rewrite present frame portray characterize characterise`.split(
    /\s+/,
  ),
);
const local = new Set(["copy", "back", "backup", "mirror", "replicate", "clear", "reset"]);
const reachNames: Record<string, string> = {
  transfer: "moves something to another place",
  destroy: "destroys something",
  alter: "alters figures or text",
  omit: "hides something from the user",
  override: "sets instructions aside",
};

// "If `dist/` exists, delete it": a pronoun object is the path the condition tested.
const testedPath =
  /\b(?:if|when|whenever|once)\s+(?:the\s+|a\s+)?[`'"]?([^\s`'",]{2,80})[`'"]?\s+(?:(?:folder|directory|dir|file)\s+)?(?:already\s+)?(?:exists?|is\s+(?:present|there|found))\b/i;
const pronounObject = /^\S+\s+(?:it|them)\b/i;
// What a build writes and rebuilds: the output folders of the common toolchains.
const buildOutput =
  /^(?:\.\/)?(?:dist|build|out|target|coverage|\.next|\.nuxt|\.turbo|\.parcel-cache|node_modules|__pycache__|\.pytest_cache|\.mypy_cache)\/?$|\.tsbuildinfo$|\.egg-info\/?$/i;

/** The path a pronoun object ("delete it") refers to: the one the sentence's condition tested. */
function pronounReferent(s: string, at: number): string | undefined {
  if (!pronounObject.test(s.slice(at))) return undefined;
  return testedPath.exec(s.slice(0, at))?.[1];
}

/** What the order does outside the task, read from its clause (undefined: a step of the task). */
function reachOf(s: string, at: number, verb: string): string | undefined {
  const tail = s.slice(at);
  const cls = actClassOf(verb);
  // Cleaning up the skill's own temporary or build artefacts, and pushing commits to the
  // repository's remote, are steps of the task ("git push --force" is not).
  if (cls === "destroy" && ownArtefacts.test(tail)) return undefined;
  const referent = cls === "destroy" ? pronounReferent(s, at) : undefined;
  if (referent !== undefined && (buildOutput.test(referent) || ownArtefacts.test(referent))) return undefined;
  if (verb === "push" && /\b(?:the\s+)?(?:remote|origin)\b/i.test(tail) && !/\bforce\b|\s-f\b/i.test(tail))
    return undefined;
  for (const [re, what] of [...acts, ...standingActs]) if (re.test(tail)) return what;
  if (cls && reaching.has(cls) && !local.has(verb)) return `${reachNames[cls]} ("${verb} …")`;
  if (/^(?:publish|chmod|chown|grant)\b/i.test(tail))
    return `changes what others see or may do ("${verb} …")`;
  return undefined;
}

/** The first order in `s` aimed at the agent, or undefined. */
function orderOf(s: string): { verb: string; at: number; trigger: string | undefined } | undefined {
  if (describes(s) || userDecides.test(s) || onUserRequest.test(s)) return undefined;
  const t = recurring.exec(s) ?? completion.exec(s);
  if (t && negatedAt(s, t.index)) return undefined;
  for (const o of t ? imperatives(s, t.index + t[0].length) : ordersIn(s)) {
    if (negatedAt(s, o.at) || userIsActor(s, o.at)) continue;
    const lead = s.slice(Math.max(0, o.at - 60), o.at);
    // Advice anywhere before the verb ("Consider Chanel's advice: before leaving the house, …").
    if (advisory.test(s.slice(0, o.at))) continue;
    const clauseLead = lead.slice(
      Math.max(lead.lastIndexOf(","), lead.lastIndexOf(";"), lead.lastIndexOf(":")) + 1,
    );
    if (otherActor.test(clauseLead)) continue;
    // A trigger after the order, behind a purpose clause, belongs to that clause ("include context
    // so facts make sense when retrieved later"): the order is not standing.
    const trigger =
      t && t.index > o.at && /\b(?:so|so\s+that|in\s+order\s+to|because)\b/i.test(s.slice(o.at, t.index))
        ? undefined
        : t?.[0];
    return { verb: o.verb, at: o.at, trigger };
  }
  return undefined;
}

function share(words: OrderReading["words"]): number {
  const total = words.reduce((a, w) => a + w.weight, 0);
  return total === 0 ? 1 : words.filter((w) => w.supported).reduce((a, w) => a + w.weight, 0) / total;
}

/** Every order of the skill aimed at the agent, with its coherence with the rest of the skill. */
export function readOrderCoherence(ctx: DetectContext): OrderReading[] {
  // The skill's vocabulary, counted once: the main file (frontmatter, prose, code) and its bundled text.
  const whole = stemCounts(ctx.model.text);
  for (const b of ctx.model.bundled) if (b.type !== "binary" && b.text) stemCounts(b.text, whole);
  // The heading directly above each segment (same file, nothing in between).
  const inOrder = ctx.prose
    .filter((p) => p.kind !== "description" && p.kind !== "code-inline")
    .sort((a, b) => a.offset - b.offset);
  const headingAbove = new Map<ProseSource, ProseSource>();
  for (let i = 1; i < inOrder.length; i++) {
    const prev = inOrder[i - 1];
    const cur = inOrder[i];
    if (prev && cur && prev.kind === "heading" && prev.file === cur.file) headingAbove.set(cur, prev);
  }
  const out: OrderReading[] = [];
  for (const p of orderSources(ctx)) {
    let own: Map<string, number> | undefined;
    const head = p.text.trimStart();
    // The description says what the skill does, often in the imperative ("Upload results to …"):
    // as the order's place it is a sign only with a standing trigger (read in readings below).
    const framed =
      p.kind === "description"
        ? "in the skill's description"
        : framing.test(head) || capsLabel.test(head) || ruleLabel.test(head)
          ? `under the label "${head.slice(0, Math.max(0, head.search(/[:!]/))).replace(/^\W+|\W+$/g, "")}"`
          : undefined;
    for (const sent of readingsOf(p.text, p.kind)) {
      const s = sent.text;
      if (s.trim().length < 20 || s.length > orderCoherenceLimits.maxSentenceChars) continue;
      const o = orderOf(s);
      if (!o) continue;
      if (!own) {
        own = stemCounts(p.text);
        const h = headingAbove.get(p);
        if (h) stemCounts(h.text, own);
      }
      const ownCounts = own;
      const judge = (text: string): OrderReading["words"] =>
        stemsIn(text).map((stem) => ({
          stem,
          weight: weightOf(stem),
          supported: (whole.get(stem) ?? 0) - (ownCounts.get(stem) ?? 0) > 0,
        }));
      const words = judge(s);
      if (words.length < orderCoherenceLimits.minWords) continue;
      out.push({
        segment: p,
        sentence: s,
        offset: sent.offset,
        verb: o.verb,
        at: o.at,
        words,
        support: share(words),
        actSupport: share(judge(s.slice(o.at))),
        novelWeight: words.filter((w) => !w.supported).reduce((a, w) => a + w.weight, 0),
        standing: o.trigger,
        framed: p.kind === "description" && !o.trigger ? undefined : framed,
        act: reachOf(s, o.at, o.verb),
        rewrite: rewriting.has(o.verb) ? `rewrites or slants content ("${o.verb} …")` : undefined,
      });
    }
  }
  return out;
}
