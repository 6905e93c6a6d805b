// Bundled Python/JavaScript (and python -c / node -e strings): process execution, hostile
// network hosts, credential and environment reads, exfiltration, decoded payloads executed,
// reverse shells. Line-based regexes over the file text; each is a literal-led alternation.

import { ownServiceOnly } from "../service.js";
import { sendsCredentialWhole } from "../documented-service.js";
import { isUserListing } from "./bundled-destructive.js";
import { decodedThenRun } from "./runtime-decode.js";
import { patternBlanker } from "./pattern-literals.js";
import { envNamesOnlyReader } from "./env-names.js";
import { childEnvOnly } from "./child-env.js";
import { thirdPartyHost, undeclaredSecretEnvRead } from "./secret-env.js";
import { decodeNumberLists } from "../decode.js";
import type { DetectContext } from "../context.js";
import { codeUnits } from "../code-units.js";
import { decodeAscii85, decodeBase64, decodeBase85, decodeHex } from "../decode.js";
import { isHostileClass, urlsIn } from "../hosts.js";
import type { RuleId } from "../rules.js";
import { credentialPath, nameOf, unwrap } from "../util.js";
import type { Severity } from "../../model.js";

const processExec =
  /\b(?:subprocess\.(?:run|call|Popen|check_output|check_call|getoutput)|os\.(?:system|popen|exec[lv]p?e?|spawn\w*)|pty\.spawn|child_process|execSync|spawnSync|execFileSync|commands\.getoutput)\b|(?<![\w.])(?:exec|eval)\s*\(|\bnew Function\s*\(|\b__import__\s*\(/;
const network =
  /["'`](?:curl|wget|nc|ncat|socat|nslookup|dig|scp|rsync|ftp|telnet)(?: |["']\s*,)|\b(?:requests\.(?:get|post|put|patch|request)|urllib\.request|urlopen|http\.client|httpx\.|aiohttp|socket\.(?:socket|create_connection)|fetch\s*\(|axios|https?\.(?:request|get)\s*\(|XMLHttpRequest|net\.connect|smtplib|ftplib|paramiko)/;
const sendData =
  /\b(?:requests\.(?:post|put|patch)|method\s*[:=]\s*["'](?:POST|PUT)|\.post\s*\(|urlopen\s*\([^)]*data\s*=|\bdata\s*=\s*|\.send(?:all)?\s*\(|smtplib|sendmail|body\s*:)/i;
/** An upload: a request with a body or files, mail, a raw socket send, a copy to a remote host. */
const uploads =
  /\brequests\.(?:post|put|patch)\s*\(|\bhttpx\.(?:post|put|patch)\s*\(|\bfiles\s*=\s*[{[(]|method\s*[:=]\s*["'](?:POST|PUT)|\burlopen\s*\([^)]*data\s*=|\.send(?:all|file)?\s*\(|\bsmtplib|\bsendmail\b|\bupload\w*\s*\(|\bFormData\b|["'`](?:scp|rsync|ftp|curl\s+(?:-\w+\s+)*(?:-T|-F|--upload-file|-d|--data))[ "'`]|["']git["']\s*,\s*["']push["']|["'`]git push /;
const envHarvest =
  /\bdict\s*\(\s*os\.environ\s*\)|\bos\.environ\.(?:items|copy|keys|values)\s*\(|\bfor\s+\w+(?:\s*,\s*\w+)?\s+in\s+os\.environ\b|\bjson\.dumps\s*\(\s*(?:dict\()?os\.environ|JSON\.stringify\s*\(\s*process\.env\s*\)|Object\.(?:entries|keys|assign)\s*\(\s*(?:\{\}\s*,\s*)?process\.env\s*\)|\{\s*\.\.\.process\.env\s*\}|\bos\.environ\b(?!\s*(?:\.get|\[|\.setdefault))/;
const decodeCall =
  /\b(?:b64decode|b85decode|a85decode|b32decode|urlsafe_b64decode|decodebytes|fromhex|unhexlify|atob)\s*\(|Buffer\.from\([^)]*['"](?:base64|hex)['"]|codecs\.decode\(/;
const execOfDecoded =
  /\b(?:exec|eval|os\.system|subprocess\.\w+|new Function)\s*\([^)\n]*(?:b64decode|b85decode|a85decode|fromhex|unhexlify|atob|Buffer\.from|decode\()/;
const reverseShell =
  /\bos\.dup2\s*\(|\bpty\.spawn\s*\(\s*["']\/bin\/(?:ba)?sh|\bspawn\s*\(\s*["']\/bin\/(?:ba)?sh["'][^)]*\)\s*;?[^\n]*(?:socket|net\.)|\/dev\/tcp\//;
/** A line that reads or moves data like a command would, inside a string a script may run. */
const commandShaped =
  /\b(?:cat|open|read\w*|curl|wget|cp|scp|tar|zip|base64|requests|urllib|fs|subprocess|os\.\w+|socket)\b|[|<>`]|\$\(/;
/**
 * A line that is only string literals and collection punctuation (`("bash", ".ssh"),`,
 * `".env": "secret file",`): a row of a data table, not a statement. Linear: one replace.
 */
function literalRow(code: string): boolean {
  const rest = code.replace(/(?:\b[rbuRBU]{1,2})?(["'])(?:(?!\1)[^\\\n]|\\.){0,400}\1/g, "\u0000");
  return rest.includes("\u0000") && /^[\s\u0000,:()[\]{}]*(?:#.*)?$/.test(rest);
}

/** A string literal that is a regular expression (a scanner's detection pattern), not a command. */
const regexLiteral = /(["'])(?:(?!\1)[^\n])*?(?:\\[sdwbS]|\(\?[:=!]|\.\*|\\\.)(?:(?!\1)[^\n])*?\1/g;
const stringLiteral = /["']([A-Za-z0-9+/=_!#$%&()*;<>?@^`{|}~-]{16,})["']/g;

interface CodeText {
  text: string;
  file: string;
  /** Line/column of an offset in `text`. */
  at: (offset: number) => { line: number; column: number };
  lang: "python" | "javascript" | "other";
  /** Severity cap, for code quoted as an example. */
  cap?: Severity;
  /** A code block of a markdown document: the reader sees it, unlike a bundled file. */
  fenced?: boolean;
}

export function detectBundledCode(ctx: DetectContext): void {
  const files: CodeText[] = [];
  // Bundled scripts and the ```python / ```js blocks of the skill's documents (code-units.ts).
  for (const u of codeUnits(ctx)) {
    const file: CodeText = { text: u.text, file: u.file, at: u.at, lang: u.lang, fenced: u.fenced };
    if (u.quoted) file.cap = "low";
    files.push(file);
  }
  // python -c / node -e strings inside shell steps.
  for (const src of ctx.shell) {
    for (const cmd of src.commands) {
      const { argv } = unwrap(cmd.argv);
      const name = nameOf(cmd);
      const lang = /^python/.test(name)
        ? "python"
        : name === "node" || name === "deno" || name === "bun"
          ? "javascript"
          : undefined;
      if (!lang) continue;
      const i = argv.findIndex((a) => a === "-c" || a === "-e" || a === "--eval" || a === "-p");
      const body = i >= 0 ? argv[i + 1] : cmd.stdinText;
      if (body === undefined || body.length < 10) continue;
      const pos = src.at(cmd.start);
      const file: CodeText = { text: body, file: src.file, at: () => pos, lang };
      if (src.quoted) file.cap = "low";
      files.push(file);
    }
  }
  const perFile = files.map((f) => analyseCode(ctx, f));
  // Collection in one file, sending in another (collector.py + reporter.py). Code blocks of the
  // documents are separate snippets, not modules of one program: they pair with nothing.
  const modules = perFile.filter((r) => r.file.fenced !== true);
  const collector = modules.find((r) => r.credRead && !r.sends);
  const sender = modules.find((r) => r.sends && r.file.file !== collector?.file.file);
  if (collector && sender && collector.firstCred && collector.file.file !== sender.file.file) {
    const pos = collector.file.at(collector.firstCred.offset);
    ctx.report({
      id: "bundled.exfil",
      severity: "high",
      file: collector.file.file,
      line: pos.line,
      column: pos.column,
      message: `${collector.file.file} collects secrets and ${sender.file.file} sends data over the network: together they exfiltrate.`,
      evidence: collector.firstCred.text,
    });
  }
}

interface CodeResult {
  file: CodeText;
  credRead: boolean;
  sends: boolean;
  firstCred?: { offset: number; text: string };
}

function analyseCode(ctx: DetectContext, f: CodeText): CodeResult {
  const report = (
    id: RuleId,
    severity: Severity,
    offset: number,
    message: string,
    evidence: string,
    decoded?: string,
  ): void => {
    const pos = f.at(offset);
    const sev = f.cap && severityBelow(f.cap, severity) ? f.cap : severity;
    const out = {
      id,
      severity: sev,
      file: f.file,
      line: pos.line,
      column: pos.column,
      message,
      evidence: evidence.trim().slice(0, 300),
    };
    ctx.report(decoded !== undefined ? { ...out, decoded } : out);
  };
  const lines = f.text.split("\n");
  let offset = 0;
  let execAt: { offset: number; text: string } | undefined;
  let credAt: { offset: number; text: string } | undefined;
  let sendAt: { offset: number; text: string } | undefined;
  let netAt: { offset: number; text: string } | undefined;
  let decodeAt: { offset: number; text: string } | undefined;
  let filesAt: { offset: number; text: string } | undefined;
  let uploadAt: { offset: number; text: string } | undefined;
  // Inside a Python triple-quoted string (a docstring, --help text): a line mentioning `.env`
  // is prose unless it reads like a command (the string may be a script the code runs).
  let inTripleQuote = false;
  // Whole-file facts a line's check may need: worked out once, on first need (per line they
  // rescanned the file, quadratic in its lines).
  const once = <T>(compute: () => T): (() => T) => {
    let memo: { value: T } | undefined;
    return () => (memo ??= { value: compute() }).value;
  };
  const fileHasNetwork = once(() => network.test(f.text));
  const fileHasSocket = once(() => /socket|net\.|\/dev\/tcp/.test(f.text));
  const fileDecoded = once(() => decodedLiteral(f.text));
  const blankPatterns = patternBlanker(f.text);
  const namesOnly = envNamesOnlyReader(f.text);
  for (const line of lines) {
    const code = blankPatterns(
      f.lang === "python" ? line.replace(/^\s*#.*$/, "") : line.replace(/^\s*\/\/.*$/, ""),
    );
    // In a security tool, a row of a literal table (`("bash", ".ssh"),`) is a detection pattern.
    const proseLine = (inTripleQuote && !commandShaped.test(code)) || (ctx.securityTool && literalRow(code));
    if (f.lang === "python" && (code.match(/"""|'''/g)?.length ?? 0) % 2 === 1)
      inTripleQuote = !inTripleQuote;
    if (code.trim() !== "") {
      if (!execAt && processExec.test(code)) execAt = { offset, text: line };
      if (
        !credAt &&
        !proseLine &&
        (credentialPath.test(code) ||
          (envHarvest.test(code) && !namesOnly(code) && !childEnvOnly(f.text, code))) &&
        !/^\s*(?:["']{3}|\*)/.test(code)
      )
        credAt = { offset, text: line };
      if (!netAt && !proseLine && network.test(code)) netAt = { offset, text: line };
      if (!sendAt && !proseLine && sendData.test(code) && fileHasNetwork()) sendAt = { offset, text: line };
      if (!decodeAt && decodeCall.test(code)) decodeAt = { offset, text: line };
      if (!filesAt && isUserListing(code)) filesAt = { offset, text: line };
      if (!uploadAt && uploads.test(code)) uploadAt = { offset, text: line };
      if (execOfDecoded.test(code))
        report(
          "bundled.decoded-exec",
          "critical",
          offset,
          "Decoded text is executed, hiding what the code really does.",
          line,
          fileDecoded(),
        );
      if (reverseShell.test(code) && reverseShell.test(code.replace(regexLiteral, '""')) && fileHasSocket())
        report(
          "bundled.reverse-shell",
          "critical",
          offset,
          "A socket is wired to a shell, giving a remote party control.",
          line,
        );
      for (const u of urlsIn(code)) {
        if (isHostileClass(u.cls))
          report(
            "bundled.network-hostile",
            "critical",
            offset + Math.max(0, line.indexOf(u.url)),
            `The code contacts ${u.host}, a ${u.cls.replace("-", " ")} host that no vendor uses.`,
            line,
          );
      }
    }
    offset += line.length + 1;
  }
  let decodedExec = execOfDecoded.test(f.text);
  if (decodeAt && execAt) {
    const decoded = decodedLiteral(f.text);
    if (
      decoded !== undefined &&
      /\b(?:curl|wget|bash|sh|exec|eval|import|socket|http|subprocess|rm)\b/.test(decoded)
    ) {
      decodedExec = true;
      report(
        "bundled.decoded-exec",
        "critical",
        decodeAt.offset,
        "An encoded literal is decoded in code that also executes commands; the decoded text is a command.",
        decodeAt.text,
        decoded,
      );
    }
  }
  // Decoded into a variable on one line, run on another: what runs is not in the file as written.
  const hidden = decodedExec ? undefined : decodedThenRun(f.text);
  if (hidden)
    report(
      "obfuscation.runtime-decode",
      "high",
      hidden.offset,
      "Cannot be analysed: a value decoded at run time (base64/85, hex, XOR, rot13, char codes, an index map, a decoded JSON value) is executed; what runs is not in the file as written.",
      hidden.line,
      // Char codes, XOR with a literal key and index maps are cheap to read back: show them.
      decodeNumberLists(f.text),
    );
  // The secret's content sent whole (`data=open(".env").read()`) is never "the key to its API".
  const ownHost =
    credAt && (sendAt || netAt) && !sendsCredentialWhole(f.text, (l) => credentialPath.test(l))
      ? ownServiceOnly(ctx, f.text, credAt.text)
      : undefined;
  if (credAt && (sendAt || netAt) && ownHost !== undefined) {
    // The skill's own key used against its own declared API is how API clients work.
    report(
      "bundled.credential-read",
      "medium",
      credAt.offset,
      `The code reads a credential and sends it only to the skill's declared service (${ownHost}).`,
      credAt.text,
    );
  } else if (credAt && (sendAt || netAt)) {
    report(
      "bundled.exfil",
      "high",
      credAt.offset,
      `The code reads secrets (credential files or the environment) and sends data over the network.`,
      credAt.text,
    );
  } else if (credAt) {
    report(
      "bundled.credential-read",
      "medium",
      credAt.offset,
      "The code reads credential files or the whole environment.",
      credAt.text,
    );
  }
  // One secret-looking key the skill never declares, taken from the environment by name, and a
  // host that is not the skill's declared service: the key leaves with the request (credential
  // files and whole-environment reads are judged above).
  const key = !credAt && (sendAt || netAt) ? undeclaredSecretEnvRead(ctx, f.text) : undefined;
  const drop = key && thirdPartyHost(ctx, f.text, key.name);
  if (key && drop)
    report(
      "bundled.exfil",
      "high",
      key.offset,
      `The code reads ${key.name} from the environment and talks to ${drop.host}, which is not the skill's declared service.`,
      key.line,
    );
  // The user's files (listed from the working directory or home) uploaded: exfiltration of the
  // user's data, unless the code talks only to the skill's own declared service.
  if (!credAt && filesAt && uploadAt && ownServiceOnly(ctx, f.text, filesAt.text) === undefined)
    report(
      "bundled.exfil",
      "high",
      filesAt.offset,
      "The code lists the user's files (working directory or home) and uploads data to a host that is not the skill's declared service.",
      filesAt.text,
    );
  const lock =
    /\bsetpassword\s*\(|\bzip\s+(?:-\w+\s+)*-P\b|\bpyminizip\b|\bpassword\s*=\s*[^,)]+\)\s*as\s+\w+:\s*$|\b7z\s+a\s+(?:\S+\s+)*-p/m.exec(
      f.text,
    );
  if (
    lock &&
    /\.unlink\s*\(|\bos\.remove\s*\(|\bshutil\.rmtree\b|\bfs\.(?:unlinkSync|rmSync|unlink)\b|\brm\s+-\w*f?\s/.test(
      f.text,
    )
  )
    report(
      "bundled.lock-and-delete",
      "high",
      lock.index,
      "The code puts a file into a password-protected archive and deletes the original (ransomware shape).",
      f.text.slice(
        lock.index,
        f.text.indexOf("\n", lock.index) >= 0 ? f.text.indexOf("\n", lock.index) : undefined,
      ),
    );
  // A block in the markdown shows its process calls to the reader; a bundled file hides them.
  if (execAt && f.fenced !== true)
    report(
      "bundled.process-exec",
      "low",
      execAt.offset,
      "The code starts processes or evaluates code the markdown does not show.",
      execAt.text,
    );
  const out: CodeResult = {
    file: f,
    credRead: credAt !== undefined,
    sends: sendAt !== undefined || netAt !== undefined,
  };
  if (credAt) out.firstCred = credAt;
  return out;
}

function severityBelow(cap: Severity, s: Severity): boolean {
  const rank: Record<Severity, number> = { info: 0, low: 1, medium: 2, high: 3, critical: 4 };
  return rank[cap] < rank[s];
}

/** The first string literal in the code that decodes (base64, hex, base85, ascii85) to printable text. */
function decodedLiteral(text: string): string | undefined {
  for (const m of text.matchAll(stringLiteral)) {
    const lit = m[1] ?? "";
    const d = decodeBase64(lit) ?? decodeHex(lit) ?? decodeBase85(lit) ?? decodeAscii85(lit);
    if (d !== undefined) return d;
  }
  return undefined;
}
