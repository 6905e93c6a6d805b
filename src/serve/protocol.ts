// The serve socket protocol: one JSON line in, one JSON line out, per connection.

export interface ServeRequest {
  version: 1;
  /** The command text; the server analyses and judges it again and runs only its checked form. */
  command: string;
  /** Wall-clock limit for this command, ms (capped by the policy's sandbox timeout). */
  timeoutMs?: number;
}

export interface ServeResponse {
  version: 1;
  ok: boolean;
  /** Set when the command did not run: why, and what to do. */
  error?: { code: string; message: string; fix?: string };
  /** The canonical form that ran. */
  ran?: string;
  exitCode?: number | null;
  outcome?: string;
  stdout?: string;
  stderr?: string;
  durationMs?: number;
}
