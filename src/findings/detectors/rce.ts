// Remote code execution: downloads piped into interpreters, process and command substitution of
// downloads, download-then-execute (also across steps of one file), reverse shells and packages
// installed from arbitrary URLs. Severity follows the host: see util.fetchSeverity.

import type { DetectContext, ShellSource } from "../context.js";
import { urlsIn, type UrlInfo } from "../hosts.js";
import type { LiteCommand } from "../shell-lite.js";
import {
  baseName,
  cmdText,
  fetchers,
  fetchSeverity,
  isShellOrInterpreter,
  nameOf,
  pipelineOf,
  pipelineText,
  readsStdin,
  reportAt,
  unwrap,
} from "../util.js";

/** A download command with a target: `curl | bash` without any URL is an example, not a command. */
function isFetch(cmd: LiteCommand): boolean {
  return (
    fetchers.has(nameOf(cmd)) &&
    unwrap(cmd.argv)
      .argv.slice(1)
      .some((a) => !a.startsWith("-"))
  );
}

/** The file a fetch command writes, when it writes one. */
function downloadTarget(cmd: LiteCommand): string | undefined {
  const { argv } = unwrap(cmd.argv);
  const name = nameOf(cmd);
  for (let i = 1; i < argv.length; i++) {
    const a = argv[i] ?? "";
    if (
      (name === "curl" && (a === "-o" || a === "--output")) ||
      (name === "wget" && (a === "-O" || a === "--output-document"))
    )
      return argv[i + 1];
    if (name === "curl" && /^-[a-zA-Z]*o$/.test(a)) return argv[i + 1];
    if (name === "wget" && /^-[a-zA-Z]*O$/.test(a)) return argv[i + 1];
    if (name === "wget" && a.startsWith("-O") && a.length > 2) return a.slice(2);
    if ((name === "iwr" || name === "invoke-webrequest") && /^-outfile$/i.test(a)) return argv[i + 1];
  }
  const redirect = cmd.redirects.find((r) => r.op === ">" || r.op === ">>" || r.op === ">|");
  if (redirect && cmd.pipeLen === 1) return redirect.target;
  const remoteName =
    (name === "curl" && argv.some((a) => a === "-O" || /^-[a-zA-Z]*O[a-zA-Z]*$/.test(a))) ||
    (name === "wget" && !argv.some((a) => /^-[a-zA-Z]*[qO]*O/.test(a) || a === "-"))
      ? argv.find((a) => /^https?:\/\//.test(a))
      : undefined;
  if (remoteName) return baseName(remoteName.replace(/[?#].*$/, ""));
  return undefined;
}

/** Whether a command runs, sources or makes executable the file `file`. */
/**
 * Whether an interpreter or opener runs `matches` as its program: the first operand is the
 * program, later operands are its data ("python3 scripts/plot.py data.csv" reads data.csv, it
 * does not run it). With -c / -m / -e the program comes from elsewhere and no operand is run.
 */
function runsOperand(argv: readonly string[], matches: (a: string | undefined) => boolean): boolean {
  const rest = argv.slice(1);
  const codeFlag = rest.findIndex((a) => /^-(?:c|m|e|-eval|-command)$/i.test(a));
  const first = rest.findIndex((a) => !a.startsWith("-"));
  // "bash -c ./x.sh" runs the command string, which may be the file itself.
  if (codeFlag >= 0 && rest[codeFlag] === "-c" && matches(rest[codeFlag + 1])) return true;
  if (first < 0 || (codeFlag >= 0 && codeFlag < first)) return false;
  return matches(rest[first]);
}

/**
 * Whether a process substitution is what an interpreter runs (`bash <(curl …)`), not a data
 * argument of a local script (`python analyze.py <(curl …/data.csv)`): it is the program
 * operand. The substituted word reads as "" (the parser) or "<(…" (the lite reader).
 */
function substitutionIsProgram(argv: readonly string[]): boolean {
  return runsOperand(argv, (a) => a !== undefined && (a === "" || a.startsWith("<(")));
}

function executesFile(cmd: LiteCommand, file: string): boolean {
  if (file === "" || file === "-" || file === "/dev/null") return false;
  const { argv } = unwrap(cmd.argv);
  const name = nameOf(cmd);
  const matches = (a: string | undefined): boolean =>
    a !== undefined && (a === file || baseName(a) === baseName(file)) && !/^-/.test(a);
  if (matches(argv[0]) && (argv[0] ?? "").includes("/")) return true;
  if (
    name === "chmod" &&
    argv.some((a) => /^(?:\+x|[ugoa]*\+[rw]*x|[0-7]?[0-7][157][0-7]{2})$/.test(a)) &&
    argv.slice(1).some(matches)
  )
    return true;
  if (
    (isShellOrInterpreter(name) ||
      name === "source" ||
      name === "." ||
      name === "open" ||
      name === "installer" ||
      name === "hdiutil" ||
      name === "msiexec" ||
      name === "start-process") &&
    runsOperand(argv, matches)
  )
    return true;
  return false;
}

export function detectRce(ctx: DetectContext): void {
  const downloads: Array<{ file: string; urls: UrlInfo[]; src: ShellSource; order: number }> = [];
  for (const src of ctx.shell) {
    const seenPipes = new Set<number>();
    for (const cmd of src.commands) {
      const name = nameOf(cmd);
      // Pipe into an interpreter.
      if (cmd.pipeLen > 1 && !seenPipes.has(cmd.pipeId) && isFetch(cmd)) {
        const pipe = pipelineOf(src, cmd);
        const sink = pipe
          .slice(cmd.pipeIndex + 1)
          .find((c) => isShellOrInterpreter(nameOf(c)) && readsStdin(unwrap(c.argv).argv));
        if (sink) {
          seenPipes.add(cmd.pipeId);
          const urls = urlsOfFetch(cmd);
          const s = fetchSeverity(ctx, urls);
          reportAt(
            ctx,
            src,
            cmd.start,
            "rce.pipe-to-interpreter",
            s.severity,
            `Downloaded content is piped into ${nameOf(sink)}, so the server decides what runs (${s.why}).`,
            pipelineText(src, pipe),
          );
        }
      }
      // bash <(curl …) / source <(curl …)
      if (cmd.context === "process-substitution" && isFetch(cmd)) {
        const parent = src.commands.find(
          (c) => c.context !== "process-substitution" && c.start <= cmd.start && c.end >= cmd.end,
        );
        const pname = parent ? nameOf(parent) : "";
        if (
          parent &&
          (isShellOrInterpreter(pname) || pname === "source" || pname === ".") &&
          substitutionIsProgram(unwrap(parent.argv).argv)
        ) {
          const s = fetchSeverity(ctx, urlsOfFetch(cmd));
          reportAt(
            ctx,
            src,
            parent.start,
            "rce.process-substitution",
            s.severity,
            `A download is executed by ${pname} through process substitution (${s.why}).`,
            cmdText(src, parent),
          );
        }
      }
      // bash -c "$(curl …)" / eval "$(curl …)"
      if (cmd.context === "command-substitution" && isFetch(cmd)) {
        const parent = src.commands.find(
          (c) => c.context !== "command-substitution" && c.start <= cmd.start && c.end >= cmd.end,
        );
        const pname = parent ? nameOf(parent) : "";
        const pargv = parent ? unwrap(parent.argv).argv : [];
        if (
          parent &&
          (pname === "eval" ||
            ((isShellOrInterpreter(pname) || pname === "source" || pname === ".") &&
              (pargv.includes("-c") || pname === "source" || pname === ".")))
        ) {
          const s = fetchSeverity(ctx, urlsOfFetch(cmd));
          reportAt(
            ctx,
            src,
            parent.start,
            "rce.substitution-exec",
            s.severity,
            `The output of a download is executed by ${pname} (${s.why}).`,
            cmdText(src, parent),
          );
        }
      }
      // Download to a file; execution checked below (same source or a later one in the file).
      if (isFetch(cmd)) {
        const file = downloadTarget(cmd);
        if (file !== undefined) downloads.push({ file, urls: urlsOfFetch(cmd), src, order: src.order });
      }
      // Reverse shells.
      const text = cmdText(src, cmd);
      if (
        reverseShell.test(text) ||
        (name === "nc" || name === "ncat" || name === "netcat"
          ? cmd.argv.some((a) => /^-[a-z]*[ec]$/.test(a)) && cmd.argv.some((a) => /\/(?:ba)?sh$/.test(a))
          : false)
      ) {
        reportAt(
          ctx,
          src,
          cmd.start,
          "rce.reverse-shell",
          "critical",
          "The command connects a shell to a network socket, giving a remote party control of the machine.",
          text,
        );
      }
      // Packages from arbitrary URLs or indexes.
      remotePackage(ctx, src, cmd);
    }
  }
  for (const d of downloads) {
    for (const src of ctx.shell) {
      if (src.file !== d.src.file || src.order < d.order) continue;
      const runner = src.commands.find(
        (c) => executesFile(c, d.file) && (src !== d.src || c.start > 0 || true),
      );
      if (!runner || runner === undefined) continue;
      if (src === d.src && runner.start < 0) continue;
      const s = fetchSeverity(ctx, d.urls);
      reportAt(
        ctx,
        src,
        runner.start,
        "rce.download-then-execute",
        s.severity,
        `${d.file} is downloaded${d.urls[0] ? ` from ${d.urls[0].host}` : ""} and then executed (${s.why}).`,
        cmdText(src, runner),
      );
      break;
    }
  }
}

const reverseShell =
  /\/dev\/(?:tcp|udp)\/[^\s/]+\/\d|\bsocat\b[^\n]*\bexec:|\bbash -i\s*>&|\bmkfifo\b[^\n]*\bnc\b|\bpty\.spawn\b[^\n]*\bsocket\b/i;

function urlsOfFetch(cmd: LiteCommand): UrlInfo[] {
  const out: UrlInfo[] = [];
  for (const a of unwrap(cmd.argv).argv.slice(1))
    if (!a.startsWith("-") || a.includes("://")) out.push(...urlsIn(a, true));
  return out;
}

const defaultIndexes =
  /(?:^|\.)(?:pypi\.org|pythonhosted\.org|npmjs\.org|npmjs\.com|rubygems\.org|github\.com|gitlab\.com|githubusercontent\.com|yarnpkg\.com)$/;

function remotePackage(ctx: DetectContext, src: ShellSource, cmd: LiteCommand): void {
  const { argv } = unwrap(cmd.argv);
  const name = nameOf(cmd);
  const pm =
    ["pip", "pip3", "pipx", "uv", "npm", "pnpm", "yarn", "gem", "bun", "npx"].includes(name) ||
    /^pip3\.\d+$/.test(name);
  // `pip download` from a custom index only stages packages for a later install.
  const verbs = /^pip/.test(name) ? /^(?:install|add|i|download)$/ : /^(?:install|add|i)$/;
  if (!pm || !argv.some((a) => verbs.test(a))) return;
  const urls: UrlInfo[] = [];
  for (let i = 1; i < argv.length; i++) {
    const a = argv[i] ?? "";
    const prev = argv[i - 1] ?? "";
    const isIndex =
      /^(?:-i|--index-url|--extra-index-url|--registry|--source|-f|--find-links)$/.test(prev) ||
      /^--(?:index-url|extra-index-url|registry|source)=/.test(a);
    const direct = /^(?:https?:\/\/|git\+https?:\/\/)/.test(a);
    if (!isIndex && !direct) continue;
    for (const u of urlsIn(a.replace(/^git\+/, "").replace(/^--[\w-]+=/, "")))
      if (!defaultIndexes.test(u.host)) urls.push(u);
  }
  if (urls.length === 0) return;
  const s = fetchSeverity(ctx, urls);
  reportAt(
    ctx,
    src,
    cmd.start,
    "rce.remote-package",
    s.severity,
    `${name} installs from ${urls[0]?.host ?? "a custom source"} instead of the default registry; install hooks run its code (${s.why}).`,
    cmdText(src, cmd),
  );
}
