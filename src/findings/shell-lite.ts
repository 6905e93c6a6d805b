// A small, linear-time shell reader used when no ShellAnalysis is available for a text (decoded
// payloads, inline code, -c strings). It is a heuristic view for detectors, never a policy input:
// it splits pipelines and lists, unquotes words, decodes $'…', follows $(…), `…` and <(…), and
// substitutes variables assigned to literals earlier in the same text (simple concatenations).

export interface LiteRedirect {
  op: string;
  target: string;
}

export interface LiteCommand {
  argv: string[];
  redirects: LiteRedirect[];
  assignments: Array<{ name: string; value: string }>;
  /** "top", "command-substitution", "process-substitution", "heredoc". */
  context: string;
  pipeId: number;
  pipeIndex: number;
  pipeLen: number;
  /** Offsets of the command in the analysed text. */
  start: number;
  end: number;
  /** Heredoc or here-string bodies fed to this command. */
  stdinText?: string;
}

interface State {
  text: string;
  i: number;
  vars: Map<string, string>;
  out: LiteCommand[];
  pipeCounter: { n: number };
  depth: number;
  /** "`" inside a backtick substitution, so the closing backtick ends the words. */
  closer: string;
}

const maxDepth = 16;

export function readShell(text: string): LiteCommand[] {
  const st: State = { text, i: 0, vars: new Map(), out: [], pipeCounter: { n: 0 }, depth: 0, closer: "" };
  readList(st, "top", "");
  return st.out;
}

function readList(st: State, context: string, closer: string): void {
  let pipe: LiteCommand[] = [];
  let cur = newCommand(context, st.i);
  let pendingHeredocs: Array<{ cmd: LiteCommand; delim: string; strip: boolean }> = [];
  const endPipeline = (): void => {
    finishCommand(st, cur, pipe);
    const id = st.pipeCounter.n++;
    pipe.forEach((c, idx) => {
      c.pipeId = id;
      c.pipeIndex = idx;
      c.pipeLen = pipe.length;
    });
    st.out.push(...pipe);
    pipe = [];
    cur = newCommand(context, st.i);
  };
  const text = st.text;
  while (st.i < text.length) {
    const ch = text[st.i] as string;
    if (closer !== "" && ch === closer) {
      st.i++;
      break;
    }
    if (ch === "\n") {
      st.i++;
      const last = cur.argv.length === 0 && pipe.length > 0;
      if (!last) endPipeline();
      for (const h of pendingHeredocs) readHeredocBody(st, h.cmd, h.delim, h.strip);
      pendingHeredocs = [];
      continue;
    }
    if (ch === " " || ch === "\t" || ch === "\r") {
      st.i++;
      continue;
    }
    if (ch === "\\" && text[st.i + 1] === "\n") {
      st.i += 2;
      continue;
    }
    if (ch === "#") {
      while (st.i < text.length && text[st.i] !== "\n") st.i++;
      continue;
    }
    if (ch === "|" && text[st.i + 1] !== "|") {
      st.i += text[st.i + 1] === "&" ? 2 : 1;
      cur.end = st.i;
      pipe.push(cur);
      cur = newCommand(context, st.i);
      continue;
    }
    if (ch === ";" || ch === "&" || ch === "|") {
      const two = text.slice(st.i, st.i + 2);
      if (ch === "&" && text[st.i + 1] === ">") {
        // &> redirect, handled below as a word-level redirect
      } else {
        st.i += two === "&&" || two === "||" || two === ";;" ? 2 : 1;
        endPipeline();
        continue;
      }
    }
    if (ch === "(" || ch === ")" || ch === "{" || ch === "}") {
      // Grouping: treat as a separator; contents are read as ordinary commands.
      if ((ch === "{" || ch === "}") && cur.argv.length > 0) {
        readWordInto(st, cur, pendingHeredocs);
        continue;
      }
      st.i++;
      if (cur.argv.length > 0 || cur.assignments.length > 0) endPipeline();
      continue;
    }
    readWordInto(st, cur, pendingHeredocs);
  }
  endPipeline();
}

function newCommand(context: string, start: number): LiteCommand {
  return {
    argv: [],
    redirects: [],
    assignments: [],
    context,
    pipeId: 0,
    pipeIndex: 0,
    pipeLen: 1,
    start,
    end: start,
  };
}

function finishCommand(st: State, cur: LiteCommand, pipe: LiteCommand[]): void {
  if (cur.argv.length > 0 || cur.redirects.length > 0 || cur.assignments.length > 0) {
    cur.end = Math.max(cur.end, st.i);
    pipe.push(cur);
  }
  if (pipe.length === 1 && pipe[0] !== undefined && pipe[0].argv.length === 0) {
    for (const a of pipe[0].assignments) st.vars.set(a.name, a.value);
  }
}

function readWordInto(
  st: State,
  cur: LiteCommand,
  heredocs: Array<{ cmd: LiteCommand; delim: string; strip: boolean }>,
): void {
  const text = st.text;
  const redir = /^(\d*)(<<<|<<-|<<|>>|&>>|&>|>&|<&|>\||>|<)/.exec(text.slice(st.i, st.i + 6));
  if (
    redir &&
    !(redir[2] === "<" && text[st.i + (redir[0]?.length ?? 0)] === "(") &&
    !(redir[2] === ">" && text[st.i + 1] === "(")
  ) {
    st.i += redir[0].length;
    while (text[st.i] === " " || text[st.i] === "\t") st.i++;
    const target = readWord(st);
    const op = redir[2] as string;
    if (op === "<<" || op === "<<-") heredocs.push({ cmd: cur, delim: target, strip: op === "<<-" });
    else if (op === "<<<") cur.stdinText = (cur.stdinText ?? "") + target;
    else cur.redirects.push({ op, target });
    cur.end = st.i;
    return;
  }
  const start = st.i;
  const word = readWord(st);
  cur.end = st.i;
  if (cur.argv.length === 0) {
    const asg = /^([A-Za-z_][A-Za-z0-9_]*)=/.exec(text.slice(start, st.i));
    if (asg) {
      cur.assignments.push({ name: asg[1] as string, value: word.slice(word.indexOf("=") + 1) });
      return;
    }
  }
  cur.argv.push(word);
}

function readHeredocBody(st: State, cmd: LiteCommand, delim: string, strip: boolean): void {
  const text = st.text;
  let body = "";
  while (st.i < text.length) {
    let nl = text.indexOf("\n", st.i);
    if (nl < 0) nl = text.length;
    const line = text.slice(st.i, nl);
    st.i = Math.min(nl + 1, text.length);
    if ((strip ? line.replace(/^\t+/, "") : line).trim() === delim) break;
    body += line + "\n";
  }
  cmd.stdinText = (cmd.stdinText ?? "") + body;
}

/** Reads one word at st.i and returns its value (quotes removed, known variables substituted). */
function readWord(st: State): string {
  const text = st.text;
  let value = "";
  while (st.i < text.length) {
    const ch = text[st.i] as string;
    if (ch === st.closer) break;
    if (" \t\r\n;&|()<>".includes(ch)) {
      if ((ch === "<" || ch === ">") && text[st.i + 1] === "(") {
        value += nested(st, 2, ")", "process-substitution");
        continue;
      }
      break;
    }
    if (ch === "\\") {
      value += text[st.i + 1] === "\n" ? "" : (text[st.i + 1] ?? "");
      st.i += 2;
    } else if (ch === "'") {
      const end = text.indexOf("'", st.i + 1);
      const stop = end < 0 ? text.length : end;
      value += text.slice(st.i + 1, stop);
      st.i = stop + 1;
    } else if (ch === "$" && text[st.i + 1] === "'") {
      st.i += 2;
      value += readAnsiC(st);
    } else if (ch === '"') {
      st.i++;
      value += readDouble(st);
    } else if (ch === "$" || ch === "`") {
      value += readDollar(st);
    } else {
      value += ch;
      st.i++;
    }
  }
  return value;
}

function readDouble(st: State): string {
  const text = st.text;
  let value = "";
  while (st.i < text.length && text[st.i] !== '"') {
    const ch = text[st.i] as string;
    if (ch === "\\" && st.i + 1 < text.length) {
      const nx = text[st.i + 1] as string;
      value += '"\\$`\n'.includes(nx) ? (nx === "\n" ? "" : nx) : ch + nx;
      st.i += 2;
    } else if (ch === "$" || ch === "`") value += readDollar(st);
    else {
      value += ch;
      st.i++;
    }
  }
  st.i++;
  return value;
}

function readDollar(st: State): string {
  const text = st.text;
  if (text[st.i] === "`") return nested(st, 1, "`", "command-substitution");
  if (text.startsWith("$((", st.i)) {
    const end = text.indexOf("))", st.i);
    const stop = end < 0 ? text.length : end + 2;
    const raw = text.slice(st.i, stop);
    st.i = stop;
    return raw;
  }
  if (text[st.i + 1] === "(") return nested(st, 2, ")", "command-substitution");
  const m = /^\$(?:\{([A-Za-z_][A-Za-z0-9_]*)[^}]*\}|([A-Za-z_][A-Za-z0-9_]*)|([@*#?$!0-9-]))/.exec(
    text.slice(st.i, st.i + 256),
  );
  if (!m) {
    st.i++;
    return "$";
  }
  st.i += m[0].length;
  const name = m[1] ?? m[2];
  if (name !== undefined && st.vars.has(name)) return st.vars.get(name) as string;
  return name !== undefined ? `\${${name}}` : m[0];
}

/** Reads $( … ) / ` … ` / <( … ): the inner text becomes nested commands; the word keeps a marker. */
function nested(st: State, open: number, closer: string, context: string): string {
  const start = st.i;
  st.i += open;
  if (st.depth >= maxDepth) {
    const end = st.text.indexOf(closer, st.i);
    st.i = end < 0 ? st.text.length : end + 1;
    return st.text.slice(start, st.i);
  }
  st.depth++;
  const inner: State = { ...st, out: [], closer: closer === "`" ? "`" : "" };
  readList(inner, context, closer);
  st.i = inner.i;
  st.depth--;
  st.out.push(...inner.out);
  const raw = st.text.slice(start, st.i);
  return raw;
}

function readAnsiC(st: State): string {
  const text = st.text;
  let value = "";
  while (st.i < text.length && text[st.i] !== "'") {
    const ch = text[st.i] as string;
    if (ch !== "\\") {
      value += ch;
      st.i++;
      continue;
    }
    const nx = text[st.i + 1] ?? "";
    const hex = /^x([0-9a-fA-F]{1,2})/.exec(text.slice(st.i + 1, st.i + 4));
    const oct = /^([0-7]{1,3})/.exec(text.slice(st.i + 1, st.i + 4));
    const uni = /^u([0-9a-fA-F]{1,4})/.exec(text.slice(st.i + 1, st.i + 6));
    if (hex) {
      value += String.fromCharCode(parseInt(hex[1] as string, 16));
      st.i += 1 + hex[0].length;
    } else if (uni) {
      value += String.fromCharCode(parseInt(uni[1] as string, 16));
      st.i += 1 + uni[0].length;
    } else if (oct) {
      value += String.fromCharCode(parseInt(oct[1] as string, 8));
      st.i += 1 + oct[0].length;
    } else {
      const map: Record<string, string> = {
        n: "\n",
        t: "\t",
        r: "\r",
        "\\": "\\",
        "'": "'",
        '"': '"',
        e: "\x1b",
        a: "\x07",
      };
      value += map[nx] ?? nx;
      st.i += 2;
    }
  }
  st.i++;
  return value;
}
