// The policy language, as loaded (after schema validation, `extends` merging and defaults).
// The file format is documented in docs/policy.md and checked by policies/schema.json.

import type { SandboxLimits } from "../limits.js";

/** A typed value: what an option value or a positional argument may be. */
export type ValueSpec =
  | { type: "any-flag" } // internal: option takes no value
  | {
      type: "url";
      /** Allowed schemes, lower-case, without ":" (default ["https"]). */
      schemes: string[];
      /** Exact hosts or "*.suffix" wildcards (the suffix itself is not matched by "*.x"). */
      hosts: string[];
      /** Allowed ports; empty = the scheme's default port only. */
      ports: number[];
      /** Globs over the URL path ("/api/v1/**"); empty = any path. */
      paths: string[];
      /** Whether a query string is allowed (default true). */
      query: boolean;
    }
  | {
      type: "path";
      /** Globs after ~ expansion and .. normalisation ("~/.moltbot/skills/moltbook/**"). */
      allow: string[];
      /** Globs that win over allow (e.g. a write spec that must not create git's HEAD/config/hooks). */
      except?: string[];
      /** The command writes to it (checked against the sandbox's write roots too). */
      write: boolean;
    }
  | { type: "enum"; values: string[]; caseInsensitive: boolean }
  | { type: "integer"; min?: number; max?: number }
  | {
      type: "string";
      /** Globs the whole value must match (`*` any run, `?` one char); empty = anything. */
      match: string[];
      /** Globs the value must not match; they win over match (an npm spec that is a folder: ".*"). */
      except?: string[];
      maxLength: number;
      /** When set, every character of the value must be one of these (e.g. "0123456789,p$" for sed -n). */
      chars?: string;
      /** Env vars that may appear in the value as $NAME / ${NAME}; the glob sees them as ${NAME}. */
      env: string[];
    }
  | { type: "json"; maxLength: number; env: string[] };

export interface OptionSpec {
  /** Every spelling: "-X", "--request". */
  names: string[];
  /** Absent = a flag that takes no value. */
  value?: ValueSpec;
  /** How many times it may appear (default unlimited). */
  max?: number;
  /** Must be present for the rule to match. */
  required: boolean;
}

export interface PositionalSpec {
  value: ValueSpec;
  min: number;
  max: number;
}

export interface RedirectSpec {
  /** Which streams: "stdout" (> >>), "stderr" (2>), "stdin" (<), "heredoc" (<< with a static body). */
  stream: "stdout" | "stderr" | "stdin" | "heredoc";
  /** Allowed targets, as a path spec; "/dev/null" is always allowed for stdout/stderr. */
  target?: ValueSpec;
  /** Allow appending (>>) as well as truncating. */
  append: boolean;
}

export interface CommandRule {
  id: string;
  description?: string;
  /** The program as written in argv[0] (bare name, or an exact path). */
  program: string;
  /** allow (default) or review: a review rule's matches need a person's approval to run. */
  verdict: "allow" | "review";
  options: OptionSpec[];
  /** Whether `--` may end the options. */
  endOfOptions: boolean;
  positionals: PositionalSpec[];
  redirects: RedirectSpec[];
  /** Pipeline: rule ids whose output this command may read; "*" = any allowed rule. Empty = not as a later stage. */
  pipeFrom: string[];
  /** Wrappers only: after options and positionals, the rest is an inner command judged on its own. */
  unwrap: boolean;
  /**
   * Catch-all (sandbox-only): any options, arguments and redirects. Shell problems (dynamic
   * constructs), blocked paths and deny rules still apply. With program "*" it matches every program.
   */
  anyArgs: boolean;
}

export interface DenyRule {
  id: string;
  reason: string;
  /** Program names (argv[0] basename) the rule applies to; "*" = every program. */
  programs: string[];
  /** Any of these options present (exact spelling, also inside bundles and as --opt=value). */
  options: string[];
  /** Any argument matching one of these globs. */
  args: string[];
}

export interface EnvSpec {
  /** Redacted in logs and reports; passed to the sandbox only for commands that expand it. */
  secret: boolean;
  description?: string;
}

export interface NetworkPolicy {
  /** Hosts steps may reach at run time (intersected with what each step's arguments name). */
  hosts: string[];
  /** Hosts that may be reached over plain http. */
  httpHosts: string[];
  /** Ports allowed (default 443, and 80 for httpHosts). */
  ports: number[];
  /** Addresses (IPs/CIDRs) explicitly allowed even though private/loopback. */
  allowAddresses: string[];
  /** Per-step egress limits; unset ones keep the runner's defaults (src/egress/limits.ts). */
  limits?: NetworkLimits;
}

/** Egress limits of one step, all its connections together (enforced by the egress proxy). */
export interface NetworkLimits {
  /** Bytes from the outside world to the step; the proxy forwards none past it. */
  bytesIn?: number;
  /** Bytes from the step to the outside world; the proxy forwards none past it. */
  bytesOut?: number;
  /** Upstream connections (tunnels and plain requests) the step may open in total. */
  connections?: number;
  /** Longest life of one tunnel or plain request, ms. */
  requestMs?: number;
}

export interface Policy {
  name: string;
  description?: string;
  /** Files this policy was loaded from, base first (for reports and the policy hash). */
  sources: string[];
  /** sha256 of the canonical merged policy. */
  hash: string;
  /** What `~` expands to when judging paths (the sandbox home). */
  home: string;
  /** Set per scan, never by a policy file: the scanned skill's own folders (see protected.ts). */
  ownSkillFolders?: readonly string[];
  /** The directory relative paths are resolved against. */
  workdir: string;
  commands: CommandRule[];
  deny: DenyRule[];
  /** Globs no rule can open, read or write (after ~ expansion). */
  blockedPaths: string[];
  env: Record<string, EnvSpec>;
  network: NetworkPolicy;
  sandbox: Partial<SandboxLimits> & {
    /** Run `review` steps with --yes without asking (only when a policy says so). */
    autoApproveReview?: boolean;
  };
  /**
   * Heartbeat settings: may auto-approve changes whose steps are all allowed; `steps` are the
   * only scripted heartbeat steps (heartbeat.md's examples are never run).
   */
  heartbeat: { autoApproveAllowed: boolean; keepOldStepsWhilePending: boolean; steps: HeartbeatStepSpec[] };
  /** Example commands of this policy file (not of its bases), checked when it loads. */
  examples: PolicyExamples;
}

/** One scripted heartbeat step the operator lists in the policy. */
export interface HeartbeatStepSpec {
  /** Unique name (lower-case letters, digits, . -), shown in status and the audit log. */
  id: string;
  description?: string;
  /** The shell text, judged like any step (canonical form) before it runs. */
  run: string;
  /** Whether the step may change something (send a body, POST/PUT/…, write a file); default false. */
  writes: boolean;
}

export interface PolicyExamples {
  allow: string[];
  review: string[];
  deny: string[];
}
