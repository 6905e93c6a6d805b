// Run one created container to its end: attach, start, enforce the wall clock and the output
// cap, wait, and say how it ended. The caller removes the container.

import os from "node:os";
import type { ContainerClient } from "./container-client.js";
import { publishLifecycle } from "../events.js";
import { CappedOutput } from "./output.js";

export type ContainerOutcome =
  "ok" | "failed" | "oom-killed" | "timed-out" | "seccomp-killed" | "output-capped" | "aborted" | "error";

export interface ContainerRun {
  containerId: string;
  outcome: ContainerOutcome;
  exitCode: number | null;
  /** Signal that ended the step's process (from a 128+N exit status), null otherwise. */
  signal: string | null;
  durationMs: number;
  stdout: string;
  stderr: string;
  /** Bytes each stream produced, including what the cap dropped. */
  stdoutBytes: number;
  stderrBytes: number;
  outputCapped: boolean;
  /** Docker's error text when the container could not start. */
  error?: string;
}

export interface ExecuteOptions {
  timeoutMs: number;
  outputBytes: number;
  signal?: AbortSignal;
}

const signalNames = new Map<number, string>(
  Object.entries(os.constants.signals).map(([name, n]) => [n, name]),
);
const SIGSYS = os.constants.signals.SIGSYS;

function signalOf(status: number): string | null {
  return status > 128 && status < 128 + 65 ? (signalNames.get(status - 128) ?? null) : null;
}

export async function executeContainer(
  client: ContainerClient,
  id: string,
  opts: ExecuteOptions,
): Promise<ContainerRun> {
  const stdout = new CappedOutput(opts.outputBytes);
  const stderr = new CappedOutput(opts.outputBytes);
  let stopReason: "timed-out" | "output-capped" | "aborted" | undefined;
  let ended = false;
  const stop = (reason: NonNullable<typeof stopReason>): void => {
    if (stopReason !== undefined) return;
    stopReason = reason;
    void killUntilEnded(client, id, () => ended);
  };

  const attachment = await client.attach(id, (stream, data) => {
    const out = stream === "stdout" ? stdout : stderr;
    out.push(data);
    // Past the cap the bytes are counted and dropped; a step that keeps flooding is stopped.
    if (out.total > 2 * opts.outputBytes) stop("output-capped");
  });

  const onAbort = (): void => stop("aborted");
  if (opts.signal?.aborted) {
    attachment.close();
    return emptyRun(id, "aborted");
  }
  opts.signal?.addEventListener("abort", onAbort, { once: true });
  const started = performance.now();
  let timer: NodeJS.Timeout | undefined;
  try {
    try {
      await client.start(id);
    } catch (err) {
      attachment.close();
      return {
        ...emptyRun(id, "error"),
        error: (err as Error).message,
        durationMs: performance.now() - started,
      };
    }
    timer = setTimeout(() => stop("timed-out"), opts.timeoutMs);
    const status = await client.wait(id).finally(() => (ended = true));
    const durationMs = performance.now() - started;
    clearTimeout(timer);
    // The attach stream ends with the container; do not hang on a stream that lingers.
    await Promise.race([attachment.done, new Promise((r) => setTimeout(r, 500).unref())]);
    attachment.close();
    const state = await client.inspect(id);
    const capped = stdout.capped || stderr.capped;
    let outcome: ContainerOutcome;
    if (stopReason === "timed-out" || stopReason === "aborted") outcome = stopReason;
    else if (state.oomKilled) outcome = "oom-killed";
    else if (status === 128 + SIGSYS) outcome = "seccomp-killed";
    else if (capped) outcome = "output-capped";
    else outcome = status === 0 ? "ok" : "failed";
    return {
      containerId: id,
      outcome,
      exitCode: status,
      signal: signalOf(status),
      durationMs,
      stdout: stdout.text(),
      stderr: stderr.text(),
      stdoutBytes: stdout.total,
      stderrBytes: stderr.total,
      outputCapped: capped,
      ...(state.error ? { error: state.error } : {}),
    };
  } finally {
    clearTimeout(timer);
    opts.signal?.removeEventListener("abort", onAbort);
  }
}

/** Pause between kill attempts while the container has not ended, ms. */
const killRetryMs = 500;

/**
 * SIGKILL, again and again until the container has ended: a failed kill call (daemon busy, the
 * process short of descriptors) must not leave the step running past its limit.
 */
export async function killUntilEnded(
  client: ContainerClient,
  id: string,
  ended: () => boolean,
): Promise<void> {
  while (!ended()) {
    try {
      await client.kill(id);
    } catch (err) {
      publishLifecycle({ event: "kill-failed", containerId: id, error: (err as Error).message });
    }
    await new Promise((r) => setTimeout(r, killRetryMs));
  }
}

/** The result fields of a container that never ran: no exit, no time, no output. */
export const noRunResult = {
  exitCode: null,
  signal: null,
  durationMs: 0,
  stdout: "",
  stderr: "",
  stdoutBytes: 0,
  stderrBytes: 0,
  outputCapped: false,
} as const;

function emptyRun(id: string, outcome: ContainerOutcome): ContainerRun {
  return { containerId: id, outcome, ...noRunResult };
}
