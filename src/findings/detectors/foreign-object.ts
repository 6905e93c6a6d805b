// Orders on what the skill never handles (issue 14, session 11). An injected order is written in
// the skill's own vocabulary and in an ordinary shape, so neither wording nor shape gives it away;
// what does is what it acts on. A benign skill's orders move, delete or hide the things its own
// commands, code and steps handle: a calendar skill deletes calendar entries, a deploy skill
// pushes to the host its scripts call. An order that moves, exposes, destroys or hides something
// the rest of the skill never touches — secrets, the environment, SSH keys, the agent's memory,
// other skills, the user's mail or wider files — or sends it to a host, mailbox or path the rest
// of the skill never names, reaches past the skill. The order's own paragraph and the heading
// above it are left out of the footprint (footprint.ts): an injected passage cannot vouch for
// itself. Orders are found by the clause reading of clause-orders.ts; negated, advisory, quoted,
// descriptive and user-addressed text and orders that wait on the user are not judged.
//
// NOT run by detectFindings: an experiment (docs/eval.md, section i14obj). It raised MEASURE and
// both held-out sets' recall but also each held-out set's false-positive rate, and every variant
// that kept the FPR flat also lost the gains. `node bench/eval.js DIR --foreign-object` measures it.

import type { Finding, ShellAnalysis, SkillModel } from "../../model.js";
import { buildContext, lineOfOffset, type DetectContext, type ProseSource } from "../context.js";
import { addJsonValueProse } from "../json-prose.js";
import { expand } from "./expand.js";
import { describes, negatedAt, readingsOf, userIsActor } from "../sentences.js";
import {
  foreignHost,
  foreignMailbox,
  foreignPath,
  footprintOutside,
  linesOf,
  type Footprint,
} from "../footprint.js";
import { kindName, kindsIn, type ObjectKind } from "../object-kinds.js";
import { foreignObjectLimits } from "../../limits.js";
import { ordersIn, type Order } from "./clause-orders.js";
import { advisory, onUserRequest, otherActor, userDecides } from "./persuaded-orders.js";
import { completion, orderSources, ownArtefacts, recurring } from "./scope-drift.js";
import { capsLabel, framing } from "./side-effects.js";
import { ruleLabel } from "./persuaded-orders.js";

/** Experiment switches (docs/eval.md, i14obj). */
export const foreignObjectVariant = { mailboxes: true, needSign: false, destinations: true, kinds: true };

type Act = "moves" | "exposes" | "destroys" | "hides" | "changes";

// Transfer verbs that keep the thing on the machine unless a destination follows.
const localTransfer = new Set(["copy", "back", "backup", "mirror", "replicate"]);
// Kinds whose disclosure (printed, logged, included in output) is itself the harm.
const secretKinds: ReadonlySet<ObjectKind> = new Set([
  "secrets",
  "environment",
  "ssh-keys",
  "cloud-credentials",
  "browser-data",
  "personal-data",
]);
// Kinds whose change (add, append, edit, set) tampers with what runs or decides later.
const tamperKinds: ReadonlySet<ObjectKind> = new Set([
  "agent-memory",
  "other-skills",
  "git-config",
  "ssh-keys",
]);
const exposing =
  /^(?:make|set|mark|switch|chmod|chown|grant|give|share)\b[^.;]{0,60}?\b(?:public(?:ly)?|world[- ](?:readable|writable)|777|666|everyone|anyone|all\s+users)\b/i;
const destinationWord = /\bto\s+(?:https?:\/\/|[\w.+-]+@|~\/|\/|\$HOME)/i;

/** The act an order carries past the task, read from its verb and window; undefined: none. */
function actOf(o: Order, objects: readonly ObjectKind[]): Act | undefined {
  switch (o.cls) {
    case "transfer":
      if (localTransfer.has(o.verb) && !destinationWord.test(o.window)) return undefined;
      return "moves";
    case "destroy":
      return ownArtefacts.test(o.window) ? undefined : "destroys";
    case "omit":
      return "hides";
    case "disclose":
      return objects.some((k) => secretKinds.has(k)) ? "exposes" : undefined;
    case "configure":
      if (exposing.test(o.window)) return "exposes";
      // "Add to your ~/.zshrc:", "configure it in ~/.clawdbot/clawdbot.json:": a setup step that
      // shows its change in the block below, where the persistence rules read it.
      if (/:\s*$/.test(o.window.split(/[.!?](?:\s|$)/)[0] ?? "")) return undefined;
      return objects.some((k) => tamperKinds.has(k)) ? "changes" : undefined;
    case "alter":
    case "override":
    case "run":
    case "tell":
      return undefined;
  }
}

/** The order's text after its verb, to the end of its clause group (bounded by the window). */
function objectText(o: Order): string {
  const after = o.window.slice(o.verb.length);
  const stop = after.search(/[.!?](?:\s|$)|;\s/);
  return stop >= 0 ? after.slice(0, stop) : after;
}

interface Reach {
  act: Act;
  what: string;
  outside: string;
}

// An object that points back ("send it", "upload them", "post the result", "its contents").
const pointsBack =
  /^\s+(?:it|them|this|that|these|those|its\s+\w+|their\s+\w+|the\s+(?:result|results|output|contents?|file|list|summary))\b/i;

function judge(o: Order, sentence: string, fp: () => Footprint): Reach | undefined {
  const own = objectText(o);
  const text = pointsBack.test(own) ? `${sentence.slice(0, o.at)} ${own}` : own;
  const objects = kindsIn(text);
  const act = actOf(o, objects);
  if (!act) return undefined;
  const f = fp();
  const dest = foreignObjectVariant.destinations;
  const host = dest ? foreignHost(f, text) : undefined;
  if (host) return { act, what: `to ${host}`, outside: `the host ${host}` };
  const mail = dest && foreignObjectVariant.mailboxes ? foreignMailbox(f, text) : undefined;
  if (mail) return { act, what: `to ${mail}`, outside: `the address ${mail}` };
  const path = dest ? foreignPath(f, text) : undefined;
  if (path) return { act, what: path, outside: `the path ${path}` };
  const foreign = foreignObjectVariant.kinds ? objects.filter((k) => !f.kinds.has(k)) : [];
  if (foreign.length > 0) {
    const names = foreign.map(kindName).join(", ");
    return { act, what: names, outside: names };
  }
  return undefined;
}

/** The heading directly above each prose source of the main file (nothing in between). */
function headingsAbove(ctx: DetectContext): Map<ProseSource, ProseSource> {
  const inOrder = ctx.prose
    .filter((p) => p.kind !== "description" && p.kind !== "code-inline")
    .sort((a, b) => a.offset - b.offset);
  const out = new Map<ProseSource, ProseSource>();
  for (let i = 1; i < inOrder.length; i++) {
    const prev = inOrder[i - 1];
    const cur = inOrder[i];
    if (prev && cur && prev.kind === "heading" && prev.file === cur.file) out.set(cur, prev);
  }
  return out;
}

/** Whether `before` leaves a quotation open (an odd number of straight or curly double quotes). */
function openQuote(before: string): boolean {
  const straight = before.match(/"/g)?.length ?? 0;
  const opening = before.match(/[“]/g)?.length ?? 0;
  const closing = before.match(/[”]/g)?.length ?? 0;
  return straight % 2 === 1 || opening > closing;
}

// A lead-in that makes the list below it the rest of a statement about something else ("Even
// small bugs can:", "The script will:"): its items are descriptions, not orders.
const describingLeadIn =
  /\b(?:can|could|may|might|will|would|does|is\s+able\s+to|lets?\s+you|allows?\s+(?:you\s+)?to)\s*:\s*$/i;

/** The paragraph a list item hangs from (the nearest earlier non-list prose of its file). */
function leadInsOf(ctx: DetectContext): Map<ProseSource, ProseSource> {
  const inOrder = ctx.prose
    .filter((p) => p.kind !== "description" && p.kind !== "code-inline")
    .sort((a, b) => a.offset - b.offset);
  const out = new Map<ProseSource, ProseSource>();
  let lead: ProseSource | undefined;
  for (const p of inOrder) {
    if (p.kind === "list-item") {
      if (lead && lead.file === p.file) out.set(p, lead);
    } else lead = p;
  }
  return out;
}

export function detectForeignObjectOrders(ctx: DetectContext): void {
  const above = headingsAbove(ctx);
  const leadIns = leadInsOf(ctx);
  for (const p of orderSources(ctx)) {
    const leadIn = leadIns.get(p);
    if (leadIn && describingLeadIn.test(leadIn.text.trim())) continue;
    let fp: Footprint | undefined;
    const footprint = (): Footprint => {
      if (fp) return fp;
      const ranges = [linesOf(ctx, p)];
      const h = above.get(p);
      if (h) ranges.push(linesOf(ctx, h));
      return (fp = footprintOutside(ctx, ranges));
    };
    const head = p.text.trimStart();
    const framed =
      p.kind === "description" || framing.test(head) || capsLabel.test(head) || ruleLabel.test(head);
    for (const sent of readingsOf(p.text, p.kind)) {
      const s = sent.text;
      if (foreignObjectVariant.needSign && !framed && !recurring.test(s) && !completion.test(s)) continue;
      if (s.trim().length < 15 || s.length > foreignObjectLimits.maxSentenceChars) continue;
      // A table row written as text ("| task | command |"): reference material, not an order.
      if (s.trimStart().startsWith("|")) continue;
      if (describes(s) || userDecides.test(s) || onUserRequest.test(s)) continue;
      for (const o of ordersIn(s)) {
        if (negatedAt(s, o.at) || userIsActor(s, o.at) || advisory.test(s.slice(0, o.at))) continue;
        const lead = s.slice(Math.max(0, o.at - 60), o.at);
        const clauseLead = lead.slice(
          Math.max(lead.lastIndexOf(","), lead.lastIndexOf(";"), lead.lastIndexOf(":")) + 1,
        );
        if (otherActor.test(clauseLead)) continue;
        // An utterance in quotes ('"Send email to sarah@…" sends the email'): an example, not an order.
        if (openQuote(s.slice(0, o.at))) continue;
        const r = judge(o, s, footprint);
        if (!r) continue;
        ctx.report({
          id: "instr.foreign-object",
          severity: "high",
          file: p.file,
          line: lineOfOffset(p, sent.offset),
          column: 1,
          message: `An order to the agent ("${o.verb} …") ${r.act} ${r.what}; the skill handles nowhere else: ${r.outside} (not in its commands, code, other steps or declared service).`,
          evidence: s.trim().slice(0, 300),
        });
        break;
      }
    }
  }
}

/** The rule's findings on one skill, read in a context of its own (the rule is not wired). */
export function foreignObjectFindings(model: SkillModel, analyses: Map<string, ShellAnalysis>): Finding[] {
  const ctx = buildContext(model, analyses);
  expand(ctx);
  addJsonValueProse(ctx);
  detectForeignObjectOrders(ctx);
  return ctx.findings.filter((f) => f.id === "instr.foreign-object");
}
