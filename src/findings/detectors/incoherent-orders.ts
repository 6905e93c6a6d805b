// Incoherent orders (issue 14, session 10): an order to the agent whose subject the rest of its
// skill does not share (order-coherence.ts), read together with its shape. Incoherence alone is
// common in benign how-tos (a tip, a quoted maxim, a one-off setup step), and so is a standing
// order with an act ("always back up the originals before editing"); an order that is both — a
// standing trigger or a policy label, an act that reaches outside the task, and words the rest of
// the skill does not use — is what a pasted-in instruction looks like. The combination is high; a
// standing order that rewrites or slants the content the user gets is medium (an editing how-to
// looks the same). Incoherence with only one shape sign is not reported: benign how-tos are full
// of it (a one-off "drop the sudo prefix", an option list "--insecure - skip …").
// The thresholds were chosen on the TUNE part only (bench/coherence-probe.js; docs/eval.md).

import { lineOfOffset, type DetectContext } from "../context.js";
import { readOrderCoherence, type OrderReading } from "../order-coherence.js";
import { orderCoherenceLimits as limits } from "../../limits.js";
import type { Severity } from "../../model.js";

function severityOf(r: OrderReading): Severity | undefined {
  const shaped = r.standing !== undefined || r.framed !== undefined;
  const act = r.act !== undefined;
  if (shaped && act && r.support < limits.highSupport) return "high";
  if (shaped && r.rewrite !== undefined && r.support < limits.highSupport) return "medium";
  return undefined;
}

export function detectIncoherentOrders(ctx: DetectContext): void {
  for (const r of readOrderCoherence(ctx)) {
    const severity = severityOf(r);
    if (!severity) continue;
    const novel = r.words
      .filter((w) => !w.supported)
      .sort((a, b) => b.weight - a.weight)
      .slice(0, 5)
      .map((w) => w.stem);
    const shape = [
      r.standing ? `tied to "${r.standing.trim()}"` : "",
      r.framed ?? "",
      r.act ? `that ${r.act}` : r.rewrite ? `that ${r.rewrite}` : "",
    ].filter(Boolean);
    const p = r.segment;
    ctx.report({
      id: "instr.incoherent-order",
      severity,
      file: p.file,
      line: lineOfOffset(p, r.offset),
      column: 1,
      message: `An order to the agent ("${r.verb} …") ${shape.join(", ")} talks about what the rest of the skill does not: only ${Math.round(
        r.support * 100,
      )}% of its content (by weight) occurs elsewhere in the skill; unsupported words: ${novel.join(", ")}.`,
      evidence: r.sentence.trim().slice(0, 300),
    });
  }
}
