export {
  createJudge,
  type CreateJudgeOptions,
  type Judge,
  type JudgeCallOptions,
  type Judgement,
} from "./judge.js";
export { hostCommand, defaultHostEnv, type HostCommandOptions } from "./host.js";
export { gitHostConfig, gitRepositoryRefusal, type GitCommand, type GitRepositoryCheck } from "./git-repo.js";
export { runsArbitraryCode, safeFix } from "./fix.js";
export { linkPlanter } from "./link-planting.js";
export { agentStartupFile, patchTargets } from "./agent-files.js";
export {
  decideInstall,
  parseInstallRequest,
  type InstallPolicyDecision,
  type InstallPolicyFinding,
  type InstallPolicyRequest,
} from "./install-policy.js";
