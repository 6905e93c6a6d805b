// Bundled markdown (references/*.md, docs/*.md, a .txt of instructions) is text the agent reads
// when the skill sends it there, so an order hidden in it works as well as one in SKILL.md
// (issue 14, coverage). Its commands were already judged as steps; here its prose is read by the
// same prose detectors as the main file, each document in a context of its own (its lines,
// headings, quoting cues and code blocks, so positions name that file) that keeps the skill's
// frontmatter, names and security-tool standing: the purpose and the declared service an order
// is judged against are the skill's, not the document's.
//
// Reference documents quote and explain far more than SKILL.md does (install guides, link lists,
// tool docs), and read in full they doubled the false-positive rate with no recall gain on any
// set (docs/eval.md, i14cov). So what they yield is capped at medium — shown to a reviewer, never
// silently dropped — except text hidden from a reader of the rendered page (an HTML or markdown
// comment carrying instructions), which no reference document needs.
//
// A document the skill tells the agent to follow ("follow references/setup.md step by step",
// followed-documents.ts) is not quoted material: it is the skill's own instructions in another
// file. Its orders to read secrets, send data out, keep acts from the user or obey a remote text
// keep their severity, with the order to follow it named in the message (red-team F3). Other
// findings there stay capped: install guides and API notes are followed too, and their wider
// reading is what cost the false positives. A followed HTML/XML guide, data until then, is read
// as a document the same way (markup-text.ts).

import type { BundledDocument, Finding, FindingCategory, ShellAnalysis } from "../model.js";
import { markupDocument } from "../extract/markup-text.js";
import { minSeverity } from "./util.js";
import { buildContext, type DetectContext } from "./context.js";
import { addJsonValueProse } from "./json-prose.js";
import { followedDocuments, markupGuide, type FollowOrder } from "./followed-documents.js";

type Detector = (ctx: DetectContext) => void;

/** Rules whose carrier is hidden from the reader: kept at full severity in a bundled document. */
const hiddenCarriers = new Set(["hidden.html-comment", "hidden.md-comment", "hidden.html-hidden-element"]);

/** Kinds of order that keep their severity in a document the agent is told to follow. */
const followedKinds = new Set<FindingCategory>(["credential-access", "exfiltration", "remote-instructions"]);
/** Concealment from the user and text the review cannot read, whatever their category. */
const concealment = new Set(["pi.conceal", "obfuscation.unread-language"]);

/** A bundled document's finding, capped at medium unless its carrier is hidden text. */
function capped(f: Finding, follow: FollowOrder | undefined): Finding {
  if (hiddenCarriers.has(f.id) || minSeverity(f.severity, "medium") === f.severity) return f;
  if (follow !== undefined && (followedKinds.has(f.category) || concealment.has(f.id)))
    return {
      ...f,
      message: `${f.message} (${follow.by} line ${follow.line} tells the agent to follow this file: "${follow.evidence.slice(0, 120)}")`,
    };
  return {
    ...f,
    severity: "medium",
    message: `${f.message} (in a bundled reference document, which quotes and explains more than it orders: capped at medium)`,
  };
}

/** Findings' identity, as DetectContext.report deduplicates them. */
const keyOf = (f: Finding): string => `${f.id}|${f.file}|${f.line}|${f.column}|${f.evidence}`;

/** The context one bundled document is read in. */
function documentContext(
  ctx: DetectContext,
  doc: BundledDocument,
  analyses: Map<string, ShellAnalysis>,
): DetectContext {
  const model = {
    ...ctx.model,
    file: doc.file,
    text: doc.text,
    segments: doc.segments,
    code: doc.code,
    links: doc.links,
    steps: ctx.model.steps.filter((s) => s.file === doc.file),
  };
  const sub = buildContext(model, analyses);
  // The frontmatter description belongs to the main file, where it was already read.
  sub.prose = sub.prose.filter((p) => p.kind !== "description");
  addJsonValueProse(sub);
  return { ...sub, securityTool: ctx.securityTool, affinity: ctx.affinity, affinityNames: ctx.affinityNames };
}

/** Runs `detectors` over each bundled document; adds what they find that the main pass did not. */
export function detectBundledProse(
  ctx: DetectContext,
  analyses: Map<string, ShellAnalysis>,
  detectors: readonly Detector[],
): void {
  const known = new Set(ctx.findings.map(keyOf));
  const followed = followedDocuments(ctx.model);
  const documents = [...(ctx.model.documents ?? [])];
  for (const b of ctx.model.bundled)
    if (markupGuide.test(b.path) && b.text !== undefined && followed.has(b.path))
      documents.push(markupDocument(b.path, b.text));
  for (const doc of documents) {
    const sub = documentContext(ctx, doc, analyses);
    // Rules that read other findings (a standing order running a flagged script) see the skill's.
    sub.findings.push(...ctx.findings);
    const before = sub.findings.length;
    for (const d of detectors) d(sub);
    for (const f of sub.findings.slice(before)) {
      const key = keyOf(f);
      if (known.has(key)) continue;
      known.add(key);
      ctx.findings.push(capped(f, followed.get(doc.file)));
    }
  }
}
