// The sandbox: run approved steps in short-lived hardened containers. Only docker.ts imports
// dockerode; everything else talks to the ContainerClient interface.

export type {
  ContainerClient,
  ContainerSpec,
  ContainerState,
  ContainerSummary,
  DaemonInfo,
} from "./container-client.js";
export { DockerClient } from "./docker.js";
export { runSteps, type RunOptions, type RunResult, type StepRun, type StepOutcome } from "./runner.js";
export { executeContainer, type ContainerRun, type ContainerOutcome } from "./execute.js";
export { buildStepSpec, labelKeys, type StepSpecInput } from "./spec.js";
export { resolveLimits, limitsRecord } from "./limits.js";
export { loadSeccompProfile, seccompProfilePath, type SeccompProfile } from "./seccomp.js";
export {
  buildStepImage,
  findStepImage,
  requireStepImage,
  imageContentHash,
  type StepImage,
} from "./image.js";
export { reapStale, removeRunContainers } from "./reaper.js";
export { abortOnSignals, type SignalGuard } from "./signals.js";
export { runDoctor, type DoctorCheck } from "./doctor.js";
export { stripControl } from "./output.js";
export { resolvedScript } from "./render.js";
export {
  defaultAgentHome,
  prepareWorkspace,
  safeSkillName,
  skillWorkspaceRel,
  containerHome,
  type Workspace,
} from "./workspace.js";
