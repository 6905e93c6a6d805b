// What install and heartbeat need from the rest of skillwall, as small interfaces: unit tests
// pass fakes, the CLI and integration tests pass the real scan pipeline and sandbox runner.

import type { BundledFile, JudgedStep, SkillResult } from "../model.js";
import type { Policy } from "../policy/types.js";
import type { FetchedFile } from "./fetch.js";

export interface ScanInput {
  source: string;
  file: string;
  text: string;
  bundled: BundledFile[];
}

/** The scan pipeline (src/scan: `scanSkillInput`). */
export type ScanFn = (input: ScanInput, policy: Policy) => SkillResult | Promise<SkillResult>;

export interface RunRequest {
  skill: string;
  phase: "install" | "heartbeat";
  /** Approved steps only, in file order. */
  steps: JudgedStep[];
  /** The policy the steps were judged under (for heartbeats: the stricter heartbeat profile). */
  policy: Policy;
  /** The agent home (the runner mounts `workspace`, which lies inside it). */
  agentHome: string;
  /** Host directory the steps see as their workspace. */
  workspace: string;
  /**
   * That directory relative to the agent home ("/"-separated; install --workspace). Absent: the
   * skill's folder. `RunResult.written` is relative to it.
   */
  workspaceRel?: string;
  /** Aborted on SIGTERM after the grace period: kill the container, return what happened. */
  signal: AbortSignal;
}

export interface StepOutcome {
  stepId: string;
  ok: boolean;
  outcome: string;
  exitCode: number | null;
  /** Why a step did not run or failed (refusal, missing approval, proxy stopped …). */
  reason?: string;
  fix?: string;
  /** Where the step is written, to show a failure. */
  file?: string;
  line?: number;
  /** The end of what the step printed, at most limits.heartbeatKeptOutputBytes per stream. */
  stdout?: string;
  stderr?: string;
}

export interface RunResult {
  steps: StepOutcome[];
  /**
   * Files the steps wrote into the workspace ("/"-separated, relative to it): install copies them
   * out through hostfs (streamed and hashed), re-scans and pins them.
   */
  written: string[];
}

/** The sandbox runner (src/run). */
export type StepRunner = (req: RunRequest) => Promise<RunResult>;

export interface Fetcher {
  fetchText(url: string): Promise<FetchedFile & { text: string }>;
}

export interface RemoteDeps {
  scan: ScanFn;
  run: StepRunner;
  fetcher: Fetcher;
  /** ms since epoch; injectable for tests. */
  now?: () => number;
}
