// The frontmatter as OpenClaw reads it: a port of the pinned openclaw package's reader
// (packages/markdown-core/src/frontmatter.ts and src/skills/loading/frontmatter.ts, MIT), kept
// rule for rule so skillwall judges what OpenClaw would install. Where OpenClaw validates a value
// before installing it (npm spec syntax), this port is looser: it may list an install OpenClaw
// drops, never miss one it keeps.

import JSON5 from "json5";
import { isAlias, isMap, isNode, isScalar, parseDocument } from "yaml";

/** One install OpenClaw would run, as `kind` and the one value that names what is installed. */
export interface OpenClawInstall {
  kind: "brew" | "node" | "go" | "uv" | "download";
  target: string;
}

export interface OpenClawReading {
  /** The frontmatter block OpenClaw splits off (LF line ends), when it finds one. */
  block?: string;
  /** Why OpenClaw would refuse to load the skill (invalid YAML, unterminated block). */
  issues: string[];
  /** The skill name OpenClaw uses (trimmed), when the frontmatter names one. */
  name?: string;
  installs: OpenClawInstall[];
}

const MANIFEST_KEYS = ["openclaw", "clawdbot"] as const;
const KINDS = ["brew", "node", "go", "uv", "download"] as const;
const FREEFORM_TEXT_FIELDS = new Set(["description", "read_when", "summary"]);
const CLOSING = /(?:^|\n)---[^\S\n]*(?:\n|(?![\s\S]))/;
const OPENING = /^---[^\S\n]*\n/;

/** OpenClaw's first step: drop one leading BOM, every line end becomes LF. */
export function normalizeForOpenClaw(content: string): string {
  return content
    .replace(/^\uFEFF/, "")
    .replace(/\r\n/g, "\n")
    .replace(/\r/g, "\n");
}

/** Read a whole SKILL.md as OpenClaw does. */
export function readAsOpenClaw(content: string): OpenClawReading {
  const normalized = normalizeForOpenClaw(content);
  const opening = OPENING.exec(normalized);
  if (!opening) return { issues: [], installs: [] };
  const tail = normalized.slice(opening[0].length);
  const closing = CLOSING.exec(tail);
  if (!closing) return { issues: ["missing closing --- delimiter"], installs: [] };
  const block = tail.slice(0, closing.index);
  if (block === "") return { block, issues: [], installs: [] };
  const { frontmatter, issues } = parseYamlFrontmatter(block);
  // The skill loader refuses a skill with issues, but other readers of the same file
  // (parseFrontmatterBlock) keep the line-by-line fallback: its installs count too.
  const reading: OpenClawReading = { block, issues, installs: manifestInstalls(frontmatter) };
  const name = frontmatter.name?.trim();
  if (name) reading.name = name;
  return reading;
}

/** OpenClaw's test for a brew formula it accepts (normalizeSafeBrewFormula). */
export function safeBrewFormula(raw: unknown): string | undefined {
  if (typeof raw !== "string") return undefined;
  const formula = raw.trim();
  if (!formula || formula.startsWith("-") || formula.includes("\\") || formula.includes(".."))
    return undefined;
  return /^[A-Za-z0-9][A-Za-z0-9@+._/-]*$/.test(formula) ? formula : undefined;
}

function stripQuotes(value: string): string {
  const quote = value.at(0);
  return (quote === '"' || quote === "'") && value.at(-1) === quote ? value.slice(1, -1) : value;
}

function coerce(value: unknown): { value: string; kind: "scalar" | "structured" } | undefined {
  if (value === null || value === undefined) return undefined;
  if (typeof value === "string") return { value: value.trim(), kind: "scalar" };
  if (typeof value === "number" || typeof value === "boolean")
    return { value: String(value), kind: "scalar" };
  if (typeof value === "object") {
    try {
      return { value: JSON.stringify(value), kind: "structured" };
    } catch {
      return undefined;
    }
  }
  return undefined;
}

/** OpenClaw's line reader, used for keys YAML reads as structures written on one line. */
function parseLineFrontmatter(block: string): Record<string, string> {
  const result: Record<string, string> = Object.create(null) as Record<string, string>;
  const lines = block.split("\n");
  for (let i = 0; i < lines.length; i += 1) {
    const match = lines[i]?.match(/^([\w-]+):\s*(.*)$/);
    const key = match?.[1];
    const rawValue = match?.[2];
    if (!key || rawValue === undefined) continue;
    let value = rawValue.trim();
    if (!value && /^[ \t]/.test(lines[i + 1] ?? "")) {
      const valueLines: string[] = [];
      while (i + 1 < lines.length) {
        const line = lines[i + 1];
        if (line === undefined || (line && !/^[ \t]/.test(line))) break;
        valueLines.push(line);
        i += 1;
      }
      value = valueLines.join("\n").trim();
    } else value = stripQuotes(value);
    if (value) result[key] = value;
  }
  return result;
}

function normalizeFreeformFieldAtError(block: string): string {
  const doc = parseDocument(block, { schema: "core", prettyErrors: false, logLevel: "error" });
  if (!isMap(doc.contents)) return block;
  const error = doc.errors.find((candidate) => candidate.pos?.[0] !== undefined);
  const descriptionAlias = doc.contents.items.find(
    (c) => isScalar(c.key) && c.key.value === "description" && isAlias(c.value),
  );
  const pos =
    error?.pos?.[0] ?? (isNode(descriptionAlias?.key) ? descriptionAlias.key.range?.[0] : undefined);
  if (pos === undefined) return block;
  const lineStart = block.lastIndexOf("\n", pos) + 1;
  const lineEnd = block.indexOf("\n", pos);
  const end = lineEnd === -1 ? block.length : lineEnd;
  const match = block.slice(lineStart, end).match(/^(?:([\w-]+)|"([\w-]+)"|'([\w-]+)'):\s*(.*)$/);
  const keyName = match?.[1] ?? match?.[2] ?? match?.[3];
  const rawValue = match?.[4]?.trim();
  const isTopLevelField = doc.contents.items.some(
    (pair) => isScalar(pair.key) && pair.key.value === keyName && pair.key.range?.[0] === lineStart,
  );
  const recoverColonRichText = error?.code === "BLOCK_AS_IMPLICIT_KEY" && rawValue?.includes(": ");
  if (
    !keyName ||
    !rawValue ||
    !FREEFORM_TEXT_FIELDS.has(keyName) ||
    !isTopLevelField ||
    (keyName !== "description" && !recoverColonRichText) ||
    /^[|>](?:[1-9][+-]?|[+-][1-9]?)?$/.test(rawValue)
  )
    return block;
  const replacement = `${keyName}: ${JSON.stringify(stripQuotes(rawValue))}`;
  return `${block.slice(0, lineStart)}${replacement}${block.slice(end)}`;
}

interface Parsed {
  frontmatter: Record<string, string>;
  issues: string[];
}

function parseYamlFrontmatterOnce(block: string, fallback: Record<string, string>): Parsed {
  try {
    const doc = parseDocument(block, { schema: "core", prettyErrors: false, logLevel: "error" });
    if (doc.errors.length > 0 || !isMap(doc.contents))
      return {
        frontmatter: fallback,
        issues:
          doc.errors.length > 0
            ? doc.errors.map((e) => `${e.code}: ${e.message.split("\n")[0] ?? ""}`)
            : ["INVALID_ROOT: frontmatter must be a YAML mapping"],
      };
    const parsed: unknown = doc.toJS();
    if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed))
      return { frontmatter: fallback, issues: ["INVALID_ROOT: frontmatter must be a YAML mapping"] };
    const inlineColonKeys = new Set<string>();
    for (const pair of doc.contents.items) {
      if (!isNode(pair.key)) continue;
      const start = pair.key.range?.[0];
      if (start === undefined) continue;
      const lineEnd = block.indexOf("\n", start);
      const match = block.slice(start, lineEnd === -1 ? block.length : lineEnd).match(/^([\w-]+):\s*(.*)$/);
      if (match?.[1] && match[2]?.includes(":")) inlineColonKeys.add(match[1]);
    }
    const result: Record<string, string> = Object.create(null) as Record<string, string>;
    for (const [rawKey, value] of Object.entries(parsed)) {
      const key = rawKey.trim();
      const coerced = key ? coerce(value) : undefined;
      if (!coerced) continue;
      const fallbackValue = Object.hasOwn(fallback, key) ? fallback[key] : undefined;
      result[key] =
        coerced.kind === "structured" && inlineColonKeys.has(key) && fallbackValue !== undefined
          ? fallbackValue
          : coerced.value;
    }
    for (const [key, value] of Object.entries(fallback)) if (!Object.hasOwn(result, key)) result[key] = value;
    return { frontmatter: result, issues: [] };
  } catch (error) {
    return {
      frontmatter: fallback,
      issues: [`YAML_EXCEPTION: ${error instanceof Error ? error.message : String(error)}`],
    };
  }
}

/**
 * OpenClaw's repair of a block that is not valid YAML: a `description` (or `summary`,
 * `read_when`) line whose text holds `: ` is quoted, up to once per such field. Returns the
 * block unchanged when the repair does not apply. Each repair keeps the line count.
 */
export function recoverFreeformFields(block: string): string {
  let recovered = block;
  for (let i = 0; i < FREEFORM_TEXT_FIELDS.size; i += 1) {
    const doc = parseDocument(recovered, { schema: "core", prettyErrors: false, logLevel: "error" });
    if (doc.errors.length === 0 && isMap(doc.contents)) break;
    const next = normalizeFreeformFieldAtError(recovered);
    if (next === recovered) break;
    recovered = next;
  }
  return recovered;
}

function parseYamlFrontmatter(block: string): Parsed {
  const fallback = parseLineFrontmatter(block);
  let parsed = parseYamlFrontmatterOnce(block, fallback);
  let recovered = block;
  for (let i = 0; i < FREEFORM_TEXT_FIELDS.size && parsed.issues.length > 0; i += 1) {
    const next = normalizeFreeformFieldAtError(recovered);
    if (next === recovered) break;
    recovered = next;
    parsed = parseYamlFrontmatterOnce(recovered, fallback);
  }
  return parsed;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function trimmed(v: unknown): string | undefined {
  return typeof v === "string" && v.trim() !== "" ? v.trim() : undefined;
}

/** The manifest block: `metadata` (a string after coercion) as JSON, else JSON5. */
function manifestInstalls(frontmatter: Record<string, string>): OpenClawInstall[] {
  const raw = frontmatter.metadata;
  if (!raw) return [];
  let parsed: unknown;
  try {
    try {
      parsed = JSON.parse(raw);
    } catch {
      parsed = JSON5.parse(raw);
    }
  } catch {
    return [];
  }
  if (!parsed || typeof parsed !== "object") return [];
  const block = MANIFEST_KEYS.map((k) => (parsed as Record<string, unknown>)[k]).find(
    (c) => c !== null && typeof c === "object",
  ) as Record<string, unknown> | undefined;
  if (!block || !Array.isArray(block.install)) return [];
  const out: OpenClawInstall[] = [];
  for (const entry of block.install as unknown[]) {
    const spec = installOf(entry);
    if (spec) out.push(spec);
  }
  return out;
}

/** One install spec as OpenClaw's parseInstallSpec keeps it (validation loosened, see top). */
function installOf(input: unknown): OpenClawInstall | undefined {
  if (!isRecord(input)) return undefined;
  const kindRaw =
    typeof input.kind === "string" ? input.kind : typeof input.type === "string" ? input.type : "";
  const kind = (trimmed(kindRaw) ?? "").toLowerCase() as OpenClawInstall["kind"];
  if (!KINDS.includes(kind)) return undefined;
  const safe = (v: unknown): string | undefined => {
    const s = trimmed(v);
    return s === undefined || s.startsWith("-") ? undefined : s;
  };
  if (kind === "download" && input.sha256 !== undefined) {
    if (typeof input.sha256 !== "string" || !/^[a-f0-9]{64}$/u.test(input.sha256.trim().toLowerCase()))
      return undefined;
  }
  switch (kind) {
    case "brew": {
      const formula = safeBrewFormula(input.formula) ?? safeBrewFormula(input.cask);
      return formula === undefined ? undefined : { kind, target: formula };
    }
    case "node":
    case "uv": {
      const pkg = safe(input.package);
      return pkg === undefined ? undefined : { kind, target: pkg };
    }
    case "go": {
      const module = safe(input.module);
      return module === undefined ? undefined : { kind, target: module };
    }
    case "download": {
      const url = trimmed(input.url);
      if (url === undefined || /\s/.test(url)) return undefined;
      try {
        const parsed = new URL(url);
        if (parsed.protocol !== "http:" && parsed.protocol !== "https:") return undefined;
        return { kind, target: parsed.toString() };
      } catch {
        return undefined;
      }
    }
  }
  return undefined;
}

/** The skillwall side of a comparison: the block remark split off and the strict reading of it. */
export interface StrictReading {
  block?: string;
  errors: string[];
  name?: string;
  /** Each install spec skillwall derived a command from, as written. */
  specs: Array<{ kind: string; raw: Record<string, unknown> }>;
}

/** What a strict reading installs, in OpenClaw's terms (kind and target), for comparison. */
function strictTarget(spec: { kind: string; raw: Record<string, unknown> }): string | undefined {
  const s = (v: unknown) => (typeof v === "string" ? v : undefined);
  switch (spec.kind) {
    case "node":
    case "uv":
      return s(spec.raw.package)?.trim();
    case "go":
      return s(spec.raw.module)?.trim();
    case "brew":
      return (
        safeBrewFormula(spec.raw.formula) ?? safeBrewFormula(spec.raw.cask) ?? s(spec.raw.formula)?.trim()
      );
    case "download":
      return s(spec.raw.url);
    default:
      return undefined;
  }
}

/** Same install: the exact text, or a URL that only differs by how URL parsing spells it. */
function sameTarget(kind: string, strict: string, openclaw: string): boolean {
  if (strict === openclaw) return true;
  if (kind !== "download" || /[\s\p{Cc}]/u.test(strict)) return false;
  try {
    return new URL(strict).toString() === openclaw;
  } catch {
    return false;
  }
}

/**
 * Every way OpenClaw's reading of the frontmatter differs from skillwall's strict one, as
 * sentences for a finding; empty when they agree. Differences that only make skillwall judge
 * more (install kinds OpenClaw ignores) are not listed.
 */
export function frontmatterDisagreements(strict: StrictReading, openclaw: OpenClawReading): string[] {
  const out: string[] = [];
  const strictBlock = strict.block === undefined ? undefined : normalizeForOpenClaw(strict.block);
  if (openclaw.block === undefined && strictBlock !== undefined)
    out.push("OpenClaw finds no frontmatter block here (its fence is `---` alone on the first line)");
  else if (openclaw.block !== undefined && strictBlock === undefined)
    out.push("OpenClaw reads a frontmatter block that skillwall's markdown parser does not see");
  else if (openclaw.block !== undefined && openclaw.block !== strictBlock)
    out.push("OpenClaw's frontmatter block ends at a different line than skillwall's");
  if (openclaw.issues.length > 0 && strict.errors.length === 0)
    out.push(
      `OpenClaw rejects this frontmatter (${openclaw.issues[0] ?? ""}); another reader of it may fall back to its line-by-line reading`,
    );
  const strictName = strict.name?.trim();
  // A skill OpenClaw refuses is never loaded under its name; only its installs still matter.
  if (openclaw.issues.length === 0 && openclaw.name !== undefined && openclaw.name !== strictName)
    out.push(
      `OpenClaw names the skill ${JSON.stringify(openclaw.name)}, skillwall ${JSON.stringify(strictName ?? "")}`,
    );
  for (const install of openclaw.installs) {
    const judged = strict.specs.some((spec) => {
      const target = strictTarget(spec);
      return (
        spec.kind === install.kind && target !== undefined && sameTarget(install.kind, target, install.target)
      );
    });
    if (!judged)
      out.push(
        `OpenClaw installs ${install.kind} ${JSON.stringify(install.target)}, which skillwall's reading does not`,
      );
  }
  return out;
}
