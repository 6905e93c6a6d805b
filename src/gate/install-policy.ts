// OpenClaw's install policy protocol, version 1: one JSON request on stdin naming the staged
// source of a skill or plugin, one JSON decision on stdout. skillwall scans a private snapshot
// of the source and answers block (a denied install step, a high or critical finding, or a
// folder it refuses to copy), warn (anything held for review) or allow.

import { describeError, InputError } from "../errors.js";
import { limits } from "../limits.js";
import type { Finding, Severity, SkillResult } from "../model.js";
import type { Policy } from "../policy/types.js";
import { scanPaths } from "../scan/index.js";
import { initShell } from "../shell/index.js";
import { snapshotTree, SnapshotRefusal } from "./snapshot.js";

export interface InstallPolicyRequest {
  protocolVersion: 1;
  targetType?: string;
  targetName?: string;
  sourcePath: string;
  [key: string]: unknown;
}

export interface InstallPolicyFinding {
  ruleId: string;
  severity: "info" | "warn" | "critical";
  message: string;
  file?: string;
  line?: number;
  evidence?: string;
}

export interface InstallPolicyDecision {
  protocolVersion: 1;
  decision: "allow" | "warn" | "block";
  reason: string;
  findings: InstallPolicyFinding[];
}

const maxText = 1000;
const clip = (s: string, n = maxText): string => (s.length <= n ? s : s.slice(0, n - 1) + "…");

/** Parses and checks a request; throws InputError (the command then exits non-zero: OpenClaw blocks). */
export function parseInstallRequest(text: string): InstallPolicyRequest {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (err) {
    throw new InputError(
      "install-request-json",
      `the install policy request is not JSON: ${(err as Error).message}`,
    );
  }
  if (typeof data !== "object" || data === null || Array.isArray(data))
    throw new InputError("install-request-shape", "the install policy request is not a JSON object");
  const req = data as Record<string, unknown>;
  if (req.protocolVersion !== 1) {
    throw new InputError(
      "install-request-version",
      `unsupported install policy protocolVersion ${JSON.stringify(req.protocolVersion)}`,
      {
        fix: "skillwall speaks protocol version 1",
      },
    );
  }
  if (typeof req.sourcePath !== "string" || !req.sourcePath.startsWith("/"))
    throw new InputError("install-request-source", "sourcePath must be an absolute path");
  return req as InstallPolicyRequest;
}

const severityOut: Record<Severity, InstallPolicyFinding["severity"]> = {
  critical: "critical",
  high: "critical",
  medium: "warn",
  low: "warn",
  info: "info",
};

function findingOut(f: Finding): InstallPolicyFinding {
  const out: InstallPolicyFinding = {
    ruleId: f.id,
    severity: severityOut[f.severity],
    message: clip(f.message),
  };
  if (f.file) out.file = f.file;
  if (f.line > 0) out.line = f.line;
  if (f.evidence) out.evidence = clip(f.evidence, 300);
  return out;
}

/** Decide one request. Refusals of the folder itself are a block; other failures throw. */
export async function decideInstall(
  req: InstallPolicyRequest,
  policy: Policy,
): Promise<InstallPolicyDecision> {
  const name = typeof req.targetName === "string" ? req.targetName : "the skill";
  let snap;
  try {
    snap = await snapshotTree(req.sourcePath);
  } catch (err) {
    if (err instanceof SnapshotRefusal) {
      return {
        protocolVersion: 1,
        decision: "block",
        reason: clip(`skillwall refuses ${name}: ${describeError(err)}`),
        findings: [],
      };
    }
    throw err;
  }
  try {
    await initShell();
    const { results, errors } = await scanPaths([snap.dir], { policy, cwd: snap.dir, workers: 1 });
    if (errors.length > 0 || results.length === 0) {
      const why = errors[0]?.message.replaceAll(snap.dir, ".") ?? "no skill file found";
      return {
        protocolVersion: 1,
        decision: "block",
        reason: clip(`skillwall could not read ${name}: ${why}`),
        findings: [],
      };
    }
    return decisionFor(name, results, policy);
  } finally {
    await snap[Symbol.asyncDispose]();
  }
}

function decisionFor(name: string, results: SkillResult[], policy: Policy): InstallPolicyDecision {
  const findings: InstallPolicyFinding[] = [];
  const blockers: string[] = [];
  const reviews: string[] = [];
  for (const r of results) {
    for (const j of r.steps) {
      if (j.verdict === "allow") continue;
      const where = `${j.step.file}:${j.step.line}`;
      const text = `${j.verdict === "deny" ? "denied" : "needs review"} by policy ${policy.name} (${j.rule}): ${j.reason}`;
      findings.push({
        ruleId: `policy.${j.rule}`,
        severity: j.verdict === "deny" && j.step.install ? "critical" : "warn",
        message: clip(text),
        file: j.step.file,
        line: j.step.line,
        evidence: clip(j.step.text, 300),
      });
      if (j.verdict === "deny" && j.step.install)
        blockers.push(`install step at ${where} is denied (${j.rule})`);
      else
        reviews.push(`step at ${where} ${j.verdict === "deny" ? "is denied" : "needs review"} (${j.rule})`);
    }
    for (const f of r.findings) {
      findings.push(findingOut(f));
      if (f.severity === "high" || f.severity === "critical")
        blockers.push(`${f.severity} finding ${f.id} at ${f.file}:${f.line}`);
      else if (f.severity === "medium") reviews.push(`finding ${f.id} at ${f.file}:${f.line}`);
    }
    // Fail closed: text that was not analysed (a bundled file not read, a line not judged) is
    // never an `allow`.
    for (const u of r.model.unanalysed ?? []) {
      findings.push({
        ruleId: "coverage.unanalysed",
        severity: "warn",
        message: clip(`not analysed: ${u.why}`),
        file: u.file,
        line: u.line,
      });
      reviews.push(`${u.file}:${u.line} not analysed (${u.why})`);
    }
    if (r.verdict !== "allow" && blockers.length === 0 && reviews.length === 0)
      reviews.push(`${r.file} is ${r.verdict === "deny" ? "denied" : "to review"} by policy ${policy.name}`);
    // OpenClaw still reads such frontmatter (a line parser on YAML errors, bare CR as newline) and
    // may find install specs skillwall never judged: refused, not merely flagged.
    if (r.model.frontmatter?.errors.length)
      blockers.push(`the frontmatter of ${r.file} does not parse, so its install specs were not checked`);
  }
  // Worst first, then cut to what OpenClaw keeps.
  const rank = { critical: 0, warn: 1, info: 2 } as const;
  findings.sort((a, b) => rank[a.severity] - rank[b.severity]);
  const kept = findings.slice(0, limits.maxInstallFindings);
  const summary = (list: string[]) =>
    list.slice(0, 5).join("; ") + (list.length > 5 ? `; and ${list.length - 5} more` : "");
  if (blockers.length > 0)
    return {
      protocolVersion: 1,
      decision: "block",
      reason: clip(`skillwall blocks ${name}: ${summary(blockers)}`),
      findings: kept,
    };
  if (reviews.length > 0)
    return {
      protocolVersion: 1,
      decision: "warn",
      reason: clip(`skillwall: ${name} needs review: ${summary(reviews)}`),
      findings: kept,
    };
  return {
    protocolVersion: 1,
    decision: "allow",
    reason: `skillwall: every step of ${name} is allowed by policy ${policy.name}`,
    findings: kept,
  };
}
