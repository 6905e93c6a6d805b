// SARIF 2.1.0 for code-scanning uploads (GitHub and others). One result per step a policy denied
// or sent to review (rules "policy/deny" and "policy/review") and one per finding (rule = the
// finding id, with help text from the findings module's rule metadata). Shaped for GitHub's
// ingestion limits: relative URIs under %SRCROOT%, 1-based regions, content-based fingerprints
// (so moving a line does not open a new alert), security-severity on every security rule.

import { createHash } from "node:crypto";
import type { Finding, FindingCategory, JudgedStep, Severity, SkillError, SkillResult } from "../model.js";
import { escapeTerminal, summarise } from "./escape.js";
import { severityRank } from "./severity.js";
import { tool, type ReportMeta } from "./tool.js";

export const sarifSchemaUri =
  "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json";

/** GitHub code scanning rejects a run with more results than this. */
export const maxSarifResults = 25_000;

/** Help for one finding id, as the findings module describes its rules. */
export interface FindingRuleMeta {
  id: string;
  /** PascalCase display name; derived from the id when absent. */
  name?: string;
  category?: FindingCategory;
  /** The rule's usual severity (a single finding may be rated differently). */
  severity?: Severity;
  /** One line (the findings module calls it `short`; `shortDescription` and `title` are read too). */
  shortDescription?: string;
  short?: string;
  fullDescription?: string;
  /** Plain-text help: what the rule catches and what to do about it. */
  help?: string;
  helpMarkdown?: string;
  tags?: string[];
}

/** Rule metadata as a list or as a record keyed by finding id (both shapes are accepted). */
export type FindingRules =
  ReadonlyArray<FindingRuleMeta> | Readonly<Record<string, Omit<FindingRuleMeta, "id"> & { id?: string }>>;

export interface SarifOptions {
  findingRules?: FindingRules;
  /**
   * Absolute path the scanned sources are relative to (usually the repository root). Absolute
   * skill paths under it become relative URIs; it is recorded as %SRCROOT% when given.
   */
  baseDir?: string;
}

/** GitHub buckets security-severity: >= 9 critical, 7–8.9 high, 4–6.9 medium, 0.1–3.9 low. */
const securitySeverity: Record<Severity, string> = {
  critical: "9.5",
  high: "8.0",
  medium: "5.5",
  low: "3.0",
  info: "1.0",
};

const findingLevel: Record<Severity, SarifLevel> = {
  critical: "error",
  high: "error",
  medium: "warning",
  low: "note",
  info: "note",
};

type SarifLevel = "error" | "warning" | "note";

interface SarifRule {
  id: string;
  name: string;
  shortDescription: { text: string };
  fullDescription: { text: string };
  help: { text: string; markdown: string };
  defaultConfiguration: { level: SarifLevel };
  properties: { tags: string[]; precision: string; "security-severity": string; [key: string]: unknown };
}

interface SarifResult {
  ruleId: string;
  ruleIndex: number;
  level: SarifLevel;
  message: { text: string };
  locations: Array<{
    physicalLocation: {
      artifactLocation: { uri: string; uriBaseId: string };
      region: { startLine: number; startColumn: number; snippet?: { text: string } };
    };
  }>;
  partialFingerprints: Record<string, string>;
  properties: Record<string, unknown>;
}

const policyRules: SarifRule[] = [
  {
    id: "policy/deny",
    name: "PolicyDenied",
    shortDescription: { text: "A step the policy refuses to run" },
    fullDescription: {
      text: "The skill contains a command that the active skillwall policy denies: no rule allows it, a deny rule matches, or it cannot be resolved statically (dynamic).",
    },
    help: {
      text: "skillwall will not run this step. Remove the command from the skill, or, if it is safe, change the policy as the result's fix says (allow the program, option, host or path). Dynamic constructs ($(...), eval, variables that are not allowed) cannot be allowed: rewrite the step with literal arguments.",
      markdown:
        "**skillwall will not run this step.**\n\nRemove the command from the skill or, if it is safe, change the policy as the result's *fix* says (allow the program, option, host or path).\nDynamic constructs (`$(…)`, `eval`, variables the policy does not name) cannot be allowed: rewrite the step with literal arguments.",
    },
    defaultConfiguration: { level: "error" },
    properties: {
      tags: ["security", "policy", "skillwall"],
      precision: "very-high",
      "security-severity": "7.0",
    },
  },
  {
    id: "policy/review",
    name: "PolicyReview",
    shortDescription: { text: "A step that needs a person's review before it runs" },
    fullDescription: {
      text: "The active skillwall policy marks this command for review: it is not refused, but it is not allowed unattended.",
    },
    help: {
      text: "Read the step and the reason given. If it is acceptable, allow it in the policy; otherwise remove it from the skill.",
      markdown:
        "Read the step and the reason given. If it is acceptable, **allow it in the policy**; otherwise remove it from the skill.",
    },
    defaultConfiguration: { level: "warning" },
    properties: { tags: ["security", "policy", "skillwall"], precision: "high", "security-severity": "4.0" },
  },
  {
    id: "coverage/unanalysed",
    name: "NotAnalysed",
    shortDescription: { text: "Text that could be a command but was not analysed" },
    fullDescription: {
      text: "skillwall found text an agent could run (a shell step that does not parse, a line of a shell it does not parse, a command-like line outside a shell block, a script in another language) and could not judge it. The skill is not allowed while any remains.",
    },
    help: {
      text: "Put commands the agent should run in a ```bash block that parses, or remove them; rewrite constructs skillwall does not model. A person must review what remains.",
      markdown:
        "Put commands the agent should run in a ` ```bash ` block that parses, or remove them; rewrite constructs skillwall does not model. **A person must review what remains.**",
    },
    defaultConfiguration: { level: "warning" },
    properties: {
      tags: ["security", "coverage", "skillwall"],
      precision: "high",
      "security-severity": "4.0",
    },
  },
];

export function toSarif(
  results: readonly SkillResult[],
  errors: readonly SkillError[],
  meta: ReportMeta,
  options: SarifOptions = {},
): object {
  const known = normaliseRules(options.findingRules);
  const rules: SarifRule[] = [...policyRules];
  const ruleIndex = new Map<string, number>(rules.map((r, i) => [r.id, i]));
  const worstSeen = new Map<string, Severity>();
  for (const f of results.flatMap((r) => r.findings)) {
    const seen = worstSeen.get(f.id);
    if (seen === undefined || severityRank(f.severity) > severityRank(seen)) worstSeen.set(f.id, f.severity);
  }
  const ruleFor = (finding: Finding): number => {
    const existing = ruleIndex.get(finding.id);
    if (existing !== undefined) return existing;
    rules.push(findingRule(finding, known.get(finding.id), worstSeen.get(finding.id) ?? finding.severity));
    ruleIndex.set(finding.id, rules.length - 1);
    return rules.length - 1;
  };

  const out: SarifResult[] = [];
  const occurrences = new Map<string, number>();
  const fingerprint = (parts: string[]): string => {
    const base = sha256(parts.join("\u0000"));
    const n = occurrences.get(base) ?? 0;
    occurrences.set(base, n + 1);
    return `${base.slice(0, 32)}:${n + 1}`;
  };

  for (const result of results) {
    for (const judged of result.steps) {
      if (judged.verdict === "allow") continue;
      const ruleId = judged.verdict === "deny" ? "policy/deny" : "policy/review";
      const uri = artifactUri(result, judged.step.file, options.baseDir);
      out.push({
        ruleId,
        ruleIndex: ruleIndex.get(ruleId) ?? 0,
        level: judged.verdict === "deny" ? "error" : "warning",
        message: { text: stepMessage(judged) },
        locations: [location(uri, judged.step.line, judged.step.column, judged.step.text)],
        partialFingerprints: { "skillwall/v1": fingerprint([ruleId, uri, normalise(judged.step.text)]) },
        properties: {
          policyRule: judged.rule,
          install: judged.step.install,
          stepKind: judged.step.kind,
          ...(judged.fix === undefined ? {} : { fix: judged.fix }),
        },
      });
    }
    for (const u of result.model.unanalysed ?? []) {
      const ruleId = "coverage/unanalysed";
      const uri = artifactUri(result, u.file, options.baseDir);
      out.push({
        ruleId,
        ruleIndex: ruleIndex.get(ruleId) ?? 0,
        level: "warning",
        message: { text: escapeTerminal(`Not analysed: ${u.why}`) },
        locations: [location(uri, u.line, u.column ?? 1, u.text ?? "")],
        partialFingerprints: { "skillwall/v1": fingerprint([ruleId, uri, u.why, normalise(u.text ?? "")]) },
        properties: { why: u.why },
      });
    }
    for (const finding of result.findings) {
      const index = ruleFor(finding);
      const uri = artifactUri(result, finding.file, options.baseDir);
      out.push({
        ruleId: finding.id,
        ruleIndex: index,
        level: findingLevel[finding.severity],
        message: { text: findingMessage(finding) },
        locations: [location(uri, finding.line, finding.column, finding.evidence)],
        partialFingerprints: { "skillwall/v1": fingerprint([finding.id, uri, normalise(finding.evidence)]) },
        properties: {
          severity: finding.severity,
          category: finding.category,
          ...(finding.decoded === undefined
            ? {}
            : { decoded: summarise(escapeTerminal(finding.decoded), 500) }),
        },
      });
    }
  }

  // Worst first, so the most important survive truncation and lead in a viewer: findings by
  // severity, then denied steps, then review steps (stable within each).
  const rank = (r: SarifResult): number =>
    r.ruleId === "coverage/unanalysed"
      ? -3
      : r.ruleId === "policy/review"
        ? -2
        : r.ruleId === "policy/deny"
          ? -1
          : 10 + severityRank(severityOf(r));
  out.sort((a, b) => rank(b) - rank(a));
  const allowedSteps = results.reduce((n, r) => n + r.steps.filter((s) => s.verdict === "allow").length, 0);
  const truncated = out.length > maxSarifResults;
  const notifications = errors.map((e) => ({
    level: "error" as const,
    message: {
      text: `${escapeTerminal(e.source)}: ${escapeTerminal(e.message)} (${escapeTerminal(e.code)})`,
    },
  }));
  if (truncated) {
    notifications.push({
      level: "error",
      message: {
        text: `${out.length} results exceed the ${maxSarifResults} a code-scanning run accepts; the rest were left out.`,
      },
    });
  }

  return {
    $schema: sarifSchemaUri,
    version: "2.1.0",
    runs: [
      {
        tool: {
          driver: {
            name: tool.name,
            version: tool.version,
            semanticVersion: tool.version,
            informationUri: tool.informationUri,
            rules,
          },
        },
        ...(options.baseDir === undefined
          ? {}
          : { originalUriBaseIds: { "%SRCROOT%": { uri: directoryFileUri(options.baseDir) } } }),
        invocations: [
          { executionSuccessful: errors.length === 0, toolExecutionNotifications: notifications },
        ],
        results: truncated ? out.slice(0, maxSarifResults) : out,
        properties: { policy: { name: meta.policy.name, hash: meta.policy.hash }, allowedSteps },
      },
    ],
  };
}

export function renderSarif(
  results: readonly SkillResult[],
  errors: readonly SkillError[],
  meta: ReportMeta,
  options: SarifOptions = {},
): string {
  return `${JSON.stringify(toSarif(results, errors, meta, options), null, 2)}\n`;
}

function stepMessage(judged: JudgedStep): string {
  const what = judged.verdict === "deny" ? "Denied by policy" : "Needs review under the policy";
  const fix = judged.fix === undefined ? "" : ` Fix: ${judged.fix}`;
  const install = judged.step.install ? " (install step)" : "";
  return escapeTerminal(
    `${what}${install}: ${summarise(judged.step.text, 200)} — ${judged.reason} [rule ${judged.rule}]${fix}`,
  );
}

function findingMessage(f: Finding): string {
  const decoded = f.decoded === undefined ? "" : ` Decoded: ${summarise(f.decoded, 200)}`;
  return escapeTerminal(`${f.message} Evidence: ${summarise(f.evidence, 200)}${decoded}`);
}

function location(
  uri: string,
  line: number,
  column: number,
  snippet: string,
): SarifResult["locations"][number] {
  return {
    physicalLocation: {
      artifactLocation: { uri, uriBaseId: "%SRCROOT%" },
      region: {
        startLine: Math.max(1, Math.trunc(line) || 1),
        startColumn: Math.max(1, Math.trunc(column) || 1),
        ...(snippet.length > 0 ? { snippet: { text: snippet.slice(0, 1000) } } : {}),
      },
    },
  };
}

function findingRule(finding: Finding, meta: NormalisedRule | undefined, worst: Severity): SarifRule {
  const severity =
    meta?.severity !== undefined && severityRank(meta.severity) > severityRank(worst) ? meta.severity : worst;
  const category = meta?.category ?? finding.category;
  const short = meta?.shortDescription ?? `${category.replace(/-/g, " ")}: ${finding.id}`;
  const full = meta?.fullDescription ?? short;
  const helpText =
    meta?.help ??
    `${full}. Read the evidence at the reported location; a skill that needs this should say why.`;
  const tags = ["security", category, "skillwall", ...(meta?.tags ?? [])];
  return {
    id: finding.id,
    name: meta?.name ?? pascalCase(finding.id),
    shortDescription: { text: short },
    fullDescription: { text: full },
    help: { text: helpText, markdown: meta?.helpMarkdown ?? helpText },
    defaultConfiguration: { level: findingLevel[meta?.severity ?? finding.severity] },
    properties: {
      tags: [...new Set(tags)].slice(0, 20),
      precision: "high",
      "security-severity": securitySeverity[severity],
    },
  };
}

interface NormalisedRule {
  severity?: Severity;
  category?: FindingCategory;
  name?: string;
  shortDescription?: string;
  fullDescription?: string;
  help?: string;
  helpMarkdown?: string;
  tags?: string[];
}

/** Reads rule metadata defensively: only string fields are taken, anything else is ignored. */
function normaliseRules(rules: FindingRules | undefined): Map<string, NormalisedRule> {
  const map = new Map<string, NormalisedRule>();
  if (rules === undefined) return map;
  const entries: Array<[string, Record<string, unknown>]> = Array.isArray(rules)
    ? (rules as ReadonlyArray<FindingRuleMeta>).map((r) => [r.id, r as unknown as Record<string, unknown>])
    : Object.entries(rules as Record<string, Record<string, unknown>>).map(([id, r]) => [
        typeof r.id === "string" ? r.id : id,
        r,
      ]);
  for (const [id, raw] of entries) {
    const rule: NormalisedRule = {};
    const text = (key: string): string | undefined =>
      typeof raw[key] === "string" ? (raw[key] as string) : undefined;
    const severity = text("severity");
    if (severity !== undefined && severityRank(severity as Severity) >= 0)
      rule.severity = severity as Severity;
    const category = text("category");
    if (category !== undefined) rule.category = category as FindingCategory;
    const name = text("name");
    if (name !== undefined) rule.name = name;
    const short = text("shortDescription") ?? text("short") ?? text("title");
    if (short !== undefined) rule.shortDescription = short;
    const full = text("fullDescription") ?? text("description");
    if (full !== undefined) rule.fullDescription = full;
    const help = text("help");
    if (help !== undefined) rule.help = help;
    const helpMarkdown = text("helpMarkdown");
    if (helpMarkdown !== undefined) rule.helpMarkdown = helpMarkdown;
    if (Array.isArray(raw.tags)) rule.tags = raw.tags.filter((t): t is string => typeof t === "string");
    map.set(id, rule);
  }
  return map;
}

/**
 * A relative, percent-encoded URI for a file of a skill. Sources that are not local paths
 * (a URL, "-" for stdin) yield just the file's own path: code scanning needs a relative URI.
 */
export function artifactUri(result: SkillResult, file: string, baseDir?: string): string {
  let path = file;
  const source = result.source.replace(/\\/g, "/");
  if (!/^[a-z][a-z0-9+.-]*:/i.test(source) && source !== "-") {
    // The source names the skill's main file or its folder.
    const root =
      source.endsWith(`/${result.file}`) || source === result.file
        ? source.slice(0, -result.file.length)
        : `${source}/`;
    path = `${root}${file}`;
  }
  if (baseDir !== undefined) {
    const base = `${baseDir.replace(/\\/g, "/").replace(/\/+$/, "")}/`;
    if (path.startsWith(base)) path = path.slice(base.length);
  }
  const segments: string[] = [];
  for (const segment of path.split("/")) {
    if (segment === "" || segment === ".") continue;
    if (segment === ".." && segments.length > 0 && segments[segments.length - 1] !== "..") segments.pop();
    else segments.push(segment);
  }
  // Outside the base (absolute or ../): fall back to the path inside the skill.
  if (path.startsWith("/") || segments[0] === "..") return encodePath(file);
  return encodePath(segments.join("/"));
}

function encodePath(path: string): string {
  const encoded = path
    .split("/")
    .filter((s) => s !== "" && s !== "." && s !== "..")
    .map((s) => encodeURIComponent(s))
    .join("/");
  return encoded === "" ? "SKILL.md" : encoded;
}

function directoryFileUri(dir: string): string {
  const path = dir.replace(/\\/g, "/").replace(/\/+$/, "");
  const encoded = path
    .split("/")
    .map((s) => encodeURIComponent(s))
    .join("/");
  return `file://${encoded.startsWith("/") ? "" : "/"}${encoded}/`;
}

function pascalCase(id: string): string {
  const name = id
    .split(/[^A-Za-z0-9]+/)
    .filter((p) => p !== "")
    .map((p) => p.charAt(0).toUpperCase() + p.slice(1))
    .join("");
  return name === "" ? "Finding" : name;
}

function normalise(text: string): string {
  return text.trim().split(/\s+/).join(" ");
}

function sha256(text: string): string {
  return createHash("sha256").update(text).digest("hex");
}

function severityOf(r: SarifResult): Severity {
  const s = r.properties.severity as Severity | undefined;
  return s ?? "info";
}
