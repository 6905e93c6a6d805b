// Errors carry a stable `code` and a message that says what to do next. The CLI maps them to
// exit code 2 (usage or input error) and prints the message without a stack trace.

export class SkillwallError extends Error {
  readonly code: string;
  /** What the user can do about it, when there is something. */
  readonly fix: string | undefined;

  constructor(code: string, message: string, options?: { fix?: string; cause?: unknown }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = "SkillwallError";
    this.code = code;
    this.fix = options?.fix;
  }
}

/** A file or argument the user gave could not be read or is not acceptable input. */
export class InputError extends SkillwallError {
  constructor(code: string, message: string, options?: { fix?: string; cause?: unknown }) {
    super(code, message, options);
    this.name = "InputError";
  }
}

/** A policy failed to load: schema violation, bad example, unknown extends. Never fall back to defaults. */
export class PolicyError extends SkillwallError {
  /** Where in the policy file: JSON path and, when known, line:column. */
  readonly location: { file: string; path: string; line?: number; column?: number } | undefined;

  constructor(
    code: string,
    message: string,
    options?: {
      fix?: string;
      cause?: unknown;
      location?: { file: string; path: string; line?: number; column?: number };
    },
  ) {
    super(code, message, options);
    this.name = "PolicyError";
    this.location = options?.location;
  }
}

export function describeError(err: unknown): string {
  if (err instanceof SkillwallError) {
    return err.fix ? `${err.message}\n  fix: ${err.fix}` : err.message;
  }
  if (err instanceof Error) return err.message;
  return String(err);
}
