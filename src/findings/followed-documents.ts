// Bundled documents the skill tells the agent to follow (issue 14, red-team F3). A reference the
// skill merely points to ("see references/api.md for endpoints") is read as quoted material and
// its findings are capped at medium (bundled-prose.ts). A document SKILL.md orders the agent to
// follow, apply or carry out ("follow references/setup.md step by step", "read and apply
// GUIDE.md") is the skill's own instructions moved one file away: what it orders is ordered.
// Orders in a followed document count too, so a chain of files is followed as far as it goes.
// Negated, advisory and user-addressed sentences are not orders (sentences.ts).

import type { SkillModel } from "../model.js";
import { describes, negatedAt, sentencesOf, userIsActor } from "./sentences.js";

/** Where the agent is told to follow a document. */
export interface FollowOrder {
  /** The file holding the order (SKILL.md, or a followed document). */
  by: string;
  line: number;
  evidence: string;
}

/** Bundled HTML/XML guides: typed as data, read as a document only when followed. */
export const markupGuide = /\.(?:html?|xhtml|xml)$/i;

const escape = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

// The verb in an order's position (clause start, list item, after "and"/"then"/"must"/"to"), so
// "rules that apply to X" and "the following references" are not orders.
const lead =
  /(?:^\s*|[:,(>*\u2013\u2014-]\s*|\b(?:and|then|or|to|please|must|should|shall|always|first|now|next|you|will|simply|just|carefully|strictly)\s+)[*_]*/
    .source;
// The file is the object of the verb: "follow references/setup.md", "read and apply [the
// guide](GUIDE.md)", "carry out the steps in setup.md", "run the steps in setup.md".
const verbBefore = new RegExp(
  `${lead}(?:follow|obey|apply|execute|carry out|perform|work through|do what)\\b[^!?;\\n]{0,80}$`,
  "i",
);
const runBefore = new RegExp(
  `${lead}run\\b[^!?;\\n]{0,40}?\\b(?:steps?|instructions?|commands?|procedure)\\b[^!?;\\n]{0,40}$`,
  "i",
);
// A pointer, not an order: the verb's object is something else the file only explains.
const pointerBetween = /\b(?:see|refer to|consult|for (?:more|details|reference|examples?|the full))\b/i;
// The order follows the file name: "references/setup.md: follow it step by step", "read GUIDE.md
// and apply it", "GUIDE.md's steps".
const orderAfter =
  /^(?:'s\s+(?:steps?|instructions?|commands?|procedure)\b|[^.!?;\n]{0,60}?(?:\b(?:and|then)|,)\s+(?:follow|apply|obey|execute|carry out|perform|do what it says)\b|[^.!?;\n]{0,40}?\b(?:follow|apply|obey|execute|carry out|perform)\s+(?:it|them|its|their|each|every|all)\b)/i;

/** The index in `text` of the order to follow the file named at `at`, or -1. */
function orderIndex(text: string, at: number, nameLength: number): number {
  const before = text.slice(Math.max(0, at - 120), at);
  const v = verbBefore.exec(before) ?? runBefore.exec(before);
  if (v && !pointerBetween.test(v[0])) return at - before.length + v.index;
  return orderAfter.test(text.slice(at + nameLength)) ? at : -1;
}

/** Each bundled document (markdown, text, HTML/XML guide) the skill tells the agent to follow. */
export function followedDocuments(model: SkillModel): Map<string, FollowOrder> {
  const docs = new Map<string, string>();
  for (const d of model.documents ?? []) docs.set(d.file, d.text);
  for (const b of model.bundled)
    if (markupGuide.test(b.path) && b.text !== undefined && !docs.has(b.path)) docs.set(b.path, b.text);
  const followed = new Map<string, FollowOrder>();
  if (docs.size === 0) return followed;
  // A document is named by its path or, when that is unique among them, its base name.
  const names: Array<{ file: string; base: string; name: RegExp }> = [];
  const bases = new Map<string, number>();
  for (const file of docs.keys()) {
    const base = file.slice(file.lastIndexOf("/") + 1).toLowerCase();
    bases.set(base, (bases.get(base) ?? 0) + 1);
  }
  for (const file of docs.keys()) {
    const base = file.slice(file.lastIndexOf("/") + 1);
    const alt = file === base ? "" : `|(?<![\\w./-])${escape(base)}`;
    const name = bases.get(base.toLowerCase()) === 1 ? `(?<![\\w.-])${escape(file)}${alt}` : escape(file);
    names.push({ file, base: base.toLowerCase(), name: new RegExp(`(?:${name})(?![\\w-])`, "gi") });
  }
  const queue: Array<{ file: string; text: string }> = [{ file: model.file, text: model.text }];
  for (let q = queue.shift(); q !== undefined; q = queue.shift()) {
    const { file: by, text } = q;
    const lines = text.split("\n");
    for (let i = 0; i < lines.length; i++) {
      const line = lines[i] ?? "";
      const lower = line.toLowerCase();
      // Cheap test first: most lines name no document.
      const named = names.filter((d) => !followed.has(d.file) && d.file !== by && lower.includes(d.base));
      if (named.length === 0) continue;
      const sentences = sentencesOf(line);
      for (const { file, name } of named) {
        for (const s of sentences) {
          name.lastIndex = 0;
          let hit: number | undefined;
          for (let m = name.exec(s.text); m && hit === undefined; m = name.exec(s.text)) {
            const at = orderIndex(s.text, m.index, m[0].length);
            if (at >= 0 && !negatedAt(s.text, at) && !userIsActor(s.text, at) && !describes(s.text)) hit = at;
          }
          if (hit === undefined) continue;
          followed.set(file, { by, line: i + 1, evidence: s.text.trim().slice(0, 300) });
          queue.push({ file, text: docs.get(file) ?? "" });
          break;
        }
      }
    }
  }
  return followed;
}
