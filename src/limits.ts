// Every limit in one place, with its default next to it. Anything past a limit is an input
// error for that file (reported, the other files still scanned), never a silent truncation.

export const limits = {
  /** Largest markdown or bundled file read, in bytes. */
  maxFileBytes: 2 * 1024 * 1024,
  /** Largest number of bundled files listed from one skill folder. */
  maxBundledFiles: 500,
  /** Largest number of steps extracted from one skill. */
  maxSteps: 5_000,
  /** Deepest markdown nesting (blockquotes/lists) accepted before the file is refused. */
  maxMarkdownDepth: 100,
  /** Longest single command text analysed, in characters. */
  maxCommandChars: 64 * 1024,
  /** Deepest shell nesting (substitutions, subshells) walked. */
  maxShellDepth: 64,
  /** Most simple commands collected from one step. */
  maxCommandsPerStep: 2_000,
  /** How many times decoded payloads are decoded again (base64 of base64 …). */
  maxDecodeDepth: 4,
  /** Largest policy file, in bytes. */
  maxPolicyBytes: 1024 * 1024,
  /** Deepest `extends` chain. */
  maxPolicyExtends: 16,
  /** Warm sandbox containers `skillwall serve` keeps ready. */
  servePoolSize: 2,
  /** How long a serve request waits for a warm container before it fails, ms. */
  servePoolWaitMs: 30_000,
  /** Largest request line on the serve socket, bytes. */
  serveRequestBytes: 1024 * 1024,
  /** Requests `skillwall serve` runs at once (the rest wait for a container). */
  serveMaxConnections: 16,
  /** Largest OpenClaw config `skillwall doctor --openclaw` reads, in bytes. */
  maxOpenClawConfigBytes: 4 * 1024 * 1024,
  /** YAML nodes a policy's aliases (*name) may expand to in all: shared specs stay cheap, alias bombs fail. */
  maxPolicyAliasNodes: 2_000,
  /** Largest remote file fetched, in bytes. */
  maxFetchBytes: 2 * 1024 * 1024,
} as const;

/** Defaults for every step container; a policy's `sandbox` section may change them. */
export const sandboxDefaults = {
  memoryBytes: 512 * 1024 * 1024,
  /** memory + swap; equal to memory means no swap. */
  memorySwapBytes: 512 * 1024 * 1024,
  pids: 128,
  /** CPU quota in cores (NanoCpus / 1e9). */
  cpus: 1,
  /** Largest file a step may write (RLIMIT_FSIZE), bytes. */
  fileSizeBytes: 64 * 1024 * 1024,
  /** Size of the /tmp tmpfs, bytes. */
  tmpBytes: 64 * 1024 * 1024,
  /** Wall-clock limit per step, ms. */
  timeoutMs: 60_000,
  /** Stdout and stderr each capped at this many bytes. */
  outputBytes: 1024 * 1024,
  /** Open files (RLIMIT_NOFILE). */
  openFiles: 256,
} as const;

export type SandboxLimits = { -readonly [K in keyof typeof sandboxDefaults]: number };
