// mdast → SkillModel: every command an agent could run (fenced, console, inline, blockquote,
// frontmatter install specs, bundled scripts), every URL, embedded code and prose segments,
// each with its 1-based line:column. Pure: no I/O.

import { createHash } from "node:crypto";
import type { Code, Nodes, Parents } from "mdast";
import { limits } from "../limits.js";
import type {
  BundledDocument,
  BundledFile,
  EmbeddedCode,
  Frontmatter,
  Link,
  SkillModel,
  Step,
  StepKind,
  TextSegment,
  Unanalysed,
} from "../model.js";
import { parseMarkdown } from "../parse/markdown.js";
import { findUrls, hostOf } from "../parse/urls.js";
import {
  fenceKind,
  looksLikeCommandLine,
  looksLikeInlineCommand,
  looksLikeProseCommand,
  looksLikeShellBlock,
  looksExecutable,
  looksLikeUnjudgedProseCommand,
  proseCommandInside,
  unparsedShellLang,
} from "./commands.js";
import { consoleCommands } from "./console.js";
import { classifyOtherText } from "./bundled-kinds.js";
import { deriveInstallCommand, readFrontmatter } from "./frontmatter.js";
import { frontmatterStrings } from "./frontmatter-text.js";
import { interpretedLang, isRunLeadIn } from "./run-fence.js";
import { frontmatterDisagreements, readAsOpenClaw } from "./openclaw-frontmatter.js";
import {
  inlineHtmlSpans,
  markupRunGroups,
  strikethroughSpans,
  withoutEmphasisMarks,
  wrappedText,
} from "./inline-markup.js";
import { hiddenDefinitionText, referencedLabels } from "./hidden-markdown.js";
import { isInstallLeadIn, mentionsInstall } from "./install.js";
import { LineIndex, type LineColumn } from "./positions.js";
import { plainText } from "./text.js";

export interface ExtractInput {
  source: string;
  file: string;
  text: string;
  bundled?: BundledFile[];
  /** Problems found while reading the input (symlinks skipped, unreadable bundled files). */
  warnings?: string[];
  /** Bundled entries the reader did not read: each becomes a "not analysed" record. */
  notRead?: { path: string; why: string }[];
  /** "shell": the file is a script given directly (one step); markdown when absent. */
  fileType?: "markdown" | "shell";
}

export interface ExtractOptions {
  /** Decides whether an unlabeled fence is shell (e.g. "parses without errors"); default: a heuristic. */
  isShell?: (text: string) => boolean;
}

/** One line of step text and where it sits in the file. */
interface Piece {
  text: string;
  pos: LineColumn;
}

const NOT_INSTALL = "not under an install heading or after an install lead-in";

/**
 * Build the SkillModel of one markdown file. Throws only InputError "too-deep" (from
 * parseMarkdown) — input no real skill has, refused rather than half-read.
 */
export function extractSkill(input: ExtractInput, opts: ExtractOptions = {}): SkillModel {
  return new Extractor(input, opts).run();
}

const ENTITIES: Readonly<Record<string, string>> = {
  lt: "<",
  gt: ">",
  amp: "&",
  quot: '"',
  apos: "'",
  nbsp: " ",
};
/** The few HTML entities a command line needs, decoded (numeric ones too). */
function decodeEntities(text: string): string {
  return text.replace(/&(#x[0-9a-f]+|#[0-9]+|[a-z]+);/gi, (m, e: string) => {
    if (e.startsWith("#x") || e.startsWith("#X"))
      return String.fromCodePoint(Number.parseInt(e.slice(2), 16) || 32);
    if (e.startsWith("#")) return String.fromCodePoint(Number(e.slice(1)) || 32);
    return ENTITIES[e.toLowerCase()] ?? m;
  });
}

/** A prose line as rendered: inline tags removed, entities decoded. */
function inlineHtmlText(line: string): string {
  return decodeEntities(line.replace(/<\/?[A-Za-z][^<>]*>/g, " "));
}

/** `… | sh` and the like: a shell pipeline into an interpreter, in any language's block. */
const INTERPRETER_PIPE = /\|\s*(?:sudo\s+)?(?:ba|z|da|k)?sh\b/;

/** A line of a programming-language block that is a shell command: a program's name first (not a path or a comment), or a pipe into a shell. */
function codeLineLooksLikeShell(line: string): boolean {
  return (looksLikeCommandLine(line) && /^\s*(?:[$%❯]\s+)?[a-z]/.test(line)) || INTERPRETER_PIPE.test(line);
}

/** A GFM delimiter row: `|---|:--:|`, at least one pipe. */
function isDelimiterRow(line: string): boolean {
  return line.includes("|") && /^\|?[ \t]*:?-+:?[ \t]*(?:\|[ \t]*:?-+:?[ \t]*)*\|?$/.test(line.trim());
}

/** How many cells a table row has: unescaped pipes split, outer pipes do not count. */
function tableCells(line: string): number {
  const cells = line.trim().split(/(?<!\\)\|/);
  if (cells[0]?.trim() === "") cells.shift();
  if (cells.length > 0 && cells[cells.length - 1]?.trim() === "") cells.pop();
  return cells.length;
}

/**
 * A line of text as an agent reading it (not a shell running it) sees it: a leading `#` run is a
 * heading marker, comment markers and tags are not there (`## <!-- curl … | sh -->`).
 */
function asTextLine(line: string): string {
  return inlineHtmlText(line.replace(/<!--|-->/g, " "))
    .trim()
    .replace(/^#{1,6}[ \t]+/, "");
}

/** A line with its `code spans` blanked: those are judged as inline steps on their own. */
function withoutCodeSpans(line: string): string {
  return line.replace(/`[^`]*`/g, " ");
}

class Extractor {
  private readonly index: LineIndex;
  private readonly steps: Step[] = [];
  private readonly links: Link[] = [];
  private readonly code: EmbeddedCode[] = [];
  private readonly segments: TextSegment[] = [];
  private readonly documents: BundledDocument[] = [];
  private readonly warnings: string[];
  private readonly unanalysed: Unanalysed[] = [];
  private frontmatter: Frontmatter | undefined;
  /** The frontmatter block remark split off, as written. */
  private yamlBlock: string | undefined;
  private readonly disagreements: Unanalysed[] = [];
  /** Lines that are rows of a GFM table (header, delimiter, body), 1-based. */
  private readonly tableLines = new Set<number>();
  private heading: string | undefined;
  /** Definition labels some reference uses: the others are never rendered. */
  private referenced: ReadonlySet<string> = new Set();
  private stepLimitHit = false;

  constructor(
    private readonly input: ExtractInput,
    private readonly opts: ExtractOptions,
  ) {
    this.index = new LineIndex(input.text);
    this.warnings = [...(input.warnings ?? [])];
  }

  run(): SkillModel {
    const { input } = this;
    if (input.fileType === "shell") {
      this.addStep("bundled-script", [{ text: input.text, pos: { line: 1, column: 1, offset: 0 } }], {
        install: true,
        reason: "a shell script given directly: all of it runs",
        file: input.file,
      });
    } else {
      this.walk(parseMarkdown(input.text));
      this.compareWithOpenClaw();
    }
    for (const file of input.bundled ?? []) {
      this.bundledScript(file);
      this.bundledMarkdown(file);
    }
    for (const n of input.notRead ?? []) this.unanalysed.push({ file: n.path, line: 1, why: n.why });
    if (this.steps.length === 0 && input.fileType !== undefined && !/\.(?:md|markdown)$/i.test(input.file))
      this.unanalysed.push({
        file: input.file,
        line: 1,
        why: "nothing to judge: no command found in this file",
      });
    const model: SkillModel = {
      source: input.source,
      file: input.file,
      sha256: createHash("sha256").update(input.text).digest("hex"),
      text: input.text,
      steps: this.steps,
      links: this.links,
      code: this.code,
      segments: this.segments,
      bundled: input.bundled ?? [],
      warnings: this.warnings,
    };
    if (this.unanalysed.length > 0) model.unanalysed = this.unanalysed;
    if (this.documents.length > 0) model.documents = this.documents;
    if (this.frontmatter !== undefined) model.frontmatter = this.frontmatter;
    if (this.disagreements.length > 0) model.frontmatterDisagreements = this.disagreements;
    return model;
  }

  /**
   * Read the frontmatter again as OpenClaw does: whatever it would install is judged, and every
   * difference from the strict reading is recorded (the skill is then denied).
   */
  private compareWithOpenClaw(): void {
    const openclaw = readAsOpenClaw(this.input.text);
    const fm = this.frontmatter;
    const strict = {
      errors: fm?.errors ?? [],
      specs: (fm?.metadata?.install ?? []).map((s) => ({ kind: s.kind, raw: s.raw })),
      ...(this.yamlBlock !== undefined ? { block: this.yamlBlock } : {}),
      ...(fm?.name !== undefined ? { name: fm.name } : {}),
    };
    const differences = frontmatterDisagreements(strict, openclaw);
    for (const why of differences) this.disagreements.push({ file: this.input.file, line: 1, why });
    if (differences.length === 0) return;
    const pos = this.index.at(0);
    openclaw.installs.forEach((install, n) => {
      const field = { brew: "formula", node: "package", uv: "package", go: "module", download: "url" }[
        install.kind
      ];
      const { command } = deriveInstallCommand({ kind: install.kind, [field]: install.target });
      if (command === "" || this.steps.some((s) => s.kind === "frontmatter-install" && s.text === command))
        return;
      this.addStep("frontmatter-install", [{ text: command, pos }], {
        install: true,
        reason: `frontmatter install[${n}] as OpenClaw reads it (kind ${install.kind})`,
        contiguous: false,
      });
    });
  }

  /** Pre-order walk in document order, iterative (nesting depth is bounded but inline can be deep). */
  private walk(root: Parents): void {
    this.referenced = referencedLabels(root);
    interface Frame {
      node: Nodes;
      parent: Parents | undefined;
      i: number;
      quote: boolean;
      list: boolean;
      link: boolean;
    }
    const stack: Frame[] = [{ node: root, parent: undefined, i: 0, quote: false, list: false, link: false }];
    while (stack.length > 0) {
      const f = stack.pop() as Frame;
      const descend = this.visit(f.node, f.parent, f.i, f.quote, f.list, f.link);
      if (!descend || !("children" in f.node)) continue;
      const node = f.node;
      const quote = f.quote || node.type === "blockquote";
      const list = f.list || node.type === "listItem";
      const link = f.link || node.type === "link" || node.type === "linkReference";
      for (let i = node.children.length - 1; i >= 0; i -= 1) {
        stack.push({ node: node.children[i] as Nodes, parent: node, i, quote, list, link });
      }
    }
  }

  /** Handle one node; returns whether to visit its children. */
  private visit(
    node: Nodes,
    parent: Parents | undefined,
    i: number,
    quote: boolean,
    list: boolean,
    inLink: boolean,
  ): boolean {
    const start = node.position?.start;
    switch (node.type) {
      case "yaml":
        this.readYaml(node.value, start?.offset ?? 0);
        return false;
      case "heading": {
        this.heading = plainText(node).trim();
        this.segment("heading", this.heading, start?.offset ?? 0);
        this.proseLines(node, "inline");
        this.markupRunCommands(node, false);
        return true;
      }
      case "paragraph": {
        this.markTableLines(node);
        this.segment(
          quote ? "blockquote" : list ? "list-item" : "paragraph",
          plainText(node),
          start?.offset ?? 0,
        );
        this.proseLines(node, quote ? "blockquote" : "inline");
        this.markupRunCommands(node, quote);
        return true;
      }
      case "code":
        this.codeBlock(node, parent, i);
        return false;
      case "inlineCode": {
        const offset = this.inlineCodeOffset(node.value, start?.offset ?? 0, node.position?.end.offset ?? 0);
        // In a GFM table row `\|` is a literal `|` even inside code: the agent sees a pipe.
        if (start !== undefined && this.tableLines.has(start.line))
          node.value = node.value.replaceAll("\\|", "|");
        this.segment("code-inline", node.value, offset);
        this.urlsIn(node.value, offset, "code");
        if (looksLikeInlineCommand(node.value)) {
          this.addStep(quote ? "blockquote" : "inline", [{ text: node.value, pos: this.index.at(offset) }], {
            install: false,
            reason: "a command in prose; `install` runs only install blocks",
          });
        }
        // `## curl … | sh`: a comment to a shell, a command to an agent reading the text.
        const asText = /^\s*(?:#|<!--)/.test(node.value) ? asTextLine(node.value) : "";
        if (asText !== "" && looksLikeInlineCommand(asText))
          this.addStep(quote ? "blockquote" : "inline", [{ text: asText, pos: this.index.at(offset) }], {
            install: false,
            reason: "a command behind a comment or heading marker in inline code",
            contiguous: false,
          });
        return false;
      }
      case "html": {
        const comment = node.value.trimStart().startsWith("<!--");
        this.segment(comment ? "html-comment" : "html", node.value, start?.offset ?? 0);
        this.urlsIn(node.value, start?.offset ?? 0, "bare");
        this.htmlLines(node.value, start?.offset ?? 0);
        return false;
      }
      case "link": {
        const autolink = this.input.text.charCodeAt(start?.offset ?? 0) === 60; /* < */
        this.addLink(node.url, start?.offset ?? 0, autolink ? "autolink" : "link", plainText(node));
        this.destinationText(node.url, start?.offset ?? 0);
        this.titleCommand(node.title, start?.offset ?? 0);
        this.titleSegment(node.title, start?.offset ?? 0);
        if (!autolink) this.wrappedCommand(node, wrappedText(node), quote, "link text");
        return true;
      }
      case "image":
        this.addLink(node.url, start?.offset ?? 0, "image", node.alt ?? "");
        this.destinationText(node.url, start?.offset ?? 0);
        this.titleCommand(node.title, start?.offset ?? 0);
        this.titleSegment(node.title, start?.offset ?? 0);
        this.wrappedCommand(node, node.alt?.trim() || undefined, quote, "image alt text");
        return false;
      case "emphasis":
      case "strong":
      case "delete":
      case "linkReference":
        this.wrappedCommand(
          node,
          wrappedText(node),
          quote,
          node.type === "linkReference" ? "link text" : "emphasis",
        );
        return true;
      case "definition": {
        this.addLink(node.url, start?.offset ?? 0, "definition", node.label ?? node.identifier);
        this.destinationText(node.url, start?.offset ?? 0);
        const hidden = hiddenDefinitionText(node, this.referenced);
        if (hidden === undefined) {
          this.titleCommand(node.title, start?.offset ?? 0);
          this.titleSegment(node.title, start?.offset ?? 0);
        } else this.hiddenComment(hidden, node.title, start?.offset ?? 0, node.position?.end.offset);
        return false;
      }
      case "text":
        if (!inLink) this.urlsIn(node.value, start?.offset ?? 0, "bare", node.position?.end.offset);
        return false;
      case "root":
      case "blockquote":
      case "list":
      case "listItem":
      case "break":
      case "thematicBreak":
      case "imageReference":
      case "footnoteDefinition":
      case "footnoteReference":
      case "table":
      case "tableRow":
        return true;
      case "tableCell": {
        const cell = plainText(node).trim();
        if (looksLikeProseCommand(cell) && start !== undefined)
          this.addStep(
            "inline",
            [{ text: cell, pos: this.index.at(this.cellOffset(cell, start.offset ?? 0)) }],
            {
              install: false,
              reason: "a command in a table cell; `install` runs only install blocks",
              contiguous: false,
            },
          );
        return true;
      }
    }
  }

  private segment(kind: TextSegment["kind"], text: string, offset: number): void {
    const pos = this.index.at(offset);
    this.segments.push({ kind, text, line: pos.line, column: pos.column, offset });
  }

  private addLink(url: string, offset: number, kind: Link["kind"], text?: string): void {
    const pos = this.index.at(offset);
    const link: Link = { url, host: hostOf(url), line: pos.line, column: pos.column, kind };
    if (text !== undefined && text !== "") link.text = text;
    this.links.push(link);
  }

  /**
   * URLs in a node's text. Positions: each URL is looked up in the file from the node start
   * (escapes and entities can make the value differ from the source); not found → node start.
   */
  private urlsIn(value: string, nodeOffset: number, kind: Link["kind"], nodeEnd?: number): void {
    const found = findUrls(value);
    if (found.length === 0) return;
    const end = nodeEnd ?? this.input.text.length;
    let cursor = nodeOffset;
    for (const { url } of found) {
      const at = this.input.text.indexOf(url, cursor);
      const offset = at >= 0 && at < end ? at : nodeOffset;
      if (at >= 0 && at < end) cursor = at + url.length;
      this.addLink(url, offset, kind);
    }
  }

  /** Offset of an inline code span's content: after the backtick run (and one padding space). */
  private inlineCodeOffset(value: string, start: number, end: number): number {
    const at = value === "" ? -1 : this.input.text.indexOf(value, start);
    if (at >= 0 && at < end) return at;
    let o = start;
    while (this.input.text.charCodeAt(o) === 96) o += 1;
    return o;
  }

  private readYaml(value: string, nodeOffset: number): void {
    this.yamlBlock = value;
    const text = this.input.text;
    const nl = text.indexOf("\n", nodeOffset);
    const bodyOffset = nl < 0 ? text.length : nl + 1;
    const fm = readFrontmatter(
      value,
      text.startsWith(value, bodyOffset) ? bodyOffset : nodeOffset,
      this.index,
    );
    this.frontmatter = fm;
    this.frontmatterFields(fm, value, text.startsWith(value, bodyOffset) ? bodyOffset : nodeOffset);
    const ns = fm.metadata?.namespace ?? "openclaw";
    fm.metadata?.install.forEach((spec, n) => {
      if (spec.command === "") {
        this.warnings.push(`${this.input.file}:${spec.line}: install spec ${n + 1} has no command to judge`);
        return;
      }
      const pos = this.index.at(this.index.lineStart(spec.line) + spec.column - 1);
      this.addStep("frontmatter-install", [{ text: spec.command, pos }], {
        install: true,
        reason: `frontmatter metadata.${ns}.install[${n}] (kind ${typeof spec.raw.kind === "string" ? spec.raw.kind : spec.kind})`,
        contiguous: false,
      });
    });
  }

  /** Frontmatter fields other than name/description: text for the findings; a command is judged. */
  private frontmatterFields(fm: Frontmatter, block: string, blockOffset: number): void {
    for (const { field, text } of frontmatterStrings(fm.data)) {
      const probe = (text.split("\n", 1)[0] ?? "").slice(0, 60);
      const at = block.indexOf(probe);
      const offset = blockOffset + (at >= 0 ? at : 0);
      this.segment("frontmatter", text, offset);
      if (looksLikeProseCommand(text))
        this.addStep("inline", [{ text, pos: this.index.at(offset) }], {
          install: false,
          reason: `a command in frontmatter field \`${field}\``,
          contiguous: false,
        });
    }
  }

  /** A link's or image's title: text the agent reads (a tooltip to a person), for the findings. */
  private titleSegment(title: string | null | undefined, offset: number): void {
    if (title) this.segment("link-title", title, offset);
  }

  /**
   * A link destination with spaces (`[x]: <curl … | sh>`, `<!-- … -->` read as one) is no URL:
   * it is text the agent reads, judged line by line like hidden text.
   */
  private destinationText(url: string, offset: number): void {
    if (!/\s/.test(url.trim())) return;
    const text = url.replace(/^!--|--$/g, " ");
    this.segment("link-title", text, offset);
    this.htmlLines(text, offset, "a link destination");
  }

  /** Fenced or indented code: shell → step, console → step, anything else → embedded code. */
  private codeBlock(node: Code, parent: Parents | undefined, i: number): void {
    const lines = this.codeLines(node);
    const lang = node.lang ?? "";
    for (const l of lines) this.urlsIn(l.text, l.pos.offset, "code", l.pos.offset + l.text.length);
    const kind = fenceKind(node.lang);
    const install = this.installOf(parent, i);
    const lead = lines[0]?.pos ?? this.index.at(node.position?.start.offset ?? 0);
    const unparsed = unparsedShellLang(node.lang);
    if (unparsed !== undefined)
      for (const l of lines)
        if (l.text.trim() !== "" && !/^\s*(?:#|REM\b|::)/i.test(l.text))
          this.notAnalysed(l, `a \`\`\`${unparsed} line: skillwall does not parse ${unparsed}`);
    this.runOrderedCode(node, parent, i, install.install, lines);
    switch (kind) {
      case "shell":
        this.addStep("fenced", lines, { ...install, lang });
        return;
      case "console": {
        const commands = consoleCommands(lines.map((l) => l.text));
        const pieces: Piece[] = [];
        for (const c of commands) {
          const line = lines[c.index];
          if (line === undefined) continue;
          pieces.push({ text: c.command, pos: this.index.at(line.pos.offset + c.promptLength) });
        }
        this.addStep("console", pieces, { ...install, lang });
        // Lines without a prompt are output, unless they read like commands (a console block
        // that swallowed a later fence): those are reported, not dropped.
        const used = new Set(commands.map((c) => c.index));
        lines.forEach((l, k) => {
          const plain = l.text.trim();
          if (used.has(k) || plain === "") return;
          if (
            looksExecutable(plain) ||
            (looksLikeCommandLine(plain) && !/^[/~.]/.test(plain) && plain.includes(" "))
          )
            this.notAnalysed(
              l,
              `a line of a \`\`\`${lang} block without a prompt reads like a command and was not judged`,
            );
        });
        return;
      }
      case "unlabeled": {
        const isShell = this.opts.isShell ?? looksLikeShellBlock;
        let shell = false;
        try {
          shell = isShell(node.value);
        } catch {
          shell = true; // a failing classifier must not hide a block: judge it
        }
        if (shell) {
          this.addStep("fenced", lines, { ...install, lang });
          return;
        }
        // A caller's classifier decides alone; the default also judges a block with any command line.
        if (this.opts.isShell === undefined && lines.some((l) => looksLikeCommandLine(l.text))) {
          this.addStep("fenced", lines, {
            ...install,
            reason: `an unlabeled block with a command line; ${install.reason}`,
            lang,
          });
          return;
        }
        break;
      }
      case "other":
        // Any other label (text, fish, powershell, an unknown word) still holds what an agent
        // may run: judged when a line looks like a command. Programming and data languages stay
        // embedded code, read by the findings.
        if (lines.some((l) => looksLikeCommandLine(l.text))) {
          this.addStep("fenced", lines, {
            ...install,
            reason: `a \`\`\`${lang} block with a command line; ${install.reason}`,
            lang,
          });
          return;
        }
        break;
      case "code":
        break;
    }
    // Not judged as a step: lines an agent could still take for commands are reported.
    // In a programming-language block only a line that is plainly a shell command counts (a
    // fence that swallowed a later ```bash block leaves exactly those).
    if (unparsed === undefined)
      for (const l of lines)
        if (
          kind === "code"
            ? codeLineLooksLikeShell(l.text)
            : looksExecutable(l.text) || looksExecutable(asTextLine(l.text))
        )
          this.notAnalysed(
            l,
            `a line in ${lang === "" ? "an unlabeled block" : `a \`\`\`${lang} block`} that reads like a command was not judged`,
          );
    this.code.push({ lang, text: node.value, line: lead.line, column: lead.column, offset: lead.offset });
    // A block in no programming language (none, `text`, an unknown word) is text the agent reads:
    // its sentences reach the prose findings like a paragraph's.
    if (kind !== "code" && unparsed === undefined && node.value.trim() !== "")
      this.segment("code-text", node.value, lead.offset);
  }

  /** Interpreter code the skill tells the agent to run (run-fence.ts): reported not analysed. */
  private runOrderedCode(
    node: Code,
    parent: Parents | undefined,
    i: number,
    install: boolean,
    lines: Piece[],
  ): void {
    const lang = interpretedLang(node.lang);
    const first = lines.find((l) => l.text.trim() !== "");
    if (lang === undefined || first === undefined) return;
    const prev = parent?.children[i - 1];
    const lead = prev?.type === "paragraph" ? plainText(prev) : "";
    if (!install && !isRunLeadIn(lead)) return;
    this.notAnalysed(
      first,
      `a \`\`\`${lang} block the skill tells the agent to run: skillwall does not parse ${lang}, so what it does is not judged`,
    );
  }

  /** Each line of a code block's content with its file position (container prefixes skipped). */
  private codeLines(node: Code): Piece[] {
    const start = node.position?.start;
    if (start === undefined) return [];
    const text = this.input.text;
    const opener = text.slice(start.offset ?? 0, (start.offset ?? 0) + 3);
    const fenced = opener === "```" || opener === "~~~";
    const firstLine = fenced ? start.line + 1 : start.line;
    const values = node.value === "" ? [] : node.value.split("\n");
    return values.map((raw, k) => {
      const value = raw.endsWith("\r") ? raw.slice(0, -1) : raw;
      const lineNo = firstLine + k;
      const fileLine = this.index.lineText(lineNo);
      const column = value !== "" && fileLine.endsWith(value) ? fileLine.length - value.length + 1 : 1;
      return { text: value, pos: this.index.at(this.index.lineStart(lineNo) + column - 1) };
    });
  }

  /** Install classification of a block: a lead-in paragraph right before it, or its nearest heading. */
  private installOf(parent: Parents | undefined, i: number): { install: boolean; reason: string } {
    const name = this.frontmatter?.name;
    const prev = parent?.children[i - 1];
    if (prev?.type === "paragraph") {
      const lead = plainText(prev).trim();
      if (isInstallLeadIn(lead, name)) return { install: true, reason: `after lead-in "${lead}"` };
    }
    if (this.heading !== undefined && mentionsInstall(this.heading, name)) {
      return { install: true, reason: `under heading "${this.heading}"` };
    }
    return { install: false, reason: NOT_INSTALL };
  }

  /**
   * Command-looking plain-text lines of a paragraph or heading (a blockquote's, a list item's or
   * plain prose); inline code is handled separately. A trailing backslash continues the line.
   */
  private proseLines(node: Nodes, kind: "blockquote" | "inline"): void {
    const start = node.position?.start;
    const end = node.position?.end;
    if (start === undefined || end === undefined) return;
    const where = kind === "blockquote" ? "a blockquote" : "prose";
    let pending: Piece[] = [];
    for (let lineNo = start.line; lineNo <= end.line; lineNo += 1) {
      const raw = this.index.lineText(lineNo);
      let col: number;
      if (lineNo === start.line) col = start.column;
      else {
        col = 1;
        while (col <= raw.length && /[ \t>]/.test(raw[col - 1] ?? "")) col += 1;
      }
      const lineEnd = lineNo === end.line ? Math.max(end.column - col, 0) : raw.length;
      let body = raw.slice(col - 1, col - 1 + lineEnd);
      // A heading's marker is not part of the command.
      const marker = node.type === "heading" && pending.length === 0 ? /^#{1,6}[ \t]+/.exec(body) : null;
      if (marker) {
        col += marker[0].length;
        body = body.slice(marker[0].length).replace(/[ \t]+#+[ \t]*$/, "");
      }
      const piece = { text: body, pos: this.index.at(this.index.lineStart(lineNo) + col - 1) };
      if (pending.length === 0 && body.trimStart().startsWith("|")) {
        this.tableRowCells(body, this.index.lineStart(lineNo) + col - 1);
        continue;
      }
      // Inline HTML (<code>, <kbd> …) renders its entities: `&#124;` is the `|` the agent sees.
      // Emphasis and strikethrough marks go too: `_wget … | bash_` reads as the command it wraps.
      const html = /[<&]/.test(body) ? inlineHtmlText(body) : body;
      const rendered = withoutEmphasisMarks(html);
      if (pending.length === 0 && html !== body)
        this.inlineHtmlCode(body, this.index.lineStart(lineNo) + col - 1);
      if (pending.length === 0 && body.includes("~~"))
        this.strikethroughCommands(body, this.index.lineStart(lineNo) + col - 1, kind);
      if (pending.length > 0) pending.push(piece);
      else if (looksLikeProseCommand(withoutCodeSpans(body))) pending = [piece];
      else if (looksLikeUnjudgedProseCommand(withoutCodeSpans(rendered)))
        this.notAnalysed(piece, `a line of ${where} that starts like a command was not judged`);
      else if (proseCommandInside(withoutCodeSpans(rendered)))
        this.notAnalysed(piece, `a line of ${where} holds a command after its lead-in that was not judged`);
      if (pending.length > 0 && !body.endsWith("\\")) {
        this.addStep(kind, pending, {
          install: false,
          reason: `a command in ${where}; \`install\` runs only install blocks`,
        });
        pending = [];
      }
    }
    if (pending.length > 0) this.addStep(kind, pending, { install: false, reason: `a command in ${where}` });
  }

  /**
   * The text of an inline wrapper (emphasis, a link, an image's alt text) that is a command: judged
   * as a step like an inline code span; one that holds a command after a lead-in is reported.
   */
  private wrappedCommand(node: Nodes, text: string | undefined, quote: boolean, what: string): void {
    const start = node.position?.start.offset;
    if (text === undefined || start === undefined) return;
    const end = node.position?.end.offset ?? start;
    const at = this.input.text.indexOf(text, start);
    const pos = this.index.at(at >= 0 && at < end ? at : start);
    if (looksLikeProseCommand(text))
      this.addStep(quote ? "blockquote" : "inline", [{ text, pos }], {
        install: false,
        reason: `a command in ${what}; \`install\` runs only install blocks`,
      });
    else if (proseCommandInside(text))
      this.notAnalysed({ text, pos }, `${what} holds a command after its lead-in that was not judged`);
  }

  /**
   * A command spelled as a row of emphasis runs (`**curl** _-fsSL_ **https://…** | __bash__`):
   * judged as one step, as the agent reads the rendered row; half of one is reported unanalysed.
   */
  private markupRunCommands(node: Parents, quote: boolean): void {
    for (const g of markupRunGroups(node.children as Nodes[])) {
      // A GFM table row's `|` separates cells (read by tableRowCells), it is not a pipe.
      const line = g.first.position?.start.line;
      if (line !== undefined && this.tableLines.has(line)) continue;
      // The row is never contiguous in the source: it starts where its first run does. A row
      // holding a command after a lead-in is already listed with its prose line.
      const at = g.first.position?.start.offset;
      if (at === undefined || !looksLikeProseCommand(g.text)) continue;
      this.addStep(quote ? "blockquote" : "inline", [{ text: g.text, pos: this.index.at(at) }], {
        install: false,
        reason: "a command in a row of emphasis runs; `install` runs only install blocks",
        contiguous: false,
      });
    }
  }

  /** `~~…~~` (GFM strikethrough, plain text to this parser) around a command: judged like emphasis. */
  private strikethroughCommands(body: string, offset: number, kind: "blockquote" | "inline"): void {
    for (const span of strikethroughSpans(body))
      if (looksLikeProseCommand(span.text))
        this.addStep(kind, [{ text: span.text, pos: this.index.at(offset + span.index) }], {
          install: false,
          reason: "a command in strikethrough; `install` runs only install blocks",
        });
  }

  /**
   * Inline HTML code (`<code>`, `<kbd>`, `<samp>`, `<tt>`) or formatting (`<i>`, `<em>`, `<b>`,
   * `<strong>`, `<s>`, `<del>`, `<u>`, `<mark>`, `<span>` …) inside a prose line: judged like an
   * inline code span, entities decoded.
   */
  private inlineHtmlCode(body: string, offset: number): void {
    const seen = new Set<string>();
    for (const span of inlineHtmlSpans(body)) {
      const text = decodeEntities(span.content.replace(/<\/?[A-Za-z][^<>]*>/g, "")).trim();
      // Code is judged like a code span; formatting around prose needs a command's stronger evidence.
      const command = span.code ? looksLikeInlineCommand(text) : looksLikeProseCommand(text);
      if (text === "" || seen.has(text) || !command) continue;
      seen.add(text);
      this.addStep("inline", [{ text, pos: this.index.at(offset + span.index) }], {
        install: false,
        reason: "a command in inline HTML; `install` runs only install blocks",
        contiguous: false,
      });
    }
  }

  /**
   * Text a never-rendered definition hides (`[//]: # (…)`): read like an HTML comment, as prose
   * for the findings and line by line for commands.
   */
  private hiddenComment(text: string, title: string | null | undefined, start: number, end?: number): void {
    const at = title ? this.input.text.indexOf(title, start) : -1;
    const offset = at >= 0 && at < (end ?? this.input.text.length) ? at : start;
    this.segment("md-comment", text, offset);
    this.urlsIn(text, offset, "bare", end);
    this.htmlLines(text, offset, "a markdown comment");
  }

  /** Lines of an HTML block (comment, <pre>, <details> …) that hold a command once tags are removed. */
  private htmlLines(value: string, offset: number, where = "an HTML block"): void {
    const lines = value.split("\n");
    let at = offset;
    for (const raw of lines) {
      // A heading, list or quote marker inside hidden text still renders as one to the agent.
      const text = decodeEntities(raw.replace(/<!--|-->|<\/?[A-Za-z][^<>]*>/g, " "))
        .trim()
        .replace(/^(?:(?:#{1,6}|[-*+>]|\d{1,9}[.)])[ \t]+)+/, "");
      if (text !== "" && (looksLikeProseCommand(text) || looksLikeCommandLine(text)))
        this.addStep("inline", [{ text, pos: this.index.at(at) }], {
          install: false,
          reason: `a command in ${where}; \`install\` runs only install blocks`,
          contiguous: false,
        });
      else if (text !== "") {
        this.inlineHtmlCode(raw, at);
        if (proseCommandInside(text))
          this.notAnalysed(
            { text, pos: this.index.at(at) },
            `a line of ${where} holds a command after its lead-in that was not judged`,
          );
      }
      at += raw.length + 1;
    }
  }

  /** A link or image title that is a command line. */
  private titleCommand(title: string | null | undefined, offset: number): void {
    if (!title || !looksLikeProseCommand(title)) return;
    this.addStep("inline", [{ text: title, pos: this.index.at(offset) }], {
      install: false,
      reason: "a command in a link title",
      contiguous: false,
    });
  }

  /**
   * The lines of a paragraph that GFM renders as a table: from a header row whose cell count
   * matches the delimiter row under it, to the paragraph's end (a table may interrupt a paragraph).
   */
  private markTableLines(node: Nodes): void {
    const start = node.position?.start.line;
    const end = node.position?.end.line;
    if (start === undefined || end === undefined) return;
    // Container prefixes (quote markers, a list marker) are not part of a row.
    const body = (n: number) =>
      this.index.lineText(n).replace(/^(?:[ \t]*(?:>|[-*+]|\d{1,9}[.)])(?=[ \t]|$))*[ \t]*/, "");
    for (let n = start; n < end; n += 1) {
      const header = body(n);
      const delimiter = body(n + 1);
      if (!header.includes("|") || !isDelimiterRow(delimiter)) continue;
      if (tableCells(header) !== tableCells(delimiter)) continue;
      for (let k = n; k <= end; k += 1) this.tableLines.add(k);
      return;
    }
  }

  /** The cells of a table row (the parser reads tables as paragraphs): each one that is a command. */
  private tableRowCells(row: string, offset: number): void {
    let at = 0;
    for (const raw of row.split(/(?<!\\)\|/)) {
      const cell = raw.replaceAll("\\|", "|").trim();
      const lead = raw.length - raw.trimStart().length;
      if (looksLikeProseCommand(withoutCodeSpans(cell)))
        this.addStep("inline", [{ text: cell, pos: this.index.at(offset + at + lead) }], {
          install: false,
          reason: "a command in a table cell; `install` runs only install blocks",
          contiguous: false,
        });
      at += raw.length + 1;
    }
  }

  /** Where a table cell's text starts (its node start when the text is not found on the line). */
  private cellOffset(cell: string, start: number): number {
    const at = this.input.text.indexOf(cell, start);
    const lineEnd = this.input.text.indexOf("\n", start);
    return at >= 0 && (lineEnd < 0 || at < lineEnd) ? at : start;
  }

  /** A line that could be a command but was not judged: reported, and the skill is not allowed. */
  private notAnalysed(piece: Piece, why: string): void {
    if (this.unanalysed.length > limits.maxUnanalysed) return;
    if (this.unanalysed.length === limits.maxUnanalysed) {
      this.unanalysed.push({
        file: this.input.file,
        line: piece.pos.line,
        why: `more than ${limits.maxUnanalysed} unanalysed lines; the rest are not listed (limits.maxUnanalysed)`,
      });
      return;
    }
    this.unanalysed.push({
      file: this.input.file,
      line: piece.pos.line,
      column: piece.pos.column,
      why,
      text: piece.text.trim().slice(0, 200),
    });
  }

  /** Markdown the skill bundles (references/*.md, a nested SKILL.md): read like the main file. */
  private bundledMarkdown(file: BundledFile): void {
    if (file.type !== "markdown") return;
    if (file.text === undefined) {
      this.unanalysed.push({
        file: file.path,
        line: 1,
        why: "bundled markdown not read (too large or not UTF-8)",
      });
      return;
    }
    const nested = new Extractor(
      { source: this.input.source, file: file.path, text: file.text },
      this.opts,
    ).run();
    for (const step of nested.steps) {
      if (this.steps.length >= limits.maxSteps) break;
      this.steps.push(step);
    }
    // Its prose reaches the prose detectors too, in a context of its own (bundled-prose.ts).
    this.documents.push({
      file: file.path,
      text: file.text,
      segments: nested.segments,
      code: nested.code,
      links: nested.links,
    });
    this.documents.push(...(nested.documents ?? []));
    this.warnings.push(...nested.warnings);
    this.unanalysed.push(...(nested.unanalysed ?? []));
    this.disagreements.push(...(nested.frontmatterDisagreements ?? []));
  }

  private bundledScript(file: BundledFile): void {
    if (
      file.type === "python" ||
      file.type === "javascript" ||
      (file.type === "other" && file.text?.startsWith("#!"))
    ) {
      const language = file.type === "other" ? "this script's language" : file.type;
      this.unanalysed.push({
        file: file.path,
        line: 1,
        column: 1,
        why: `a ${file.type === "other" ? "script" : `${file.type} script`}: skillwall does not parse ${language}; what it runs is not judged`,
        text: (file.text ?? "").split("\n", 1)[0]?.slice(0, 200) ?? "",
      });
      return;
    }
    if (file.type === "other" && !/\.(?:sh|bash)$/i.test(file.path)) {
      this.otherText(file);
      return;
    }
    if (file.type !== "shell" && !/\.(?:sh|bash)$/i.test(file.path)) return;
    if (file.text === undefined) {
      // A script the agent may be told to run: not judged, so never `allow`. (Binary or
      // undecodable ones arrive in input.notRead from the reader.)
      if (file.type === "shell")
        this.unanalysed.push({
          file: file.path,
          line: 1,
          why: "shell script not read (too large); not judged",
        });
      return;
    }
    this.addStep("bundled-script", [{ text: file.text, pos: { line: 1, column: 1, offset: 0 } }], {
      install: false,
      reason: "bundled script; runs only when an install step invokes it",
      file: file.path,
    });
  }

  /**
   * A bundled text file no analyser claims by type: read as plain-text instructions (like
   * markdown), left to the findings as data, or reported not analysed (bundled-kinds.ts).
   */
  private otherText(file: BundledFile): void {
    const kind = classifyOtherText(file.path, file.text);
    if (kind.as === "instructions" && file.text !== undefined)
      this.bundledMarkdown({ ...file, type: "markdown" });
    else if (kind.as === "not-analysed")
      this.unanalysed.push({ file: file.path, line: kind.line, column: 1, why: kind.why, text: kind.text });
  }

  /**
   * Join pieces into a step. `lineStarts` is filled whenever the text is not one contiguous
   * slice of the file (prompts stripped, container prefixes skipped, derived commands).
   */
  private addStep(
    kind: StepKind,
    pieces: Piece[],
    o: { install: boolean; reason: string; lang?: string; file?: string; contiguous?: boolean },
  ): void {
    const text = pieces.map((p) => p.text).join("\n");
    const first = pieces[0];
    if (first === undefined || text.trim() === "") return;
    if (this.steps.length >= limits.maxSteps) {
      if (!this.stepLimitHit) {
        this.stepLimitHit = true;
        this.warnings.push(
          `${this.input.file}: more than ${limits.maxSteps} steps; the rest were not extracted (limits.maxSteps)`,
        );
      }
      return;
    }
    const file = o.file ?? this.input.file;
    const step: Step = {
      id: `${file}#${first.pos.line}:${first.pos.column}`,
      kind,
      file,
      line: first.pos.line,
      column: first.pos.column,
      text,
      offset: first.pos.offset,
      install: o.install,
      installReason: o.reason,
    };
    const contiguous =
      o.contiguous !== false && (o.file !== undefined || this.input.text.startsWith(text, first.pos.offset));
    if (!contiguous) {
      let textOffset = 0;
      step.lineStarts = pieces.map((p) => {
        const entry = { textOffset, line: p.pos.line, column: p.pos.column };
        textOffset += p.text.length + 1;
        return entry;
      });
    }
    if (o.lang !== undefined) step.lang = o.lang;
    if (this.heading !== undefined && kind !== "bundled-script" && kind !== "frontmatter-install") {
      step.heading = this.heading;
    }
    this.steps.push(step);
  }
}
