// What a recorded run actually did, read from its audit log (`skillwall run` writes one per run):
// the steps that ran and ended "ok" (the canonical argv of each command, as the runner recorded
// it) and the hosts the egress proxy let them reach. `policy suggest --from-run` grants only
// those. The log's hash chain must verify first: an edited log could grant anything.

import { InputError } from "../errors.js";
import { readVerifiedAuditLog } from "../audit/verify.js";

export interface RanStep {
  runId: string;
  /** sha256 of the skill file the run judged ("" when the runner did not know it). */
  sha256: string;
  line: number;
  /** The resolved argv of each command of the step. */
  commands: string[][];
}

export interface RecordedRun {
  file: string;
  runIds: string[];
  /** Steps that ran and ended ok (exit 0). */
  ran: RanStep[];
  /** Steps that ran but did not end ok, for the report. */
  failed: RanStep[];
  /** Hosts the egress proxy allowed a connection to, in these runs. */
  hostsReached: string[];
}

const isStringArray = (v: unknown): v is string[] =>
  Array.isArray(v) && v.every((x) => typeof x === "string");

export async function readRecordedRun(file: string): Promise<RecordedRun> {
  const records = await readVerifiedAuditLog(file);
  const ran: RanStep[] = [];
  const failed: RanStep[] = [];
  const runIds = new Set<string>();
  const hosts = new Set<string>();
  for (const r of records) {
    if (r.kind === "execution") {
      const e = r.execution as Record<string, unknown> | undefined;
      if (e === undefined || typeof e.runId !== "string" || typeof e.line !== "number") continue;
      if (!Array.isArray(e.commands) || !e.commands.every(isStringArray)) continue;
      runIds.add(e.runId);
      const step: RanStep = {
        runId: e.runId,
        sha256: typeof e.sha256 === "string" ? e.sha256 : "",
        line: e.line,
        commands: e.commands,
      };
      (e.outcome === "ok" && e.exitCode === 0 ? ran : failed).push(step);
    }
  }
  for (const r of records) {
    if (r.kind !== "egress") continue;
    const e = r.egress as Record<string, unknown> | undefined;
    // Only this log's runs, only connections the proxy allowed.
    if (e?.decision !== "allow" || typeof e.host !== "string") continue;
    if (typeof e.runId === "string" && !runIds.has(e.runId)) continue;
    hosts.add(e.host.toLowerCase());
  }
  if (runIds.size === 0)
    throw new InputError("no-run", `${file}: the audit log records no step execution`, {
      fix: "give the audit log of a `skillwall run` that ran steps (skillwall run SKILL --audit-log FILE)",
    });
  return { file, runIds: [...runIds], ran, failed, hostsReached: [...hosts].sort() };
}
