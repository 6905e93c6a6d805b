// Errors of the remote fetcher: a stable code per refusal, the URL it concerned, and the fix.

import { SkillwallError } from "../errors.js";

export type FetchErrorCode =
  | "fetch-bad-url"
  | "fetch-scheme-not-allowed"
  | "fetch-host-not-allowed"
  | "fetch-port-not-allowed"
  | "fetch-private-address"
  | "fetch-dns-failed"
  | "fetch-redirect-limit"
  | "fetch-redirect-invalid"
  | "fetch-http-status"
  | "fetch-too-large"
  | "fetch-content-type"
  | "fetch-not-text"
  | "fetch-timeout"
  | "fetch-failed";

export class FetchError extends SkillwallError {
  override readonly code: FetchErrorCode;
  /** The URL of the hop that failed (after redirects, the one refused). */
  readonly url: string;

  constructor(
    code: FetchErrorCode,
    url: string,
    message: string,
    options?: { fix?: string; cause?: unknown },
  ) {
    super(code, message, options);
    this.name = "FetchError";
    this.code = code;
    this.url = url;
  }
}

/** Walks an error's cause chain for a FetchError (undici wraps errors thrown from `lookup`). */
export function findFetchError(err: unknown): FetchError | undefined {
  let e: unknown = err;
  for (let depth = 0; depth < 8 && e !== undefined && e !== null; depth++) {
    if (e instanceof FetchError) return e;
    e = (e as { cause?: unknown }).cause;
  }
  return undefined;
}
