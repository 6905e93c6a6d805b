// Word resolution: quote removal and expansion done by us from the tree's token positions,
// never from a node's text taken at face value. Anything bash would expand at run time is
// either an `env` part ($NAME, ${NAME}) or makes the word dynamic, with the construct named.
import type { Node } from "web-tree-sitter";
import type { CommandContext, Span, Word, WordPart } from "../model.js";
import { decodeAnsiC } from "./ansi-c.js";

export interface WordEnv {
  readonly text: string;
  readonly home: string;
  span(start: number, end: number): Span;
  /** Record a dynamic construct (adds a ShellProblem with code "dynamic"). */
  dynamic(construct: string, start: number, end: number): void;
  /** Walk statements nested in `node` (a substitution) and collect their commands. */
  nested(node: Node, context: CommandContext): void;
}

const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const BLANK = new Set([" ", "\t", "\n"]);

class WordBuilder {
  parts: WordPart[] = [];
  dynamic: string | undefined;
  /** Unquoted characters seen so far, for brace-expansion and tilde checks. */
  private unquotedBraceOpen = false;
  private unquotedBraceClosed = false;
  private prevUnquoted = "";

  constructor(private readonly env: WordEnv) {}

  literal(value: string): void {
    if (value === "") return;
    const last = this.parts[this.parts.length - 1];
    if (last?.kind === "literal") last.value += value;
    else this.parts.push({ kind: "literal", value });
  }

  quoted(value: string): void {
    this.literal(value);
    if (value !== "") this.prevUnquoted = "";
  }

  fail(construct: string, start: number, end: number): void {
    this.dynamic ??= construct;
    this.env.dynamic(construct, start, end);
  }

  /** One unquoted character at `pos` (already known not to be escaped). */
  unquoted(ch: string, pos: number): void {
    if (ch === "*" || ch === "?" || ch === "[") this.fail("unquoted glob character " + ch, pos, pos + 1);
    else if (ch === "{") this.unquotedBraceOpen = true;
    else if (ch === "}" && this.unquotedBraceOpen) this.unquotedBraceClosed = true;
    else if (ch === "~" && (this.prevUnquoted === "=" || this.prevUnquoted === ":"))
      this.fail("tilde after = or :", pos, pos + 1);
    this.prevUnquoted = ch;
    this.literal(ch);
  }

  finish(start: number, end: number): void {
    if (this.unquotedBraceClosed) this.fail("brace expansion {…}", start, end);
  }
}

/** Resolve a word-like node into a Word. */
export function resolveWord(node: Node, env: WordEnv): Word {
  const b = new WordBuilder(env);
  const start = node.startIndex;
  const end = node.endIndex;
  const pieces = node.type === "concatenation" ? node.children : [node];
  let expect = start;
  pieces.forEach((piece, index) => {
    if (piece.startIndex !== expect)
      b.fail("word pieces not contiguous (parser divergence)", expect, piece.startIndex);
    expect = piece.endIndex;
    resolvePiece(piece, b, env, index === 0, pieces.length === 1);
  });
  if (expect !== end) b.fail("word pieces not contiguous (parser divergence)", expect, end);
  b.finish(start, end);
  const word: Word = {
    raw: env.text.slice(start, end),
    value: b.parts.map((p) => (p.kind === "literal" ? p.value : "${" + p.name + "}")).join(""),
    parts: b.parts,
    span: env.span(start, end),
  };
  if (b.dynamic !== undefined) word.dynamic = b.dynamic;
  return word;
}

function resolvePiece(node: Node, b: WordBuilder, env: WordEnv, first: boolean, alone: boolean): void {
  const { text } = env;
  const s = node.startIndex;
  const e = node.endIndex;
  switch (node.type) {
    case "word":
    case "number":
      unquotedText(s, e, b, env, first, alone);
      return;
    case "raw_string":
      if (text[s] !== "'" || text[e - 1] !== "'" || e - s < 2 || text.slice(s + 1, e - 1).includes("'"))
        b.fail("malformed '…' string", s, e);
      else b.quoted(text.slice(s + 1, e - 1));
      return;
    case "ansi_c_string": {
      if (!text.startsWith("$'", s) || text[e - 1] !== "'" || e - s < 3) {
        b.fail("malformed $'…' string", s, e);
        return;
      }
      const inner = text.slice(s + 2, e - 1);
      if (!closesAtEnd(inner)) {
        b.fail("$'…' string boundary (parser divergence)", s, e);
        return;
      }
      const decoded = decodeAnsiC(inner);
      if (decoded.ok) b.quoted(decoded.value);
      else b.fail(decoded.reason, s, e);
      return;
    }
    case "string":
      doubleQuoted(node, b, env);
      return;
    case "simple_expansion":
    case "expansion":
      expansion(node, b, env);
      return;
    case "command_substitution":
      b.fail(text[s] === "`" ? "command substitution `…`" : "command substitution $(…)", s, e);
      env.nested(node, "command-substitution");
      return;
    case "process_substitution":
      b.fail(`process substitution ${text.slice(s, s + 2)}…)`, s, e);
      env.nested(node, "process-substitution");
      return;
    case "arithmetic_expansion":
      b.fail("arithmetic expansion $((…))", s, e);
      env.nested(node, "command-substitution");
      return;
    case "brace_expression":
      b.fail("brace expansion {…}", s, e);
      return;
    case "translated_string":
      b.fail('translated string $"…"', s, e);
      env.nested(node, "command-substitution");
      return;
    case "extglob_pattern":
      b.fail("extended glob pattern", s, e);
      return;
    case "$":
      b.fail('lone $ (e.g. $"…")', s, e);
      return;
    default:
      b.fail(`unsupported word form (${node.type})`, s, e);
      env.nested(node, "command-substitution");
  }
}

/** Unquoted text of a word token: backslash escapes, globs, tilde. */
function unquotedText(
  s: number,
  e: number,
  b: WordBuilder,
  env: WordEnv,
  first: boolean,
  alone: boolean,
): void {
  const { text } = env;
  let i = s;
  if (first && text[s] === "~") {
    const next = text[s + 1];
    if (s + 1 === e ? alone : next === "/") {
      b.quoted(env.home);
      i = s + 1;
    } else {
      b.fail("tilde expansion ~user / ~+ / ~-", s, e);
    }
  }
  for (; i < e; i++) {
    const ch = text[i] as string;
    if (ch === "\\") {
      const next = text[i + 1];
      if (i + 1 >= e || next === undefined) {
        b.quoted("\\");
      } else if (next === "\n") {
        b.fail("backslash-newline inside a word", i, i + 2);
        i++;
      } else {
        b.quoted(next);
        i++;
      }
    } else if (ch === "$" || ch === "`" || ch === "'" || ch === '"') {
      b.fail(`unparsed ${ch} inside a word (parser divergence)`, i, i + 1);
    } else if (BLANK.has(ch) || ";&|<>()".includes(ch)) {
      b.fail("unescaped operator or blank inside a word (parser divergence)", i, i + 1);
    } else {
      b.unquoted(ch, i);
    }
  }
}

const DQ_EXPANSIONS = new Set([
  "simple_expansion",
  "expansion",
  "command_substitution",
  "arithmetic_expansion",
]);

/** "…": literal stretches decoded from the source, expansion children resolved. */
function doubleQuoted(node: Node, b: WordBuilder, env: WordEnv): void {
  const { text } = env;
  const s = node.startIndex;
  const e = node.endIndex;
  if (text[s] !== '"' || text[e - 1] !== '"' || e - s < 2) {
    b.fail('malformed "…" string', s, e);
    return;
  }
  let cursor = s + 1;
  for (const child of node.children) {
    if (!DQ_EXPANSIONS.has(child.type)) continue;
    dqLiteral(cursor, child.startIndex, e - 1, b, env);
    if (child.type === "simple_expansion" || child.type === "expansion") expansion(child, b, env);
    else resolvePiece(child, b, env, false, false);
    cursor = child.endIndex;
  }
  dqLiteral(cursor, e - 1, e - 1, b, env);
}

function dqLiteral(s: number, e: number, closing: number, b: WordBuilder, env: WordEnv): void {
  const { text } = env;
  let out = "";
  for (let i = s; i < e; i++) {
    const ch = text[i] as string;
    if (ch === "\\") {
      const next = text[i + 1];
      if (i + 1 >= e) {
        // The escaped character belongs to the next node: the parser and bash disagree.
        b.quoted(out);
        out = "";
        b.fail('backslash at a "…" node boundary (parser divergence)', i, i + 1);
      } else if (next === "\n") {
        i++;
      } else if (next === "$" || next === "`" || next === '"' || next === "\\") {
        out += next;
        i++;
      } else {
        out += "\\";
      }
    } else if (ch === "$" && i + 1 === closing) {
      out += "$"; // a $ right before the closing quote stays literal
    } else if (ch === "$" || ch === "`" || ch === '"') {
      b.quoted(out);
      out = "";
      b.fail(`unparsed ${ch} inside "…" (parser divergence)`, i, i + 1);
    } else {
      out += ch;
    }
  }
  b.quoted(out);
}

/** $NAME and ${NAME} stay symbolic (env parts); every other parameter expansion is dynamic. */
function expansion(node: Node, b: WordBuilder, env: WordEnv): void {
  const s = node.startIndex;
  const e = node.endIndex;
  const raw = env.text.slice(s, e);
  const name =
    raw.startsWith("${") && raw.endsWith("}") ? raw.slice(2, -1) : raw.startsWith("$") ? raw.slice(1) : "";
  const simpleShape =
    node.type === "simple_expansion"
      ? node.childCount === 2 && node.child(1)?.type === "variable_name"
      : node.childCount === 3 && node.child(1)?.type === "variable_name";
  if (simpleShape && NAME.test(name)) {
    b.parts.push({ kind: "env", name });
    return;
  }
  b.fail(node.type === "simple_expansion" ? `special parameter ${raw}` : "parameter expansion ${…}", s, e);
  env.nested(node, "command-substitution");
}

/** True when bash, reading $'…' with backslash pairs, would not close the string before its end. */
function closesAtEnd(inner: string): boolean {
  for (let i = 0; i < inner.length; i++) {
    if (inner[i] === "\\") {
      if (i + 1 >= inner.length) return false;
      i++;
    } else if (inner[i] === "'") return false;
  }
  return true;
}
