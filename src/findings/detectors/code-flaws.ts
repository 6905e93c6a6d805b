// Dangerous sinks in bundled Python/JavaScript that an agent will call with text it was given:
// eval/exec of a parameter, SQL built by interpolating a value into a WHERE/VALUES clause, a
// confined base directory joined with a parameter and never checked, a busy loop with no way
// out, and a secret from the environment sent in the body of a request to a host the skill does
// not stand for. An agent passes untrusted text (a web page, a comment, a prompt injection)
// straight into these tools, so each flaw is a way in for whoever wrote that text.
// Line-based and literal-led; the only look-ahead is a loop body, bounded by its indentation.

import type { DetectContext } from "../context.js";
import { lineIndex, positionAt } from "../context.js";
import { classifyUrl, urlsIn } from "../hosts.js";
import type { RuleId } from "../rules.js";
import { isAffine } from "../util.js";
import type { Severity } from "../../model.js";

const pyDef = /\bdef\s+\w+\s*\(([^)]*)\)/g;
const jsDef = /\bfunction\s*\w*\s*\(([^)]*)\)|\(([^()]*)\)\s*=>/g;
/** eval/exec (not .eval() methods, not literal_eval) with the text of its first argument. */
const evalCall = /(?<![\w.])(?:eval|exec)\s*\(([^\n]*)|\bnew\s+Function\s*\(([^\n]*)/g;
const inputSource =
  /\bsys\.argv\b|(?<![\w.])input\s*\(|\brequest\.(?:args|form|json|values|data)\b|\bprocess\.argv\b|\breq\.(?:body|query|params)\b/;
/** SQL text with a value interpolated into a condition or value list. Upper-case keywords only. */
const sqlInterpolated = [
  /\bf(["'])(?:(?!\1).)*\b(?:SELECT|INSERT|UPDATE|DELETE)\b(?:(?!\1).)*\b(?:WHERE|VALUES|SET|LIKE)\b(?:(?!\1).)*\{[A-Za-z_]/,
  /`[^`\n]*\b(?:SELECT|INSERT|UPDATE|DELETE)\b[^`\n]*\b(?:WHERE|VALUES|SET|LIKE)\b[^`\n]*\$\{/,
  /["'][^"'\n]*\b(?:SELECT|INSERT|UPDATE|DELETE)\b[^"'\n]*\b(?:WHERE|VALUES|SET|LIKE)\b[^"'\n]*["']\s*\+\s*[A-Za-z_]/,
  /["'][^"'\n]*\b(?:SELECT|INSERT|UPDATE|DELETE)\b[^"'\n]*\b(?:WHERE|VALUES|SET|LIKE)\b[^"'\n]*%s[^"'\n]*["']\s*%\s*[\w(]/,
];
const sqlDriver =
  /\b(?:sqlite3|psycopg2?|pymysql|MySQLdb|mysql|pg|sqlalchemy|better-sqlite3|knex)\b|\.(?:execute|executescript|query|raw)\s*\(/;
/** Any check that keeps a joined path inside its base directory. */
const containment =
  /\b(?:realpath|abspath|normpath|commonpath|commonprefix|is_relative_to|relative_to|secure_filename|safe_join)\b|\.resolve\s*\(|path\.(?:normalize|relative|resolve)\s*\(/;
const joinWithBase = /\bos\.path\.join\s*\(\s*([A-Za-z_]\w*|["']\/[^"'\n]*["'])\s*,\s*([A-Za-z_]\w*)\s*\)/g;
const absFString = /\bf["'](\/[^"'\n{]*)\{([A-Za-z_]\w*)\}/g;
const loopForever = /^([ \t]*)while\s+(?:True|1)\s*:\s*(?:#.*)?$/;
const loopExit =
  /\b(?:break|return|raise|yield|await|exit|_exit|quit|sleep|wait|recv|accept|select|poll|input|join|get|read|readline|get_nowait|send)\b/;
const envSecret =
  /\b([A-Za-z_]\w*)\s*=\s*(?:os\.(?:getenv|environ\.get)\s*\(\s*|os\.environ\s*\[\s*)["']([A-Za-z_]*(?:KEY|TOKEN|SECRET|PASSWORD|PASSWD|CREDENTIALS?|COOKIE|SESSION|PRIVATE)[A-Za-z0-9_]*)["']|\b(?:const|let|var)\s+([A-Za-z_]\w*)\s*=\s*process\.env(?:\.|\[\s*["'])([A-Za-z_]*(?:KEY|TOKEN|SECRET|PASSWORD|PASSWD|CREDENTIALS?|COOKIE|SESSION|PRIVATE)[A-Za-z0-9_]*)/gi;
const sendCall =
  /\b(?:requests|httpx|session|client|axios)\.(?:post|put|patch)\s*\(|\bfetch\s*\(|\burlopen\s*\(/g;

interface CodeFile {
  file: string;
  text: string;
  lang: "python" | "javascript";
}

export function detectCodeFlaws(ctx: DetectContext): void {
  for (const b of ctx.model.bundled) {
    if ((b.type !== "python" && b.type !== "javascript") || b.text === undefined) continue;
    // A security tool's own test samples are attack data, not code an agent calls.
    if (ctx.securityTool && /(?:^|\/)(?:tests?|fixtures|samples?|examples?|testdata)\//i.test(b.path))
      continue;
    analyse(ctx, { file: b.path, text: b.text, lang: b.type });
  }
}

function paramsOf(f: CodeFile): Set<string> {
  const out = new Set<string>();
  for (const m of f.text.matchAll(f.lang === "python" ? pyDef : jsDef))
    for (const p of (m[1] ?? m[2] ?? "").split(",")) {
      const name = /^\s*\**([A-Za-z_]\w*)/.exec(p)?.[1];
      if (name && name !== "self" && name !== "cls") out.add(name);
    }
  return out;
}

function mentions(expr: string, names: ReadonlySet<string>): string | undefined {
  for (const m of expr.matchAll(/[A-Za-z_]\w*/g)) if (names.has(m[0])) return m[0];
  return undefined;
}

function analyse(ctx: DetectContext, f: CodeFile): void {
  const starts = lineIndex(f.text);
  const lines = f.text.split("\n");
  const params = paramsOf(f);
  const readsInput = inputSource.test(f.text);
  const report = (id: RuleId, severity: Severity, line: number, message: string): void => {
    const pos = positionAt(starts, starts[line] ?? 0);
    ctx.report({
      id,
      severity,
      file: f.file,
      line: pos.line,
      column: pos.column,
      message,
      evidence: (lines[line] ?? "").trim().slice(0, 300),
    });
  };
  const reported = new Set<RuleId>();
  const once = (id: RuleId, severity: Severity, line: number, message: string): void => {
    if (reported.has(id)) return;
    reported.add(id);
    report(id, severity, line, message);
  };
  const hasSqlDriver = sqlDriver.test(f.text);
  const contained = containment.test(f.text);
  // Once per file, not per line: testing the whole text on every line was quadratic (1 MB: 2 s).
  const opensFiles = f.lang === "python" && !contained && /\bopen\s*\(|\.read_text\s*\(/.test(f.text);
  // Names bound to an absolute path literal: the code means to confine reads to that directory.
  const absBases = new Set<string>();
  for (const m of f.text.matchAll(/\b([A-Za-z_]\w*)\s*=\s*(?:Path\s*\(\s*)?["']\/[^"'\n]*["']/g))
    if (m[1]) absBases.add(m[1]);

  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i] ?? "";
    const code = f.lang === "python" ? raw.replace(/^\s*#.*$/, "") : raw.replace(/^\s*\/\/.*$/, "");
    if (code.trim() === "") continue;

    for (const m of code.matchAll(evalCall)) {
      const arg = (m[1] ?? m[2] ?? "").trim();
      // A plain string literal is fixed code; an f-string or expression carries its input.
      if (arg === "" || arg.startsWith(")") || /^["'`][^"'`{$]*["'`]\s*[,)]/.test(arg)) continue;
      const p = mentions(arg, params);
      if (p !== undefined || (readsInput && !/^["'`]/.test(arg)))
        once(
          "code.eval-input",
          "high",
          i,
          `${m[2] !== undefined ? "new Function" : "eval/exec"} runs ${p !== undefined ? `the parameter ${p}` : "program input"} as code: any text the agent passes in becomes code on this machine.`,
        );
    }

    if (hasSqlDriver && sqlInterpolated.some((re) => re.test(code)))
      once(
        "code.sql-injection",
        "high",
        i,
        "A value is interpolated into an SQL condition instead of passed as a bound parameter, so text the agent passes in can rewrite the query.",
      );

    if (opensFiles) {
      for (const m of code.matchAll(joinWithBase)) {
        const base = m[1] ?? "";
        const p = m[2] ?? "";
        if (params.has(p) && (base.startsWith('"') || base.startsWith("'") || absBases.has(base)))
          once(
            "code.path-traversal",
            "high",
            i,
            `The parameter ${p} is joined to a fixed base directory and opened without checking the result stays inside it, so "../" reaches any file the agent can read (keys, tokens).`,
          );
      }
      for (const m of code.matchAll(absFString))
        if (params.has(m[2] ?? ""))
          once(
            "code.path-traversal",
            "high",
            i,
            `The parameter ${m[2] ?? ""} is spliced into the path ${m[1] ?? ""}… without a containment check, so "../" reaches any file the agent can read.`,
          );
    }

    if (f.lang === "python") {
      const loop = loopForever.exec(code);
      if (loop) {
        const indent = (loop[1] ?? "").length;
        let exits = false;
        let body = 0;
        let after = "";
        for (let j = i + 1; j < lines.length; j++) {
          const l = lines[j] ?? "";
          if (l.trim() === "" || /^\s*#/.test(l)) continue;
          if ((/^[ \t]*/.exec(l)?.[0].length ?? 0) <= indent) {
            after = l;
            break;
          }
          body++;
          if (loopExit.test(l)) {
            exits = true;
            break;
          }
        }
        if (!exits && body > 0 && !endsByException(lines, i, indent, after))
          once(
            "code.unbounded-loop",
            "high",
            i,
            "A `while True` loop has no break, return, wait or sleep: once called it spins forever and ties up the agent and the machine.",
          );
      }
    }
  }
  secretSends(ctx, f, lines, once);
}

/**
 * The Python idiom that reads until the end (`try: while True: img.seek(n) … except EOFError:`):
 * the loop is the only statement of a `try` whose handler catches an end-of-data exception, so
 * the exception ends it. A bare `except:` or `except Exception` does not count (it hides nothing
 * that ends the loop).
 */
function endsByException(lines: readonly string[], at: number, indent: number, after: string): boolean {
  const handler =
    /^[ \t]*except\s*\(?\s*(?:[\w.]+\s*,\s*){0,4}(?:EOFError|StopIteration|StopAsyncIteration|IndexError|queue\.Empty|Empty|ValueError)\b/;
  if (!handler.test(after) || (/^[ \t]*/.exec(after)?.[0].length ?? 0) >= indent) return false;
  for (let j = at - 1; j >= 0; j--) {
    const l = lines[j] ?? "";
    if (l.trim() === "" || /^\s*#/.test(l)) continue;
    return /^[ \t]*try\s*:\s*(?:#.*)?$/.test(l) && (/^[ \t]*/.exec(l)?.[0].length ?? 0) < indent;
  }
  return false;
}

/** A secret read from the environment and put into the body of a request to a foreign host. */
function secretSends(
  ctx: DetectContext,
  f: CodeFile,
  lines: readonly string[],
  once: (id: RuleId, severity: Severity, line: number, message: string) => void,
): void {
  const secrets = new Map<string, string>();
  for (const m of f.text.matchAll(envSecret)) {
    const v = m[1] ?? m[3];
    const env = m[2] ?? m[4];
    if (v && env) secrets.set(v, env);
  }
  if (secrets.size === 0) return;
  const starts = lineIndex(f.text);
  for (const m of f.text.matchAll(sendCall)) {
    // The call's text up to its closing parenthesis (or 600 characters).
    let depth = 0;
    let end = m.index + m[0].length - 1;
    const limit = Math.min(f.text.length, end + 600);
    for (; end < limit; end++) {
      const c = f.text[end];
      if (c === "(") depth++;
      else if (c === ")" && --depth === 0) break;
    }
    const call = f.text.slice(m.index, end + 1);
    const urls = urlsIn(call);
    const target = urls[0];
    if (!target) continue;
    const u = classifyUrl(target.url);
    if (u.cls === "local" || u.cls === "vendor" || isAffine(ctx, u)) continue;
    // A key in the Authorization header is how APIs are called; a key in the body goes to whoever runs the host.
    const body = call.replace(/\bheaders\s*[=:]\s*(?:\{[^}]*\}|[A-Za-z_]\w*)/g, "");
    const leaked = mentions(body, new Set(secrets.keys()));
    if (leaked === undefined) continue;
    once(
      "code.secret-to-host",
      "high",
      positionAt(starts, m.index).line - 1,
      `The secret ${secrets.get(leaked) ?? leaked} from the environment is sent in a request body to ${u.host}, a host this skill does not stand for.`,
    );
  }
  void lines;
}
