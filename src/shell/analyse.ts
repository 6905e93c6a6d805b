// Shell text -> every simple command in it, resolved, plus the reasons it cannot be trusted.
// The tree comes from tree-sitter-bash; where it is known to disagree with bash (see
// docs shell-analysis.md) we record a problem instead of guessing: fail closed.
import type { Node } from "web-tree-sitter";
import { limits } from "../limits.js";
import type {
  CommandContext,
  ListOperator,
  Redirect,
  RedirectOp,
  ShellAnalysis,
  ShellProblem,
  SimpleCommand,
  Span,
  Word,
} from "../model.js";
import { PARSE_BUDGET, withTree } from "./parser.js";
import type { Tree } from "web-tree-sitter";
import { SkillwallError } from "../errors.js";
import { LineIndex } from "./positions.js";
import { resolveWord, type WordEnv } from "./words.js";

export interface AnalyseOptions {
  /** What a leading `~` expands to (default "/home/agent"). */
  home?: string;
}

export const DEFAULT_HOME = "/home/agent";

/** Deepest syntax-tree recursion; keeps the JS stack safe on pathological input. */
const MAX_TREE_DEPTH = 400;

const STATEMENTS = new Set([
  "command",
  "redirected_statement",
  "pipeline",
  "list",
  "subshell",
  "compound_statement",
  "function_definition",
  "if_statement",
  "while_statement",
  "for_statement",
  "c_style_for_statement",
  "case_statement",
  "test_command",
  "negated_command",
  "declaration_command",
  "unset_command",
  "variable_assignment",
  "variable_assignments",
]);

const REDIRECTS = new Set(["file_redirect", "heredoc_redirect", "herestring_redirect"]);

const FD_WORD = /^(?:[0-9]+|\{[A-Za-z_][A-Za-z0-9_]*\})$/;

const FILE_OPS = new Set<string>([">", ">>", ">|", "<", "<>", "&>", "&>>", ">&", "<&"]);

/** Words bash treats as syntax when unquoted in command position. */
const RESERVED = new Set([
  "if",
  "then",
  "else",
  "elif",
  "fi",
  "case",
  "esac",
  "for",
  "select",
  "while",
  "until",
  "do",
  "done",
  "in",
  "function",
  "time",
  "coproc",
  "{",
  "}",
  "!",
  "[[",
  "]]",
]);

// Nodes whose inside is decoded by the word resolver, not checked token by token.
const OPAQUE = new Set([
  "word",
  "number",
  "raw_string",
  "ansi_c_string",
  "string_content",
  "heredoc_start",
  "heredoc_end",
  "heredoc_content",
  "comment",
  "variable_name",
  "special_variable_name",
  "file_descriptor",
  "test_operator",
  "regex",
  "extglob_pattern",
]);
const OWN_GAPS_UNCHECKED = new Set(["string", "translated_string", "heredoc_body"]);
// Always dynamic, so their inner layout does not matter.
const GAPS_NOT_DESCENDED = new Set(["expansion", "simple_expansion", "arithmetic_expansion"]);

/**
 * bash's operators; its lexer reads the longest one. An operator token the parser ended where
 * the next byte makes a longer one (`;` + `&>` is bash's `;&` then `>`) was tokenised differently.
 */
const BASH_OPERATORS = new Set(";;& ;; ;& ; && & || |& | &>> &> >> >| >& > <<- <<< << <& <> <".split(" "));

const CONTROL_FLOW: Readonly<Record<string, string>> = Object.freeze({
  if_statement: "if statement",
  while_statement: "while loop",
  for_statement: "for loop",
  c_style_for_statement: "for (( … )) loop",
  case_statement: "case statement",
});

interface Body {
  pipelines: SimpleCommand[][];
  operators: ListOperator[];
}

/** Analyse one step's shell text. Needs `await initShell()` first; never throws on input. */
export function analyseShell(text: string, opts: AnalyseOptions = {}): ShellAnalysis {
  return (
    tooLong(text, opts) ??
    parsedOrRefused(
      text,
      opts,
      (tree) => analyseTree(text, tree.rootNode, opts),
      (analysis) => analysis,
    )
  );
}

/** withTree, with a parse cancelled past its time budget turned into a refused analysis. */
export function parsedOrRefused<T>(
  text: string,
  opts: AnalyseOptions,
  use: (tree: Tree) => T,
  whenRefused: (analysis: ShellAnalysis) => T,
): T {
  try {
    return withTree(text, use);
  } catch (err) {
    if (!(err instanceof SkillwallError) || err.code !== PARSE_BUDGET) throw err;
    return whenRefused(refused(text, opts, "parse too slow", `${err.message}; ${err.fix ?? ""}`));
  }
}

/** The analysis of a text over the limit (it is not parsed), or undefined when within it. */
export function tooLong(text: string, opts: AnalyseOptions = {}): ShellAnalysis | undefined {
  return text.length <= limits.maxCommandChars
    ? tooManyHeredocs(text, opts)
    : refused(
        text,
        opts,
        "command too long",
        `command text is ${text.length} characters; the limit is ${limits.maxCommandChars}`,
      );
}

/** The analysis of a text with more heredoc operators than the parser handles in linear time (not parsed). */
export function tooManyHeredocs(text: string, opts: AnalyseOptions = {}): ShellAnalysis | undefined {
  let count = 0;
  for (let i = text.indexOf("<<"); i >= 0; i = text.indexOf("<<", i + 2)) {
    if (++count > limits.maxHeredocOperators)
      return refused(
        text,
        opts,
        "too many heredoc operators",
        `command text has more than ${limits.maxHeredocOperators} '<<' operators (the limit); split the block or remove them`,
      );
  }
  return undefined;
}

function refused(text: string, opts: AnalyseOptions, what: string, detail: string): ShellAnalysis {
  const analyser = new Analyser(text, opts.home ?? DEFAULT_HOME);
  analyser.problem("limit", what, detail, 0, 0);
  return { text, commands: [], problems: analyser.problems };
}

/** Analyse `root`, the tree of exactly `text` (callers that already parsed it reuse the tree). */
export function analyseTree(text: string, root: Node, opts: AnalyseOptions = {}): ShellAnalysis {
  return new Analyser(text, opts.home ?? DEFAULT_HOME).run(root);
}

/** Block-level problems of an error-free parse (bytes between tokens, statement separators). */
export function blockStructure(text: string, root: Node): ShellProblem[] {
  return new Analyser(text, DEFAULT_HOME).structure(root);
}

/**
 * Analyse one top-level statement of an already parsed, error-free block without parsing it
 * again: `nodes` are the statement's top-level nodes (the statement and a trailing `&`), and
 * `text.slice(start, end)` is the statement text. The result equals analyseShell on that text:
 * its text, spans and offsets are relative to `start`.
 */
export function analyseStatement(
  text: string,
  nodes: readonly Node[],
  start: number,
  end: number,
  opts: AnalyseOptions = {},
): ShellAnalysis {
  const own = text.slice(start, end);
  return tooLong(own, opts) ?? new Analyser(text, opts.home ?? DEFAULT_HOME, start, end).runNodes(nodes, own);
}

class Analyser {
  readonly commands: SimpleCommand[] = [];
  readonly problems: ShellProblem[] = [];
  private readonly lines: LineIndex;
  private readonly seen = new Set<string>();
  private readonly wordEnv: WordEnv;
  private pipelineSeq = 0;
  private depth = 0;
  private nesting = 0;

  /** Only `text.slice(base, end)` is analysed; characters outside it do not exist for it. */
  constructor(
    private readonly text: string,
    home: string,
    private readonly base = 0,
    private readonly end = text.length,
  ) {
    this.lines = new LineIndex(text, base, end);
    this.wordEnv = {
      text,
      home,
      span: (s, e) => this.lines.span(s, e),
      dynamic: (construct, s, e) =>
        this.problem("dynamic", construct, `${construct} cannot be known before run time`, s, e),
      nested: (node, context) => this.nested(node, context),
    };
  }

  problem(code: string, construct: string, message: string, start: number, end: number): void {
    const key = `${code}\0${construct}\0${start}`;
    if (this.seen.has(key)) return;
    this.seen.add(key);
    this.problems.push({ code, construct, message, span: this.lines.span(start, end) });
  }

  private construct(name: string, node: Node): void {
    this.problem("construct", name, `${name} is not allowed in a skill step`, node.startIndex, node.endIndex);
  }

  private divergence(what: string, start: number, end: number): void {
    this.problem("tree-divergence", what, `${what}: the parser and bash may disagree here`, start, end);
  }

  run(root: Node): ShellAnalysis {
    this.controlChars();
    if (root.hasError) this.findErrors(root, 0);
    this.gap(0, root.startIndex);
    this.checkGaps(root, 0);
    this.gap(root.endIndex, this.text.length);
    return this.result(this.text, this.walkBody(root, "top"));
  }

  /**
   * The block-level checks of run() without resolving any word: the bytes between tokens, and
   * what separates top-level statements. Cheap enough to run on every block that is split.
   */
  structure(root: Node): ShellProblem[] {
    this.gap(0, root.startIndex);
    this.checkGaps(root, 0);
    this.gap(root.endIndex, this.text.length);
    let previousEnd = -1;
    let separated = false;
    for (const kid of root.children) {
      if (kid.type === "comment") continue;
      if (kid.type === ";;" || kid.type === ";&" || kid.type === ";;&")
        this.divergence(`${kid.type} outside a case statement`, kid.startIndex, kid.endIndex);
      else if (kid.type === ";" || kid.type === "&" || kid.type === "\n") separated = true;
      else if (STATEMENTS.has(kid.type)) {
        if (previousEnd >= 0 && !separated && !this.text.slice(previousEnd, kid.startIndex).includes("\n"))
          this.divergence("statements not separated by ; or a newline", previousEnd, kid.startIndex);
        previousEnd = kid.endIndex;
        separated = false;
      }
    }
    return this.problems;
  }

  /** Like run() on the parse of exactly the statement made of `nodes` (whose tree has no error). */
  runNodes(nodes: readonly Node[], own: string): ShellAnalysis {
    this.controlChars();
    let cursor = this.base;
    for (const node of nodes) {
      this.gap(cursor, node.startIndex);
      cursor = node.endIndex;
      if (node.childCount > 0) this.checkGaps(node, 1);
    }
    this.gap(cursor, this.end);
    return this.result(own, this.walkKids(nodes, nodes[0], "top"));
  }

  private result(text: string, body: Body): ShellAnalysis {
    if (this.problems.length > 0) this.explainPlaceholder(text);
    const result: ShellAnalysis = { text, commands: this.commands, problems: this.problems };
    if (this.problems.length === 0) result.script = body;
    return result;
  }

  /**
   * Documentation writes `<name>` for "fill this in"; bash reads it as redirections, and the
   * parser reports a syntax error or a split redirect. When the text has problems and such a
   * placeholder, it is named first: it is the likely cause, and the reason a reader sees.
   */
  private explainPlaceholder(own: string): void {
    const m = /(^|[\s=])(<[A-Za-z][\w.#/:@-]{0,60}>)(?=[\s;|&)]|$)/m.exec(own);
    if (!m) return;
    const start = this.base + m.index + (m[1] ?? "").length;
    const before = this.problems.length;
    this.problem(
      "construct",
      "template placeholder <…>",
      `${m[2]} is a placeholder to fill in, not shell (bash reads it as redirections)`,
      start,
      start + (m[2] ?? "").length,
    );
    if (this.problems.length > before) this.problems.unshift(this.problems.pop() as ShellProblem);
  }

  /** The character at `i` of the analysed text, undefined outside it. */
  private at(i: number): string | undefined {
    return i >= this.base && i < this.end ? this.text[i] : undefined;
  }

  // ---- guards ------------------------------------------------------------------------------

  private controlChars(): void {
    const { text, end } = this;
    for (let i = this.base; i < end; i++) {
      const c = text.charCodeAt(i);
      const control = (c < 0x20 && c !== 9 && c !== 10) || (c >= 0x7f && c <= 0x9f);
      const bidi = (c >= 0x202a && c <= 0x202e) || (c >= 0x2066 && c <= 0x2069);
      let lone = false;
      if (c >= 0xd800 && c <= 0xdbff) {
        const next = i + 1 < end ? text.charCodeAt(i + 1) : NaN;
        if (next >= 0xdc00 && next <= 0xdfff) i++;
        else lone = true;
      } else if (c >= 0xdc00 && c <= 0xdfff) lone = true;
      if (control || bidi || lone) {
        const name =
          c === 13
            ? "carriage return"
            : c === 0
              ? "NUL byte"
              : bidi
                ? "bidirectional control"
                : lone
                  ? "unpaired surrogate"
                  : "control character";
        this.problem(
          "control-char",
          name,
          `${name} U+${c.toString(16).padStart(4, "0").toUpperCase()} in shell text (the parser drops or misreads it)`,
          i,
          i + 1,
        );
      }
    }
  }

  private findErrors(node: Node, depth: number): void {
    if (depth > MAX_TREE_DEPTH) return;
    if (node.isError || node.isMissing) {
      const what = node.isMissing ? `missing ${node.type}` : "syntax error";
      this.problem(
        "parse-error",
        what,
        `${what}: the text does not parse as shell`,
        node.startIndex,
        node.endIndex,
      );
      if (node.isError) return;
    }
    for (const child of node.children)
      if (child.hasError || child.isMissing) this.findErrors(child, depth + 1);
  }

  /** Bytes between tokens must be blanks; tree-sitter silently skips some bytes bash reads. */
  private checkGaps(node: Node, depth: number): void {
    if (depth > MAX_TREE_DEPTH) {
      this.problem(
        "limit",
        "nesting too deep",
        `syntax nested deeper than ${MAX_TREE_DEPTH} levels`,
        node.startIndex,
        node.endIndex,
      );
      return;
    }
    if (OPAQUE.has(node.type) || GAPS_NOT_DESCENDED.has(node.type)) return;
    const own = !OWN_GAPS_UNCHECKED.has(node.type);
    let cursor = node.startIndex;
    for (const child of node.children) {
      if (child.startIndex < cursor) this.divergence("overlapping syntax nodes", child.startIndex, cursor);
      else if (own) this.gap(cursor, child.startIndex);
      cursor = Math.max(cursor, child.endIndex);
      if (child.childCount === 0 && BASH_OPERATORS.has(child.type)) this.operatorEnd(child);
      if (child.childCount > 0) this.checkGaps(child, depth + 1);
    }
    if (own && cursor < node.endIndex) this.gap(cursor, node.endIndex);
  }

  private operatorEnd(op: Node): void {
    const token = this.text.slice(op.startIndex, op.endIndex);
    const next = this.at(op.endIndex);
    if (next !== undefined && BASH_OPERATORS.has(token + next))
      this.divergence(
        `operator ${token} followed by ${next} (bash reads ${token + next})`,
        op.startIndex,
        op.endIndex + 1,
      );
  }

  private gap(start: number, end: number): void {
    const { text } = this;
    for (let i = start; i < end; i++) {
      const c = text[i];
      if (c === " " || c === "\t" || c === "\n") continue;
      if (c === "\\" && this.at(i + 1) === "\n") {
        const before = this.at(i - 1);
        const after = this.at(i + 2);
        if (before !== undefined && after !== undefined && !isBlank(before) && !isBlank(after))
          this.problem(
            "tree-divergence",
            "backslash-newline inside a word",
            "a backslash-newline joins two words in bash but splits them in the parser",
            i,
            i + 2,
          );
        i++;
        continue;
      }
      this.divergence("unparsed characters between tokens", i, end);
      return;
    }
  }

  // ---- statements --------------------------------------------------------------------------

  private enter(node: Node): boolean {
    if (this.depth >= MAX_TREE_DEPTH || this.nesting > limits.maxShellDepth) {
      this.problem(
        "limit",
        "nesting too deep",
        `shell nesting deeper than ${limits.maxShellDepth} levels`,
        node.startIndex,
        node.endIndex,
      );
      return false;
    }
    this.depth++;
    return true;
  }

  /** A sequence of statements (program, subshell, group, substitution body, do-group …). */
  private walkBody(node: Node, context: CommandContext): Body {
    return this.walkKids(node.children, node, context);
  }

  /** The statements among `kids`, the children of `node` (or a top-level slice of them). */
  private walkKids(kids: readonly Node[], node: Node | undefined, context: CommandContext): Body {
    const body: Body = { pipelines: [], operators: [] };
    if (node === undefined || !this.enter(node)) return body;
    if (context !== "top") this.nesting++;
    try {
      let previousEnd = -1;
      let separated = false;
      for (let i = 0; i < kids.length; i++) {
        const kid = kids[i] as Node;
        if (kid.type === "comment") continue;
        if (kid.type === ";;" || kid.type === ";&" || kid.type === ";;&") {
          // Case terminators outside a case: bash's syntax error; the parser reads a separator.
          this.divergence(`${kid.type} outside a case statement`, kid.startIndex, kid.endIndex);
          continue;
        }
        if (kid.type === ";" || kid.type === "&" || kid.type === "\n") {
          separated = true;
          continue;
        }
        if (!STATEMENTS.has(kid.type)) {
          if (kid.isNamed) this.nested(kid, context);
          continue;
        }
        let next: Node | undefined;
        for (let j = i + 1; j < kids.length; j++) {
          const candidate = kids[j] as Node;
          if (candidate.type !== "comment") {
            next = candidate;
            break;
          }
        }
        let ctx = context;
        if (next?.type === "&") {
          this.construct("background &", next);
          ctx = "background";
        }
        if (previousEnd >= 0) {
          if (!separated && !this.text.slice(previousEnd, kid.startIndex).includes("\n"))
            this.divergence("statements not separated by ; or a newline", previousEnd, kid.startIndex);
          body.operators.push(";");
        }
        const list = this.list(kid, ctx);
        body.pipelines.push(...list.pipelines);
        body.operators.push(...list.operators);
        previousEnd = kid.endIndex;
        separated = false;
      }
    } finally {
      this.depth--;
      if (context !== "top") this.nesting--;
    }
    return body;
  }

  /** `a && b || c` flattened into pipelines and operators. */
  private list(node: Node, context: CommandContext, trailing: Node[] = []): Body {
    if (node.type === "redirected_statement") {
      // `a && b > f`: the parser wraps the list; bash binds the redirect to the last command.
      const inner = node.childForFieldName("body");
      if (inner?.type === "list") {
        const redirects = node.children.filter((k) => k.id !== inner.id);
        return this.list(inner, context, [...redirects, ...trailing]);
      }
    }
    if (node.type !== "list") return { pipelines: [this.pipeline(node, context, trailing)], operators: [] };
    const body: Body = { pipelines: [], operators: [] };
    if (!this.enter(node)) return body;
    try {
      const kids = node.children;
      const lastStatement = kids.findLast((k) => STATEMENTS.has(k.type));
      for (const kid of kids) {
        if (kid.type === "&&" || kid.type === "||") body.operators.push(kid.type);
        else if (STATEMENTS.has(kid.type)) {
          const inner = this.list(kid, context, kid === lastStatement ? trailing : []);
          body.pipelines.push(...inner.pipelines);
          body.operators.push(...inner.operators);
        } else if (kid.type !== "comment") {
          this.divergence(
            `unexpected ${JSON.stringify(kid.type)} in a command list`,
            kid.startIndex,
            kid.endIndex,
          );
          this.nested(kid, context);
        }
      }
      if (body.operators.length !== body.pipelines.length - 1)
        this.divergence("command list with a missing operator", node.startIndex, node.endIndex);
    } finally {
      this.depth--;
    }
    return body;
  }

  private pipeline(node: Node, context: CommandContext, trailing: Node[] = []): SimpleCommand[] {
    const out: SimpleCommand[] = [];
    if (!this.enter(node)) return out;
    try {
      const stages = this.stages(node, trailing, 0);
      const id = ++this.pipelineSeq;
      stages.forEach((stage, index) => {
        const cmd = this.command(stage.node, context, { index, length: stages.length, id }, stage.trailing);
        if (cmd) out.push(cmd);
      });
    } finally {
      this.depth--;
    }
    return out;
  }

  /** Pipeline stages in order; `a | b > f | c` nests a pipeline in a redirect: bash binds it to b. */
  private stages(node: Node, trailing: Node[], depth: number): Array<{ node: Node; trailing: Node[] }> {
    if (depth > MAX_TREE_DEPTH) return [{ node, trailing }];
    if (node.type === "redirected_statement") {
      const body = node.childForFieldName("body");
      if (body?.type === "pipeline") {
        const redirects = node.children.filter((k) => k.id !== body.id);
        return this.stages(body, [...redirects, ...trailing], depth + 1);
      }
    }
    if (node.type !== "pipeline") return [{ node, trailing }];
    for (const kid of node.children) {
      if (kid.type === "|&") this.construct("|& (pipe of stdout and stderr)", kid);
      else if (!kid.isNamed && kid.type !== "|")
        this.divergence(`unexpected ${JSON.stringify(kid.type)} in a pipeline`, kid.startIndex, kid.endIndex);
    }
    const kids = node.children.filter((k) => k.isNamed && k.type !== "comment");
    return kids.flatMap((kid, i) => this.stages(kid, i === kids.length - 1 ? trailing : [], depth + 1));
  }

  private command(
    node: Node,
    context: CommandContext,
    info: SimpleCommand["pipeline"],
    trailing: Node[],
  ): SimpleCommand | undefined {
    if (!this.enter(node)) return undefined;
    try {
      return this.commandInner(node, context, info, trailing);
    } finally {
      this.depth--;
    }
  }

  private commandInner(
    node: Node,
    context: CommandContext,
    info: SimpleCommand["pipeline"],
    trailing: Node[],
  ): SimpleCommand | undefined {
    const walkTrailing = (): void => {
      for (const r of trailing) this.redirect(r);
    };
    switch (node.type) {
      case "command":
        return this.simple(node, [...node.children, ...trailing], context, info);
      case "redirected_statement": {
        const body = node.childForFieldName("body");
        const redirects = node.children.filter((k) => k.id !== body?.id);
        if (!body) return this.simple(node, [...redirects, ...trailing], context, info);
        if (body.type === "pipeline" || body.type === "list") {
          this.divergence("redirect on a nested pipeline", node.startIndex, node.endIndex);
          this.list(body, context);
          for (const r of [...redirects, ...trailing]) this.redirect(r);
          return undefined;
        }
        return this.command(body, context, info, [...redirects, ...trailing]);
      }
      case "declaration_command":
      case "unset_command": {
        if (node.children.some((k) => k.type === "variable_assignment")) {
          this.construct(`declaration with assignment (${node.child(0)?.type ?? "export"} NAME=…)`, node);
          this.nested(node, context);
          walkTrailing();
          return undefined;
        }
        return this.simple(node, [...node.children, ...trailing], context, info);
      }
      case "negated_command":
        this.construct("negation !", node);
        for (const kid of node.children) if (STATEMENTS.has(kid.type)) this.list(kid, context);
        walkTrailing();
        return undefined;
      case "subshell":
        this.construct("subshell ( … )", node);
        this.walkBody(node, "subshell");
        walkTrailing();
        return undefined;
      case "compound_statement":
        if (node.child(0)?.type === "((") {
          this.construct("arithmetic command (( … ))", node);
          this.nested(node, "control-flow");
        } else {
          this.construct("group { …; }", node);
          this.walkBody(node, "group");
        }
        walkTrailing();
        return undefined;
      case "function_definition": {
        this.construct("function definition", node);
        const body = node.childForFieldName("body");
        if (body?.type === "compound_statement" || body?.type === "subshell") this.walkBody(body, "function");
        else if (body) this.list(body, "function");
        walkTrailing();
        return undefined;
      }
      case "test_command":
        this.construct(node.child(0)?.type === "[" ? "[ … ] test" : "[[ … ]] test", node);
        this.nested(node, "control-flow");
        walkTrailing();
        return undefined;
      case "variable_assignment":
      case "variable_assignments":
        this.construct("variable assignment", node);
        this.nested(node, context);
        walkTrailing();
        return undefined;
      case "pipeline":
      case "list":
        // A bare list or pipeline as one stage of a pipeline: tree-sitter reads `a | b | c && d`
        // as `a | (b | c && d)`, bash as `(a | b | c) && d` (found by the render round-trip).
        this.divergence(`${node.type} nested in a pipeline stage`, node.startIndex, node.endIndex);
        this.list(node, context);
        walkTrailing();
        return undefined;
      default: {
        const name = CONTROL_FLOW[node.type];
        if (name) {
          const keyword = node.child(0)?.type;
          this.construct(
            keyword === "until" ? "until loop" : keyword === "select" ? "select loop" : name,
            node,
          );
          this.nested(node, "control-flow");
        } else {
          this.construct(`unsupported construct (${node.type})`, node);
          this.nested(node, context);
        }
        walkTrailing();
        return undefined;
      }
    }
  }

  /** Build a SimpleCommand from a command's children (prefix assignments, name, args, redirects). */
  private simple(
    node: Node,
    kids: Node[],
    context: CommandContext,
    info: SimpleCommand["pipeline"],
  ): SimpleCommand | undefined {
    const argv: Word[] = [];
    const redirects: Redirect[] = [];
    const assignments: SimpleCommand["assignments"] = [];
    let previous: Node | undefined;
    let end = node.endIndex;
    for (const kid of kids) {
      if (kid.type === "comment") continue;
      end = Math.max(end, kid.endIndex);
      if (previous && previous.endIndex === kid.startIndex) {
        if (!startsWithOperator(this.text, kid))
          this.divergence("adjacent words not separated by blanks", previous.startIndex, kid.endIndex);
        else if (FD_WORD.test(previous.text) || this.endsInFdWord(previous))
          // bash reads `2>f` / `{fd}>f` as a descriptor, whatever the parser made of it — also
          // when the digits end another redirect (`>2>f` is `>` with no target: a syntax error).
          this.divergence("file descriptor word next to a redirect", previous.startIndex, kid.endIndex);
      }
      // bash ends a command at an unescaped newline; tree-sitter sometimes carries on, e.g.
      // `a | b | c<newline>d >x` parses as one command `c d >x`. Never judge such a command.
      if (
        previous &&
        !previous.type.startsWith("heredoc") &&
        !kid.type.startsWith("heredoc") &&
        hasBareNewline(this.text, previous.endIndex, kid.startIndex)
      )
        this.divergence("newline inside a command", previous.startIndex, kid.endIndex);
      previous = kid;
      if (REDIRECTS.has(kid.type)) {
        redirects.push(...this.redirect(kid));
      } else if (kid.type === "variable_assignment") {
        const name = kid.childForFieldName("name")?.text ?? "";
        const valueNode = kid.childForFieldName("value");
        const value = valueNode
          ? resolveWord(valueNode, this.wordEnv)
          : this.literalWord("", kid.endIndex, kid.endIndex);
        assignments.push({ name, value, span: this.span(kid) });
        this.construct(`environment assignment prefix (${name}=…)`, kid);
      } else if (kid.type === "command_name") {
        const inner = kid.children;
        if (inner.length !== 1)
          this.divergence("command name made of several nodes", kid.startIndex, kid.endIndex);
        const first = inner[0];
        if (first) argv.push(resolveWord(first, this.wordEnv));
      } else if (kid.type === "variable_name" || isKeywordToken(node, kid)) {
        argv.push(this.literalWord(kid.text, kid.startIndex, kid.endIndex));
      } else {
        argv.push(resolveWord(kid, this.wordEnv));
      }
    }
    const name = argv[0];
    if (name?.parts.some((p) => p.kind === "env")) {
      const { start, end } = name.span;
      this.problem(
        "dynamic",
        "variable in the command name",
        "the program to run comes from a variable",
        this.base + start.offset,
        this.base + end.offset,
      );
    }
    // bash treats a command whose name starts with % as a job spec (`%1` runs `fg %1`), after
    // quoting and expansion: no program runs, whatever the policy allows by that name.
    if (name?.value.startsWith("%")) this.construct("job spec %… as a command", node);
    if (name && node.type === "command" && RESERVED.has(name.raw)) {
      if (name.raw === "coproc" || name.raw === "time") this.construct(name.raw, node);
      else
        this.divergence(`reserved word ${name.raw} used as a command name`, node.startIndex, node.endIndex);
    }
    const cmd: SimpleCommand = {
      argv,
      redirects,
      assignments,
      context,
      pipeline: info,
      span: this.lines.span(node.startIndex, end),
    };
    if (this.commands.length >= limits.maxCommandsPerStep) {
      this.problem(
        "limit",
        "too many commands",
        `more than ${limits.maxCommandsPerStep} commands in one step`,
        node.startIndex,
        end,
      );
      return undefined;
    }
    this.commands.push(cmd);
    return cmd;
  }

  private literalWord(value: string, start: number, end: number): Word {
    return {
      raw: this.text.slice(start, end),
      value,
      parts: value === "" ? [] : [{ kind: "literal", value }],
      span: this.lines.span(start, end),
    };
  }

  private span(node: Node): Span {
    return this.lines.span(node.startIndex, node.endIndex);
  }

  // ---- redirects ---------------------------------------------------------------------------

  private redirect(node: Node): Redirect[] {
    switch (node.type) {
      case "file_redirect":
        return this.fileRedirect(node);
      case "herestring_redirect":
        return this.herestring(node);
      case "heredoc_redirect":
        return this.heredoc(node);
      default:
        this.divergence(`unexpected ${node.type} among redirects`, node.startIndex, node.endIndex);
        this.nested(node, "top");
        return [];
    }
  }

  /** A redirect whose target is a descriptor-like word, except after >& / <& (where bash takes one). */
  private endsInFdWord(node: Node): boolean {
    if (!REDIRECTS.has(node.type)) return false;
    const last = node.lastChild;
    return last !== null && FD_WORD.test(last.text) && this.text[last.startIndex - 1] !== "&";
  }

  /**
   * bash needs a redirect's target on the operator's line (`a >` + newline is a syntax error);
   * tree-sitter takes the next line's first word as the target, so `a >` + newline + `b` would
   * be judged as `a >b`. Returns false (after reporting) when the redirect spans a bare newline.
   */
  private redirectOnOneLine(node: Node): boolean {
    let previous: Node | undefined;
    for (const kid of node.children) {
      if (previous && hasBareNewline(this.text, previous.endIndex, kid.startIndex)) {
        this.divergence("newline between a redirect operator and its target", node.startIndex, node.endIndex);
        // Its words are still read, so commands nested in them are collected and judged.
        for (const k of node.children)
          if (k.isNamed && k.type !== "file_descriptor") resolveWord(k, this.wordEnv);
        return false;
      }
      previous = kid;
    }
    return true;
  }

  private fileRedirect(node: Node): Redirect[] {
    if (!this.redirectOnOneLine(node)) return [];
    let fd: number | undefined;
    let op: string | undefined;
    let opNode: Node | undefined;
    const destinations: Node[] = [];
    for (const kid of node.children) {
      if (kid.type === "file_descriptor") {
        if (!/^[0-9]{1,4}$/.test(kid.text))
          this.divergence("unusual file descriptor", kid.startIndex, kid.endIndex);
        fd = Number(kid.text);
      } else if (!kid.isNamed && op === undefined) {
        op = kid.type;
        opNode = kid;
      } else if (kid.type !== "comment") {
        destinations.push(kid);
      }
    }
    if (!op || !opNode) {
      this.divergence("redirect without an operator", node.startIndex, node.endIndex);
      return [];
    }
    const close = op === ">&-" || op === "<&-";
    if (close ? destinations.length !== 0 : destinations.length !== 1) {
      this.problem(
        "tree-divergence",
        "redirect with more than one destination node",
        "the parser split this redirect target; bash reads it as one word",
        node.startIndex,
        node.endIndex,
      );
      for (const d of destinations) resolveWord(d, this.wordEnv);
      return [];
    }
    if (!close && !FILE_OPS.has(op)) {
      this.divergence(`unknown redirect operator ${op}`, node.startIndex, node.endIndex);
      return [];
    }
    const redirect: Redirect = {
      op: (close ? op.slice(0, 2) : op) as RedirectOp,
      target: close
        ? this.literalWord("-", opNode.endIndex - 1, opNode.endIndex)
        : resolveWord(destinations[0] as Node, this.wordEnv),
      span: this.span(node),
    };
    if (fd !== undefined) redirect.fd = fd;
    return [redirect];
  }

  private herestring(node: Node): Redirect[] {
    if (!this.redirectOnOneLine(node)) return [];
    const words = node.children.filter((k) => k.isNamed && k.type !== "comment");
    let fd: number | undefined;
    const targets = words.filter((k) => {
      if (k.type !== "file_descriptor") return true;
      fd = Number(k.text);
      return false;
    });
    if (targets.length !== 1) {
      this.problem(
        "tree-divergence",
        "redirect with more than one destination node",
        "the parser split this here-string",
        node.startIndex,
        node.endIndex,
      );
      for (const t of targets) resolveWord(t, this.wordEnv);
      return [];
    }
    const redirect: Redirect = {
      op: "<<<",
      target: resolveWord(targets[0] as Node, this.wordEnv),
      span: this.span(node),
    };
    if (fd !== undefined) redirect.fd = fd;
    return [redirect];
  }

  private heredoc(node: Node): Redirect[] {
    const { text } = this;
    const extra: Redirect[] = [];
    let op: "<<" | "<<-" | undefined;
    let start: Node | undefined;
    let body: Node | undefined;
    let endNode: Node | undefined;
    let fd: number | undefined;
    let opEnd = -1;
    for (const kid of node.children) {
      if (kid.type === "<<" || kid.type === "<<-") {
        op = kid.type;
        opEnd = kid.endIndex;
      } else if (kid.type === "file_descriptor") fd = Number(kid.text);
      else if (kid.type === "heredoc_start") start = kid;
      else if (kid.type === "heredoc_body") body = kid;
      else if (kid.type === "heredoc_end") endNode = kid;
      else if (kid.type === "file_redirect" || kid.type === "herestring_redirect")
        extra.push(...this.redirect(kid));
      else if (kid.type !== "comment") {
        this.construct("commands after a heredoc on the same line", kid);
        if (STATEMENTS.has(kid.type)) this.list(kid, "top");
        else this.nested(kid, "top");
      }
    }
    if (!op || !start) {
      this.divergence("heredoc without a delimiter", node.startIndex, node.endIndex);
      return extra;
    }
    // `cat <<` + newline is bash's syntax error; tree-sitter takes the next line as the delimiter.
    if (hasBareNewline(text, opEnd, start.startIndex))
      this.divergence("newline between a redirect operator and its target", node.startIndex, start.endIndex);
    if (!endNode) {
      this.divergence("heredoc without its end delimiter line", node.startIndex, node.endIndex);
      return extra;
    }
    const rawDelimiter = start.text;
    // `<<'E0'#c`: with no blank before it, `#` is part of bash's delimiter word (E0#c), not a
    // comment, so bash's heredoc runs to another line than the tree's.
    const next = this.at(start.endIndex);
    if (next !== undefined && !/[\s;&|<>()]/.test(next)) {
      this.divergence("text joined to a heredoc delimiter", start.startIndex, start.endIndex + 1);
      return extra;
    }
    const quoted = /['"\\]/.test(rawDelimiter);
    const delimiter = unquoteDelimiter(rawDelimiter);
    if (delimiter === undefined || delimiter === "") {
      this.divergence("unusual heredoc delimiter", start.startIndex, start.endIndex);
      return extra;
    }
    const endLineStart = this.lineStart(endNode.startIndex);
    const bodyStart = body ? this.lineStart(body.startIndex) : endLineStart;
    const endLine = text.slice(endLineStart, endNode.endIndex);
    const afterEnd = this.at(endNode.endIndex);
    const strip = (line: string): string => (op === "<<-" ? line.replace(/^\t+/, "") : line);
    let ok = bodyStart > start.endIndex && bodyStart <= endLineStart && strip(endLine) === delimiter;
    ok &&= afterEnd === undefined || afterEnd === "\n";
    const lines = text.slice(bodyStart, endLineStart).split("\n");
    lines.pop(); // text after the last newline is empty
    const stripped = lines.map(strip);
    if (stripped.some((line) => line === delimiter)) ok = false;
    if (!ok) {
      this.divergence("heredoc body boundaries", node.startIndex, node.endIndex);
      return extra;
    }
    const content = stripped.map((line) => line + "\n").join("");
    if (!quoted && /[$`\\]/.test(content)) {
      this.problem(
        "dynamic",
        "expansion in a heredoc body",
        "a heredoc with an unquoted delimiter expands $, ` and \\ in its body at run time",
        bodyStart,
        endLineStart,
      );
    }
    if (body) this.nested(body, "command-substitution");
    const redirect: Redirect = {
      op,
      heredoc: { delimiter, quoted, body: content },
      span: this.lines.span(node.startIndex, node.endIndex),
    };
    if (fd !== undefined) redirect.fd = fd;
    return [redirect, ...extra];
  }

  /** Start of the line holding offset `pos` (> base), within the analysed text. */
  private lineStart(pos: number): number {
    return Math.max(this.base, this.text.lastIndexOf("\n", pos - 1) + 1);
  }

  // ---- nested ------------------------------------------------------------------------------

  /** Find statements and substitutions anywhere under `node` and collect their commands. */
  private nested(node: Node, context: CommandContext): void {
    if (node.type === "command_substitution") {
      this.walkBody(node, "command-substitution");
      return;
    }
    if (node.type === "process_substitution") {
      this.walkBody(node, "process-substitution");
      return;
    }
    if (!this.enter(node)) return;
    try {
      for (const kid of node.children) {
        if (kid.childCount === 0) continue;
        if (STATEMENTS.has(kid.type)) this.list(kid, context);
        else if (
          kid.type === "do_group" ||
          kid.type === "else_clause" ||
          kid.type === "elif_clause" ||
          kid.type === "case_item"
        )
          this.walkBody(kid, context);
        else this.nested(kid, context);
      }
    } finally {
      this.depth--;
    }
  }
}

function isBlank(c: string): boolean {
  return c === " " || c === "\t" || c === "\n";
}

function startsWithOperator(text: string, node: Node): boolean {
  if (!REDIRECTS.has(node.type)) return false;
  const c = text[node.startIndex];
  return c === "<" || c === ">" || c === "&";
}

/** The keyword token of a declaration/unset command (`export`, `local`, `unset` …). */
function isKeywordToken(parent: Node, kid: Node): boolean {
  return (parent.type === "declaration_command" || parent.type === "unset_command") && !kid.isNamed;
}

/** Quote removal on a heredoc delimiter word; undefined when it holds anything unusual. */
function unquoteDelimiter(raw: string): string | undefined {
  let out = "";
  for (let i = 0; i < raw.length; i++) {
    const c = raw[i] as string;
    if (c === "\\") {
      const next = raw[i + 1];
      if (next === undefined) return undefined;
      out += next;
      i++;
    } else if (c === "'") {
      const close = raw.indexOf("'", i + 1);
      if (close === -1) return undefined;
      out += raw.slice(i + 1, close);
      i = close;
    } else if (c === '"') {
      const close = raw.indexOf('"', i + 1);
      if (close === -1) return undefined;
      const inner = raw.slice(i + 1, close);
      if (/[$`\\]/.test(inner)) return undefined;
      out += inner;
      i = close;
    } else if (c === "$" || c === "`") {
      return undefined;
    } else {
      out += c;
    }
  }
  return out;
}

/** An unescaped newline between two tokens (the gap holds only blanks and backslash-newlines). */
function hasBareNewline(text: string, start: number, end: number): boolean {
  for (let i = start; i < end; i++) if (text[i] === "\n" && text[i - 1] !== "\\") return true;
  return false;
}
