// Lines of a markdown text that list what NOT to do: the list items under a heading that names a
// prohibition ("## Prohibited actions", "### Never do", "Red flags", "Anti-patterns"), up to the
// next heading of the same or a higher level (or a sub-heading naming a procedure), and under a lead line that forbids ("Never:",
// "Do not do any of the following:"). A skill that tells the agent what it must not do is not
// ordering it; findings there are capped (still reported, for a reviewer to see). Not capped: a
// heading that negates a *safety* step ("Don't ask for confirmation", "Never tell the user") —
// what follows it is an order; paragraphs and code blocks in the section; an item that gives an
// order of its own ("Important: always …") or runs long — text slipped into the list.
// One pass over the lines; every regex is anchored to one line with bounded gaps.

import { limits } from "../limits.js";
import type { Severity } from "../model.js";

/** A heading (text after the #s) that names a list of prohibited or discouraged actions. */
const prohibitionHeading =
  /^\W{0,4}(?:prohibited|forbidden|restricted|disallowed|not allowed|never\b|do not\b|don'?ts?\b|avoid\b|anti-?patterns?|red flags?|what not to|things (?:to avoid|not to)|bad (?:practices?|examples?)|(?:common )?mistakes\b)|^\W{0,4}(?:[\w-]+\s+){0,3}(?:anti-?patterns?|red flags?|pitfalls|mistakes|(?:prohibited|forbidden|disallowed) (?:actions|commands|operations)|(?:things )?to avoid|don'?ts)\W{0,4}$|\((?:do not|don'?t|never)\)\W{0,4}$/i;
// Anchored at the start, or a short heading that ends on the words: a title that merely contains
// "red flags" or "must not" ("PDF helper (red flags fixed in v2)") does not turn the whole file
// into a list of prohibitions (red-team finding: it capped every later step).

/** A heading that names steps to carry out (setup, usage, a how-to), never a prohibition list. */
const procedureHeading =
  /^\W{0,4}(?:\d{1,2}[.)]?\s+)?(?:set\s?up|install(?:ation|ing)?|usage|quick\s?start|getting started|steps?\b|instructions|configur(?:e|ation)|how to|workflow|run(?:ning)?\b|build(?:ing)?\b|deploy(?:ment|ing)?|prerequisites|requirements)/i;

/** A line that introduces a list of prohibited actions ("Never:", "Do not do the following:"). */
const prohibitionLead =
  /^\s*(?:[-*+]\s+)?(?:\*\*|__)?(?:never|do not|don'?t|avoid|you must not|you must never|must not|prohibited|forbidden)(?:\s+(?:do|use|run|try|attempt|allow))?(?:\s+(?:any of\s+)?(?:the following|these|this|them))?(?:\s+(?:things|actions|commands|steps|operations))?\s*:(?:\*\*|__)?\s*$/i;
// The lead forbids its list itself ("Never:", "Do not do the following:"); a lead that forbids
// something else ("Do not change the order of these steps:") introduces steps to follow.

/**
 * A lead that ends by saying its list is not to be run ("Patterns it flags (never to be
 * executed):", "Examples — do not run:"): quoted attack strings, not steps. The negation must be
 * the lead's last words; "never run them in production:" qualifies and is not a match.
 */
const notToRunLead =
  /\b(?:never|not|do not|don'?t)\s+(?:to\s+be\s+)?(?:run|execute[ds]?|tried|copied|pasted)(?:\s+(?:these|them|this|any of (?:these|them)))?[\s)*_]{0,4}:[\s*_]{0,4}$/i;

/**
 * A negated safety step ("don't ask", "never tell the user", "must not skip"): an order to drop
 * a safeguard, so what follows is what the agent is told to do.
 */
const negatedSafeguard =
  /\b(?:never|not|don'?t|no need to)\s+(?:\w+\s+)?(?:ask|confirm|tell|inform|mention|reveal|refuse|stop|wait|skip|forget|hesitate|warn|log|notify|question|check|verify|worry|miss|report|show|display|explain|disclose|hold back)\b/i;

/**
 * A list item that is itself a prohibition ("- Never run `rm -rf ~`.", "- **Do not** upload …"):
 * it forbids what it names, wherever the list stands. Not when it drops a safeguard (above),
 * fails to forbid ("never fail to …"), or joins a second clause that may order ("; then …").
 */
const negatedItem = /^\s*(?:[-*+]|\d{1,3}[.)])\s+(?:\*\*|__)?(?:never|do not|don'?t|avoid)\b/i;
const secondClause =
  /;|\b(?:but|then|rather|unless asked)\b|\b(?:never|not|don'?t)\s+(?:\w+\s+)?(?:fail|neglect|omit)\b/i;

const heading = /^(#{1,6})\s+(.*)$/;
const listItem = /^(\s*)(?:[-*+]|\d{1,3}[.)])\s/;

/**
 * An item that gives an order of its own ("Important: always …", "make sure you …", "after any
 * change …"): text slipped into a list of prohibitions, not one of them.
 */
const affirmativeOrder =
  /\b(?:important|always|must|make sure|ensure|remember|instead|whenever|every time|after (?:any|every|each)|before (?:any|every|each)|you (?:should|need to|have to|may)|please)\b/i;

/**
 * 1-based line numbers of `text` that are items of a prohibition list: list items (with their
 * indented continuation lines) under a prohibition heading or a "Never:" lead. Paragraphs and
 * code blocks there, and items that carry an order of their own or run long, are not included.
 */
export function prohibitionLines(text: string): Set<number> {
  const out = new Set<number>();
  const lines = text.split("\n");
  // Level of the open prohibition section (0: none); a heading at that level or above closes it.
  let sectionLevel = 0;
  let fence: string | undefined;
  // Open "Never:" lead: the list under it is prohibited; it ends at the first line that is
  // neither an item nor an item's continuation.
  let lead = false;
  // Lines of the current item (its first line and continuation lines), undefined outside items.
  let item: number[] | undefined;
  const closeItem = (): void => {
    if (item === undefined) return;
    const body = item.map((n) => lines[n] ?? "").join(" ");
    if (body.length <= limits.prohibitionItemMaxChars && !affirmativeOrder.test(body))
      for (const n of item) out.add(n + 1);
    item = undefined;
  };
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? "";
    const fenceMark = /^\s*(`{3,}|~{3,})/.exec(line);
    if (fenceMark) {
      closeItem();
      if (fence === undefined) fence = fenceMark[1]?.[0];
      else if (fenceMark[1]?.[0] === fence) fence = undefined;
      continue;
    }
    if (fence !== undefined) continue;
    const h = heading.exec(line);
    if (h) {
      closeItem();
      const level = h[1]?.length ?? 1;
      const title = (h[2] ?? "").trim();
      // A heading at the section's level or above closes it, and so does a sub-heading that names
      // a procedure: steps under "## Red flags / ### Setup" are steps to follow.
      if (sectionLevel > 0 && (level <= sectionLevel || procedureHeading.test(title))) sectionLevel = 0;
      // A level-1 heading is the document's title: it names the skill, it lists nothing.
      if (sectionLevel === 0 && level > 1 && prohibitionHeading.test(title) && !negatedSafeguard.test(title))
        sectionLevel = level;
      lead = false;
      continue;
    }
    if ((prohibitionLead.test(line) || notToRunLead.test(line)) && !negatedSafeguard.test(line)) {
      closeItem();
      lead = true;
      continue;
    }
    const inList = sectionLevel > 0 || lead;
    if (inList && listItem.test(line)) {
      closeItem();
      item = [i];
    } else if (negatedItem.test(line) && !negatedSafeguard.test(line) && !secondClause.test(line)) {
      // One line only: items nested under it are not part of what it forbids.
      closeItem();
      item = [i];
      closeItem();
    } else if (item !== undefined && line.trim() !== "" && /^\s/.test(line)) {
      item.push(i);
    } else {
      closeItem();
      // A lead's list ends at a paragraph; blank lines between items keep it open.
      if (lead && line.trim() !== "") lead = false;
    }
  }
  closeItem();
  return out;
}

const cache = new WeakMap<object, Set<number>>();

/**
 * Severity and message for a finding on a line of the skill's main text that lists what not to
 * do: capped at low, with the reason. Hidden and obfuscated content is never capped (a reader
 * does not see it, so it is not part of the visible prohibition). Empty when nothing changes.
 */
export function prohibitedCap(
  model: { file: string; text: string },
  f: { file: string; line: number; severity: Severity; message: string },
  category: string,
): { severity?: Severity; message?: string } {
  if (f.file !== model.file || f.severity === "low" || f.severity === "info") return {};
  if (category === "hidden-content" || category === "obfuscation") return {};
  let lines = cache.get(model);
  if (!lines) cache.set(model, (lines = prohibitionLines(model.text)));
  if (!lines.has(f.line)) return {};
  return {
    severity: "low",
    message: `${f.message} (listed as something not to do, so severity is capped)`,
  };
}
