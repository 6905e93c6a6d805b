// Everything the detectors read, derived once per skill: shell sources (steps, inline code,
// -c strings, decoded payloads), prose, URLs, the names the skill stands for, and a reporter that
// maps offsets back to file positions.

import type { Finding, ShellAnalysis, SimpleCommand, SkillModel, Step } from "../model.js";
import { readShell, type LiteCommand } from "./shell-lite.js";
import { classifyUrl, hostTokens, normalizeToken, urlsIn, type UrlInfo } from "./hosts.js";
import { prohibitedCap } from "./prohibition.js";
import { foldLookalikes } from "./lookalikes.js";
import { LineCues, hasQuotingCue, isSecurityToolText } from "./quoting.js";
import { ruleById, type RuleId } from "./rules.js";
import { limits } from "../limits.js";
import { lineIndex, positionAt } from "../text-lines.js";

export { lineIndex, positionAt };

export type SourceKind = Step["kind"] | "inline-code" | "decoded" | "interpreter-string" | "embedded-code";

/** A text an agent might run as shell, with its commands read. */
export interface ShellSource {
  text: string;
  file: string;
  kind: SourceKind;
  /** File position of an offset in `text`. */
  at: (offset: number) => { line: number; column: number };
  heading?: string;
  /** Quoted as an example or detection pattern, not an instruction. */
  quoted: boolean;
  /** 0 for text in the skill; n for a payload decoded n times. */
  depth: number;
  /** For decoded sources: the encoded literal and how it was encoded. */
  encoded?: { text: string; encoding: string };
  commands: LiteCommand[];
  /** Order of the source in its file, so detectors can follow a download into a later step. */
  order: number;
}

export interface ProseSource {
  text: string;
  file: string;
  kind: string;
  line: number;
  column: number;
  offset: number;
  quoted: boolean;
}

/** The file line of `offset` in a prose source; a description is reported on its frontmatter line. */
export function lineOfOffset(p: ProseSource, offset: number): number {
  return p.kind === "description" ? p.line : p.line + p.text.slice(0, offset).split("\n").length - 1;
}

export interface DetectContext {
  model: SkillModel;
  shell: ShellSource[];
  prose: ProseSource[];
  /** URLs from links and from all text, with where they were seen. */
  urls: Array<UrlInfo & { file: string; line: number; column: number; quoted: boolean }>;
  /** Normalised names the skill stands for (name, homepage, declared bins, tools it runs). */
  affinity: Set<string>;
  /** Whole normalised names (skill name, bins), which host tokens may contain or be contained in. */
  affinityNames: Set<string>;
  securityTool: boolean;
  findings: Finding[];
  report: (f: Omit<Finding, "category">) => void;
  /** Reads a nested shell text (a -c string, a decoded payload) as a new source. */
  addNested: (
    parent: ShellSource,
    text: string,
    offset: number,
    kind: SourceKind,
    encoded?: { text: string; encoding: string },
  ) => ShellSource | undefined;
  lines: readonly string[];
  /** Line start offsets of the skill's text (lineIndex), for positionAt. */
  lineStarts: readonly number[];
  /** Quoting cues per line of the skill's text, each line tested once for all detectors. */
  cues: LineCues;
}

function fromAnalysis(a: ShellAnalysis): LiteCommand[] {
  return a.commands.map((c: SimpleCommand) => {
    // One pass over the redirects: heredoc and here-string bodies feed stdin, the rest are files.
    const stdin: string[] = [];
    const redirects: LiteCommand["redirects"] = [];
    for (const r of c.redirects) {
      const body = r.heredoc ? r.heredoc.body : r.op === "<<<" ? (r.target?.value ?? "") : "";
      if (body !== "") stdin.push(body);
      if (r.target !== undefined && r.op !== "<<<") redirects.push({ op: r.op, target: r.target.value });
    }
    const cmd: LiteCommand = {
      argv: c.argv.map((w) => w.value),
      redirects,
      assignments: c.assignments.map((x) => ({ name: x.name, value: x.value.value })),
      context: c.context,
      pipeId: c.pipeline.id,
      pipeIndex: c.pipeline.index,
      pipeLen: c.pipeline.length,
      start: Math.min(c.span.start.offset, a.text.length),
      end: Math.min(c.span.end.offset, a.text.length),
    };
    if (stdin.length > 0) cmd.stdinText = stdin.join("\n");
    return cmd;
  });
}

export function buildContext(model: SkillModel, analyses: Map<string, ShellAnalysis>): DetectContext {
  const fileStarts = new Map<string, number[]>();
  const startsOf = (file: string): number[] => {
    let s = fileStarts.get(file);
    if (!s) {
      const text =
        file === model.file ? model.text : (model.bundled.find((b) => b.path === file)?.text ?? "");
      s = lineIndex(text);
      fileStarts.set(file, s);
    }
    return s;
  };
  const lines = model.text.split("\n");
  const cues = new LineCues(lines);
  // A table is one block: the lead (or header row) that quotes its first row quotes every row,
  // however far down it is. The header row holds the column names; a cue there counts too.
  const tableTop = (line: number): number => {
    if (!/^\s{0,3}\|/.test(lines[line - 1] ?? "")) return line;
    let top = line;
    while (top > 1 && line - top < limits.quotedTableRows && /^\s{0,3}\|/.test(lines[top - 2] ?? "")) top--;
    return top;
  };
  const fm = model.frontmatter;
  // The skill's self-description: name, description, and the opening text before the first
  // section heading (where a skill without frontmatter says what it is).
  const titleAt = lines.findIndex((l) => l.startsWith("# "));
  const intro: string[] = [];
  for (let i = Math.max(0, titleAt); i < lines.length && intro.length < 8; i++) {
    const l = lines[i] ?? "";
    if (l.startsWith("## ")) break;
    intro.push(l.slice(0, 300));
  }
  const selfText = [fm?.name ?? "", fm?.description ?? "", ...intro].join(" ");
  const securityTool = isSecurityToolText(selfText);

  const findings: Finding[] = [];
  const seen = new Set<string>();
  // Evidence already reported for a rule at a place: a sentence read whole across a soft wrap and
  // its line read alone (readingsOf) give the same finding twice, once with the longer evidence.
  const evidenceAt = new Map<string, string[]>();
  const report = (f: Omit<Finding, "category">): void => {
    const key = `${f.id}|${f.file}|${f.line}|${f.column}|${f.evidence}`;
    if (seen.has(key)) return;
    seen.add(key);
    const place = `${f.id}|${f.file}|${f.line}|${f.column}`;
    const earlier = evidenceAt.get(place) ?? [];
    if (earlier.some((e) => e.includes(f.evidence) || f.evidence.includes(e))) return;
    evidenceAt.set(place, [...earlier, f.evidence]);
    const evidence = f.evidence.length > 400 ? `${f.evidence.slice(0, 400)}…` : f.evidence;
    const category = ruleById(f.id as RuleId).category;
    const out: Finding = { ...f, evidence, category, ...prohibitedCap(model, f, category) };
    if (f.decoded !== undefined)
      out.decoded = f.decoded.length > 2000 ? `${f.decoded.slice(0, 2000)}…` : f.decoded;
    findings.push(out);
  };

  const shell: ShellSource[] = [];
  let order = 0;
  // A security tool's test fixtures and samples are attack data it reads, not commands an agent
  // runs — unless the skill's own text names the file (then a step may run it).
  const fixtureFile = (file: string): boolean =>
    securityTool &&
    file !== model.file &&
    /(?:^|\/)(?:tests?|test-fixtures|fixtures|examples?|samples?|testdata|__tests__)\//i.test(file) &&
    !model.text.includes(file.split("/").pop() ?? file);
  const quotedAt = (file: string, line: number, heading: string | undefined): boolean => {
    if (fixtureFile(file)) return true;
    if (file !== model.file) return false;
    const top = tableTop(line);
    return hasQuotingCue(heading ?? "") || cues.before(top, 3) || (top < line && cues.at(top));
  };

  const stepCovered: Array<[number, number]> = [];
  for (const step of model.steps) {
    const analysis = analyses.get(step.id);
    const commands = analysis && analysis.commands.length > 0 ? fromAnalysis(analysis) : readShell(step.text);
    const starts =
      step.file === model.file || model.bundled.some((b) => b.path === step.file)
        ? startsOf(step.file)
        : undefined;
    const at = (offset: number): { line: number; column: number } => {
      if (step.lineStarts && step.lineStarts.length > 0) {
        let best = step.lineStarts[0];
        for (const ls of step.lineStarts) if (ls.textOffset <= offset) best = ls;
        if (best) return { line: best.line, column: best.column + offset - best.textOffset };
      }
      if (starts && step.offset >= 0) return positionAt(starts, step.offset + offset);
      return { line: step.line, column: step.column };
    };
    if (step.file === model.file) stepCovered.push([step.offset, step.offset + step.text.length]);
    const src: ShellSource = {
      text: step.text,
      file: step.file,
      kind: step.kind,
      at,
      quoted: quotedAt(step.file, step.line, step.heading),
      depth: 0,
      commands,
      order: order++,
    };
    if (step.heading !== undefined) src.heading = step.heading;
    shell.push(src);
  }

  // Inline code in prose that the extractor did not take as a step ("run `…` in Terminal").
  const mainStarts = startsOf(model.file);
  for (const seg of model.segments) {
    if (seg.kind !== "code-inline") continue;
    if (stepCovered.some(([a, b]) => seg.offset >= a && seg.offset < b)) continue;
    if (!/\s/.test(seg.text.trim()) || seg.text.length < 8) continue;
    const base = seg.offset;
    shell.push({
      text: seg.text,
      file: model.file,
      kind: "inline-code",
      at: (o) => positionAt(mainStarts, base + o),
      quoted: cues.at(seg.line) || quotedAt(model.file, seg.line, undefined),
      depth: 0,
      commands: readShell(seg.text),
      order: order++,
    });
  }

  const prose: ProseSource[] = model.segments
    // A hidden element's text is also in its enclosing block's segment: read once, as that.
    .filter((s) => s.kind !== "code-inline" && s.kind !== "hidden-element")
    .map((s) => ({
      // Read as a person reads it: a word spelled with Cyrillic/Greek lookalikes as its Latin self.
      text: foldLookalikes(s.text),
      file: model.file,
      kind: s.kind,
      line: s.line,
      column: s.column,
      offset: s.offset,
      // A fence shows text verbatim (an example request, sample output): content, not the skill's voice.
      quoted: s.kind === "table-cell" || s.kind === "code-text" || cues.before(s.line, 4),
    }));
  if (fm?.description !== undefined)
    prose.push({
      text: foldLookalikes(fm.description),
      file: model.file,
      kind: "description",
      line: fm.line,
      column: 1,
      offset: 0,
      quoted: false,
    });

  const urls: DetectContext["urls"] = [];
  const seenUrl = new Set<string>();
  for (const l of model.links) {
    if (!/^(?:https?|ftp):/i.test(l.url)) continue;
    const key = `${l.url}|${l.line}`;
    if (seenUrl.has(key)) continue;
    seenUrl.add(key);
    urls.push({
      ...classifyUrl(l.url),
      file: model.file,
      line: l.line,
      column: l.column,
      // A URL is quoted where a step on its line would be (a table of indicators under a
      // quoting lead): the lure rules read it as the same example the step rules do.
      quoted: cues.at(l.line) || quotedAt(model.file, l.line, undefined),
    });
  }
  // URLs the extractor did not list (inside code, frontmatter). Only lines holding "://" have
  // one; searching the text for it visits just those lines, in order, each once.
  for (let at = model.text.indexOf("://"); at >= 0;) {
    const i = positionAt(mainStarts, at).line - 1;
    const line = lines[i] ?? "";
    const next = mainStarts[i + 1];
    at = next === undefined ? -1 : model.text.indexOf("://", next);
    for (const u of urlsIn(line)) {
      const key = `${u.url}|${i + 1}`;
      if (seenUrl.has(key)) continue;
      seenUrl.add(key);
      urls.push({
        ...u,
        file: model.file,
        line: i + 1,
        column: line.indexOf(u.url) + 1,
        quoted: cues.at(i + 1) || quotedAt(model.file, i + 1, undefined),
      });
    }
  }

  const affinity = new Set<string>();
  const affinityNames = new Set<string>();
  const addName = (s: unknown): void => {
    if (typeof s !== "string") return;
    const whole = normalizeToken(s);
    if (whole.length >= 3) {
      affinity.add(whole);
      affinityNames.add(whole);
    }
    for (const part of s.split(/[^A-Za-z0-9]+/)) if (part.length >= 4) affinity.add(part.toLowerCase());
  };
  addName(fm?.name);
  addName(model.source.split("/").pop()?.replace(/\.md$/i, ""));
  for (const key of ["homepage", "repository", "url", "website", "source"]) {
    const v = fm?.data[key] ?? fm?.metadata?.extra[key];
    if (typeof v === "string") for (const u of urlsIn(v)) for (const t of hostTokens(u)) affinity.add(t);
  }
  for (const b of [...(fm?.metadata?.requires.bins ?? []), ...(fm?.metadata?.requires.anyBins ?? [])])
    addName(b);
  for (const spec of fm?.metadata?.install ?? [])
    for (const k of ["formula", "package", "module", "id"]) addName(spec.raw[k]);
  for (const src of shell)
    for (const c of src.commands) {
      const tool = c.argv[0];
      const pm = tool === undefined ? "" : lastSegment(tool);
      if (tool !== undefined && (c.pipeLen === 1 || c.pipeIndex === 0)) addName(pm);
      // Packages the skill installs through a package manager name the tool it is about, so
      // the same tool's own repository (raw.githubusercontent.com/<org>/<tool>) is its vendor.
      const sub = c.argv[1];
      if (
        (/^(?:brew|apt|apt-get|dnf|yum|pacman|apk|cargo|pipx|port|scoop|choco|winget)$/.test(pm) &&
          /^(?:install|add|-S)$/.test(sub ?? "")) ||
        (pm === "nix-shell" && sub === "-p") ||
        (pm === "nix-env" && sub === "-iA")
      )
        for (const pkg of c.argv.slice(2)) if (!pkg.startsWith("-")) addName(lastSegment(pkg));
    }

  const addNested: DetectContext["addNested"] = (parent, text, offset, kind, encoded) => {
    const depth = parent.depth + (encoded ? 1 : 0);
    if (depth > limits.maxDecodeDepth || text.length > 65536 || text.trim() === "") return undefined;
    const src: ShellSource = {
      text,
      file: parent.file,
      kind,
      at: () => parent.at(offset),
      quoted: parent.quoted,
      depth,
      commands: readShell(text),
      order: parent.order,
    };
    if (parent.heading !== undefined) src.heading = parent.heading;
    if (encoded) src.encoded = encoded;
    else if (parent.encoded) src.encoded = parent.encoded;
    shell.push(src);
    return src;
  };

  return {
    model,
    shell,
    prose,
    urls,
    affinity,
    affinityNames,
    securityTool,
    findings,
    report,
    addNested,
    lines,
    lineStarts: mainStarts,
    cues,
  };
}

/** The part of a path after its last "/" (`path.split("/").pop()` without the array). */
function lastSegment(path: string): string {
  return path.slice(path.lastIndexOf("/") + 1);
}
