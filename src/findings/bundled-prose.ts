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

import type { BundledDocument, Finding, ShellAnalysis } from "../model.js";
import { minSeverity } from "./util.js";
import { buildContext, type DetectContext } from "./context.js";
import { addJsonValueProse } from "./json-prose.js";

type Detector = (ctx: DetectContext) => void;

/** Rules whose carrier is hidden from the reader: kept at full severity in a bundled document. */
const hiddenCarriers = new Set(["hidden.html-comment", "hidden.md-comment"]);

/** A bundled document's finding, capped at medium unless its carrier is hidden text. */
function capped(f: Finding): Finding {
  if (hiddenCarriers.has(f.id) || minSeverity(f.severity, "medium") === f.severity) return f;
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
  for (const doc of ctx.model.documents ?? []) {
    const sub = documentContext(ctx, doc, analyses);
    // Rules that read other findings (a standing order running a flagged script) see the skill's.
    sub.findings.push(...ctx.findings);
    const before = sub.findings.length;
    for (const d of detectors) d(sub);
    for (const f of sub.findings.slice(before)) {
      const key = keyOf(f);
      if (known.has(key)) continue;
      known.add(key);
      ctx.findings.push(capped(f));
    }
  }
}
