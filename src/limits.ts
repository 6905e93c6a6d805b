// Every limit in one place, with its default next to it. Anything past a limit is an input
// error for that file (reported, the other files still scanned), never a silent truncation.

export const limits = {
  /** Largest markdown or bundled file read, in bytes. */
  maxFileBytes: 2 * 1024 * 1024,
  /** Largest number of bundled files listed from one skill folder. */
  maxBundledFiles: 500,
  /**
   * Most bytes hashed, in one scan (all skills together), of bundled files too large to read
   * (over maxFileBytes): sparse files make such bytes free to ship. Past it a file is reported
   * not analysed (not hashed), so the skill is never `allow`.
   */
  maxHashedBytes: 256 * 1024 * 1024,
  /** Largest number of steps extracted from one skill. */
  maxSteps: 5_000,
  /** Most unanalysed lines listed per file; past it one record says the rest were not listed. */
  maxUnanalysed: 1_000,
  /** Deepest markdown nesting (blockquotes/lists) accepted before the file is refused. */
  maxMarkdownDepth: 100,
  /**
   * Most separate lists/blockquotes in one markdown file before it is refused: the parser's time
   * grows with the square of their number (the largest real skill file in the corpus has 268).
   */
  maxMarkdownContainers: 1_000,
  /**
   * Most inline-parse work in one markdown file, summed over its paragraphs (lines between blank
   * lines): for each, its length in characters times (the fewer of its text runs — lines plus
   * markup & \ ` [ ] * _ > — and its markup that may fall back to text, < ! & \ ` ], plus 4 per
   * emphasis marker * _). micromark's text and emphasis resolvers splice the paragraph's events
   * once per such piece, so their time grows with the square of a paragraph's size (1 MB of
   * `<<EOF ` lines: 8.8 s CPU; 60 KB of `*a`: 13 s). No file of the corpus (1,979 markdown
   * files) reaches 3e7; 1e9 is at most ~2-3 s of parsing.
   */
  maxInlineMarkupWork: 1_000_000_000,
  /** Longest single command text analysed, in characters. */
  maxCommandChars: 64 * 1024,
  /**
   * Most heredoc operators (`<<`) in one shell block before it is refused unparsed: the bash
   * parser's time grows with the square of their number (60 KB of `<<` lines: 13 s per block).
   */
  maxHeredocOperators: 500,
  /**
   * Longest one shell parse may take before it is cancelled and the block refused unparsed (ms).
   * Ordinary 60 KB scripts parse in under 0.2 s; some malformed text makes the bash parser
   * quadratic (30 KB of `&#` lines: 4.5 s). A safety net, not a figure tests depend on.
   */
  maxShellParseMs: 5000,
  /** Deepest shell nesting (substitutions, subshells) walked. */
  maxShellDepth: 64,
  /** Most simple commands collected from one step. */
  maxCommandsPerStep: 2_000,
  /** Lines around an encoded blob searched for an order to decode and run it (obfuscation.encoded-order). */
  encodedOrderWindowLines: 6,
  /** Fewest numbers in a list read as encoded text by obfuscation.encoded-order. */
  encodedOrderMinNumbers: 12,
  /** Fewest consecutive \xHH / octal escapes read as text hidden in a command (obfuscation.escaped-text). */
  escapedTextMinRun: 8,
  /** List items read together by exfil.split-steps (a credential read, then a send). */
  splitStepsMaxItems: 12,
  /** Most decoded snippets (base64/85, hex, joined pieces, char codes) re-read from one skill file's lines by the host rules. */
  maxDecodedLines: 200,
  /** How many times decoded payloads are decoded again (base64 of base64 …). */
  maxDecodeDepth: 4,
  /**
   * A host the skill's own text names on at least this many distinct lines is taken as its
   * declared service (its API), so sending its data or credentials there is not exfiltration.
   */
  serviceHostMinLines: 3,
  /**
   * Fewest words a string value of a JSON code block has to be read as a sentence (and judged by
   * the prose rules): shorter values are labels and identifiers.
   */
  jsonProseMinWords: 6,
  /**
   * Lines of bundled code after a condition on the machine (marker file, variable, host, date)
   * read as the branch it guards, by bundled.triggered-payload (default 60).
   */
  triggerBlockLines: 60,
  /** Names tested for existence in one script that bundled.triggered-payload follows to a constant marker path (default 20). */
  markerConstants: 20,
  /**
   * Rows of a markdown table walked up to find its header and lead: a quoting cue there (an
   * "attack / example" column, "what attackers type:") quotes every row (default 60).
   */
  quotedTableRows: 60,
  /**
   * Bundled code reading the home directory or the agent platform's config counts as reading the
   * skill's own key only when one of the skill's declared key names appears within this many
   * lines after the read (`config.env.vars.FOO_TOKEN`).
   */
  ownKeyWindowLines: 4,
  /**
   * A secret key read from the environment counts as sent to its own vendor (OPENAI_API_KEY to
   * api.openai.com) when the nearest URL within this many lines above each use carries the
   * vendor's name (the request the key is a header of), or the use is an argument to a client
   * named after the vendor (`OpenAI(api_key=…)`). Default 6: a request call written over a few lines.
   */
  vendorKeyWindowLines: 6,
  /**
   * A list item under a prohibition heading ("## Never do") is taken as one of the prohibited
   * actions, and its findings capped, only up to this many characters; a longer item is a
   * paragraph of its own (text slipped into the list), judged as usual.
   */
  prohibitionItemMaxChars: 200,
  /**
   * Largest audit log `audit verify` and `policy suggest --from-run` read, in bytes (default
   * 256 MiB; the log is checked whole, in memory).
   */
  maxAuditLogBytes: 256 * 1024 * 1024,
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
  /** Commands registered with `skillwall serve` and not yet run (the oldest is dropped first). */
  servePendingJobs: 256,
  /** How long a registered command may wait for its run (a review waits for a person), ms. */
  servePendingJobMs: 15 * 60_000,
  /** Largest OpenClaw config `skillwall doctor --openclaw` reads, in bytes. */
  maxOpenClawConfigBytes: 4 * 1024 * 1024,
  /** YAML nodes a policy's aliases (*name) may expand to in all: shared specs stay cheap, alias bombs fail. */
  maxPolicyAliasNodes: 2_000,
  /** Largest remote file fetched, in bytes. */
  maxFetchBytes: 2 * 1024 * 1024,
  /** Output a heartbeat step leaves for the operator (status, state), per stream: the last bytes. */
  heartbeatKeptOutputBytes: 4 * 1024,
  /** Longest agent turn `heartbeat --agent-turn` lets run (under wrap) before it is killed. */
  agentTurnTimeoutMs: 10 * 60_000,
  /** Distinct (HOME, cwd) views of one policy a judge keeps (oldest dropped first). */
  maxJudgeViews: 64,
  /** Directories `cd DIR &&` moved to whose policy views the evaluator keeps warm, per policy. */
  maxCdViews: 32,
  /** Symbolic links followed while resolving one path on the host (the kernel's own limit, ELOOP). */
  maxSymlinkHops: 40,
  /**
   * Entries the judge looks at below one directory operand (default 2000): for links (diff,
   * cp -r), and for the names a copy or move writes (cp -r, mv). More: the command is refused.
   */
  maxJudgeTreeEntries: 2_000,
  /** Members the host gate lists in one archive a tar -x or unzip extracts (default 2000). More: refused. */
  maxArchiveMembers: 2_000,
  /**
   * Bytes the host gate reads to list an archive's members (default 64 MiB): the file itself and,
   * for a gzip tar, the decompressed stream. More: the extraction is refused.
   */
  maxArchiveListBytes: 64 * 1024 * 1024,
  /** Longest command part quoted in a link-planting refusal's reason (longer ones end in …). */
  maxReasonCommandChars: 120,
  /** Judgements a judge remembers (identical command text, cwd and HOME give the same answer). */
  maxJudgeCache: 1024,
  /** Most files copied into the private snapshot of a skill folder the install gate scans. */
  maxSnapshotFiles: 2_000,
  /** Most bytes copied into that snapshot (each file is also capped by maxFileBytes). */
  maxSnapshotBytes: 64 * 1024 * 1024,
  /** Deepest folder nesting in that snapshot. */
  maxSnapshotDepth: 32,
  /** Largest repository config the gate reads before git runs on the host, in bytes. */
  maxGitConfigBytes: 256 * 1024,
  /** Largest extra CA file (--ca-file) read, bytes: a PEM bundle of many CAs is well below it. */
  maxCaFileBytes: 4 * 1024 * 1024,
  /** Largest install policy request read from stdin, bytes. */
  maxInstallRequestBytes: 1024 * 1024,
  /** Most findings in an install policy answer (OpenClaw keeps at most 100). */
  maxInstallFindings: 100,
} as const;

/**
 * Limits of the supervisor's host-side access to trees a step or a wrapped agent can write
 * (src/hostfs). Past any of them the tree is refused: never skipped, never truncated.
 */
export const hostfsLimits = {
  /** Most entries walked in one tree (workspace check, chown, post-run rescan). */
  maxTreeEntries: 20_000,
  /** Deepest directory nesting walked (each level holds one open directory descriptor). */
  maxTreeDepth: 64,
  /** Largest single file read, hashed or copied out of such a tree (= the steps' RLIMIT_FSIZE). */
  maxFileBytes: 64 * 1024 * 1024,
  /** Most bytes copied out of one workspace after one run (step-written files into the blob store). */
  maxCopiedBytes: 256 * 1024 * 1024,
  /** Largest lockfile or heartbeat state read, or moved out of an agent home by the migration. */
  maxStateFileBytes: 16 * 1024 * 1024,
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

/**
 * Each run's skill workspace lives on its own loop-mounted ext4 filesystem of this size
 * (src/run/workspace-volume.ts): a step cannot fill the host disk or its inode table. Inodes
 * stay below the workspace walk limit (maxWorkspaceEntries, 20,000) so the post-run rescan can
 * always read the whole tree.
 */
export const workspaceQuota = {
  /** Bytes of the workspace filesystem (its image file never grows past this on the host disk). */
  bytes: 256 * 1024 * 1024,
  /** Files and directories it can hold (ext4 rounds up to whole inode groups). */
  inodes: 10_000,
} as const;

export type WorkspaceQuota = { -readonly [K in keyof typeof workspaceQuota]: number };

/**
 * Thresholds of the detached-order rule (src/findings/detectors/detached-orders.ts): an order is
 * "detached" from its skill when enough of its content words appear nowhere else in the skill.
 */
/**
 * Thresholds of the scope-drift rule (src/findings/detectors/scope-drift.ts): a triggered order's
 * act is judged on the words of its object against the skill's name, description and headings.
 */
export const scopeDriftLimits = {
  /** Characters after the act's verb read as its object (the clause is cut at the first break). */
  objectChars: 120,
  /** Fewest content words (stems of 4+ letters, generic words left out) the object must have. */
  minObjectWords: 2,
  /** Longest sentence judged (longer text is a paragraph the splitter could not cut). */
  maxSentenceChars: 600,
} as const;

/** Windows of the combination rules (src/findings/detectors/agent-acts.ts, clause-orders.ts). */
/** Persuaded orders (src/findings/detectors/persuaded-orders.ts). */
export const persuadedOrderLimits = {
  /** Characters after the order's verb read for its object and the reason it gives. */
  objectChars: 160,
  /** Share of the act's content words that may also occur in the skill's purpose (rounded down: five words allow one). */
  purposeShare: 0.2,
  /** Characters after the trigger searched for the order's verb when no comma ends the trigger. */
  triggerChars: 80,
  /** Fewest content words (stems of 4+ letters, generic words left out) the act and object must have. */
  minObjectWords: 2,
  /** Longest sentence judged (longer text is a paragraph the splitter could not cut). */
  maxSentenceChars: 600,
} as const;

/** Topical coherence of an order with its own skill (src/findings/order-coherence.ts). */
export const orderCoherenceLimits = {
  /** Fewest content stems a judged sentence has (a short order says too little to judge). */
  minWords: 3,
  /** Longest sentence judged (longer text is a paragraph the splitter could not cut). */
  maxSentenceChars: 600,
  /**
   * Weighted share of an order's content the rest of the skill must reach for a standing or framed
   * order with an outside act not to be reported high (chosen on TUNE: 2 of 415 benign units, 26
   * of 321 malicious below it; bench/coherence-probe.js).
   */
  highSupport: 0.5,
} as const;

/** Orders on what the skill never handles (src/findings/detectors/foreign-object.ts). */
export const foreignObjectLimits = {
  /** Longest sentence judged (longer text is a paragraph the splitter could not cut). */
  maxSentenceChars: 600,
} as const;

export const agentActLimits = {
  /** Characters after a clause break read for adverbs, an obligation and the order's verb. */
  leadChars: 90,
  /** Characters from the order's verb read as its object and destination. */
  orderChars: 220,
  /** Characters before the order read for what "it" / "its contents" points back to. */
  backChars: 200,
} as const;

export const detachedOrderLimits = {
  /** Fewest content words (stems of 4+ letters, common words left out) a judged sentence has. */
  minContentWords: 4,
  /** Fewest content words of the sentence absent from the rest of the skill. */
  minNovelWords: 3,
  /** Smallest share of the sentence's content words absent from the rest of the skill. */
  minNovelShare: 0.5,
  /** Longest sentence judged (longer text is a paragraph the splitter could not cut). */
  maxSentenceChars: 600,
} as const;
