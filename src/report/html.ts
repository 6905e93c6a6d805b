// The HTML review report: one self-contained file (inline stylesheet and script allowed by hash
// in a strict CSP, no external requests) showing each skill's markdown with line numbers, every
// step and finding highlighted in place, and a side list of verdicts and findings that scrolls
// to them. The skill is hostile: every character of it is HTML-escaped, control and invisible
// characters are shown as inert spellings, and nothing from it becomes a link, a tag or a style.

import type { Finding, JudgedStep, Severity, SkillError, SkillResult, Verdict } from "../model.js";
import { escapeHtml as h, escapeHtmlVisible as hv, escapeTerminal, summarise } from "./escape.js";
import { reportCsp, reportCss, reportScript } from "./html-assets.js";
import {
  fileText,
  evidenceRange,
  indexText,
  lineEnd,
  stepRanges,
  type IndexedText,
  type Range,
} from "./positions.js";
import { severityRank, sortFindings, verdictRank } from "./severity.js";
import { tool, type ReportMeta } from "./tool.js";

/** One skill's report as a complete HTML document. */
export function toHtml(result: SkillResult, meta?: ReportMeta, options: HtmlOptions = {}): string {
  return toHtmlReport([result], [], meta, options);
}

export interface HtmlOptions {
  /** Show the allowed steps unfolded (by default they sit in a closed <details>). */
  verbose?: boolean;
}

/** Several skills in one document: an index first, then each skill's view; errors listed. */
export function toHtmlReport(
  results: readonly SkillResult[],
  errors: readonly SkillError[],
  meta?: ReportMeta,
  options: HtmlOptions = {},
): string {
  const title =
    results.length === 1 && results[0] !== undefined
      ? `skillwall: ${results[0].source}`
      : "skillwall review report";
  const policy =
    meta === undefined ? "" : ` · policy ${h(meta.policy.name)} (${h(meta.policy.hash.slice(0, 12))})`;
  const body: string[] = [];
  if (results.length > 1 || errors.length > 0) body.push(renderIndex(results, errors));
  results.forEach((r, i) => body.push(renderSkill(r, `s${i}`, options.verbose === true)));
  if (results.length === 0 && errors.length === 0) body.push('<p class="empty">No skills were scanned.</p>');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${h(reportCsp)}">
<meta name="referrer" content="no-referrer">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${hv(title)}</title>
<style>${reportCss}</style>
</head>
<body>
<header class="top"><h1>skillwall review report</h1><div class="meta">${h(tool.name)} ${h(tool.version)}${policy} · ${results.length} skill${results.length === 1 ? "" : "s"}</div></header>
<main>
${body.join("\n")}
</main>
<script>${reportScript}</script>
</body>
</html>
`;
}

function renderIndex(results: readonly SkillResult[], errors: readonly SkillError[]): string {
  const rows = results.map((r, i) => {
    const denied = r.steps.filter((s) => s.verdict !== "allow").length;
    return `<tr><td><a href="#s${i}" data-target="s${i}">${hv(r.source)}</a></td><td>${verdictBadge(r.verdict)}</td><td>${severityBadge(r.risk)}</td><td>${r.steps.length} steps, ${denied} not allowed</td><td>${r.findings.length} findings</td></tr>`;
  });
  const errorList =
    errors.length === 0
      ? ""
      : `<h3>Errors</h3><ul class="errors">${errors.map((e) => `<li><span class="mono">${hv(e.source)}</span>: ${hv(e.message)} (${hv(e.code)})</li>`).join("")}</ul>`;
  const table =
    results.length === 0
      ? ""
      : `<table class="index"><thead><tr><th>skill</th><th>verdict</th><th>risk</th><th>steps</th><th>findings</th></tr></thead><tbody>${rows.join("")}</tbody></table>`;
  return `<section class="overview"><h2>Skills</h2>${table}${errorList}</section>`;
}

/** A highlighted range in one file of a skill, and the side-list entry it belongs to. */
interface Mark {
  id: string;
  /** Usually one; a console step has one per command line (output lines between are not its). */
  ranges: Range[];
  kind: "step" | "finding";
  verdict?: Verdict;
  severity?: Severity;
  title: string;
  decoded?: string;
  label?: string;
}

function renderSkill(result: SkillResult, prefix: string, verbose: boolean): string {
  const sources = new Map<string, IndexedText | undefined>();
  const sourceOf = (file: string): IndexedText | undefined => {
    if (!sources.has(file)) {
      const text = fileText(result.model, file);
      sources.set(file, text === undefined ? undefined : indexText(text));
    }
    return sources.get(file);
  };
  const marksByFile = new Map<string, Mark[]>();
  const addMark = (file: string, mark: Mark): void => {
    const list = marksByFile.get(file) ?? [];
    list.push(mark);
    marksByFile.set(file, list);
  };

  const stepEntries: Array<{ verdict: Verdict; index: number; html: string }> = [];
  result.steps.forEach((judged, i) => {
    const id = `${prefix}-step-${i}`;
    const ranges = stepRanges(judged.step, sourceOf(judged.step.file));
    if (ranges.length > 0) {
      addMark(judged.step.file, {
        id,
        ranges,
        kind: "step",
        verdict: judged.verdict,
        title: `${judged.verdict.toUpperCase()} · ${judged.rule}: ${judged.reason}`,
      });
    }
    stepEntries.push({ verdict: judged.verdict, index: i, html: stepEntry(judged, id, ranges.length > 0) });
  });

  const findingEntries: string[] = [];
  sortFindings(result.findings).forEach((finding, j) => {
    const id = `${prefix}-finding-${j}`;
    const source = sourceOf(finding.file);
    const range =
      source === undefined
        ? undefined
        : evidenceRange(source, finding.line, finding.column, finding.evidence);
    if (range !== undefined) {
      addMark(finding.file, {
        id,
        ranges: [range],
        kind: "finding",
        severity: finding.severity,
        title: `${finding.severity.toUpperCase()} · ${finding.id}: ${finding.message}`,
        label: finding.id,
        ...(finding.decoded === undefined ? {} : { decoded: finding.decoded }),
      });
    }
    findingEntries.push(findingEntry(finding, id, range !== undefined));
  });

  // The main markdown always; bundled files only when something in them is highlighted.
  const files = [result.model.file, ...[...marksByFile.keys()].filter((f) => f !== result.model.file).sort()];
  const fileViews = files.map((file, k) => {
    const source = sourceOf(file);
    return source === undefined
      ? ""
      : renderFile(`${prefix}-f${k}`, file, source, marksByFile.get(file) ?? []);
  });

  const hosts = [...new Set(result.model.links.map((l) => l.host).filter((host) => host !== ""))].sort();
  const notAllowed = result.steps.filter((s) => s.verdict !== "allow").length;
  return `<section class="skill" id="${prefix}">
<h2>${hv(result.source)}</h2>
<div class="skillmeta">${verdictBadge(result.verdict)} risk ${severityBadge(result.risk)} · file <span class="mono">${hv(result.file)}</span> · sha256 <span class="mono">${h(result.sha256.slice(0, 16))}</span> · ${result.steps.length} steps (${result.steps.filter((s) => s.step.install).length} install, ${notAllowed} not allowed) · ${result.findings.length} findings</div>
<div class="layout">
<div class="sources">${fileViews.join("\n")}</div>
<aside class="side">
${filterBar(prefix)}
<h3>Findings (${result.findings.length})</h3>
${findingEntries.length === 0 ? '<p class="empty">No findings.</p>' : `<ol class="findings">${findingEntries.join("\n")}</ol>`}
<h3>Steps (${result.steps.length}: ${notAllowed} not allowed)</h3>
${stepList(stepEntries, verbose)}
${unanalysedList(result)}
<h3>Hosts linked (${hosts.length})</h3>
${hosts.length === 0 ? '<p class="empty">None.</p>' : `<ul class="hosts">${hosts.map((host) => `<li><code>${hv(host)}</code></li>`).join("")}</ul>`}
</aside>
</div>
</section>`;
}

/** Text that could be a command but was not analysed, one entry per line. */
function unanalysedList(result: SkillResult): string {
  const list = result.model.unanalysed ?? [];
  if (list.length === 0) return "";
  const items = list.map(
    (u) =>
      `<li class="unanalysed"><span class="mono">${hv(`${u.file}:${u.line}${u.column !== undefined ? `:${u.column}` : ""}`)}</span> ${hv(u.why)}${u.text ? ` <code>${hv(u.text)}</code>` : ""}</li>`,
  );
  return `<h3>Not analysed (${list.length})</h3>\n<ol class="unanalysed">${items.join("\n")}</ol>`;
}

/** Denied, then review steps open; the allowed ones folded behind one summary line. */
function stepList(
  entries: Array<{ verdict: Verdict; index: number; html: string }>,
  verbose: boolean,
): string {
  if (entries.length === 0) return '<p class="empty">No steps.</p>';
  const sorted = [...entries].sort(
    (a, b) => verdictRank(b.verdict) - verdictRank(a.verdict) || a.index - b.index,
  );
  const refused = sorted.filter((e) => e.verdict !== "allow").map((e) => e.html);
  const allowed = sorted.filter((e) => e.verdict === "allow").map((e) => e.html);
  const parts: string[] = [];
  if (refused.length > 0) parts.push(`<ol class="steps">${refused.join("\n")}</ol>`);
  if (allowed.length > 0)
    parts.push(
      `<details class="allowed"${verbose ? " open" : ""}><summary>${allowed.length} step${allowed.length === 1 ? "" : "s"} allowed</summary><ol class="steps">${allowed.join("\n")}</ol></details>`,
    );
  return parts.join("\n");
}

/** Checkboxes per verdict and severity; the report's script hides the entries unticked. */
function filterBar(prefix: string): string {
  const box = (kind: string, value: string, label: string): string =>
    `<label><input type="checkbox" checked data-filter="${kind}" data-value="${value}"> ${label}</label>`;
  const verdicts = (["deny", "review", "allow"] as const).map((v) => box("verdict", v, verdictBadge(v)));
  const sevs = (["critical", "high", "medium", "low", "info"] as const).map((v) =>
    box("severity", v, severityBadge(v)),
  );
  return `<div class="filters" data-skill="${prefix}"><div>steps: ${verdicts.join(" ")}</div><div>findings: ${sevs.join(" ")}</div></div>`;
}

function stepEntry(judged: JudgedStep, id: string, shown: boolean): string {
  const { step } = judged;
  const inner = [
    `${verdictBadge(judged.verdict)} <span class="pos">${hv(step.file)}:${step.line}:${step.column}</span>`,
    step.install ? ' <span class="badge install">INSTALL</span>' : "",
    ` <code>${hv(summarise(step.text, 100))}</code>`,
    judged.verdict === "allow" && judged.reason === `allowed by rule ${judged.rule}`
      ? `<div class="why">${hv(judged.rule)}</div>`
      : `<div class="why">${hv(judged.rule)}: ${hv(judged.reason)}</div>`,
    judged.verdict !== "allow" && judged.fix !== undefined
      ? `<div class="fix">fix: ${hv(judged.fix)}</div>`
      : "",
  ].join("");
  return `<li data-verdict="${judged.verdict}">${entryLink(id, `entry v-${judged.verdict}`, inner, shown)}</li>`;
}

function findingEntry(finding: Finding, id: string, shown: boolean): string {
  const inner = [
    `${severityBadge(finding.severity)} <span class="mono">${hv(finding.id)}</span> <span class="pos">${hv(finding.file)}:${finding.line}:${finding.column}</span>`,
    `<div>${hv(finding.message)}</div>`,
    `<div class="evidence">evidence: <code>${hv(summarise(finding.evidence, 160))}</code></div>`,
    finding.decoded === undefined
      ? ""
      : `<div class="decoded">decoded: <code>${hv(summarise(finding.decoded, 300))}</code></div>`,
  ].join("");
  return `<li data-severity="${finding.severity}">${entryLink(id, `entry sev-${finding.severity}`, inner, shown)}</li>`;
}

/** Ids are generated here ([a-z0-9-]), never taken from the skill, so they are safe in href. */
function entryLink(id: string, classes: string, inner: string, shown: boolean): string {
  if (!shown)
    return `<div class="${classes} off" data-entry="${id}">${inner}<div class="why">(position not in the shown source)</div></div>`;
  return `<a class="${classes}" href="#${id}" data-target="${id}" data-entry="${id}">${inner}</a>`;
}

/** One range of a mark; only a mark's first piece carries its anchor (the scroll target). */
interface Piece {
  mark: Mark;
  start: number;
  end: number;
  anchor: boolean;
}

function renderFile(prefix: string, name: string, source: IndexedText, marks: readonly Mark[]): string {
  const { text, starts } = source;
  // Bucket each piece into the lines it touches; `firstLine` is where a mark's anchor goes.
  const byLine = new Map<number, Piece[]>();
  const firstLine = new Map<Mark, number>();
  for (const mark of marks) {
    mark.ranges.forEach((range, i) => {
      const first = lineOf(starts, range.start);
      if (i === 0) firstLine.set(mark, first);
      const last = Math.max(first, lineOf(starts, Math.max(range.start, range.end - 1)));
      for (let line = first; line <= last; line++) {
        const list = byLine.get(line) ?? [];
        list.push({ mark, start: range.start, end: range.end, anchor: i === 0 && line === first });
        byLine.set(line, list);
      }
    });
  }
  const rows: string[] = [];
  for (let line = 1; line <= starts.length; line++) {
    // A final newline does not start a line of its own.
    if (line === starts.length && line > 1 && starts[line - 1] === text.length) break;
    const lineStart = starts[line - 1] ?? 0;
    const end = lineEnd(starts, text, line);
    const pieces = byLine.get(line) ?? [];
    const worstVerdict = worst(
      pieces.filter((p) => p.mark.kind === "step").map((p) => p.mark.verdict ?? "allow"),
      verdictRank,
    );
    const lineClass = worstVerdict === undefined ? "ln" : `ln v-${worstVerdict}`;
    rows.push(
      `<div class="${lineClass}" id="${prefix}-L${line}" data-line="${line}"><span class="no">${line}</span><span class="tx">${renderLine(text, lineStart, end, pieces)}</span></div>`,
    );
    for (const piece of pieces) {
      if (piece.anchor && piece.mark.decoded !== undefined && firstLine.get(piece.mark) === line) {
        rows.push(
          `<div class="ann" data-decoded-for="${piece.mark.id}"><span class="no">⤷</span><span class="dec">decoded (${hv(piece.mark.label ?? "")}): ${hv(piece.mark.decoded)}</span></div>`,
        );
      }
    }
  }
  return `<div class="file" data-file="${h(name)}"><div class="name">${hv(name)}</div><div class="code">${rows.join("\n")}</div></div>`;
}

/** One line's text split at every piece boundary; each part carries the marks covering it. */
function renderLine(text: string, start: number, end: number, pieces: readonly Piece[]): string {
  const cuts = new Set<number>([start, end]);
  for (const p of pieces) {
    cuts.add(clamp(p.start, start, end));
    cuts.add(clamp(p.end, start, end));
  }
  const points = [...cuts].sort((a, b) => a - b);
  const anchorsAt = (offset: number): string =>
    pieces
      .filter((p) => p.anchor && clamp(p.start, start, end) === offset)
      .map((p) => `<span class="anchor" id="${p.mark.id}"></span>`)
      .join("");
  let out = "";
  for (let i = 0; i < points.length - 1; i++) {
    const a = points[i] ?? start;
    const b = points[i + 1] ?? end;
    out += anchorsAt(a);
    const covering = [
      ...new Set(pieces.filter((p) => p.start <= a && p.end >= b && p.end > p.start).map((p) => p.mark)),
    ];
    const part = hv(text.slice(a, b));
    if (covering.length === 0) {
      out += part;
      continue;
    }
    const classes = ["hl"];
    const verdict = worst(
      covering.filter((m) => m.kind === "step").map((m) => m.verdict ?? "allow"),
      verdictRank,
    );
    if (verdict !== undefined) classes.push("st", `v-${verdict}`);
    const severity = worst(
      covering.filter((m) => m.kind === "finding").map((m) => m.severity ?? "info"),
      severityRank,
    );
    if (severity !== undefined) classes.push("fd", `sev-${severity}`);
    out += `<span class="${classes.join(" ")}" data-ref="${covering.map((m) => m.id).join(" ")}" title="${covering.map((m) => h(escapeTerminal(m.title))).join("&#10;")}">${part}</span>`;
  }
  // Anchors of empty ranges at the end of the line (or on an empty line).
  out += anchorsAt(end);
  return out;
}

function lineOf(starts: readonly number[], offset: number): number {
  let low = 0;
  let high = starts.length - 1;
  while (low < high) {
    const mid = (low + high + 1) >> 1;
    if ((starts[mid] ?? 0) <= offset) low = mid;
    else high = mid - 1;
  }
  return low + 1;
}

function clamp(value: number, min: number, max: number): number {
  return Math.min(Math.max(value, min), max);
}

function worst<T>(values: readonly T[], rank: (v: T) => number): T | undefined {
  let best: T | undefined;
  for (const v of values) if (best === undefined || rank(v) > rank(best)) best = v;
  return best;
}

function verdictBadge(verdict: Verdict): string {
  return `<span class="badge v-${verdict}">${verdict.toUpperCase()}</span>`;
}

function severityBadge(severity: Severity | "none"): string {
  return `<span class="badge sev-${severity}">${severity.toUpperCase()}</span>`;
}
