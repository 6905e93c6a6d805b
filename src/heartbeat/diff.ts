// Step-level diff between the approved and the new version of a skill file: which steps were
// added, removed or changed (matched by normalised text, in order, then paired by position
// inside each gap), which prose changed, and which findings are new. Pure: no I/O.

import { z } from "zod";
import type { Finding, Severity } from "../model.js";
import { stepHash } from "../remote/lockfile.js";

export interface DiffStepInput {
  kind: string;
  text: string;
  file: string;
  line: number;
  heading?: string;
  verdict?: "allow" | "review" | "deny";
}

export interface DiffSideInput {
  steps: readonly DiffStepInput[];
  /** Prose pieces (paragraphs, headings, list items …) with their first line. */
  segments: ReadonlyArray<{ text: string; line: number }>;
  findings: readonly Finding[];
}

const severitySchema = z.enum(["info", "low", "medium", "high", "critical"]);

export const findingSummarySchema = z.object({
  id: z.string(),
  severity: severitySchema,
  category: z.string(),
  file: z.string(),
  line: z.number().int(),
  message: z.string(),
  evidence: z.string(),
});

export const diffStepSchema = z.object({
  hash: z.string(),
  kind: z.string(),
  text: z.string(),
  file: z.string(),
  line: z.number().int(),
  heading: z.string().optional(),
  verdict: z.enum(["allow", "review", "deny"]).optional(),
  findings: z.array(findingSummarySchema),
});

export const proseChangeSchema = z.object({
  text: z.string(),
  line: z.number().int(),
  findings: z.array(findingSummarySchema),
});

export const fileDiffSchema = z.object({
  file: z.string(),
  added: z.array(diffStepSchema),
  removed: z.array(diffStepSchema),
  changed: z.array(z.object({ before: diffStepSchema, after: diffStepSchema })),
  unchanged: z.number().int().nonnegative(),
  prose: z.object({ added: z.array(proseChangeSchema), removed: z.array(proseChangeSchema) }),
  findings: z.object({ added: z.array(findingSummarySchema), removed: z.array(findingSummarySchema) }),
});

export type FindingSummary = z.infer<typeof findingSummarySchema>;
export type DiffStep = z.infer<typeof diffStepSchema>;
export type ProseChange = z.infer<typeof proseChangeSchema>;
export type FileDiff = z.infer<typeof fileDiffSchema>;

/** Whitespace-insensitive identity used for matching (not for approval, which hashes exact text). */
export function normaliseText(text: string): string {
  return text.replace(/\s+/g, " ").trim();
}

const severityRank: Record<Severity, number> = { info: 0, low: 1, medium: 2, high: 3, critical: 4 };

export function atLeast(severity: Severity, min: Severity): boolean {
  return severityRank[severity] >= severityRank[min];
}

function summarise(f: Finding): FindingSummary {
  return {
    id: f.id,
    severity: f.severity,
    category: f.category,
    file: f.file,
    line: f.line,
    message: f.message,
    evidence: f.evidence,
  };
}

const findingKey = (f: Finding): string => `${f.id}\u0000${f.file}\u0000${normaliseText(f.evidence)}`;

function lineSpan(text: string): number {
  let n = 1;
  for (const ch of text) if (ch === "\n") n++;
  return n;
}

function findingsWithin(
  findings: readonly Finding[],
  file: string,
  line: number,
  text: string,
): FindingSummary[] {
  const last = line + lineSpan(text) - 1;
  return findings.filter((f) => f.file === file && f.line >= line && f.line <= last).map(summarise);
}

/** Longest common subsequence of two key lists: the matched index pairs, in order. */
function lcsPairs(a: readonly string[], b: readonly string[]): Array<[number, number]> {
  const n = a.length;
  const m = b.length;
  if (n * m > 4_000_000) return greedyPairs(a, b);
  const table = new Uint32Array((n + 1) * (m + 1));
  const at = (i: number, j: number): number => table[i * (m + 1) + j]!;
  for (let i = n - 1; i >= 0; i--) {
    for (let j = m - 1; j >= 0; j--) {
      table[i * (m + 1) + j] = a[i] === b[j] ? at(i + 1, j + 1) + 1 : Math.max(at(i + 1, j), at(i, j + 1));
    }
  }
  const pairs: Array<[number, number]> = [];
  let i = 0;
  let j = 0;
  while (i < n && j < m) {
    if (a[i] === b[j]) {
      pairs.push([i, j]);
      i++;
      j++;
    } else if (at(i + 1, j) >= at(i, j + 1)) i++;
    else j++;
  }
  return pairs;
}

/** Fallback for huge inputs: match each new key to the next unused equal old key, keeping order. */
function greedyPairs(a: readonly string[], b: readonly string[]): Array<[number, number]> {
  const pairs: Array<[number, number]> = [];
  let i = 0;
  for (let j = 0; j < b.length && i < a.length; j++) {
    const found = a.indexOf(b[j]!, i);
    if (found >= 0) {
      pairs.push([found, j]);
      i = found + 1;
    }
  }
  return pairs;
}

export function diffFile(file: string, before: DiffSideInput, after: DiffSideInput): FileDiff {
  const toDiffStep = (s: DiffStepInput, findings: readonly Finding[]): DiffStep => ({
    hash: stepHash(s.kind, s.text),
    kind: s.kind,
    text: s.text,
    file: s.file,
    line: s.line,
    ...(s.heading === undefined ? {} : { heading: s.heading }),
    ...(s.verdict === undefined ? {} : { verdict: s.verdict }),
    findings: findingsWithin(findings, s.file, s.line, s.text),
  });
  const key = (s: DiffStepInput): string => `${s.kind}\u0000${normaliseText(s.text)}`;
  const oldSteps = before.steps;
  const newSteps = after.steps;
  const pairs = lcsPairs(oldSteps.map(key), newSteps.map(key));

  const added: DiffStep[] = [];
  const removed: DiffStep[] = [];
  const changed: FileDiff["changed"] = [];
  let oi = 0;
  let ni = 0;
  const flushGap = (oEnd: number, nEnd: number): void => {
    // Inside a gap between matches, steps at the same position are "changed"; the rest added/removed.
    while (oi < oEnd && ni < nEnd) {
      changed.push({
        before: toDiffStep(oldSteps[oi]!, before.findings),
        after: toDiffStep(newSteps[ni]!, after.findings),
      });
      oi++;
      ni++;
    }
    while (oi < oEnd) removed.push(toDiffStep(oldSteps[oi++]!, before.findings));
    while (ni < nEnd) added.push(toDiffStep(newSteps[ni++]!, after.findings));
  };
  for (const [o, n] of pairs) {
    flushGap(o, n);
    oi = o + 1;
    ni = n + 1;
  }
  flushGap(oldSteps.length, newSteps.length);

  return {
    file,
    added,
    removed,
    changed,
    unchanged: pairs.length,
    prose: diffProse(file, before, after),
    findings: diffFindings(before.findings, after.findings),
  };
}

function diffProse(file: string, before: DiffSideInput, after: DiffSideInput): FileDiff["prose"] {
  const count = (segs: DiffSideInput["segments"]): Map<string, number> => {
    const m = new Map<string, number>();
    for (const s of segs) {
      const k = normaliseText(s.text);
      m.set(k, (m.get(k) ?? 0) + 1);
    }
    return m;
  };
  const oldCount = count(before.segments);
  const newCount = count(after.segments);
  const pick = (
    segs: DiffSideInput["segments"],
    other: Map<string, number>,
    findings: readonly Finding[],
  ): ProseChange[] => {
    const left = new Map(other);
    const out: ProseChange[] = [];
    for (const s of segs) {
      const k = normaliseText(s.text);
      if (k === "") continue;
      const n = left.get(k) ?? 0;
      if (n > 0) {
        left.set(k, n - 1);
        continue;
      }
      out.push({ text: s.text, line: s.line, findings: findingsWithin(findings, file, s.line, s.text) });
    }
    return out;
  };
  return {
    added: pick(after.segments, oldCount, after.findings),
    removed: pick(before.segments, newCount, before.findings),
  };
}

function diffFindings(before: readonly Finding[], after: readonly Finding[]): FileDiff["findings"] {
  const oldKeys = new Set(before.map(findingKey));
  const newKeys = new Set(after.map(findingKey));
  return {
    added: after.filter((f) => !oldKeys.has(findingKey(f))).map(summarise),
    removed: before.filter((f) => !newKeys.has(findingKey(f))).map(summarise),
  };
}

export function diffIsEmpty(d: FileDiff): boolean {
  return (
    d.added.length === 0 &&
    d.removed.length === 0 &&
    d.changed.length === 0 &&
    d.prose.added.length === 0 &&
    d.prose.removed.length === 0 &&
    d.findings.added.length === 0
  );
}

/** Readable review text of a diff: "+" added, "-" removed, "~" changed, with findings. */
export function renderDiff(d: FileDiff): string {
  const lines: string[] = [`--- ${d.file} (approved)`, `+++ ${d.file} (new)`];
  const step = (mark: string, s: DiffStep): void => {
    const verdict = s.verdict === undefined ? "" : ` [${s.verdict}]`;
    lines.push(`${mark} step ${s.file}:${s.line} (${s.kind})${verdict}`);
    for (const l of s.text.split("\n")) lines.push(`${mark}     ${l}`);
    for (const f of s.findings) lines.push(`${mark}     ! ${f.severity} ${f.id}: ${f.message}`);
  };
  for (const s of d.added) step("+", s);
  for (const s of d.removed) step("-", s);
  for (const c of d.changed) {
    step("~-", c.before);
    step("~+", c.after);
  }
  for (const p of d.prose.added) {
    lines.push(`+ prose ${d.file}:${p.line}: ${JSON.stringify(normaliseText(p.text))}`);
    for (const f of p.findings) lines.push(`+     ! ${f.severity} ${f.id}: ${f.message}`);
  }
  for (const p of d.prose.removed)
    lines.push(`- prose ${d.file}:${p.line}: ${JSON.stringify(normaliseText(p.text))}`);
  for (const f of d.findings.added)
    lines.push(`! new finding ${f.severity} ${f.id} at ${f.file}:${f.line}: ${f.message}`);
  if (lines.length === 2) lines.push("(no step or prose changes)");
  return lines.join("\n");
}
