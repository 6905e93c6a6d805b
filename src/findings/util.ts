// Small helpers shared by detectors: command names, wrappers, severities and host trust.

import type { Severity } from "../model.js";
import type { LiteCommand } from "./shell-lite.js";
import type { DetectContext, ShellSource } from "./context.js";
import {
  baseDomain,
  hostTokens,
  sharedHosts,
  impersonatedVendor,
  isHostileClass,
  urlsIn,
  type UrlInfo,
} from "./hosts.js";
import type { RuleId } from "./rules.js";

export const severityRank: Record<Severity, number> = { info: 0, low: 1, medium: 2, high: 3, critical: 4 };

export function maxSeverity(a: Severity, b: Severity): Severity {
  return severityRank[a] >= severityRank[b] ? a : b;
}

export function minSeverity(a: Severity, b: Severity): Severity {
  return severityRank[a] <= severityRank[b] ? a : b;
}

const wrappers = new Set([
  "sudo",
  "doas",
  "env",
  "nohup",
  "time",
  "command",
  "exec",
  "nice",
  "timeout",
  "xargs",
  "stdbuf",
  "caffeinate",
]);

/** unwrap's answer and the command name it leaves, cached together so nameOf needs no cache of its own. */
interface Unwrapped {
  argv: string[];
  sudo: boolean;
  name: string;
}

// Detectors ask for the same command's argv and name many times; commands are not changed once read.
const unwrapCache = new WeakMap<readonly string[], Unwrapped>();

function unwrapped(argv: readonly string[]): Unwrapped {
  let out = unwrapCache.get(argv);
  if (!out) {
    out = unwrapUncached(argv);
    unwrapCache.set(argv, out);
  }
  return out;
}

/** argv with leading wrappers (sudo, env X=1, nohup …) removed; `sudo` noted. */
export function unwrap(argv: readonly string[]): { argv: string[]; sudo: boolean } {
  return unwrapped(argv);
}

function unwrapUncached(argv: readonly string[]): Unwrapped {
  let i = 0;
  let sudo = false;
  while (i < argv.length) {
    const name = baseName(argv[i] ?? "");
    if (!wrappers.has(name) || i === argv.length - 1) break;
    if (name === "sudo" || name === "doas") sudo = true;
    i++;
    while (
      i < argv.length &&
      ((argv[i] ?? "").startsWith("-") || /^[A-Za-z_][A-Za-z0-9_]*=/.test(argv[i] ?? ""))
    ) {
      const opt = argv[i] ?? "";
      i++;
      if (name === "sudo" && /^-[ugCDhpRTr]$/.test(opt)) i++;
      if (name === "timeout" && i < argv.length && /^\d/.test(argv[i] ?? "")) i++;
    }
    if (name === "timeout" && /^\d/.test(argv[i] ?? "")) i++;
  }
  const rest = argv.slice(i);
  return { argv: rest, sudo, name: baseName(rest[0] ?? "") };
}

export function baseName(word: string): string {
  // The part after the last "/" (the whole word without one), without allocating the split.
  return word.slice(word.lastIndexOf("/") + 1).toLowerCase();
}

/** The command's name: the base name of its first word after wrappers. */
export function nameOf(cmd: LiteCommand): string {
  return unwrapped(cmd.argv).name;
}

export const shells = new Set(["sh", "bash", "zsh", "dash", "ksh", "fish", "ash", "mksh", "csh", "tcsh"]);
export const interpreters = new Set([
  "python",
  "python2",
  "python3",
  "perl",
  "ruby",
  "node",
  "nodejs",
  "php",
  "pwsh",
  "powershell",
  "osascript",
  "lua",
  "deno",
  "bun",
  "tclsh",
  "iex",
  "invoke-expression",
]);
export const fetchers = new Set([
  "curl",
  "wget",
  "fetch",
  "iwr",
  "irm",
  "invoke-webrequest",
  "invoke-restmethod",
  "http",
  "https",
  "aria2c",
  "lwp-download",
  "xh",
]);

export function isShellOrInterpreter(name: string): boolean {
  return shells.has(name) || interpreters.has(name) || /^python\d(\.\d+)?$/.test(name);
}

/** True when an interpreter in argv reads its program from stdin (no script file argument). */
export function readsStdin(argv: readonly string[]): boolean {
  const rest = argv.slice(1);
  for (let i = 0; i < rest.length; i++) {
    const a = rest[i] ?? "";
    if (a === "-" || a === "-s" || a === "--") return true;
    if (a === "-c" || a === "-e" || a === "-m") return false;
    if (a.startsWith("-")) continue;
    return false;
  }
  return true;
}

export function urlsOf(cmd: LiteCommand): UrlInfo[] {
  const out: UrlInfo[] = [];
  for (const a of cmd.argv.slice(1)) out.push(...urlsIn(a, true));
  return out;
}

/** Whether a host is tied to the skill itself (its name, homepage, the tools it runs). */
export function isAffine(ctx: DetectContext, u: UrlInfo): boolean {
  if (swapsDeclaredSuffix(ctx, u.host)) return false;
  for (const t of hostTokens(u)) {
    if (ctx.affinity.has(t)) return true;
    if (t.length >= 4)
      for (const a of ctx.affinityNames) if (a.length >= 4 && (a.includes(t) || t.includes(a))) return true;
  }
  return false;
}

/** Severity of running code fetched from these URLs: hostile hosts critical, vendor/affine medium, else high. */
export function fetchSeverity(
  ctx: DetectContext,
  urls: readonly UrlInfo[],
): { severity: Severity; why: string } {
  if (urls.some((u) => isHostileClass(u.cls))) {
    const u = urls.find((x) => isHostileClass(x.cls)) as UrlInfo;
    return { severity: "critical", why: `${u.host} is a ${u.cls.replace("-", " ")} host` };
  }
  if (urls.length === 0) return { severity: "high", why: "the source URL is not visible" };
  // Named after a well-known tool but not on its vendor's domain: a look-alike release, however
  // much the skill's own name matches it.
  const dressed = urls.find((u) => impersonatedVendor(u, ctx.affinityNames) !== undefined);
  if (dressed)
    return {
      severity: "high",
      why: `${dressed.host} is named after ${impersonatedVendor(dressed, ctx.affinityNames) ?? ""} but is not its vendor's host`,
    };
  if (urls.every((u) => u.cls === "vendor" || u.cls === "local" || isAffine(ctx, u)))
    return { severity: "medium", why: `${urls[0]?.host ?? ""} is the vendor of the tool` };
  return { severity: "high", why: `${urls[0]?.host ?? ""} is not tied to this skill` };
}

/** Report a finding at a command (or offset) of a source; decoded sources point at the encoded literal. */
export function reportAt(
  ctx: DetectContext,
  src: ShellSource,
  offset: number,
  id: RuleId,
  severity: Severity,
  message: string,
  evidence: string,
): void {
  const pos = src.at(offset);
  const sev = src.quoted ? minSeverity(severity, "low") : severity;
  const msg = src.quoted
    ? `${message} (quoted as an example or detection pattern, so severity is capped)`
    : message;
  const at = { id, severity: sev, file: src.file, line: pos.line, column: pos.column };
  if (src.encoded) {
    ctx.report({
      ...at,
      message: `${msg} (inside a ${src.encoded.encoding}-encoded payload)`,
      evidence: src.encoded.text,
      decoded: evidence,
    });
    return;
  }
  ctx.report({ ...at, message: msg, evidence });
}

export function cmdText(src: ShellSource, cmd: LiteCommand): string {
  const t = src.text.slice(cmd.start, cmd.end).trim();
  return t !== "" ? t : cmd.argv.join(" ");
}

/** A source's pipelines by command context, then pipeline id (no key strings to build per lookup). */
type PipeIndex = Map<string, Map<number, LiteCommand[]>>;
const pipelineCache = new WeakMap<ShellSource, PipeIndex>();

/** The commands of `cmd`'s pipeline in order (indexed once per source, so lookups stay linear). */
export function pipelineOf(src: ShellSource, cmd: LiteCommand): LiteCommand[] {
  let index = pipelineCache.get(src);
  if (!index) {
    index = indexPipelines(src.commands);
    pipelineCache.set(src, index);
  }
  return index.get(cmd.context)?.get(cmd.pipeId) ?? [cmd];
}

function indexPipelines(commands: readonly LiteCommand[]): PipeIndex {
  const index: PipeIndex = new Map();
  for (const c of commands) {
    let byId = index.get(c.context);
    if (!byId) {
      byId = new Map();
      index.set(c.context, byId);
    }
    const list = byId.get(c.pipeId);
    if (list) list.push(c);
    else byId.set(c.pipeId, [c]);
  }
  for (const byId of index.values())
    for (const list of byId.values()) list.sort((a, b) => a.pipeIndex - b.pipeIndex);
  return index;
}

export function pipelineText(src: ShellSource, pipe: readonly LiteCommand[]): string {
  const first = pipe[0];
  const last = pipe[pipe.length - 1];
  if (!first || !last) return "";
  const t = src.text.slice(first.start, last.end).trim();
  return t !== "" ? t : pipe.map((c) => c.argv.join(" ")).join(" | ");
}

/** Paths where secrets live. One alternation of literal-led branches: linear. */
export const credentialPath =
  /(?:~|\$HOME|\$\{HOME\}|\/home\/\w+|\/Users\/\w+|\/root)?\/?\.(?:ssh(?:\/(?:id_\w+|[\w.-]*key[\w.-]*|authorized_keys|config)?)?(?![\w.-])|aws\/(?:credentials|config)?|config\/gh\b|config\/gcloud|azure\/|kube\/config|docker\/config\.json|npmrc|pypirc|netrc|git-credentials|gnupg|bitcoin|ethereum|electrum|config\/solana|openclaw\/openclaw\.json|clawdbot\/[\w.-]*(?:json|token)|password-store)|(?:^|[\s/"'=@])\.env(?:\.[\w]+)?(?=$|[\s"';|&)])|Login Data|Local State|\bCookies\b|Keychains?\/|login\.keychain|keychain-db|wallet\.dat|\bExodus\b|MetaMask|Phantom\/|solana\/id\.json|\/etc\/shadow|\/proc\/(?:self|\d+|\*)\/environ|credentials\.json|(?:Google\/Chrome|BraveSoftware|Mozilla\/Firefox|\.mozilla\/firefox)/;

export const secretVar =
  /\$\{?([A-Za-z_]*(?:TOKEN|KEY|SECRET|PASSWORD|PASSWD|PASS|CREDENTIALS?|COOKIE|SESSION|PRIVATE)[A-Za-z0-9_]*)\}?/i;

/**
 * Whether `host` carries the name of a domain the frontmatter declares under a public suffix the
 * frontmatter does not declare ("acme-pay.co" next to homepage acme-pay.com): a look-alike, so the
 * name it shares with the skill must not make it the skill's own.
 */
export function swapsDeclaredSuffix(ctx: DetectContext, host: string): boolean {
  if (!host) return false;
  const declared = new Set(
    urlsIn(ctx.model.frontmatter?.raw ?? "").map((d) => baseDomain(d.host.toLowerCase())),
  );
  const base = baseDomain(host.toLowerCase());
  if (declared.has(base)) return false;
  const name = base.split(".")[0];
  return [...declared].some((d) => d.includes(".") && !sharedHosts.has(d) && d.split(".")[0] === name);
}
