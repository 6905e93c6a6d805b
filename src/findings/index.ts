// Security findings over an extracted skill. Pure: no I/O, no logger, deterministic. Each
// detector is a small module reading the shared DetectContext; expand() first opens nested
// command text (-c strings, decoded payloads) so every detector also sees what they hide.

import type { Finding, Severity, ShellAnalysis, SkillModel } from "../model.js";
import { buildContext } from "./context.js";
import { addJsonValueProse } from "./json-prose.js";
import { detectBundledProse } from "./bundled-prose.js";
import { detectAgentFilePoisoning } from "./detectors/agent-files.js";
import { detectAssembled } from "./detectors/assembled.js";
import { detectBundledCode } from "./detectors/bundled-code.js";
import { detectBundledDestructive } from "./detectors/bundled-destructive.js";
import { detectBundledPersistence } from "./detectors/bundled-persistence.js";
import { detectGitRemote } from "./detectors/git-remote.js";
import { detectHardcodedKeys } from "./detectors/hardcoded-keys.js";
import { detectOpaqueRun } from "./detectors/opaque-run.js";
import { detectUnreferenced } from "./detectors/unreferenced.js";
import { detectCodeFlaws } from "./detectors/code-flaws.js";
import { detectControlDisable } from "./detectors/controls.js";
import { detectCredentials } from "./detectors/credentials.js";
import { detectDestructive } from "./detectors/destructive.js";
import { expand } from "./detectors/expand.js";
import { detectFetchAndFollow } from "./detectors/fetch-and-follow.js";
import { detectDataFlow } from "./detectors/flow.js";
import { detectHarvestProse } from "./detectors/harvest.js";
import { detectHidden } from "./detectors/hidden.js";
import { detectInstructions } from "./detectors/instructions.js";
import { detectDetachedOrders } from "./detectors/detached-orders.js";
import { detectScopeDrift } from "./detectors/scope-drift.js";
import { detectPersuadedOrders } from "./detectors/persuaded-orders.js";
import { detectIncoherentOrders } from "./detectors/incoherent-orders.js";
import { detectAgentActs } from "./detectors/agent-acts.js";
import { detectOutputClaims } from "./detectors/output-claims.js";
import { detectCovertTriggers } from "./detectors/covert-triggers.js";
import { detectLures } from "./detectors/lures.js";
import { detectPlatformLookalikes } from "./detectors/platform-lookalike.js";
import { detectDeclaredLookalikes } from "./detectors/declared-lookalike.js";
import { detectEncodedOrders } from "./detectors/encoded-order.js";
import { detectSplitSteps } from "./detectors/split-steps.js";
import { detectMissingScript } from "./detectors/missing-script.js";
import { detectPackages } from "./detectors/packages.js";
import { detectPayloadText } from "./detectors/payload-text.js";
import { detectPersistence } from "./detectors/persistence.js";
import { detectPersistActs } from "./detectors/persist-acts.js";
import { detectPolicyTamper } from "./detectors/policy-tamper.js";
import { detectPromptInjection } from "./detectors/prompt-injection.js";
import { detectRce } from "./detectors/rce.js";
import { detectRemoteInstructions } from "./detectors/remote-instructions.js";
import { detectStaging } from "./detectors/staging.js";
import { detectTriggeredActs } from "./detectors/triggered.js";
import { detectBundledTriggers } from "./detectors/bundled-triggered.js";
import { detectEnvironmentGated } from "./detectors/environment-gated.js";
import { detectSegmentEgress } from "./detectors/egress-segment.js";
import { detectActiveContent } from "./detectors/active-content.js";
import { detectUndeclared } from "./detectors/undeclared.js";
import { detectRuntimeShell } from "./detectors/runtime-shell.js";
import { detectInlineAssembled } from "./detectors/inline-assembled.js";
import { detectEscapedText } from "./detectors/escaped-text.js";
import { detectDataFileOrder } from "./detectors/data-file-order.js";
import { detectUnreadLanguage } from "./detectors/unread-language.js";
import { detectHomoglyphWords } from "./detectors/homoglyph-words.js";
import { severityRank } from "./util.js";

export { findingRules, type FindingRule } from "./rules.js";

const detectors = [
  detectRce,
  detectLures,
  detectPlatformLookalikes,
  detectDeclaredLookalikes,
  detectEncodedOrders,
  detectSplitSteps,
  detectCredentials,
  detectPersistence,
  detectRemoteInstructions,
  detectFetchAndFollow,
  detectPromptInjection,
  detectHidden,
  detectDestructive,
  detectUndeclared,
  detectBundledCode,
  detectBundledDestructive,
  detectBundledPersistence,
  detectPersistActs,
  detectGitRemote,
  detectHardcodedKeys,
  detectOpaqueRun,
  detectHarvestProse,
  detectDataFlow,
  detectControlDisable,
  detectAgentFilePoisoning,
  detectMissingScript,
  detectCodeFlaws,
  detectPayloadText,
  detectStaging,
  detectPolicyTamper,
  detectPackages,
  detectAssembled,
  detectUnreferenced,
  detectTriggeredActs,
  detectBundledTriggers,
  detectSegmentEgress,
  detectActiveContent,
  detectRuntimeShell,
  detectInlineAssembled,
  detectEscapedText,
  detectDataFileOrder,
  detectUnreadLanguage,
  detectHomoglyphWords,
  // Last: instr.hook-script reads the findings the others reported on bundled scripts.
  detectInstructions,
  detectDetachedOrders,
  detectScopeDrift,
  detectPersuadedOrders,
  detectIncoherentOrders,
  detectAgentActs,
  detectOutputClaims,
  detectCovertTriggers,
  detectEnvironmentGated,
];

/** The detectors that read prose, run again over each bundled markdown document (bundled-prose.ts). */
const proseDetectors = [
  detectRemoteInstructions,
  detectFetchAndFollow,
  detectPromptInjection,
  detectHidden,
  detectHarvestProse,
  detectTriggeredActs,
  detectSegmentEgress,
  detectSplitSteps,
  detectInstructions,
  detectDetachedOrders,
  detectScopeDrift,
  detectPersuadedOrders,
  detectAgentActs,
  detectOutputClaims,
  detectCovertTriggers,
  detectEnvironmentGated,
  detectUnreadLanguage,
  detectHomoglyphWords,
];

/**
 * All findings for one skill, worst first (then by file and position). `analyses` holds the shell
 * analysis of steps by Step.id; steps without one are read with the findings' own shell reader.
 */
export function detectFindings(model: SkillModel, analyses: Map<string, ShellAnalysis>): Finding[] {
  const ctx = buildContext(model, analyses);
  expand(ctx);
  addJsonValueProse(ctx);
  for (const d of detectors) d(ctx);
  detectBundledProse(ctx, analyses, proseDetectors);
  return ctx.findings.sort(
    (a, b) =>
      severityRank[b.severity] - severityRank[a.severity] ||
      a.file.localeCompare(b.file) ||
      a.line - b.line ||
      a.column - b.column ||
      a.id.localeCompare(b.id),
  );
}

/** The skill-level risk: the highest severity among the findings, or "none". */
export function riskOf(findings: readonly Finding[]): Severity | "none" {
  let worst: Severity | "none" = "none";
  for (const f of findings)
    if (worst === "none" || severityRank[f.severity] > severityRank[worst]) worst = f.severity;
  return worst;
}
