// SIGINT/SIGTERM during a run: abort it (the runner kills and removes the run's containers),
// then the CLI exits with 128+signal. A second signal while cleaning up ends the process at
// once: the handlers step aside and the signal is raised again with its default action.

import os from "node:os";

export interface SignalGuard {
  readonly signal: AbortSignal;
  /** The signal that aborted the run, if any. */
  received(): NodeJS.Signals | undefined;
  /** 128 + signal number when a signal arrived, else undefined. */
  exitCode(): number | undefined;
  dispose(): void;
}

export function abortOnSignals(signals: NodeJS.Signals[] = ["SIGINT", "SIGTERM"]): SignalGuard {
  const controller = new AbortController();
  let got: NodeJS.Signals | undefined;
  const handler = (sig: NodeJS.Signals): void => {
    if (got !== undefined) {
      for (const s of signals) process.off(s, handler);
      process.kill(process.pid, sig);
      return;
    }
    got = sig;
    controller.abort(new Error(`received ${sig}`));
  };
  for (const s of signals) process.on(s, handler);
  return {
    signal: controller.signal,
    received: () => got,
    exitCode: () => (got === undefined ? undefined : 128 + (os.constants.signals[got] ?? 0)),
    dispose: () => {
      for (const s of signals) process.off(s, handler);
    },
  };
}
