// The human report, worst first: per skill a header, the findings (worst first), then the steps
// that were refused or need review (deny before review) with reason and fix, then one line that
// counts the allowed steps by rule (`verbose` lists them); a summary line at the end.
// Everything that came from a skill passes through escapeTerminal: a skill cannot colour, move
// the cursor, retitle the window or reorder the text of the report.

import type { Finding, JudgedStep, Severity, SkillError, SkillResult, Verdict } from "../model.js";
import { escapeTerminal as t, summarise } from "./escape.js";
import { describeProblem } from "../shell/problem-text.js";
import { severities, sortFindings, verdictRank } from "./severity.js";
import { tool, type ReportMeta } from "./tool.js";

export interface TextOptions {
  /** ANSI colours; the CLI passes useColor(io), which is false under NO_COLOR or without a TTY. */
  color: boolean;
  /** List every allowed step too (default: one line counting them). */
  verbose?: boolean;
}

type Paint = (style: keyof typeof styles, text: string) => string;

const styles = {
  bold: "1",
  dim: "2",
  red: "31",
  green: "32",
  yellow: "33",
  magenta: "35",
  cyan: "36",
  boldRed: "1;31",
} as const;

const verdictStyle: Record<Verdict, keyof typeof styles> = { allow: "green", review: "yellow", deny: "red" };
const severityStyle: Record<Severity | "none", keyof typeof styles> = {
  none: "dim",
  info: "dim",
  low: "cyan",
  medium: "yellow",
  high: "red",
  critical: "boldRed",
};

export function renderText(
  results: readonly SkillResult[],
  errors: readonly SkillError[],
  meta: ReportMeta,
  options: TextOptions,
): string {
  const paint: Paint = options.color
    ? (style, text) => `\u001b[${styles[style]}m${text}\u001b[0m`
    : (_s, text) => text;
  const out: string[] = [];
  out.push(
    paint(
      "dim",
      `${tool.name} ${tool.version} · policy ${t(meta.policy.name)} (${t(meta.policy.hash.slice(0, 12))})`,
    ),
  );
  for (const result of results) out.push("", ...renderSkill(result, paint, options.verbose === true));
  if (errors.length > 0) {
    out.push("", paint("bold", "errors"));
    for (const e of errors) {
      // A message carries its fix on the next line ("…\n  fix: …"): each line is printed indented
      // under the error and escaped on its own, so no line can pass for a line of the report.
      const [first = "", ...more] = e.message.split("\n");
      out.push(`  ${paint("red", "ERROR")}  ${t(e.source)}  ${t(e.code)}  ${t(first)}`);
      for (const line of more) out.push(`    ${t(line.trimStart())}`);
    }
  }
  out.push("", summaryLine(results, errors, paint));
  return `${out.join("\n")}\n`;
}

function renderSkill(result: SkillResult, paint: Paint, verbose: boolean): string[] {
  const lines: string[] = [];
  const where = result.source.endsWith(result.file)
    ? t(result.source)
    : `${t(result.source)} (${t(result.file)})`;
  lines.push(
    `${paint("bold", where)}  sha256 ${t(result.sha256.slice(0, 12))}  ` +
      `${paint(verdictStyle[result.verdict], result.verdict.toUpperCase())}  ` +
      `risk ${paint(severityStyle[result.risk], result.risk.toUpperCase())}`,
  );
  const findings = sortFindings(result.findings);
  if (findings.length > 0) {
    lines.push(`  ${paint("bold", `findings (${findings.length})`)}`);
    for (const f of findings) lines.push(...renderFinding(f, paint));
  }
  if (result.steps.length === 0) lines.push(paint("dim", "  no steps"));
  const refused = worstStepsFirst(result.steps.filter((s) => s.verdict !== "allow"));
  if (refused.length > 0) {
    const deny = refused.filter((s) => s.verdict === "deny").length;
    lines.push(
      `  ${paint("bold", `steps not allowed (${refused.length}: ${deny} denied, ${refused.length - deny} review)`)}`,
    );
    // Steps refused for the same reason and fix as the one before: the reason is said once.
    let previous: string | undefined;
    for (const judged of refused) {
      const key = `${judged.verdict}\u0000${judged.reason}\u0000${judged.fix ?? ""}`;
      const same = key === previous && judged.commands.length <= 1 && judged.analysis.problems.length === 0;
      lines.push(...renderStep(judged, paint, same));
      previous = key;
    }
  }
  const allowed = result.steps.filter((s) => s.verdict === "allow");
  if (allowed.length > 0) {
    lines.push(
      `  ${paint("green", allowedSummary(allowed))}${verbose ? "" : paint("dim", " · --verbose lists them")}`,
    );
    if (verbose) for (const judged of allowed) lines.push(...renderStep(judged, paint));
  }
  for (const u of result.model.unanalysed ?? [])
    lines.push(
      `  ${paint("yellow", "not analysed")} ${t(`${u.file}:${u.line}${u.column !== undefined ? `:${u.column}` : ""}`)} ${t(u.why)}${u.text ? `: ${t(u.text)}` : ""}`,
    );
  for (const w of result.model.warnings) lines.push(`  ${paint("yellow", "warning")}: ${t(w)}`);
  for (const e of result.model.frontmatter?.errors ?? [])
    lines.push(
      `  ${paint("yellow", "warning")}: ${e.startsWith("frontmatter") ? "" : "frontmatter: "}${t(e)}`,
    );
  return lines;
}

/** Denied before review; file order within each. */
function worstStepsFirst(steps: readonly JudgedStep[]): JudgedStep[] {
  return steps
    .map((s, i) => ({ s, i }))
    .sort((a, b) => verdictRank(b.s.verdict) - verdictRank(a.s.verdict) || a.i - b.i)
    .map(({ s }) => s);
}

/** "44 steps allowed (moltbook-api 38, moltbook-fetch 4, …)": most used rule first. */
export function allowedSummary(allowed: readonly JudgedStep[]): string {
  const byRule = new Map<string, number>();
  for (const s of allowed) for (const r of stepRules(s)) byRule.set(r, (byRule.get(r) ?? 0) + 1);
  const rules = [...byRule]
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
    .map(([rule, n]) => `${t(rule)} ${n}`);
  return `${plural(allowed.length, "step")} allowed${rules.length > 0 ? ` (by rule: ${rules.join(", ")})` : ""}`;
}

/** The rules that allowed a step: each command's own, or the step's when it has none. */
function stepRules(s: JudgedStep): string[] {
  const rules = new Set(s.commands.map((c) => c.rule));
  return rules.size > 0 ? [...rules] : [s.rule];
}

const indent = "      ";

function renderStep(judged: JudgedStep, paint: Paint, sameAsPrevious = false): string[] {
  const { step } = judged;
  const verdict = paint(verdictStyle[judged.verdict], judged.verdict.toUpperCase().padEnd(6));
  const install = step.install ? `${paint("cyan", "[install]")} ` : "";
  const lines = [
    `  ${t(step.file)}:${step.line}:${step.column}  ${verdict}  ${t(judged.rule)}  ${install}${t(summarise(step.text))}`,
  ];
  if (step.install && step.installReason !== undefined)
    lines.push(`${indent}${paint("dim", `install: ${t(step.installReason)}`)}`);
  if (sameAsPrevious) return lines;
  // "allowed by rule X" only repeats the rule column.
  if (judged.verdict !== "allow" || judged.reason !== `allowed by rule ${judged.rule}`)
    lines.push(`${indent}reason: ${t(judged.reason)}`);
  if (judged.verdict !== "allow") {
    if (judged.fix !== undefined) lines.push(`${indent}${paint("cyan", "fix:")} ${t(judged.fix)}`);
    // A step with several commands: name the ones that were refused, with their own reasons
    // (the one the step line already shows is not repeated).
    if (judged.commands.length > 1) {
      for (const c of judged.commands) {
        if (c.verdict === "allow") continue;
        const argv = c.command.argv.map((w) => w.value).join(" ");
        const same = c.rule === judged.rule && c.reason === judged.reason;
        // Reasons often start with "program: "; the command is shown just before.
        const program = c.command.argv[0]?.value ?? "";
        const lead = [`${program}: `, `${program} `].find((p) => program !== "" && c.reason.startsWith(p));
        const why = lead === undefined ? c.reason : c.reason.slice(lead.length);
        lines.push(
          `${indent}↳ ${paint(verdictStyle[c.verdict], c.verdict.toUpperCase())}  ${t(c.rule)}  ${t(summarise(argv, 80))}${same ? "" : ` — ${t(why)}`}`,
        );
        if (c.fix !== undefined && c.fix !== judged.fix)
          lines.push(`${indent}  ${paint("cyan", "fix:")} ${t(c.fix)}`);
      }
    }
    for (const p of judged.analysis.problems) {
      const text = describeProblem(p);
      if (text !== judged.reason) lines.push(`${indent}problem: ${t(text)}`);
    }
  }
  return lines;
}

function renderFinding(f: Finding, paint: Paint): string[] {
  const lines = [
    `    ${paint(severityStyle[f.severity], f.severity.toUpperCase().padEnd(8))}  ${t(f.id)}  ${t(f.file)}:${f.line}:${f.column}  ${t(f.message)}`,
    `${indent}    evidence: ${t(summarise(f.evidence, 160))}`,
  ];
  if (f.decoded !== undefined) lines.push(`${indent}    decoded: ${t(summarise(f.decoded, 160))}`);
  return lines;
}

function summaryLine(results: readonly SkillResult[], errors: readonly SkillError[], paint: Paint): string {
  const skills = count(results.map((r) => r.verdict));
  const steps = count(results.flatMap((r) => r.steps.map((s) => s.verdict)));
  const installSteps = results.reduce((n, r) => n + r.steps.filter((s) => s.step.install).length, 0);
  const bySeverity = new Map<Severity, number>();
  for (const f of results.flatMap((r) => r.findings))
    bySeverity.set(f.severity, (bySeverity.get(f.severity) ?? 0) + 1);
  const findingParts = [...severities]
    .reverse()
    .filter((s) => (bySeverity.get(s) ?? 0) > 0)
    .map((s) => paint(severityStyle[s], `${bySeverity.get(s) ?? 0} ${s}`));
  const parts = [
    `${plural(results.length, "skill")}: ${skills.allow} allowed, ${skills.review} review, ${skills.deny} denied`,
    `${plural(steps.allow + steps.review + steps.deny, "step")} (${installSteps} install): ` +
      `${steps.allow} allowed, ${steps.review} review, ${steps.deny} denied`,
    findingParts.length > 0 ? `findings: ${findingParts.join(", ")}` : "no findings",
  ];
  if (errors.length > 0) parts.push(paint("red", plural(errors.length, "error")));
  return `${paint("bold", "summary")}: ${parts.join(" · ")}`;
}

function count(verdicts: readonly Verdict[]): Record<Verdict, number> {
  const counts: Record<Verdict, number> = { allow: 0, review: 0, deny: 0 };
  for (const v of verdicts) counts[v] += 1;
  return counts;
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? "" : "s"}`;
}
