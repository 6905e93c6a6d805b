// What a CLI command may touch of the process: streams, env, cwd. Tests pass their own.

export interface CliIO {
  stdout: { write(chunk: string): unknown; isTTY?: boolean };
  stderr: { write(chunk: string): unknown; isTTY?: boolean };
  stdin: NodeJS.ReadableStream & { isTTY?: boolean };
  env: NodeJS.ProcessEnv;
  cwd: string;
}

export function processIO(): CliIO {
  return {
    stdout: process.stdout,
    stderr: process.stderr,
    // Read on first use: process.stdin builds its stream (loading tty, net or fs streams) when
    // first read, ~10-20 ms of a one-file scan's start-up that only `-` (read stdin) needs.
    get stdin() {
      return process.stdin;
    },
    env: process.env,
    cwd: process.cwd(),
  };
}

/** Exit codes (docs/architecture.md): 0 all allowed, 1 denied/review/high finding, 2 usage or input error. */
export const exitCodes = { ok: 0, flagged: 1, usage: 2, refused: 126 } as const;

/** Colour only on a TTY and never when NO_COLOR is set (https://no-color.org). */
export function useColor(io: CliIO, stream: "stdout" | "stderr" = "stdout"): boolean {
  if (io.env.NO_COLOR !== undefined && io.env.NO_COLOR !== "") return false;
  if (io.env.FORCE_COLOR !== undefined && io.env.FORCE_COLOR !== "0") return true;
  return io[stream].isTTY === true;
}

/** Exit status of a process whose reader went away (128 + SIGPIPE, as a shell reports it). */
export const brokenPipeExitCode = 141;

/**
 * `skillwall … | head` closes the pipe early: the next write fails with EPIPE, which Node raises
 * as an unhandled 'error' event (a stack trace). Exit quietly instead, as a program killed by
 * SIGPIPE would; any other stream error is still raised.
 */
export function exitQuietlyOnBrokenPipe(
  stream: NodeJS.WritableStream,
  exit: (code: number) => void = (code) => process.exit(code),
): void {
  stream.on("error", (err: NodeJS.ErrnoException) => {
    if (err.code === "EPIPE") exit(brokenPipeExitCode);
    else throw err;
  });
}
