// instr.learned-order (issue 14, I14LRN): each prose unit scored by the linear model of
// src/findings/learned/ (weights trained on TUNE by bench/train-order-scorer.js). A unit at or
// above the model's threshold is reported with its score and the features that raised it most,
// so the finding says why in the same terms as the rules do.

import type { DetectContext } from "../context.js";
import { skillScope, unitFeatures } from "../learned/features.js";
import { scoreFeatures, type ScorerWeights } from "../learned/scorer.js";
import { proseUnits } from "../learned/units.js";

/** How many contributing features the message names. */
const shownFeatures = 4;

export function detectLearnedOrders(ctx: DetectContext, weights: ScorerWeights): void {
  const scope = skillScope(ctx);
  for (const u of proseUnits(ctx)) {
    const r = scoreFeatures(unitFeatures(u, scope), weights);
    if (r.score < weights.threshold) continue;
    const why = r.contributions
      .filter((c) => c.weight > 0)
      .slice(0, shownFeatures)
      .map((c) => `${c.feature} (+${c.weight.toFixed(2)})`)
      .join(", ");
    ctx.report({
      id: "instr.learned-order",
      severity: "high",
      file: u.file,
      line: u.line,
      column: 1,
      message: `This sentence scores ${r.score.toFixed(2)} (threshold ${weights.threshold.toFixed(2)}) as an injected order under the learned model (${weights.variant}); the features that raised it most: ${why}.`,
      evidence: u.text.slice(0, 300),
    });
  }
}
