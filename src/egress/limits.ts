// Egress limits per step, with their defaults. (Candidates for src/limits.ts when the lead merges.)

export const egressDefaults = {
  /** Bytes from the outside world to the step (responses, tunnel downstream), all connections together. */
  maxBytesIn: 256 * 1024 * 1024,
  /** Bytes from the step to the outside world (requests, tunnel upstream), all connections together. */
  maxBytesOut: 16 * 1024 * 1024,
  /** Upstream connections a step may open in total. */
  maxConnections: 64,
  /** Upstream connections open at the same time. */
  maxConcurrent: 16,
  /** Longest life of one tunnel or plain request, ms. */
  requestTimeoutMs: 120_000,
  /** A connection with no traffic either way for this long is closed, ms. */
  idleTimeoutMs: 30_000,
  /** Longest wait for the upstream TCP connection, ms. */
  connectTimeoutMs: 10_000,
  /** Longest wait for name resolution, ms. */
  resolveTimeoutMs: 5_000,
} as const;

export type EgressLimits = { -readonly [K in keyof typeof egressDefaults]: number };
