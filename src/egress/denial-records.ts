// The audit rate limit of refusals. A step can make its proxy refuse thousands of requests a
// second; each refusal is still answered (403) and counted, but only the first maxDeniedRecords
// of each deniedWindowMs window are recorded one by one. The rest become one summary record per
// window: how many, and the first few host:port:rule they named.

import type { EgressLimits } from "./limits.js";
import type { ProxyEgressEvent } from "./types.js";

/** Distinct host:port:rule samples kept in a summary. */
const maxSamples = 10;

export type DenialSummary = Omit<ProxyEgressEvent, "runId" | "step">;

export class DenialRecords {
  private windowStart = -Infinity;
  private recorded = 0;
  private suppressed = 0;
  private readonly samples = new Map<string, number>();
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly limits: Pick<EgressLimits, "maxDeniedRecords" | "deniedWindowMs">,
    private readonly publish: (summary: DenialSummary) => void,
    private readonly now: () => number = () => performance.now(),
  ) {}

  /** Whether this refusal is recorded on its own; false means it was counted for the summary. */
  admit(e: { host: string; port: number; rule: string }): boolean {
    const t = this.now();
    if (t - this.windowStart >= this.limits.deniedWindowMs) {
      this.flush();
      this.windowStart = t;
      this.recorded = 0;
    }
    if (this.recorded < this.limits.maxDeniedRecords) {
      this.recorded++;
      return true;
    }
    this.suppressed++;
    const key = `${e.host}:${e.port} ${e.rule}`;
    if (this.samples.has(key) || this.samples.size < maxSamples) {
      this.samples.set(key, (this.samples.get(key) ?? 0) + 1);
    }
    // The summary also comes when no further refusal arrives to close the window.
    this.timer ??= setTimeout(() => this.flush(), this.limits.deniedWindowMs).unref();
    return false;
  }

  /** Publish the summary of what was suppressed so far (window end, or the proxy closing). */
  flush(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    if (this.suppressed === 0) return;
    const n = this.suppressed;
    const samples = [...this.samples].map(([k, count]) => `${k} ×${count}`).join(", ");
    this.suppressed = 0;
    this.samples.clear();
    this.publish({
      kind: "connect",
      host: "",
      port: 0,
      decision: "deny",
      rule: "audit-rate-limit",
      reason:
        `${n} more refused requests were not recorded one by one ` +
        `(at most ${this.limits.maxDeniedRecords} per ${this.limits.deniedWindowMs} ms); ` +
        `first targets: ${samples}`,
      outcome: "suppressed",
      suppressed: n,
      bytesIn: 0,
      bytesOut: 0,
      durationMs: 0,
    });
  }
}
