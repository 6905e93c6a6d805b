// The serve socket protocol: one JSON line in, one JSON line out, per connection.
// A request carries exactly one of: `command` (judge and run now), `register` (judge now, keep the
// checked form for one later run, answered with `job`), or `job` (run a registered command).
// Registering lets the OpenClaw plugin hand its host shell only an opaque job id, never text.

export interface ServeRequest {
  version: 1;
  /** The command text; the server analyses and judges it again and runs only its checked form. */
  command?: string;
  /** Like `command`, but only judged and kept; the answer's `job` runs it once. */
  register?: string;
  /** The id a `register` answer returned. */
  job?: string;
  /** Wall-clock limit for this command, ms (capped by the policy's sandbox timeout). */
  timeoutMs?: number;
}

export interface ServeResponse {
  version: 1;
  ok: boolean;
  /** Set when the command did not run: why, and what to do. */
  error?: { code: string; message: string; fix?: string };
  /** The id of a registered command (answer to `register`). */
  job?: string;
  /** The canonical form that ran (or, for `register`, that will run). */
  ran?: string;
  exitCode?: number | null;
  outcome?: string;
  stdout?: string;
  stderr?: string;
  durationMs?: number;
  /** The hosts the command could reach through its egress proxy; absent: it had no network. */
  egress?: string[];
}
