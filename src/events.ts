// Stages publish what they decide and do on named diagnostics channels; the audit sink (and
// anything else) subscribes. The evaluator and the runner never call a logger directly.

import diagnostics_channel from "node:diagnostics_channel";

export interface DecisionEvent {
  source: string;
  sha256: string;
  file: string;
  line: number;
  column: number;
  argv: string[];
  verdict: "allow" | "review" | "deny";
  rule: string;
  reason: string;
}

export interface ExecutionEvent {
  runId: string;
  source: string;
  sha256: string;
  line: number;
  /** What the container executed (the canonical rendering run by a clean bash). */
  argv: string[];
  /** The resolved argv of each checked command in the step (env parts as ${NAME}, never values). */
  commands?: string[][];
  containerId?: string;
  imageId?: string;
  limits?: Record<string, number>;
  exitCode: number | null;
  signal?: string | null;
  outcome: string;
  durationMs: number;
  stdoutBytes: number;
  stderrBytes: number;
}

export interface EgressEvent {
  runId?: string;
  step?: string;
  host: string;
  port: number;
  decision: "allow" | "deny";
  rule: string;
  reason?: string;
  bytesIn: number;
  bytesOut: number;
}

export const channels = {
  decision: diagnostics_channel.channel("skillwall:decision"),
  execution: diagnostics_channel.channel("skillwall:execution"),
  egress: diagnostics_channel.channel("skillwall:egress"),
  /** Anything else worth auditing (heartbeat checks, approvals, fetches). */
  lifecycle: diagnostics_channel.channel("skillwall:lifecycle"),
} as const;

export function publishDecision(e: DecisionEvent): void {
  if (channels.decision.hasSubscribers) channels.decision.publish(e);
}
export function publishExecution(e: ExecutionEvent): void {
  if (channels.execution.hasSubscribers) channels.execution.publish(e);
}
export function publishEgress(e: EgressEvent): void {
  if (channels.egress.hasSubscribers) channels.egress.publish(e);
}
export function publishLifecycle(e: Record<string, unknown> & { event: string }): void {
  if (channels.lifecycle.hasSubscribers) channels.lifecycle.publish(e);
}
