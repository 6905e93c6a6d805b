// Public API: re-exports only. The CLI (src/cli.ts) is a thin layer over these.

export type * from "./model.js";
export type * from "./policy/types.js";
export { limits, sandboxDefaults, type SandboxLimits } from "./limits.js";
export { SkillwallError, InputError, PolicyError, describeError } from "./errors.js";
export { channels } from "./events.js";
export { scanPaths, scanSkillInput, scanMany, worstVerdict, type SkillInput } from "./scan/index.js";
export { initShell, analyseShell, splitStatements, renderScript, quoteWord } from "./shell/index.js";
export { extractSkill } from "./extract/index.js";
export { parseMarkdown } from "./parse/markdown.js";
export { loadPolicy, shippedPolicies } from "./policy/load.js";
export { judgeStep, judgeCommand } from "./policy/evaluate.js";
export { detectFindings, riskOf } from "./findings/index.js";
export { renderReport } from "./report/index.js";
export { openAuditLog, type AuditLog, type AuditLogOptions } from "./audit/log.js";
export {
  createJudge,
  hostCommand,
  defaultHostEnv,
  gitHostConfig,
  gitRepositoryRefusal,
  type GitRepositoryCheck,
  runsArbitraryCode,
  linkPlanter,
  agentStartupFile,
  patchTargets,
  decideInstall,
  parseInstallRequest,
  type InstallPolicyDecision,
  type InstallPolicyFinding,
  type InstallPolicyRequest,
  type CreateJudgeOptions,
  type Judge,
  type JudgeCallOptions,
  type Judgement,
  type HostCommandOptions,
} from "./gate/index.js";
export { pinnedAnswerFor, pinnedFetchesIn, pinKey, type PinnedAnswer } from "./heartbeat/pinned.js";
export { installedSkillsDir, stateDirFor } from "./remote/paths.js";
