// instr.environment-gated (issue 14, session 11): an act outside the task ordered only under a
// condition on the environment — a marker file exists, a variable is set, the host or user
// matches, a date or time window holds, or the agent is in a sandbox, test harness or unobserved.
// The reading is structural: a condition (environment-condition.ts) governs an order when both
// are in one sentence, when the next sentence carries the condition on ("If it does, …"), or when
// a conditional lead-in ending in ':' introduces list items. Besides prose, comments in code
// blocks and bundled scripts are read, since an order to the agent can sit in a comment.
// Skipped: negated, descriptive and user-addressed orders, clearing scratch output, and an act on
// the very file the condition tests ("if .venv exists, activate it").

import { lineOfOffset, type DetectContext } from "../context.js";
import { environmentConditionIn, type EnvCondition } from "../environment-condition.js";
import { outsideActIn, outsideKindWords, type OutsideAct } from "../outside-acts.js";
import { hasQuotingCue } from "../quoting.js";
import { describes, negatedAt, sentencesOf, userIsActor } from "../sentences.js";
import { ordersIn } from "./clause-orders.js";

interface Text {
  text: string;
  file: string;
  /** File line of an offset in `text`. */
  lineOf: (offset: number) => number;
  kind: string;
  quoted: boolean;
}

const scratch =
  /\b(?:temp(?:orary)?|tmp|cache[ds]?|build|dist|output|out|old|stale|previous|lock|intermediate|scratch|generated|node_modules|__pycache__)\b/i;
// "If it does, …", "In that case …", "Then …": the sentence carries the previous one's condition.
const continuation =
  /^\W{0,6}(?:\d+[.)]\s+)?(?:if\s+(?:so|it\s+(?:does|is|exists)|they\s+(?:do|are|exist)|present|found|yes|true)|in\s+that\s+case|then)\b/i;
const checkOnly =
  /\b(?:check|see|test|verify|look|determine)\s+(?:whether|if|for)\b[^.;:\n]{0,60}?(?:[`'"]?[~.$\w-]{0,60}\/[\w./-]{1,120}|[`'"]\.[\w.-]{1,60}[`'"])/i;
const observedPath = /sandbox|eval|grade|harness|benchmark|honeypot|task|marker|flag|canary/i;

// Being tested, graded or watched: no honest skill changes what it does on that, so any order
// it gates is reported (a sandbox or test environment alone is an ordinary setup condition).
const watched =
  /\bbeing\s+(?:tested|evaluated|graded|scored|monitored|watched|observed|audited|red-?teamed)|\b(?:are|is)\s+(?:not\s+)?(?:tested|evaluated|graded|monitored|watched|observed|audited)\b|\bno\s*one\b|\bnobody\b|\bno\s+(?:human|person|reviewer|operator)\b|\bun(?:monitored|observed|supervised)\b|\bhoneypot\b|\bgrader\b|\bgraded\b/i;

/** The first order in `clause` that changes something (not one that only tells or shows). */
function anyOrder(clause: string): OutsideAct | undefined {
  for (const o of ordersIn(clause))
    if (o.cls !== "tell" && o.cls !== "disclose" && !negatedAt(clause, o.at))
      return { kind: "any", at: o.at, text: o.window.slice(0, 60) };
  return undefined;
}

/** The act a clause orders under `cond`, if it is outside the task and really ordered. */
function gatedAct(clause: string, cond: EnvCondition): OutsideAct | undefined {
  const a = outsideActIn(clause) ?? (watched.test(cond.text) ? anyOrder(clause) : undefined);
  if (!a || userIsActor(clause, a.at)) return undefined;
  // Concealment and falsification carry their own negation ("do not show …").
  if (a.kind !== "conceal" && a.kind !== "falsify" && negatedAt(clause, a.at)) return undefined;
  // The act's own words and its object, not the reason given after it ("… so stale keys go").
  const near = clause.slice(a.at, a.at + a.text.length + 30).replace(/^\S+(?:\s+out)?/i, "");
  if (a.kind === "destroy" && (scratch.test(near) || scratch.test(cond.subject ?? ""))) return undefined;
  // An act on the tested file itself ("if .venv exists, activate it") is how setups are written.
  const subject = (cond.subject ?? "").replace(/^[~./]+|\/+$/g, "");
  if (subject.length >= 3 && near.includes(subject) && !observedPath.test(subject)) return undefined;
  return a;
}

/** The sentence with the condition's own words blanked, so an act is read outside it. */
const outside = (s: string, c: EnvCondition): string =>
  s.slice(0, c.at) + " ".repeat(c.text.length) + s.slice(c.at + c.text.length);

function sources(ctx: DetectContext): Text[] {
  const out: Text[] = [];
  for (const p of ctx.prose) {
    if (p.kind === "table-cell" || p.kind === "code-inline") continue;
    out.push({
      // A paragraph wrapped over lines is one text: a line break ends a sentence only before a list item.
      text: p.text.replace(/\n(?!\s*(?:[-*+]|\d+[.)])\s)/g, " "),
      file: p.file,
      lineOf: (o) => lineOfOffset(p, o),
      kind: p.kind,
      quoted: p.quoted || (ctx.securityTool && hasQuotingCue(p.text)),
    });
  }
  // Comments in code blocks and bundled scripts, consecutive comment lines as one text.
  const code: Array<{ text: string; file: string; line: number }> = ctx.model.code
    .filter((c) =>
      /^(?:python|py|python3|bash|sh|shell|zsh|javascript|js|node|mjs|ts|typescript)$/i.test(c.lang),
    )
    .map((c) => ({ text: c.text, file: ctx.model.file, line: c.line + 1 }));
  for (const b of ctx.model.bundled)
    if (b.text !== undefined && /^(?:python|shell|javascript|typescript)$/i.test(b.type))
      code.push({ text: b.text, file: b.path, line: 1 });
  for (const c of code) {
    const lines = c.text.split("\n");
    for (let i = 0; i < lines.length; i++) {
      if (!/^\s*(?:#(?!!)|\/\/)/.test(lines[i] ?? "")) continue;
      const first = i;
      const parts: string[] = [];
      while (i < lines.length && /^\s*(?:#(?!!)|\/\/)/.test(lines[i] ?? "")) {
        parts.push((lines[i] ?? "").replace(/^\s*(?:#+|\/\/+)\s?/, ""));
        i++;
      }
      const starts = [0];
      for (const p of parts.slice(0, -1)) starts.push((starts[starts.length - 1] ?? 0) + p.length + 1);
      out.push({
        text: parts.join(" "),
        file: c.file,
        lineOf: (o) => c.line + first + Math.max(0, starts.filter((s) => s <= o).length - 1),
        kind: "code-comment",
        quoted: false,
      });
    }
  }
  return out;
}

export function detectEnvironmentGated(ctx: DetectContext): void {
  const texts = sources(ctx);
  for (let i = 0; i < texts.length; i++) {
    const t = texts[i];
    if (!t) continue;
    const sents = sentencesOf(t.text);
    for (let k = 0; k < sents.length; k++) {
      const sent = sents[k];
      if (!sent) continue;
      const s = sent.text;
      let cond = environmentConditionIn(s);
      let sameSentence = true;
      if (!cond) {
        const c = checkOnly.exec(s);
        if (!c || negatedAt(s, c.index)) continue;
        const probe = environmentConditionIn(`if ${c[0]} exists`);
        if (!probe) continue;
        cond = { ...probe, at: c.index, text: c[0] };
        sameSentence = false;
      }
      if (negatedAt(s, cond.at) && cond.kind !== "observation") continue;
      // Whether the sentence describes rather than orders is read outside the condition's own
      // words (a marker named `.flag`, "if you detect …") and outside asides in parentheses.
      if (describes(outside(s, cond).replace(/\([^()]{0,200}\)/g, ""))) continue;
      let act: OutsideAct | undefined;
      let evidence = s;
      if (sameSentence) act = gatedAct(outside(s, cond), cond);
      const next = sents[k + 1];
      if (!act && next && continuation.test(next.text) && !describes(next.text)) {
        act = gatedAct(next.text, cond);
        evidence = `${s} ${next.text}`;
      }
      // A conditional lead-in ("If the file exists:") and the list items right after it.
      if (!act && k === sents.length - 1 && /:\**\s*$/.test(s.trim())) {
        for (let j = i + 1; j < texts.length && j <= i + 8; j++) {
          const item = texts[j];
          if (!item || item.file !== t.file || item.kind !== "list-item") break;
          if (describes(item.text)) continue;
          act = gatedAct(item.text, cond);
          if (act) {
            evidence = `${s} ${item.text}`;
            break;
          }
        }
      }
      if (!act) continue;
      const offset = sent.offset + cond.at;
      ctx.report({
        id: "instr.environment-gated",
        severity: t.quoted ? "low" : "high",
        file: t.file,
        line: t.lineOf(offset),
        column: 1,
        message: `The agent is told to ${outsideKindWords[act.kind]} only when a condition on its environment holds (${cond.kind === "observation" ? "whether it is tested or watched" : `a ${cond.kind}`}: "${cond.text.trim().slice(0, 80)}"): behaviour that differs between a review run and the user's machine.`,
        evidence: evidence.trim().replace(/\s+/g, " ").slice(0, 300),
      });
      break;
    }
  }
}
