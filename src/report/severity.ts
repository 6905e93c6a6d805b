// Ordering of severities and verdicts, shared by every renderer so they list things alike.

import type { Finding, Severity, Verdict } from "../model.js";

export const severities: readonly Severity[] = ["info", "low", "medium", "high", "critical"];

export function severityRank(severity: Severity | "none"): number {
  return severity === "none" ? -1 : severities.indexOf(severity);
}

export function verdictRank(verdict: Verdict): number {
  return verdict === "allow" ? 0 : verdict === "review" ? 1 : 2;
}

/** Worst first; ties by file, line, column and id so the order is stable. */
export function compareFindings(a: Finding, b: Finding): number {
  return (
    severityRank(b.severity) - severityRank(a.severity) ||
    (a.file < b.file ? -1 : a.file > b.file ? 1 : 0) ||
    a.line - b.line ||
    a.column - b.column ||
    (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)
  );
}

export function sortFindings(findings: readonly Finding[]): Finding[] {
  return [...findings].sort(compareFindings);
}
