// Field-level changes between the approved and the held version of structured content: a JSON
// file (skill.json: a version bump must be visible) or a markdown file's YAML frontmatter. Each
// leaf is named by its path ("moltbot.files.SKILL.md", "keywords[2]"); values are shown as JSON
// (control characters escaped). Pure: no I/O.

import { parse as parseYaml } from "yaml";

export interface FieldChange {
  path: string;
  /** JSON of the approved value; absent when the field is new. */
  before?: string;
  /** JSON of the held value; absent when the field was removed. */
  after?: string;
}

/** Longest value shown per side; longer ones end in "…(N more chars)". */
const maxValueChars = 1000;

function show(v: unknown): string {
  const text = JSON.stringify(v) ?? String(v);
  return text.length <= maxValueChars
    ? text
    : `${text.slice(0, maxValueChars)}…(${text.length - maxValueChars} more chars)`;
}

function flatten(value: unknown, prefix: string, out: Map<string, string>): void {
  if (Array.isArray(value)) {
    if (value.length === 0) out.set(prefix, "[]");
    value.forEach((v, i) => flatten(v, `${prefix}[${i}]`, out));
  } else if (value !== null && typeof value === "object") {
    const keys = Object.keys(value);
    if (keys.length === 0) out.set(prefix, "{}");
    for (const k of keys) {
      const name = /^[A-Za-z_$][\w$.-]*$/.test(k) ? k : JSON.stringify(k);
      flatten((value as Record<string, unknown>)[k], prefix === "" ? name : `${prefix}.${name}`, out);
    }
  } else out.set(prefix === "" ? "(value)" : prefix, show(value));
}

export function fieldChanges(before: unknown, after: unknown): FieldChange[] {
  const a = new Map<string, string>();
  const b = new Map<string, string>();
  flatten(before, "", a);
  flatten(after, "", b);
  const out: FieldChange[] = [];
  for (const [p, v] of a) {
    const w = b.get(p);
    if (w === undefined) out.push({ path: p, before: v });
    else if (w !== v) out.push({ path: p, before: v, after: w });
  }
  for (const [p, w] of b) if (!a.has(p)) out.push({ path: p, after: w });
  return out;
}

/** The parsed YAML frontmatter of a markdown text, `{}` when it has none, or an error text. */
export function frontmatterOf(text: string): unknown {
  const m = /^\uFEFF?---\r?\n([\s\S]*?)\r?\n---\r?\n/.exec(text);
  if (m === null) return {};
  try {
    return parseYaml(m[1]!) ?? {};
  } catch (err) {
    return { "(unreadable frontmatter)": (err as Error).message };
  }
}

export function jsonOf(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    return { "(not valid JSON)": (err as Error).message, "(text)": text };
  }
}

export function renderFieldChanges(title: string, changes: readonly FieldChange[]): string[] {
  if (changes.length === 0) return [];
  const lines = [`~~~ ${title}`];
  for (const c of changes) {
    if (c.before === undefined) lines.push(`+ ${c.path}: ${c.after}`);
    else if (c.after === undefined) lines.push(`- ${c.path}: ${c.before}`);
    else lines.push(`~ ${c.path}: ${c.before} → ${c.after}`);
  }
  return lines;
}

/** Lines only in one side (for files that are neither markdown nor JSON). */
export function lineChanges(before: string, after: string): FieldChange[] {
  const a = before.split("\n");
  const b = after.split("\n");
  const inA = new Set(a);
  const inB = new Set(b);
  return [
    ...a.flatMap((l, i) => (inB.has(l) ? [] : [{ path: `line ${i + 1}`, before: show(l) }])),
    ...b.flatMap((l, i) => (inA.has(l) ? [] : [{ path: `line ${i + 1}`, after: show(l) }])),
  ];
}
