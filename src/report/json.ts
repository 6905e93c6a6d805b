// The versioned JSON contract of `skillwall scan --format json` (documented in docs/json-format.md).
// Field names never change within a version; new optional fields may be added. Argument values
// are the resolved words with environment expansions kept as "${NAME}": the report names the
// variables a step uses and never holds their values.

import type {
  Finding,
  FindingCategory,
  JudgedCommand,
  JudgedStep,
  Link,
  RedirectOp,
  Severity,
  SkillError,
  SkillResult,
  StepKind,
  Verdict,
} from "../model.js";
import { fileText, indexText, stepPosition, type IndexedText } from "./positions.js";
import { sortFindings } from "./severity.js";
import { tool, type ReportMeta } from "./tool.js";

export const jsonFormatVersion = 1;

export interface JsonRedirect {
  op: RedirectOp;
  fd?: number;
  target?: string;
}

export interface JsonCommand {
  argv: string[];
  redirects: JsonRedirect[];
  verdict: Verdict;
  rule: string;
  reason: string;
  fix?: string;
  hosts: Array<{ host: string; port: number; scheme: string }>;
  env: string[];
  context: string;
  line: number;
  column: number;
}

export interface JsonProblem {
  code: string;
  construct: string;
  message: string;
  line: number;
  column: number;
}

export interface JsonStep {
  id: string;
  kind: StepKind;
  file: string;
  line: number;
  column: number;
  text: string;
  install: boolean;
  installReason?: string;
  verdict: Verdict;
  rule: string;
  reason: string;
  fix?: string;
  commands: JsonCommand[];
  problems: JsonProblem[];
}

export interface JsonFinding {
  id: string;
  category: FindingCategory;
  severity: Severity;
  file: string;
  line: number;
  column: number;
  message: string;
  evidence: string;
  decoded?: string;
}

export interface JsonLink {
  url: string;
  host: string;
  line: number;
  column: number;
  kind: Link["kind"];
  text?: string;
}

/** Counts first, so a reader sees what matters before the full step list. */
export interface JsonSummary {
  steps: number;
  allow: number;
  review: number;
  deny: number;
  /** How many allowed steps each rule allowed, most first (a step counts once per rule it used). */
  allowedByRule: Array<{ rule: string; steps: number }>;
}

export interface JsonResult {
  source: string;
  file: string;
  sha256: string;
  verdict: Verdict;
  risk: Severity | "none";
  summary: JsonSummary;
  findings: JsonFinding[];
  steps: JsonStep[];
  links: JsonLink[];
  /** Text that could be a command but was not analysed: never `allow`. */
  unanalysed: JsonUnanalysed[];
  warnings: string[];
}

export interface JsonUnanalysed {
  file: string;
  line: number;
  column?: number;
  why: string;
  text?: string;
}

export interface JsonError {
  source: string;
  code: string;
  message: string;
}

export interface JsonReport {
  version: typeof jsonFormatVersion;
  tool: { name: string; version: string };
  policy: { name: string; hash: string };
  results: JsonResult[];
  errors: JsonError[];
}

export function toJson(
  results: readonly SkillResult[],
  errors: readonly SkillError[],
  meta: ReportMeta,
): JsonReport {
  return {
    version: jsonFormatVersion,
    tool: { name: tool.name, version: tool.version },
    policy: { name: meta.policy.name, hash: meta.policy.hash },
    results: results.map(resultToJson),
    errors: errors.map((e) => ({ source: e.source, code: e.code, message: e.message })),
  };
}

/** The JSON document as written to a file or stdout. */
export function renderJson(
  results: readonly SkillResult[],
  errors: readonly SkillError[],
  meta: ReportMeta,
): string {
  return `${JSON.stringify(toJson(results, errors, meta), null, 2)}\n`;
}

function resultToJson(result: SkillResult): JsonResult {
  const texts = new Map<string, IndexedText | undefined>();
  const sourceOf = (file: string): IndexedText | undefined => {
    if (!texts.has(file)) {
      const text = fileText(result.model, file);
      texts.set(file, text === undefined ? undefined : indexText(text));
    }
    return texts.get(file);
  };
  const warnings = [
    ...result.model.warnings,
    ...(result.model.frontmatter?.errors ?? []).map((e) => `frontmatter: ${e}`),
  ];
  return {
    source: result.source,
    file: result.file,
    sha256: result.sha256,
    verdict: result.verdict,
    risk: result.risk,
    summary: summaryOf(result.steps),
    findings: sortFindings(result.findings).map(findingToJson),
    steps: result.steps.map((s) => stepToJson(s, sourceOf(s.step.file))),
    links: result.model.links.map(linkToJson),
    unanalysed: (result.model.unanalysed ?? []).map((u) => ({ ...u })),
    warnings,
  };
}

function summaryOf(steps: readonly JudgedStep[]): JsonSummary {
  const counts = { allow: 0, review: 0, deny: 0 };
  const byRule = new Map<string, number>();
  for (const s of steps) {
    counts[s.verdict] += 1;
    if (s.verdict !== "allow") continue;
    const rules = s.commands.length > 0 ? new Set(s.commands.map((c) => c.rule)) : new Set([s.rule]);
    for (const r of rules) byRule.set(r, (byRule.get(r) ?? 0) + 1);
  }
  const allowedByRule = [...byRule]
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
    .map(([rule, n]) => ({ rule, steps: n }));
  return { steps: steps.length, ...counts, allowedByRule };
}

function stepToJson(judged: JudgedStep, source: IndexedText | undefined): JsonStep {
  const { step } = judged;
  return {
    id: step.id,
    kind: step.kind,
    file: step.file,
    line: step.line,
    column: step.column,
    text: step.text,
    install: step.install,
    ...(step.installReason === undefined ? {} : { installReason: step.installReason }),
    verdict: judged.verdict,
    rule: judged.rule,
    reason: judged.reason,
    ...(judged.fix === undefined ? {} : { fix: judged.fix }),
    commands: judged.commands.map((c) => commandToJson(c, judged, source)),
    problems: judged.analysis.problems.map((p) => ({
      code: p.code,
      construct: p.construct,
      message: p.message,
      ...stepPosition(step, source, p.span.start.offset),
    })),
  };
}

function commandToJson(
  judged: JudgedCommand,
  step: JudgedStep,
  source: IndexedText | undefined,
): JsonCommand {
  const { command } = judged;
  return {
    argv: command.argv.map((w) => w.value),
    redirects: command.redirects.map((r) => ({
      op: r.op,
      ...(r.fd === undefined ? {} : { fd: r.fd }),
      ...(r.target === undefined ? {} : { target: r.target.value }),
    })),
    verdict: judged.verdict,
    rule: judged.rule,
    reason: judged.reason,
    ...(judged.fix === undefined ? {} : { fix: judged.fix }),
    hosts: judged.hosts.map((h) => ({ host: h.host, port: h.port, scheme: h.scheme })),
    env: [...judged.env],
    context: command.context,
    ...stepPosition(step.step, source, command.span.start.offset),
  };
}

function findingToJson(f: Finding): JsonFinding {
  return {
    id: f.id,
    category: f.category,
    severity: f.severity,
    file: f.file,
    line: f.line,
    column: f.column,
    message: f.message,
    evidence: f.evidence,
    ...(f.decoded === undefined ? {} : { decoded: f.decoded }),
  };
}

function linkToJson(l: Link): JsonLink {
  return {
    url: l.url,
    host: l.host,
    line: l.line,
    column: l.column,
    kind: l.kind,
    ...(l.text === undefined ? {} : { text: l.text }),
  };
}
