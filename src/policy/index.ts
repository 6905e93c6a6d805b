// Public API of the policy module.
export {
  loadPolicy,
  resolvePolicyRef,
  shippedPolicies,
  exampleCount,
  policiesDir,
  type LoadOptions,
} from "./load.js";
export { judgeCommand, judgeStep, worstVerdict, type JudgeContext } from "./evaluate.js";
export { canonicalJson, policyHash } from "./merge.js";
export type * from "./types.js";
