// The data that flows through the pipeline. Every stage reads and writes only these shapes,
// so a stage can be replaced without touching the others. Positions are 1-based line:column
// in the file the text came from (for a frontmatter spec or bundled file: that file).

import type { CopyTargets } from "./policy/copy-targets.js";
import type { ExtractTargets } from "./policy/extract-targets.js";

export interface Position {
  line: number;
  column: number;
  /** 0-based UTF-16 offset into the source text (matches String.slice). */
  offset: number;
}

export interface Span {
  start: Position;
  end: Position;
}

/** Where a step came from. */
export type StepKind =
  | "fenced" // ```bash / sh / shell / zsh, or an unlabeled block that parses as shell
  | "console" // ```console / shell-session with `$ ` prompts stripped
  | "inline" // a command in inline code in prose
  | "blockquote" // a command in a blockquote
  | "frontmatter-install" // metadata.openclaw.install[] spec turned into a command
  | "bundled-script"; // scripts/*.sh in a skill folder

/** A command text an agent would run, with where it came from. */
export interface Step {
  /** Stable within one scan: "<file>#<line>:<column>". */
  id: string;
  kind: StepKind;
  /** File the step was read from, relative to the skill root (e.g. "SKILL.md", "scripts/setup.sh"). */
  file: string;
  line: number;
  column: number;
  /** The shell text of the step (prompts stripped for console blocks). */
  text: string;
  /** Offset of `text` inside its file, so analysis positions can be mapped back. */
  offset: number;
  /**
   * Map from a 0-based offset in `text` to [line, column] in the file. Console blocks strip
   * prompts, so positions inside them are not contiguous; everything else is contiguous.
   */
  lineStarts?: ReadonlyArray<{ textOffset: number; line: number; column: number }>;
  /** True when `run`/`install` will execute this step (install heading, frontmatter spec, user selection). */
  install: boolean;
  /** Why `install` is true or false, for the report ("under heading 'Install locally'"). */
  installReason?: string;
  /** Fence language, as written ("bash", "" for unlabeled). */
  lang?: string;
  /** Nearest heading above the step, if any. */
  heading?: string;
}

export interface Link {
  url: string;
  /** Lower-cased host, "" when the URL has none (mailto:, relative). */
  host: string;
  line: number;
  column: number;
  /** Link text or alt text, when the link has one. */
  text?: string;
  kind: "link" | "image" | "autolink" | "bare" | "definition" | "code";
}

export interface EmbeddedCode {
  lang: string;
  text: string;
  line: number;
  column: number;
  offset: number;
}

export type InstallSpecKind =
  "brew" | "node" | "go" | "uv" | "pip" | "apt" | "shell" | "download" | "unknown";

export interface InstallSpec {
  kind: InstallSpecKind;
  /** The spec as written (object from the metadata). */
  raw: Record<string, unknown>;
  /** The shell command skillwall derives from the spec and judges. */
  command: string;
  line: number;
  column: number;
}

export interface SkillMetadata {
  /** Which key held it: "openclaw", "clawdbot" or "moltbot". */
  namespace?: string;
  requires: { bins: string[]; env: string[]; anyBins: string[]; config: string[] };
  install: InstallSpec[];
  /** Everything else under metadata.<namespace>, as parsed. */
  extra: Record<string, unknown>;
}

export interface Frontmatter {
  raw: string;
  /** 1-based line where the frontmatter body starts (the line after `---`). */
  line: number;
  data: Record<string, unknown>;
  name?: string;
  description?: string;
  metadata?: SkillMetadata;
  /** Problems reading the frontmatter (invalid YAML, invalid JSON5 metadata). */
  errors: string[];
}

/** A piece of prose, for detectors that read text (prompt injection, lures, hidden content). */
export interface TextSegment {
  kind:
    | "paragraph"
    | "heading"
    | "blockquote"
    | "list-item"
    | "table-cell"
    | "html"
    | "html-comment"
    /** Text of a markdown construct that never renders (`[//]: # (…)`), read like an HTML comment. */
    | "md-comment"
    /** A link's or image's title (a tooltip): the agent reads it, a reader rarely sees it. */
    | "link-title"
    /** A frontmatter field other than name and description (frontmatter-text.ts). */
    | "frontmatter"
    /** The text of a code block in no programming language (none, `text`, an unknown word). */
    | "code-text"
    | "code-inline"
    /** Text of an HTML/XML element a browser does not show (display:none, `hidden`): markup-text.ts. */
    | "hidden-element";
  text: string;
  line: number;
  column: number;
  offset: number;
}

export interface BundledFile {
  /** Path relative to the skill root, "/"-separated. */
  path: string;
  size: number;
  /** "shell" | "python" | "javascript" | "markdown" | "other" | "binary" */
  type: "shell" | "python" | "javascript" | "markdown" | "other" | "binary";
  /** Text content for text files under the size limit. */
  text?: string;
  sha256: string;
}

/** A bundled markdown (or plain-text instructions) file, as the extractor read it. */
export interface BundledDocument {
  /** Path relative to the skill root, as in BundledFile.path. */
  file: string;
  text: string;
  segments: TextSegment[];
  code: EmbeddedCode[];
  links: Link[];
}

/** Everything skillwall knows about one skill after parsing and extraction. */
export interface SkillModel {
  /** What the user named: a path, a URL or "-" for stdin. */
  source: string;
  /** The main markdown file, relative to the skill root ("SKILL.md", "skill.md", or the file name). */
  file: string;
  sha256: string;
  text: string;
  frontmatter?: Frontmatter;
  steps: Step[];
  links: Link[];
  code: EmbeddedCode[];
  segments: TextSegment[];
  bundled: BundledFile[];
  /**
   * Bundled markdown and plain-text instructions (references/*.md, docs/*.txt), read like the
   * main file: their prose, code blocks and links, each with that file's positions.
   */
  documents?: BundledDocument[];
  /** Non-fatal problems (e.g. a bundled file that could not be read). */
  warnings: string[];
  /**
   * Text that could hold a command but was not judged (a file with nothing to judge, a
   * bundled file that could not be read): a skill with any is never `allow`.
   */
  unanalysed?: Unanalysed[];
  /** Where OpenClaw reads the frontmatter differently from skillwall: such a skill is denied. */
  frontmatterDisagreements?: Unanalysed[];
}

export interface Unanalysed {
  file: string;
  line: number;
  column?: number;
  /** Why it was not analysed. */
  why: string;
  /** The text that was not analysed (one line, possibly shortened). */
  text?: string;
}

// ---------------------------------------------------------------------------------------------
// Shell analysis

/**
 * One piece of a resolved word. A word is static when all parts are literal; an `env` part is
 * a `$NAME`/`${NAME}` expansion kept symbolic, which only a policy that names NAME may allow.
 */
export type WordPart = { kind: "literal"; value: string } | { kind: "env"; name: string };

export interface Word {
  /** The source text of the word, as written. */
  raw: string;
  /** Resolved value with env parts rendered as `${NAME}`; for dynamic words, best effort. */
  value: string;
  parts: WordPart[];
  /** Set when the word cannot be known statically; names the construct ("command substitution $(…)"). */
  dynamic?: string;
  span: Span;
}

export type RedirectOp = ">" | ">>" | ">|" | "<" | "<>" | "&>" | "&>>" | ">&" | "<&" | "<<" | "<<-" | "<<<";

export interface Redirect {
  op: RedirectOp;
  /** File descriptor written before the operator (`2>`), when present. */
  fd?: number;
  /** The target word; for `>&2`-style dups the fd number as a literal word. */
  target?: Word;
  /** For heredocs: the body (static only when the delimiter is quoted or the body has no $ ` \). */
  heredoc?: { delimiter: string; quoted: boolean; body: string };
  span: Span;
}

/** Where a simple command sits; anything but "top" means it is nested inside another construct. */
export type CommandContext =
  | "top"
  | "command-substitution"
  | "process-substitution"
  | "subshell"
  | "group"
  | "function"
  | "control-flow"
  | "background"
  | "wrapped"; // the inner argv of a wrapper (sudo, env, sh -c …) unwrapped by policy or detectors

export interface SimpleCommand {
  argv: Word[];
  redirects: Redirect[];
  /** `NAME=value` prefixes; any is denied by default (LD_PRELOAD=, PATH=, …). */
  assignments: Array<{ name: string; value: Word; span: Span }>;
  context: CommandContext;
  /** Position in its pipeline: stage index and stage count (1 for a lone command). */
  pipeline: { index: number; length: number; id: number };
  span: Span;
}

/** How consecutive pipelines of the top-level list are joined. */
export type ListOperator = "&&" | "||" | ";";

export interface ShellProblem {
  /** Stable code, e.g. "dynamic", "construct", "parse-error", "tree-divergence", "control-char". */
  code: string;
  /** The construct named for the reader: "command substitution $(…)", "for loop", "backslash-newline inside a word". */
  construct: string;
  message: string;
  span: Span;
}

/**
 * The analysed form of one step. `script` is the executable shape (only when the step has no
 * problems): a list of pipelines joined by && / || / ;. `commands` lists every simple command
 * anywhere in the text, nested ones included, so each is judged.
 */
export interface ShellAnalysis {
  text: string;
  commands: SimpleCommand[];
  problems: ShellProblem[];
  script?: { pipelines: SimpleCommand[][]; operators: ListOperator[] };
}

// ---------------------------------------------------------------------------------------------
// Policy verdicts

export type Verdict = "allow" | "review" | "deny";

export interface CommandVerdict {
  verdict: Verdict;
  /** Rule id that decided ("default-deny" when nothing matched, "dynamic" for unresolvable). */
  rule: string;
  reason: string;
  /** For a denial: what change to the policy would allow it, or why none can. */
  fix?: string;
}

export interface JudgedCommand extends CommandVerdict {
  command: SimpleCommand;
  /** Hosts this command would contact (from typed URL values), for egress allowlists. */
  hosts: Array<{ host: string; port: number; scheme: string }>;
  /** Env vars the command expands (values are passed to the sandbox at run time). */
  env: string[];
  /** Where it runs when a `cd DIR &&` before it moved it (absolute); otherwise the policy's workdir. */
  cwd?: string;
  /** A copy or move (cp, mv …): where its sources land, for the gate to walk their trees. */
  copies?: CopyTargets;
  /** An archive extraction (tar -x, unzip): the gate lists the members it writes. */
  extracts?: ExtractTargets;
}

export interface JudgedStep extends CommandVerdict {
  step: Step;
  analysis: ShellAnalysis;
  commands: JudgedCommand[];
}

// ---------------------------------------------------------------------------------------------
// Findings (security review)

export type Severity = "info" | "low" | "medium" | "high" | "critical";

export type FindingCategory =
  | "remote-code-execution"
  | "obfuscation"
  | "lure"
  | "credential-access"
  | "exfiltration"
  | "persistence"
  | "remote-instructions"
  | "prompt-injection"
  | "hidden-content"
  | "destructive"
  | "privilege-escalation"
  | "undeclared-capability"
  | "bundled-code";

export interface Finding {
  /** Rule id, stable, e.g. "SW101" style or "rce.download-exec". */
  id: string;
  category: FindingCategory;
  severity: Severity;
  /** File the finding is in, relative to the skill root. */
  file: string;
  line: number;
  column: number;
  message: string;
  evidence: string;
  /** For decoded payloads: the decoded text. */
  decoded?: string;
}

// ---------------------------------------------------------------------------------------------
// Scan result (the JSON contract, versioned: see README)

export interface SkillResult {
  source: string;
  file: string;
  sha256: string;
  verdict: Verdict;
  risk: Severity | "none";
  steps: JudgedStep[];
  findings: Finding[];
  model: SkillModel;
}

export interface SkillError {
  source: string;
  code: string;
  message: string;
}
