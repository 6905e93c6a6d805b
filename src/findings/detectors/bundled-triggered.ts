// Triggered payloads in bundled code: a branch taken only when a condition on the machine holds
// (a fixed marker path exists, a non-configuration environment variable is set or compared, the
// host or user name matches, the clock passes a hard-coded date) whose body sends data off the
// machine, deletes recursively, reads the user's or the platform's secrets, writes persistence
// (shell start-up files, cron, agent memory, git hooks) or opens permissions to everyone. Code
// that acts only on a marked machine behaves differently in a review run: the probe is one
// property, the sink a second, and only both together are reported (high).
// An early exit on the negated probe ("if not exists(marker): return") gates the rest of the file.
// Line-based and bounded: each regex is literal-led; block extents are found by indentation
// (Python, shell) or brace depth (JavaScript), at most limits.triggerBlockLines lines.

import type { DetectContext } from "../context.js";
import { lineIndex, positionAt } from "../context.js";
import { baseDomain, urlsIn } from "../hosts.js";
import { declaredService, isPlaceholderHost } from "../service.js";
import { limits } from "../../limits.js";

type Lang = "python" | "javascript" | "shell";

const ifLine: Record<Lang, RegExp> = {
  python: /^\s*(?:el)?if\b/,
  javascript: /^\s*(?:\}\s*else\s+)?if\s*\(/,
  shell: /^\s*(?:el)?if\b|^\s*(?:\[\[?|test)\s[^\n]*(?:&&|\|\|)/,
};

// Configuration and the skill's own credential: branching on them is routine.
const configVar =
  /(?:TOKEN|KEY|SECRET|PASSWORD|PASS|AUTH|URL|URI|HOST|PORT|PATH|DIR|HOME|ENDPOINT|REGION|MODEL|DEBUG|VERBOSE|LOG_LEVEL|LANG|TERM|SHELL|EDITOR|PWD|TMPDIR|NO_COLOR|CI|REPLY|OPTARG|OPTIND|EUID|UID|PIPESTATUS)\b/i;

interface Probe {
  kind: "marker path" | "environment variable" | "host or user name" | "date";
  arg?: string | undefined;
}

// Words that make a probe a test for being evaluated: such a branch has no honest use.
const evaluationWord =
  /(?:sandbox|eval(?:uation)?|grader|graded|grading|harness|benchmark|honeypot|red-?team|task[_-]?(?:marker|sandbox|env|id))/
    .source;

// With a probe for being evaluated, any side effect in the branch is the payload.
const anySideEffect =
  /\bopen\s*\([^)\n]{0,160},\s*["'][wa]b?\+?["']|\.write_(?:text|bytes)\s*\(|\b(?:writeFileSync|appendFileSync|writeFile|appendFile)\s*\(|\bos\.(?:remove|unlink|rmdir|system|chmod|rename|replace)\s*\(|\bshutil\.(?:rmtree|move|copy\w*)\s*\(|\bsubprocess\.\w+\s*\(|\b(?:execSync|exec|spawn|spawnSync|execFileSync|unlinkSync|rmSync|chmodSync|renameSync)\s*\(|\burllib\.request\.urlopen\s*\(|\brequests\.\w+\s*\(|\bfetch\s*\(|(?:^|[;&|]\s*)(?:rm|mv|cp|curl|wget|chmod|chown|sed|tee|git)\s|>>?\s*["']?[~/$]/m;

const namedProbe =
  /\b(?:os\.path\.(?:exists|isfile|isdir|lexists)|existsSync|accessSync|statSync)\s*\(\s*([A-Za-z_]\w*)\s*\)|\b([A-Za-z_]\w*)\.(?:exists|is_file|is_dir)\s*\(\s*\)|-[efdsL]\s+["']?\$\{?([A-Za-z_]\w*)/g;

// A marker path held in a constant: the literal starts at / or ~, or names a dot-file or dot-folder.
const markerLiteral =
  /["'`]((?:[~/]|\.[A-Za-z_])[^"'`\n]{0,120}|[^"'`\n]{0,120}\/\.[A-Za-z_][^"'`\n]{0,60})["'`]/;

/**
 * Names assigned a marker path in `text` ("MARKER = os.path.join(home, '.x')", "const flag =
 * path.join(os.tmpdir(), '.y')", "M=/tmp/.z"), with the literal they hold.
 */
function markerConstants(text: string): Map<string, string> {
  const out = new Map<string, string>();
  // Only names that some probe tests are candidates: one pass, so a file of thousands of
  // assignments stays linear (each candidate costs a scan of the file in onlyProbed).
  const probed = new Set<string>();
  for (const m of text.matchAll(namedProbe)) {
    const n = m[1] ?? m[2] ?? m[3];
    if (n && probed.size < limits.markerConstants) probed.add(n);
  }
  if (probed.size === 0) return out;
  const assign =
    /^\s*(?:(?:const|let|var|export|readonly|local|declare)\s+)?([A-Za-z_]\w*)\s*(?::\s*[\w.[\]]+\s*)?=(?!=)\s*([^\n]{1,200})$/gm;
  for (const m of text.matchAll(assign)) {
    const name = m[1] ?? "";
    const value = m[2] ?? "";
    const lit = markerLiteral.exec(value) ?? /^["']?((?:[~/]|\$HOME\/)[^\s"';]{1,120})/.exec(value);
    if (name && probed.has(name) && lit?.[1] && !out.has(name) && onlyProbed(text, name))
      out.set(name, lit[1]);
  }
  return out;
}

const probeCall = (name: string): RegExp =>
  new RegExp(
    `(?:\\b(?:os\\.path\\.(?:exists|isfile|isdir|lexists)|existsSync|accessSync|statSync)\\s*\\(\\s*${name}\\s*\\)|\\b${name}\\.(?:exists|is_file|is_dir)\\s*\\(\\s*\\)|-[efdsL]\\s+["']?\\$\\{?${name}\\b)`,
    "g",
  );

/**
 * Whether `name` is only ever tested for existence (besides its assignment): a marker, not a file
 * the script reads or writes (a config file it loads is tested and then opened).
 */
function onlyProbed(text: string, name: string): boolean {
  if (!/^[A-Za-z_]\w{0,60}$/.test(name)) return false;
  const uses = [...text.matchAll(new RegExp(`(?<![\\w.])\\$?\\{?${name}\\b`, "g"))].length;
  const probes = [...text.matchAll(probeCall(name))].length;
  return probes > 0 && uses - 1 === probes;
}

/** Bodies of the functions defined in `lines` that `code` calls (one level), for the sinks they hold. */
function calledBodies(code: string, lines: readonly string[], lang: Lang): string {
  const bodies: string[] = [];
  const names = new Set([...code.matchAll(/\b([A-Za-z_]\w*)\s*\(/g)].map((m) => m[1] ?? ""));
  if (lang === "shell") for (const m of code.matchAll(/^\s*([A-Za-z_]\w*)\s*$/gm)) names.add(m[1] ?? "");
  for (const name of names) {
    if (bodies.length >= 5 || !name || /^(?:if|for|while|print|len|str|int|open|require|return)$/.test(name))
      continue;
    const def =
      lang === "python"
        ? new RegExp(`^\\s*(?:async\\s+)?def\\s+${name}\\s*\\(`)
        : lang === "javascript"
          ? new RegExp(
              `^\\s*(?:export\\s+)?(?:async\\s+)?function\\s+${name}\\s*\\(|^\\s*(?:const|let|var)\\s+${name}\\s*=\\s*(?:async\\s*)?(?:\\([^)]*\\)|\\w+)\\s*=>`,
            )
          : new RegExp(`^\\s*(?:function\\s+)?${name}\\s*\\(\\)\\s*\\{?`);
    const at = lines.findIndex((l) => def.test(l));
    if (at < 0) continue;
    const end = blockEnd(lines, at, lang === "python" ? "python" : "javascript");
    bodies.push(lines.slice(at + 1, end + 1).join("\n"));
  }
  return bodies.join("\n");
}

function probeIn(
  cond: string,
  fileHasDate: boolean,
  consts: ReadonlyMap<string, string> = new Map(),
): Probe | undefined {
  // exists(NAME) on a constant that holds a marker path.
  const named =
    /\b(?:os\.path\.(?:exists|isfile|isdir|lexists)|existsSync|accessSync|statSync)\s*\(\s*([A-Za-z_]\w*)\s*\)|\b([A-Za-z_]\w*)\.(?:exists|is_file|is_dir)\s*\(\s*\)|(?:\[\[?|test)\s+-[efdsL]\s+["']?\$\{?([A-Za-z_]\w*)\}?["']?/.exec(
      cond,
    );
  const constName = named ? (named[1] ?? named[2] ?? named[3] ?? "") : "";
  const held = consts.get(constName);
  if (held !== undefined) return { kind: "marker path", arg: held };
  const path =
    /\b(?:os\.path\.(?:exists|isfile|isdir|lexists)|existsSync|accessSync|statSync)\s*\(\s*["'`]([^"'`\n]{2,120})["'`]|\bPath\s*\(\s*["']([^"'\n]{2,120})["']\s*\)\s*\.(?:exists|is_file|is_dir)\s*\(|(?:\[\[?|test)\s+-[efdsL]\s+["']?((?:[~/]|\$HOME|\$\{HOME\})[^\s"'\]]{1,120})/.exec(
      cond,
    );
  if (path) return { kind: "marker path", arg: path[1] ?? path[2] ?? path[3] };
  // exists(os.path.join(home, ".x")), (Path.cwd() / ".x").exists(): a dot-name or an evaluation
  // word in the tested expression.
  const built =
    /\b(?:os\.path\.(?:exists|isfile|isdir|lexists)|existsSync|accessSync|statSync)\s*\(([^\n]{0,160})|\(([^()\n]{0,120}\/\s*["'][^"'\n]{1,60}["'])\s*\)\s*\.(?:exists|is_file|is_dir)\s*\(/.exec(
      cond,
    );
  const inner = built ? (built[1] ?? built[2] ?? "") : "";
  const lit =
    /["'`](\.[A-Za-z_][\w.-]{1,60})["'`]/.exec(inner) ??
    new RegExp(`["'\`]([^"'\`\n]*${evaluationWord}[^"'\`\n]*)["'\`]`, "i").exec(inner);
  if (lit?.[1]) return { kind: "marker path", arg: lit[1] };
  const env =
    /\bos\.environ\.get\s*\(\s*["']([A-Za-z_]\w*)["']|\bos\.getenv\s*\(\s*["']([A-Za-z_]\w*)["']|["']([A-Za-z_]\w*)["']\s+(?:not\s+)?in\s+os\.environ\b|\bos\.environ\s*\[\s*["']([A-Za-z_]\w*)["']|\bprocess\.env\.([A-Za-z_]\w*)|\bprocess\.env\s*\[\s*["'`]([A-Za-z_]\w*)|(?:-[nz]\s+["']?|\[\[?\s+["']?)\$\{?([A-Z_][A-Z0-9_]*)/.exec(
      cond,
    );
  if (env) {
    const name = env.slice(1).find((g) => g !== undefined) ?? "";
    if (!configVar.test(name)) return { kind: "environment variable", arg: name };
  }
  if (
    /\b(?:socket\.gethostname|platform\.node|getpass\.getuser|os\.getlogin|os\.hostname|os\.userInfo|hostname\(\))|\$\((?:hostname|whoami|id -un)\)|\$\{?(?:HOSTNAME|USER|LOGNAME)\b/.test(
      cond,
    )
  )
    return { kind: "host or user name" };
  // The clock compared with a hard-coded date, written in the condition or in a constant.
  if (
    /\b(?:datetime\.(?:now|today|utcnow)|date\.today|time\.time|new Date|Date\.now)|\$\(date\b/.test(cond) &&
    /[<>]=?|(?:^|\s)-(?:gt|ge|lt|le)\b/.test(cond) &&
    (/\b20\d\d\b|\b1[6-9]\d{8,11}\b/.test(cond) || fileHasDate)
  )
    return { kind: "date" };
  return undefined;
}

const scratch =
  /\b(?:te?mp|cache|build|dist|out(?:put)?|stale|lock|old|generated|__pycache__|node_modules)\b/i;

interface Sink {
  what: string;
  re: RegExp;
}
const sinks: Sink[] = [
  {
    what: "sends data off the machine",
    re: /\brequests\.(?:post|put|patch)\s*\(|\bhttpx\.(?:post|put|patch)\s*\(|\burlopen\s*\([^)\n]*data\s*=|method\s*[:=]\s*["'](?:POST|PUT)|\.sendall\s*\(|\bsmtplib\b|\bsocket\.(?:socket|create_connection)\s*\(|\bnet\.connect\s*\(|\bcurl\b[^\n]{0,80}\s(?:-[dFT]\b|--data|--upload-file)|\bgit\s+push\b|["']git["']\s*,\s*["']push["']|\b(?:scp|rsync)\s+[^\n]{0,80}@/,
  },
  {
    what: "deletes recursively",
    re: /\bshutil\.rmtree\s*\(|\brm\s+-[a-zA-Z]*[rR][a-zA-Z]*\b|\brmSync\s*\([^)\n]*recursive|\bfs\.rm\s*\([^)\n]*recursive|\brimraf\b|\bgit\s+(?:reset\s+--hard|clean\s+-[a-z]*f)/,
  },
  {
    what: "reads the user's or the platform's secrets",
    re: /\.ssh(?:\/|["'`])|\.aws\/|\.gnupg|id_rsa|id_ed25519|\.kube\/config|\.netrc|\.openclaw\/|openclaw\.json|auth-profiles|\bdict\s*\(\s*os\.environ\s*\)|os\.environ\.(?:items|copy)\s*\(|JSON\.stringify\s*\(\s*process\.env\s*\)|Object\.(?:entries|keys)\s*\(\s*process\.env\s*\)/,
  },
  {
    what: "writes persistence",
    re: /\.(?:bashrc|zshrc|bash_profile|zprofile|profile)\b|\bcrontab\b|\/etc\/cron|authorized_keys|LaunchAgents|systemd\/(?:system|user)|\.git\/hooks|\b(?:HEARTBEAT|SOUL|MEMORY|AGENTS|CLAUDE|IDENTITY)\.md\b/,
  },
  {
    // An in-place edit or write of a dot-folder in the user's home: the agent's or a tool's settings.
    what: "rewrites configuration in the user's home folder",
    re: /\bsed\s+(?:-[a-zA-Z]*i[a-zA-Z]*\b|--in-place\b)[^\n]{0,160}?(?:\$HOME|\$\{HOME\}|~)\/\.(?!cache\b)[\w-]|(?:>>?|\btee\s+(?:-a\s+)?)\s*["']?(?:\$HOME|\$\{HOME\}|~)\/\.(?:config|codex|claude|cursor|pip|npmrc|gitconfig|ssh)\b/,
  },
  {
    what: "opens permissions to everyone",
    re: /\bchmod\s+(?:-R\s+)?0?777\b|\bchmod(?:Sync)?\s*\([^)\n]*0o?777|\bos\.chmod\s*\([^)\n]*0o777/,
  },
  {
    what: "runs code fetched from the network",
    re: /\b(?:curl|wget)\b[^|\n]{0,120}\|\s*(?:sudo\s+)?(?:ba|z)?sh\b/,
  },
];

const indentOf = (l: string): number => /^\s*/.exec(l)?.[0].length ?? 0;

/** Index of the last line of the block the condition at `i` guards (inclusive). */
function blockEnd(lines: readonly string[], i: number, lang: Lang): number {
  const max = Math.min(lines.length - 1, i + limits.triggerBlockLines);
  if (lang === "javascript") {
    let depth = 0;
    let opened = false;
    for (let j = i; j <= max; j++) {
      for (const ch of lines[j] ?? "") {
        if (ch === "{") {
          depth++;
          opened = true;
        } else if (ch === "}") depth--;
      }
      if (opened && depth <= 0) return j;
      if (!opened && j > i) return j; // braceless: one statement
    }
    return max;
  }
  if (lang === "shell" && !/^\s*(?:el)?if\b/.test(lines[i] ?? "")) return i; // [ … ] && act
  const base = indentOf(lines[i] ?? "");
  let end = i;
  for (let j = i + 1; j <= max; j++) {
    const l = lines[j] ?? "";
    if (l.trim() === "") continue;
    if (lang === "shell" ? /^\s*(?:fi|elif|else)\b/.test(l) && indentOf(l) <= base : indentOf(l) <= base)
      break;
    end = j;
  }
  return end;
}

/** Whether shell `text` assigns `name` itself (NAME=…, read NAME, for NAME in). */
function assignedIn(text: string, name: string): boolean {
  if (!/^\w+$/.test(name)) return true;
  return new RegExp(
    `(?:^|[\\s;])${name}=|\\bread\\b[^\\n]{0,60}\\b${name}\\b|\\bfor\\s+${name}\\b|\\blocal\\s+${name}\\b`,
    "m",
  ).test(text);
}

// "if (existsSync(m)) return false;", "if not os.getenv('X'): sys.exit()", "[ -f m ] || exit 0"
const sameLineExit =
  /(?:\)|:)\s*(?:return\b|sys\.exit|exit\b|process\.exit|raise SystemExit)|(?:\|\||&&)\s*(?:exit|return)\b/;

/** Whether a guarded block only leaves ("if not marker: return"): the rest of the file is gated. */
function earlyExit(body: string): boolean {
  return (
    /^\s*(?:return\b|sys\.exit|exit\b|process\.exit|raise SystemExit|quit\(\))/.test(body.trim()) &&
    body.trim().split("\n").length <= 2
  );
}

/** The spellings of `path`: a home-relative path as $HOME/…, ${HOME}/… and ~/…. */
function spellings(path: string): string[] {
  const m = /^(?:\$\{HOME\}|\$HOME|~)(\/.+)$/.exec(path);
  return m?.[1] ? [`\${HOME}${m[1]}`, `$HOME${m[1]}`, `~${m[1]}`] : [path];
}

/** The line with every spelling of `path` blanked out. */
function withoutPath(line: string, path: string): string {
  let out = line;
  for (const form of spellings(path)) out = out.split(form).join("FILE");
  return out;
}

/** Whether the tested `path` occurs again in the block (lines `i` … `end`): read or written there. */
function usedInBlock(lines: readonly string[], i: number, end: number, path: string): boolean {
  if (path.length < 3) return false;
  const block = lines.slice(i, end + 1).join("\n");
  let count = 0;
  for (const form of spellings(path)) count += block.split(form).length - 1;
  return count >= 2;
}

interface CodeUnit {
  text: string;
  file: string;
  lang: Lang;
  /** File line of the unit's first line. */
  line: number;
}

const langOf = (t: string): Lang | undefined =>
  /^(?:python|py|python3)$/i.test(t)
    ? "python"
    : /^(?:javascript|js|node|mjs|typescript|ts)$/i.test(t)
      ? "javascript"
      : /^(?:shell|bash|sh|zsh|console|shell-session)$/i.test(t)
        ? "shell"
        : undefined;

/** Bundled scripts, and the code blocks and shell steps of the skill's markdown. */
function codeUnits(ctx: DetectContext): CodeUnit[] {
  const out: CodeUnit[] = [];
  for (const b of ctx.model.bundled) {
    const lang = langOf(b.type);
    if (b.text !== undefined && lang) out.push({ text: b.text, file: b.path, lang, line: 1 });
  }
  for (const st of ctx.model.steps) out.push({ text: st.text, file: st.file, lang: "shell", line: st.line });
  for (const c of ctx.model.code) {
    const lang = langOf(c.lang);
    if (lang) out.push({ text: c.text, file: ctx.model.file, lang, line: c.line });
  }
  return out;
}

export function detectBundledTriggers(ctx: DetectContext): void {
  const service = declaredService(ctx);
  for (const b of codeUnits(ctx)) {
    const lang = b.lang;
    const lines = b.text.split("\n");
    const comment = lang === "javascript" ? /^\s*\/\// : /^\s*#/;
    const starts = lineIndex(b.text);
    // A date constant: an epoch in milliseconds or seconds, or a date built from a literal year.
    const fileHasDate = /=\s*1[6-9]\d{8}(?:\d{3})?\b|\b(?:new Date|datetime|date)\s*\(\s*["']?20\d\d/.test(
      b.text,
    );
    const consts = markerConstants(b.text);
    let reported = false;
    for (let i = 0; i < lines.length && !reported; i++) {
      const line = lines[i] ?? "";
      if (comment.test(line) || !ifLine[lang].test(line)) continue;
      let probe = probeIn(line, fileHasDate, consts);
      if (!probe) continue;
      const end = blockEnd(lines, i, lang);
      // A file the branch also reads or writes ("if ~/.zshrc exists and lacks our line, append
      // it") is the branch's object, not a marker: only a path that is tested and otherwise left
      // alone marks a machine. Any other probe on the line is still read.
      if (probe.kind === "marker path" && probe.arg !== undefined && usedInBlock(lines, i, end, probe.arg)) {
        probe = probeIn(withoutPath(line, probe.arg), fileHasDate, consts);
        if (!probe) continue;
      }
      // A shell variable the script sets or reads itself is not the environment.
      if (lang === "shell" && probe.kind === "environment variable" && assignedIn(b.text, probe.arg ?? ""))
        continue;
      // FOO_SANDBOX choosing the vendor's sandbox endpoint (a host named sandbox) is a test mode.
      if (
        probe.kind === "environment variable" &&
        /SANDBOX$/i.test(probe.arg ?? "") &&
        urlsIn(b.text).some((u) => /(?:^|[.-])sandbox[.-]/i.test(u.host))
      )
        continue;
      let body = lines.slice(i, end + 1).join("\n");
      // "if not exists(marker): return" gates everything after it.
      const inner = lines.slice(i + 1, end + 1).join("\n");
      if (sameLineExit.test(line))
        body = lines.slice(i + 1, Math.min(lines.length, i + 1 + limits.triggerBlockLines)).join("\n");
      else if (end > i && earlyExit(inner))
        body = lines.slice(end + 1, Math.min(lines.length, end + 1 + limits.triggerBlockLines)).join("\n");
      let code = body
        .split("\n")
        .filter((l) => !comment.test(l))
        .join("\n");
      // A payload moved into a function the gated block calls is still the block's payload.
      code += `\n${calledBodies(code, lines, lang)
        .split("\n")
        .filter((l) => !comment.test(l))
        .join("\n")}`;
      // A variable named SANDBOX is often a payment API's test mode: only paths count by that word.
      const evaluation =
        (probe.kind === "marker path" && new RegExp(evaluationWord, "i").test(probe.arg ?? "")) ||
        (probe.kind === "environment variable" &&
          /AUDIT|OBSERV|MONITOR|GRADER|HARNESS|HONEYPOT|EVAL|TASK_?SANDBOX|SANDBOX_?TASK/i.test(
            probe.arg ?? "",
          ));
      const all: Sink[] = evaluation
        ? [
            ...sinks,
            { what: "acts on the machine only when it detects an evaluation or sandbox", re: anySideEffect },
          ]
        : sinks;
      for (const sink of all) {
        const m = sink.re.exec(code);
        if (!m) continue;
        if (
          sink.what === "deletes recursively" &&
          (scratch.test(code.slice(m.index, m.index + 120)) || scratch.test(probe.arg ?? ""))
        )
          continue;
        if (sink.what === "sends data off the machine") {
          const hosts = urlsIn(b.text).filter((u) => !isPlaceholderHost(u.host) && u.cls !== "local");
          if (hosts.length > 0 && hosts.every((u) => service.has(baseDomain(u.host.toLowerCase())))) continue;
        }
        const pos = positionAt(starts, (starts[i] ?? 0) + indentOf(line));
        pos.line += b.line - 1;
        ctx.report({
          id: "bundled.triggered-payload",
          severity: "high",
          file: b.file,
          line: pos.line,
          column: pos.column,
          message: `Code in ${b.file} ${sink.what} only when a ${probe.kind}${probe.arg ? ` (${probe.arg})` : ""} condition holds: a payload that hides from a review run.`,
          evidence: `${line.trim()} … ${(code.slice(m.index).split("\n")[0] ?? "").trim()}`.slice(0, 300),
        });
        reported = true;
        break;
      }
    }
  }
}
