// A minimal markdown → SkillModel reader for the findings tests, so they exercise the detectors
// alone (the real extractor has its own tests). Fenced shell blocks become steps, blockquotes and
// inline code become segments, markdown links become links.

import { createHash } from "node:crypto";
import { parse as parseYaml } from "yaml";
import { detectFindings } from "../../src/findings/index.js";
import { analyseShell } from "../../src/shell/index.js";
import type {
  BundledFile,
  Finding,
  ShellAnalysis,
  Frontmatter,
  Link,
  SkillModel,
  Step,
  TextSegment,
  EmbeddedCode,
} from "../../src/model.js";

const shellLangs = new Set(["bash", "sh", "shell", "zsh", ""]);

function lineStarts(text: string): number[] {
  const starts = [0];
  for (let i = 0; i < text.length; i++) if (text[i] === "\n") starts.push(i + 1);
  return starts;
}

function frontmatterOf(lines: string[]): { fm?: Frontmatter; next: number } {
  if (lines[0] !== "---") return { next: 0 };
  const end = lines.indexOf("---", 1);
  if (end < 0) return { next: 0 };
  const raw = lines.slice(1, end).join("\n");
  const data = (parseYaml(raw) ?? {}) as Record<string, unknown>;
  const fm: Frontmatter = { raw, line: 2, data, errors: [] };
  if (typeof data["name"] === "string") fm.name = data["name"];
  if (typeof data["description"] === "string") fm.description = data["description"];
  let meta = data["metadata"];
  if (typeof meta === "string") meta = JSON.parse(meta) as unknown;
  const ns = (meta as Record<string, Record<string, unknown>> | undefined)?.["openclaw"];
  if (ns) {
    const req = (ns["requires"] ?? {}) as Record<string, string[]>;
    fm.metadata = {
      namespace: "openclaw",
      requires: { bins: req["bins"] ?? [], env: req["env"] ?? [], anyBins: req["anyBins"] ?? [], config: [] },
      install: [],
      extra: ns,
    };
  }
  return { fm, next: end + 1 };
}

export function modelOf(text: string, bundled: BundledFile[] = [], file = "SKILL.md"): SkillModel {
  const lines = text.split("\n");
  const starts = lineStarts(text);
  const steps: Step[] = [];
  const code: EmbeddedCode[] = [];
  const segments: TextSegment[] = [];
  const links: Link[] = [];
  const { fm, next } = frontmatterOf(lines);
  for (let i = next; i < lines.length; i++) {
    const line = lines[i] ?? "";
    const off = starts[i] ?? 0;
    const fence = /^```([\w-]*)/.exec(line);
    if (fence) {
      let j = i + 1;
      while (j < lines.length && !(lines[j] ?? "").startsWith("```")) j++;
      const body = lines.slice(i + 1, j).join("\n");
      const offset = starts[i + 1] ?? text.length;
      const lang = (fence[1] ?? "").toLowerCase();
      if (shellLangs.has(lang))
        steps.push({
          id: `${file}#${i + 2}:1`,
          kind: "fenced",
          file,
          line: i + 2,
          column: 1,
          text: body,
          offset,
          install: false,
          lang,
        });
      else code.push({ lang, text: body, line: i + 2, column: 1, offset });
      i = j;
      continue;
    }
    if (line.trim() === "") continue;
    const kind = /^\s*>/.test(line)
      ? "blockquote"
      : line.startsWith("#")
        ? "heading"
        : /^\s*[-*]/.test(line)
          ? "list-item"
          : "paragraph";
    segments.push({ kind, text: line.replace(/^\s*>\s?|^#+\s*/, ""), line: i + 1, column: 1, offset: off });
    for (const m of line.matchAll(/`([^`]+)`/g))
      segments.push({
        kind: "code-inline",
        text: m[1] ?? "",
        line: i + 1,
        column: m.index + 2,
        offset: off + m.index + 1,
      });
    for (const m of line.matchAll(/\[([^\]]*)\]\((https?:\/\/[^)\s]+)\)/g)) {
      const url = m[2] ?? "";
      links.push({
        url,
        host: new URL(url).hostname.toLowerCase(),
        line: i + 1,
        column: m.index + 1,
        text: m[1] ?? "",
        kind: "link",
      });
    }
  }
  const model: SkillModel = {
    source: file,
    file,
    sha256: createHash("sha256").update(text).digest("hex"),
    text,
    steps,
    links,
    code,
    segments,
    bundled,
    warnings: [],
  };
  if (fm) model.frontmatter = fm;
  return model;
}

export function bundledFile(path: string, text: string): BundledFile {
  const type = path.endsWith(".py")
    ? "python"
    : path.endsWith(".js")
      ? "javascript"
      : path.endsWith(".sh")
        ? "shell"
        : "other";
  return { path, size: text.length, type, text, sha256: createHash("sha256").update(text).digest("hex") };
}

/**
 * The findings of a skill read with the minimal model, every step analysed by the real shell
 * analyser (the caller runs initShell first).
 */
export function findingsOf(text: string, bundled: BundledFile[] = []): Finding[] {
  const model = modelOf(text, bundled);
  const analyses = new Map<string, ShellAnalysis>();
  for (const s of model.steps) analyses.set(s.id, analyseShell(s.text));
  return detectFindings(model, analyses);
}

/** The ids of the high and critical findings of a skill (see findingsOf). */
export function highFindings(text: string, bundled: BundledFile[] = []): string[] {
  return findingsOf(text, bundled)
    .filter((f) => f.severity === "high" || f.severity === "critical")
    .map((f) => f.id);
}
