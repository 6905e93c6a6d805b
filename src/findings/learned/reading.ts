// The learned scorer's reading of a whole skill (issue 14, I14LRN), for the training script and
// the evaluation: the same context detectFindings builds, then every prose unit with its features.

import type { Finding, ShellAnalysis, SkillModel } from "../../model.js";
import { buildContext, type DetectContext } from "../context.js";
import { expand } from "../detectors/expand.js";
import { addJsonValueProse } from "../json-prose.js";
import { detectLearnedOrders } from "../detectors/learned-order.js";
import { skillScope, unitFeatures } from "./features.js";
import type { ScorerWeights } from "./scorer.js";
import { proseUnits } from "./units.js";

export interface ReadUnit {
  text: string;
  file: string;
  line: number;
  kind: string;
  features: string[];
}

function contextOf(model: SkillModel, analyses: Map<string, ShellAnalysis>): DetectContext {
  const ctx = buildContext(model, analyses);
  expand(ctx);
  addJsonValueProse(ctx);
  return ctx;
}

/** Every prose unit of the skill with its features, in document order. */
export function readUnits(model: SkillModel, analyses: Map<string, ShellAnalysis>): ReadUnit[] {
  const ctx = contextOf(model, analyses);
  const scope = skillScope(ctx);
  return proseUnits(ctx).map((u) => ({
    text: u.text,
    file: u.file,
    line: u.line,
    kind: u.seg.kind,
    features: unitFeatures(u, scope),
  }));
}

/** The learned rule's findings alone, under the given weights (for measuring a model variant). */
export function learnedOrderFindings(
  model: SkillModel,
  analyses: Map<string, ShellAnalysis>,
  weights: ScorerWeights,
): Finding[] {
  const ctx = contextOf(model, analyses);
  detectLearnedOrders(ctx, weights);
  return ctx.findings.filter((f) => f.id === "instr.learned-order");
}
