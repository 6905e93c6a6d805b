// Report renderers: text for people, JSON for machines (versioned), SARIF for code scanning,
// HTML for reviewing one skill in a browser.

import { findingRules as knownFindingRules } from "../findings/index.js";
import type { SkillError, SkillResult } from "../model.js";
import { toHtmlReport } from "./html.js";
import { renderJson } from "./json.js";
import { renderSarif, type FindingRules } from "./sarif.js";
import { renderText } from "./text.js";
import type { ReportMeta } from "./tool.js";

export { toHtml, toHtmlReport } from "./html.js";
export { jsonFormatVersion, renderJson, toJson } from "./json.js";
export type {
  JsonCommand,
  JsonError,
  JsonFinding,
  JsonLink,
  JsonProblem,
  JsonReport,
  JsonResult,
  JsonStep,
} from "./json.js";
export { artifactUri, maxSarifResults, renderSarif, sarifSchemaUri, toSarif } from "./sarif.js";
export type { FindingRuleMeta, FindingRules, SarifOptions } from "./sarif.js";
export { renderText, type TextOptions } from "./text.js";
export { escapeHtml, escapeTerminal } from "./escape.js";
export { tool, type ReportMeta } from "./tool.js";

export type ReportFormat = "text" | "json" | "sarif" | "html";

export const reportFormats: readonly ReportFormat[] = ["text", "json", "sarif", "html"];

export interface RenderOptions {
  /** Text only: ANSI colours. Pass useColor(io) so NO_COLOR and non-TTY output stay plain. */
  color?: boolean;
  /** Text and HTML: list every allowed step (by default they are counted, or folded in HTML). */
  verbose?: boolean;
  /** SARIF only: rule metadata per finding id; defaults to the findings module's `findingRules`. */
  findingRules?: FindingRules;
  /** SARIF only: absolute directory the skill paths are relative to (the repository root). */
  baseDir?: string;
}

/** The whole report in one format, as the string to write to stdout or --output. */
export function renderReport(
  format: ReportFormat,
  results: readonly SkillResult[],
  errors: readonly SkillError[],
  meta: ReportMeta,
  options: RenderOptions = {},
): string {
  switch (format) {
    case "text":
      return renderText(results, errors, meta, {
        color: options.color ?? false,
        verbose: options.verbose ?? false,
      });
    case "json":
      return renderJson(results, errors, meta);
    case "sarif":
      return renderSarif(results, errors, meta, {
        findingRules: options.findingRules ?? knownFindingRules,
        ...(options.baseDir === undefined ? {} : { baseDir: options.baseDir }),
      });
    case "html":
      return toHtmlReport(results, errors, meta, { verbose: options.verbose ?? false });
  }
}
