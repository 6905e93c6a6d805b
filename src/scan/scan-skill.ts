// One skill through the pure part of the pipeline: extract → split into statements → analyse →
// judge → findings. No I/O: the caller reads the input and loads the policy.

import type {
  BundledFile,
  JudgedStep,
  ShellAnalysis,
  SkillModel,
  SkillResult,
  Step,
  Verdict,
} from "../model.js";
import type { Policy } from "../policy/types.js";
import { extractSkill } from "../extract/index.js";
import { analyseShell, splitAndAnalyse, type AnalyseOptions } from "../shell/index.js";
import { judgeStep } from "../policy/evaluate.js";
import { ownSkillFolders } from "../policy/protected.js";
import { detectFindings, riskOf } from "../findings/index.js";
import { severityRank } from "../findings/util.js";
import { disagreementFindings } from "./frontmatter-findings.js";
import { channels, publishDecision } from "../events.js";
import { indexLines, mapStepOffset, type FileLines } from "./positions.js";

export interface SkillInput {
  source: string;
  file: string;
  text: string;
  bundled: BundledFile[];
  warnings?: string[];
  /** "shell": a script given directly (one step); markdown when absent. */
  fileType?: "markdown" | "shell";
}

const verdictRank: Record<Verdict, number> = { allow: 0, review: 1, deny: 2 };

export function worstVerdict(verdicts: Iterable<Verdict>): Verdict {
  let worst: Verdict = "allow";
  for (const v of verdicts) if (verdictRank[v] > verdictRank[worst]) worst = v;
  return worst;
}

/** Publishes one decision event per judged step (the audit sink subscribes in the main thread). */
export function publishDecisions(result: SkillResult): void {
  if (!channels.decision.hasSubscribers) return;
  for (const j of result.steps) {
    publishDecision({
      source: result.source,
      sha256: result.sha256,
      file: j.step.file,
      line: j.step.line,
      column: j.step.column,
      argv: j.commands.flatMap((c) => c.command.argv.map((w) => w.value)),
      verdict: j.verdict,
      rule: j.rule,
      reason: j.reason,
    });
  }
}

export interface ScanSkillOptions {
  /**
   * false skips the security review (findings: [], risk "none"): only extraction, shell analysis
   * and the policy verdicts. For measuring what the policy check alone costs (npm run bench).
   */
  review?: boolean;
}

// One derived policy per (policy, skill name), so the evaluator's per-policy caches stay warm.
const ownSkillPolicies = new WeakMap<Policy, Map<string, Policy>>();

/** The policy as it judges this skill: writes into the skill's own folder are its own. */
function withOwnSkill(policy: Policy, rawName: unknown): Policy {
  const name = typeof rawName === "string" ? rawName.toLowerCase() : "";
  const folders = ownSkillFolders(policy.home, name);
  if (folders.length === 0) return policy;
  let byName = ownSkillPolicies.get(policy);
  if (!byName) ownSkillPolicies.set(policy, (byName = new Map()));
  let derived = byName.get(name);
  if (!derived) byName.set(name, (derived = { ...policy, ownSkillFolders: folders }));
  return derived;
}

/** Scans one skill. `initShell()` must have been awaited once in this process. */
export function scanSkillInput(input: SkillInput, policy: Policy, scan: ScanSkillOptions = {}): SkillResult {
  const model = extractSkill(input);
  // Line tables are built only for files whose multi-line steps need positions mapped.
  const lineTables = new Map<string, FileLines | undefined>();
  const linesOf = (file: string): FileLines | undefined => {
    if (!lineTables.has(file)) {
      const text = file === model.file ? input.text : input.bundled.find((b) => b.path === file)?.text;
      lineTables.set(file, text === undefined ? undefined : indexLines(text));
    }
    return lineTables.get(file);
  };

  policy = withOwnSkill(policy, model.frontmatter?.name);
  const opts = { home: policy.home };
  const steps: Step[] = [];
  const analyses = new Map<string, ShellAnalysis>();
  const judged: JudgedStep[] = [];
  for (const whole of model.steps) {
    for (const { step, analysis: known } of splitStep(whole, linesOf, opts)) {
      const analysis = known ?? analyseShell(step.text, opts);
      steps.push(step);
      analyses.set(step.id, analysis);
      unanalysedIn(step, analysis, linesOf(step.file), model);
      judged.push(judgeStep(step, analysis, policy));
    }
  }
  model.steps = steps;

  const findings =
    scan.review === false
      ? []
      : [...disagreementFindings(model), ...detectFindings(model, analyses)].sort(
          (a, b) => severityRank[b.severity] - severityRank[a.severity],
        );
  const result: SkillResult = {
    source: input.source,
    file: model.file,
    sha256: model.sha256,
    // Frontmatter that does not parse may hide install specs: never "allow" what was not read.
    verdict: worstVerdict([
      ...judged.map((j) => j.verdict),
      model.frontmatter?.errors.length ? "review" : "allow",
      // Text that could hold a command but was not judged: never "allow".
      model.unanalysed?.length ? "review" : "allow",
      // OpenClaw would read the frontmatter differently: what was judged may not be what installs.
      model.frontmatterDisagreements?.length ? "deny" : "allow",
    ]),
    risk: riskOf(findings),
    steps: judged,
    findings,
    model,
  };
  publishDecisions(result);
  return result;
}

/**
 * A code block becomes one step per top-level statement, so each command line has its own
 * position, verdict and (at run time) container. A block that does not parse stays whole.
 */
function splitStep(
  step: Step,
  linesOf: (file: string) => FileLines | undefined,
  opts: AnalyseOptions,
): Array<{ step: Step; analysis?: ShellAnalysis | undefined }> {
  // One line is one step: it is judged whole (every command in it), so no need to parse it twice.
  if (!step.text.includes("\n")) return [{ step }];
  const statements = splitAndAnalyse(step.text, opts);
  // Every statement comes back analysed from the block's one parse.
  if (statements.length === 1 && statements[0]!.text === step.text)
    return [{ step, analysis: statements[0]!.analysis }];
  const file = linesOf(step.file);
  return statements.map((s) => {
    const pos = mapStepOffset(step, s.offset, file);
    const part: Step = {
      ...step,
      id: `${step.file}#${pos.line}:${pos.column}`,
      line: pos.line,
      column: pos.column,
      offset: pos.offset,
      text: s.text,
    };
    if (step.lineStarts) {
      const end = s.offset + s.text.length;
      const later = step.lineStarts
        .filter((ls) => ls.textOffset > s.offset && ls.textOffset < end)
        .map((ls) => ({ ...ls, textOffset: ls.textOffset - s.offset }));
      part.lineStarts = [{ textOffset: 0, line: pos.line, column: pos.column }, ...later];
    }
    return { step: part, analysis: s.analysis };
  });
}

/** Problems that leave (part of) a step unread: its command was not analysed, whatever its verdict. */
const UNREAD = new Set(["parse-error", "tree-divergence", "limit", "construct", "control-char"]);

/** Each unread part of a step, recorded at its line as not analysed. */
function unanalysedIn(
  step: Step,
  analysis: ShellAnalysis,
  file: FileLines | undefined,
  model: SkillModel,
): void {
  for (const p of analysis.problems) {
    if (!UNREAD.has(p.code)) continue;
    const pos = mapStepOffset(step, p.span.start.offset, file);
    const at = p.span.start.offset;
    const line = step.text.slice(step.text.lastIndexOf("\n", at - 1) + 1).split("\n", 1)[0] ?? "";
    const why = `shell (${p.code}): ${p.message}`;
    const list = (model.unanalysed ??= []);
    // One record per line and reason: a line with three loops is one thing to review.
    if (list.some((u) => u.file === step.file && u.line === pos.line && u.why === why)) continue;
    list.push({
      file: step.file,
      line: pos.line,
      column: pos.column,
      why,
      text: line.trim().slice(0, 200),
    });
  }
}
