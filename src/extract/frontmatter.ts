// YAML frontmatter: name, description and the OpenClaw metadata block (`metadata.openclaw`,
// `.clawdbot` or `.moltbot`), which may be a YAML mapping, a JSON flow mapping, or a string
// holding JSON5. Problems are collected in `errors`, never thrown.

import JSON5 from "json5";
import { isMap, isScalar, isSeq, parseDocument, type Node as YamlNode } from "yaml";
import type { Frontmatter, InstallSpecKind, SkillMetadata } from "../model.js";
import { recoverFreeformFields, safeBrewFormula } from "./openclaw-frontmatter.js";
import type { LineIndex } from "./positions.js";

const NAMESPACES = ["openclaw", "clawdbot", "moltbot"] as const;

/**
 * Read a frontmatter body. `bodyOffset` is where `body` starts in the file, so spec positions
 * map back to file line:column.
 */
export function readFrontmatter(body: string, bodyOffset: number, index: LineIndex): Frontmatter {
  const errors: string[] = [];
  const line = index.at(bodyOffset).line;
  const fm: Frontmatter = { raw: body, line, data: Object.create(null) as Record<string, unknown>, errors };
  let doc = parseDocument(body, { prettyErrors: false, uniqueKeys: false, logLevel: "error" });
  // OpenClaw quotes a free-text field that breaks the YAML (`description: a: b`) and reads on;
  // so does skillwall, or the two would read different frontmatters.
  let source = body;
  if (doc.errors.length > 0) {
    const recovered = recoverFreeformFields(body);
    const again = parseDocument(recovered, { prettyErrors: false, uniqueKeys: false, logLevel: "error" });
    if (recovered !== body && again.errors.length === 0) {
      source = recovered;
      doc = again;
    }
  }
  const toBody = sameLineMapper(source, body);
  for (const e of doc.errors) errors.push(`frontmatter YAML: ${e.message.split("\n")[0] ?? e.code}`);
  let data: unknown;
  try {
    data = doc.toJS({ maxAliasCount: 100 });
  } catch (e) {
    errors.push(`frontmatter YAML: ${e instanceof Error ? e.message : String(e)}`);
    return fm;
  }
  if (data === null || data === undefined) return fm;
  if (!isRecord(data)) {
    errors.push("frontmatter is not a mapping");
    return fm;
  }
  fm.data = data;
  if (typeof data.name === "string") fm.name = data.name;
  else if (data.name !== undefined) errors.push("frontmatter `name` is not a string");
  if (typeof data.description === "string") fm.description = data.description;
  else if (data.description !== undefined) errors.push("frontmatter `description` is not a string");

  const metaNode = isMap(doc.contents) ? doc.contents.get("metadata", true) : undefined;
  let metadata: unknown = data.metadata;
  let jsonSource: { text: string; offset: number } | undefined;
  if (typeof metadata === "string") {
    try {
      metadata = JSON5.parse(metadata);
    } catch (e) {
      errors.push(
        `frontmatter metadata is a string but not JSON5: ${e instanceof Error ? e.message : String(e)}`,
      );
      return fm;
    }
    if (isScalar(metaNode) && metaNode.range) {
      jsonSource = {
        text: source.slice(metaNode.range[0], metaNode.range[1]),
        offset: toBody(metaNode.range[0]),
      };
    }
  }
  if (metadata === undefined || metadata === null) return fm;
  if (!isRecord(metadata)) {
    errors.push("frontmatter metadata is not a mapping");
    return fm;
  }
  const namespace = NAMESPACES.find((ns) => metadata[ns] !== undefined);
  if (namespace === undefined) return fm;
  const ns = metadata[namespace];
  if (!isRecord(ns)) {
    errors.push(`metadata.${namespace} is not a mapping`);
    return fm;
  }

  // Where each install spec starts in the file.
  const specOffsets: number[] = [];
  if (jsonSource !== undefined) {
    for (const o of objectStartsInArray(jsonSource.text, /\binstall\b/))
      specOffsets.push(bodyOffset + jsonSource.offset + o);
  } else if (isMap(metaNode)) {
    const nsNode = metaNode.get(namespace, true);
    const installNode = isMap(nsNode) ? nsNode.get("install", true) : undefined;
    if (isSeq(installNode)) {
      for (const item of installNode.items as YamlNode[])
        specOffsets.push(bodyOffset + toBody(item.range?.[0] ?? 0));
    }
  }
  const fallbackOffset = bodyOffset + toBody(metaNode?.range?.[0] ?? 0);

  const meta: SkillMetadata = {
    namespace,
    requires: { bins: [], env: [], anyBins: [], config: [] },
    install: [],
    extra: Object.create(null) as Record<string, unknown>,
  };
  for (const [key, value] of Object.entries(ns)) {
    if (key !== "requires" && key !== "install") meta.extra[key] = value;
  }
  if (ns.requires !== undefined) {
    if (!isRecord(ns.requires)) errors.push(`metadata.${namespace}.requires is not a mapping`);
    else {
      for (const field of ["bins", "env", "anyBins", "config"] as const) {
        const v = ns.requires[field];
        if (v === undefined) continue;
        if (!Array.isArray(v)) {
          errors.push(`metadata.${namespace}.requires.${field} is not a list`);
          continue;
        }
        for (const item of v as unknown[]) {
          if (typeof item === "string") meta.requires[field].push(item);
          else errors.push(`metadata.${namespace}.requires.${field} has a non-string entry`);
        }
      }
    }
  }
  if (ns.install !== undefined) {
    if (!Array.isArray(ns.install)) errors.push(`metadata.${namespace}.install is not a list`);
    else {
      (ns.install as unknown[]).forEach((spec, i) => {
        const where = `metadata.${namespace}.install[${i}]`;
        if (!isRecord(spec)) {
          errors.push(`${where} is not a mapping`);
          return;
        }
        const pos = index.at(specOffsets[i] ?? fallbackOffset);
        const derived = deriveInstallCommand(spec);
        if (derived.error !== undefined) errors.push(`${where}: ${derived.error}`);
        meta.install.push({
          kind: derived.kind,
          raw: spec,
          command: derived.command,
          line: pos.line,
          column: pos.column,
        });
      });
    }
  }
  fm.metadata = meta;
  return fm;
}

/**
 * Offsets in `from` mapped to `to`, two texts with the same lines where some lines were
 * rewritten: same line, same column (clamped to the line).
 */
function sameLineMapper(from: string, to: string): (offset: number) => number {
  if (from === to) return (o) => o;
  const starts = (t: string) => [0, ...[...t.matchAll(/\n/g)].map((m) => (m.index ?? 0) + 1)];
  const a = starts(from);
  const b = starts(to);
  return (offset) => {
    let line = 0;
    while (line + 1 < a.length && (a[line + 1] ?? Infinity) <= offset) line += 1;
    const start = b[line] ?? 0;
    const end = (b[line + 1] ?? to.length + 1) - 1;
    return Math.min(start + offset - (a[line] ?? 0), end);
  };
}

/** Shell-quote one word so the shell parser reads it back as exactly that word. */
export function quoteArg(s: string): string {
  if (/^[A-Za-z0-9@%+=:,./_~-]+$/.test(s)) return s;
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

/** A value as OpenClaw passes it to the installer: a string, trimmed. */
function words(value: unknown): string | undefined {
  if (typeof value === "string" && value.trim() !== "") return quoteArg(value.trim());
  if (Array.isArray(value) && value.length > 0 && value.every((v) => typeof v === "string" && v !== "")) {
    return (value as string[]).map(quoteArg).join(" ");
  }
  return undefined;
}

/** The command skillwall judges for an install spec; `command` is "" when none can be derived. */
export function deriveInstallCommand(spec: Record<string, unknown>): {
  kind: InstallSpecKind;
  command: string;
  error?: string;
} {
  // As OpenClaw reads it: `kind`, else `type`, trimmed and lower-cased.
  const kindText = typeof spec.kind === "string" ? spec.kind : typeof spec.type === "string" ? spec.type : "";
  const rawKind = kindText.trim().toLowerCase();
  const need = (kind: InstallSpecKind, field: string, build: (w: string) => string) => {
    const w = words(spec[field]);
    return w === undefined
      ? { kind, command: "", error: `kind "${rawKind}" needs a non-empty \`${field}\`` }
      : { kind, command: build(w) };
  };
  switch (rawKind) {
    case "brew": {
      // OpenClaw runs `brew install <formula>`, the cask when there is no valid formula, and
      // ignores `tap`: the command judged is that one, never a tap-qualified decoy.
      const field =
        safeBrewFormula(spec.formula) === undefined && safeBrewFormula(spec.cask) !== undefined
          ? "cask"
          : "formula";
      return need("brew", field, (w) => `brew install ${w}`);
    }
    case "node":
    case "npm":
      return need("node", "package", (w) => `npm install -g ${w}`);
    case "go":
      return need("go", "module", (w) => `go install ${w}`);
    case "uv":
      return need("uv", "package", (w) => `uv tool install ${w}`);
    case "pip":
      return need("pip", "package", (w) => `pip install ${w}`);
    case "apt":
      return need("apt", "package", (w) => `apt-get install -y ${w}`);
    case "shell": {
      const command = typeof spec.command === "string" ? spec.command : "";
      return command.trim() === ""
        ? { kind: "shell", command: "", error: 'kind "shell" needs a non-empty `command`' }
        : { kind: "shell", command };
    }
    case "download": {
      const url = typeof spec.url === "string" ? spec.url : "";
      if (url === "") return { kind: "download", command: "", error: 'kind "download" needs a `url`' };
      const base =
        url
          .replace(/[?#].*$/, "")
          .split("/")
          .pop() || "download";
      const explicit = [spec.target, spec.path, spec.dest, spec.output].find(
        (v) => typeof v === "string" && v !== "",
      );
      const dir = typeof spec.targetDir === "string" && spec.targetDir !== "" ? spec.targetDir : undefined;
      const target =
        typeof explicit === "string"
          ? explicit
          : dir !== undefined
            ? `${dir.replace(/\/+$/, "")}/${base}`
            : base;
      return { kind: "download", command: `curl -fsSL -o ${quoteArg(target)} ${quoteArg(url)}` };
    }
    case "gem":
      return need("unknown", "package", (w) => `gem install ${w}`);
    default: {
      // Unknown kinds: judge whatever command-like text they carry; none → nothing to run.
      for (const field of ["command", "run", "instructions", "script"]) {
        const v = spec[field];
        if (typeof v === "string" && v.trim() !== "") return { kind: "unknown", command: v };
      }
      return {
        kind: "unknown",
        command: "",
        error: `unknown install kind "${rawKind}" with no command to judge`,
      };
    }
  }
}

/**
 * Offsets (in `src`) of each top-level `{` inside the array that follows the first match of `key` — used
 * to position install specs inside a JSON5 string. Braces inside string values come in pairs
 * in practice (`${HOME}`), so plain depth counting is enough for positions.
 */
export function objectStartsInArray(src: string, key: RegExp): number[] {
  const out: number[] = [];
  const at = src.search(key);
  if (at < 0) return out;
  const open = src.indexOf("[", at);
  if (open < 0) return out;
  let depth = 0;
  for (let i = open; i < src.length; i += 1) {
    const c = src[i];
    if (c === "[" || c === "{") {
      if (c === "{" && depth === 1) out.push(i);
      depth += 1;
    } else if (c === "]" || c === "}") {
      depth -= 1;
      if (depth === 0) break;
    }
  }
  return out;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}
