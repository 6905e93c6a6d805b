// The policy evaluator: pure, no I/O. Default deny; deny beats allow. Order per command:
// unresolvable words and constructs, assignments, blocked paths, deny rules, then the allow
// rules (first full match decides). A step is as bad as its worst command, and any shell
// problem in the step denies it.

import type {
  CommandVerdict,
  JudgedCommand,
  JudgedStep,
  Redirect,
  ShellAnalysis,
  SimpleCommand,
  Step,
  Verdict,
  Word,
} from "../model.js";
import { limits } from "../limits.js";
import { describeProblem } from "../shell/problem-text.js";
import { neverAllowReason, noPolicyFix } from "./never-allow.js";
import type { CommandRule, DenyRule, Policy, RedirectSpec, ValueSpec } from "./types.js";
import {
  compilePath,
  compiledPathMatch,
  globMatch,
  isLiteralGlob,
  pathGlobCouldMatch,
  type CompiledPathGlob,
} from "./glob.js";
import { checkOptionCounts, parseArgs, type ParsedArgs } from "./options.js";
import { normaliseGlob, resolvePath } from "./paths.js";
import { basename, inlineCodeOptions, isInterpreter, isWrapper } from "./programs.js";
import { unnamedProtectedWrite } from "./protected.js";
import { copyTargets, landingMiss, type CopyTargets } from "./copy-targets.js";
import { extractTargets, type ExtractTargets } from "./extract-targets.js";
import { matchValue, type ValueOk, type ValueResult } from "./values.js";
import { envNames, unquotedExpansions } from "./words.js";

export interface JudgeContext {
  /**
   * For a later pipeline stage: the id of the rule that allowed the previous stage, or null
   * when the previous stage was denied. Undefined for a first (or lone) stage.
   */
  previousRule?: string | null;
  /** Unwrap depth (wrappers inside wrappers). */
  depth?: number;
}

type Hosts = JudgedCommand["hosts"];

interface RuleMatch {
  ok: true;
  verdict: "allow" | "review";
  rule: string;
  reason: string;
  hosts: Hosts;
  env: string[];
  copies?: CopyTargets;
  extracts?: ExtractTargets;
}
interface RuleMiss {
  ok: false;
  reason: string;
  fix: string;
  /** How far the rule got: phase (see `phase`) then argv index; the closest rule explains a denial. */
  progress: number;
}

/** Later phases mean the command matched more of the rule. */
const phase = {
  parse: 0,
  counts: 10_000,
  values: 20_000,
  interpreter: 25_000,
  positionals: 30_000,
  redirects: 40_000,
  pipe: 50_000,
};

const severity: Record<Verdict, number> = { allow: 0, review: 1, deny: 2 };

export function worstVerdict(a: Verdict, b: Verdict): Verdict {
  return severity[a] >= severity[b] ? a : b;
}

function deny(cmd: SimpleCommand, rule: string, reason: string, fix: string): JudgedCommand {
  return { command: cmd, verdict: "deny", rule, reason, fix, hosts: [], env: [] };
}

function quote(s: string): string {
  return s.length > 80 ? `'${s.slice(0, 77)}…'` : `'${s}'`;
}

// ---------------------------------------------------------------------------------------------
// Blocked paths

/** Every string inside a word that the program might open as a path. */
function pathCandidates(value: string): string[] {
  // Most specific first, so the reason names the path the program would open.
  const out = new Set<string>();
  for (let i = 0; i < value.length; i++) {
    const c = value[i];
    if (c === "=" || c === "@" || c === ":") out.add(value.slice(i + 1));
    if (c === "/" && (i === 0 || value[i - 1] !== "/")) out.add(value.slice(i));
    if (c === "~" && i > 0) out.add(value.slice(i));
  }
  if (value.startsWith("-") && !value.startsWith("--")) out.add(value.slice(2));
  out.add(value);
  out.delete("");
  return [...out];
}

interface PolicyPaths {
  workdir: string;
  blocked: CompiledPathGlob[];
}

/** Normalised workdir and blocked globs, computed once per loaded policy. */
const pathsCache = new WeakMap<Policy, PolicyPaths>();
function policyPaths(policy: Policy): PolicyPaths {
  let hit = pathsCache.get(policy);
  if (!hit) {
    hit = {
      workdir: normaliseGlob(policy.workdir, policy.home, policy.home),
      blocked: policy.blockedPaths.map((g) => compilePath(normaliseGlob(g, policy.home, policy.workdir))),
    };
    pathsCache.set(policy, hit);
  }
  return hit;
}

type BlockedResult = { path: string; glob: string } | undefined;
/** Words repeat a lot within and across skills; remember each word's answer per policy. */
const blockedCache = new WeakMap<Policy, Map<string, BlockedResult>>();

function blockedHit(value: string, policy: Policy, globs: readonly CompiledPathGlob[]): BlockedResult {
  let cache = blockedCache.get(policy);
  if (!cache) {
    cache = new Map();
    blockedCache.set(policy, cache);
  }
  if (cache.has(value)) return cache.get(value);
  const result = blockedHitUncached(value, policy, globs);
  if (cache.size > 50_000) cache.clear();
  cache.set(value, result);
  return result;
}

function blockedHitUncached(
  value: string,
  policy: Policy,
  globs: readonly CompiledPathGlob[],
): BlockedResult {
  const { workdir } = policyPaths(policy);
  // Every candidate path is built from the value, the workdir and home: a glob whose needles
  // are missing from all three cannot match any candidate.
  const haystack = `${value}\0${workdir}\0${policy.home}`;
  const survivors = globs.filter((g) => pathGlobCouldMatch(g, haystack));
  if (survivors.length === 0) return undefined;
  globs = survivors;
  const seen = new Set<string>();
  for (const candidate of pathCandidates(value)) {
    const expanded =
      candidate.startsWith("~/") || candidate === "~" ? policy.home + candidate.slice(1) : candidate;
    const absolute = expanded.startsWith("/") ? expanded : `${workdir}/${expanded}`;
    if (seen.has(absolute)) continue;
    seen.add(absolute);
    const possible = globs.filter((g) => pathGlobCouldMatch(g, absolute));
    if (possible.length === 0) continue;
    const resolved = resolvePath(absolute, "/");
    if (resolved === "/dev/null") continue;
    const glob = possible.find((g) => compiledPathMatch(g, resolved));
    if (glob !== undefined) return { path: resolved, glob: glob.pattern };
  }
  return undefined;
}

/** The blocked path (and glob) that `value`, a path relative to the policy's workdir, names. */
export function blockedPathHit(value: string, policy: Policy): BlockedResult {
  return policy.blockedPaths.length === 0
    ? undefined
    : blockedHit(value, policy, policyPaths(policy).blocked);
}

function checkBlocked(cmd: SimpleCommand, policy: Policy): JudgedCommand | undefined {
  if (policy.blockedPaths.length === 0) return undefined;
  const globs = policyPaths(policy).blocked;
  for (let i = 0; i < cmd.argv.length; i++) {
    const word = cmd.argv[i] as Word;
    const hit = blockedHit(word.value, policy, globs);
    if (hit) {
      return deny(
        cmd,
        "blocked-path",
        `argument ${i} ${quote(word.value)} names ${hit.path}, which is a blocked path (${hit.glob})`,
        "cannot be allowed by policy: blockedPaths always win (remove the glob from blockedPaths only if the path is harmless)",
      );
    }
  }
  for (const r of cmd.redirects) {
    if (!r.target) continue;
    const hit = blockedHit(r.target.value, policy, globs);
    if (hit) {
      return deny(
        cmd,
        "blocked-path",
        `redirect ${r.op}${quote(r.target.value)} names ${hit.path}, which is a blocked path (${hit.glob})`,
        "cannot be allowed by policy: blockedPaths always win",
      );
    }
  }
  return undefined;
}

// ---------------------------------------------------------------------------------------------
// Deny rules

/** Is the option present in any spelling: exact, --opt=value, GNU abbreviation, inside a bundle? */
function optionPresent(args: readonly Word[], option: string): boolean {
  const long = option.startsWith("--");
  const singleLong = !long && option.length > 2;
  for (const word of args) {
    const v = word.value;
    if (!v.startsWith("-")) continue;
    if (v === option) return true;
    if (long) {
      const name = v.split("=", 1)[0] as string;
      if (v.startsWith(`${option}=`)) return true;
      // getopt_long accepts unambiguous prefixes: --to-com for --to-command.
      if (name.startsWith("--") && name.length >= 4 && option.startsWith(name)) return true;
    } else if (singleLong) {
      if (v.startsWith(`${option}=`)) return true;
    } else if (v.startsWith("-") && !v.startsWith("--") && v.length > 2 && v.includes(option.slice(1))) {
      // Short option inside a bundle (-xvf): fail closed, also when the letter is part of a value.
      return true;
    }
  }
  return false;
}

function denyRuleHits(rule: DenyRule, cmd: SimpleCommand): string | undefined {
  const program = basename(cmd.argv[0]?.value ?? "");
  if (!rule.programs.includes("*") && !rule.programs.includes(program)) return undefined;
  const args = cmd.argv.slice(1);
  if (rule.options.length === 0 && rule.args.length === 0) return `program ${program}`;
  for (const option of rule.options) {
    if (optionPresent(args, option)) return `option ${option}`;
  }
  for (let i = 0; i < args.length; i++) {
    const value = (args[i] as Word).value;
    const eq = value.indexOf("=");
    const candidates = eq >= 0 ? [value, value.slice(eq + 1)] : [value];
    const glob = rule.args.find((g) => candidates.some((c) => globMatch(g, c)));
    if (glob !== undefined) return `argument ${i + 1} ${quote(value)} (matches ${JSON.stringify(glob)})`;
  }
  return undefined;
}

// ---------------------------------------------------------------------------------------------
// Positionals: typed, in order, each spec with min..max occurrences.

const maxPositionalArgs = 512;

function matchPositionals(
  words: Array<{ word: Word; index: number }>,
  rule: CommandRule,
  policy: Policy,
): { ok: true; results: ValueOk[]; specOf: number[] } | RuleMiss {
  const specs = rule.positionals;
  const where = `commands[${rule.id}]`;
  const n = words.length;
  if (n > maxPositionalArgs) {
    return {
      ok: false,
      reason: `${n} arguments is more than ${maxPositionalArgs}`,
      fix: "split the command",
      progress: 0,
    };
  }
  const minTotal = specs.reduce((s, p) => s + p.min, 0);
  const maxTotal = specs.reduce((s, p) => s + p.max, 0);
  if (n > maxTotal) {
    const extra = words[maxTotal] as { word: Word; index: number };
    return {
      ok: false,
      reason: `argument ${extra.index} ${quote(extra.word.value)} is one more argument than rule ${rule.id} allows (${maxTotal})`,
      fix:
        specs.length === 0
          ? `add a positionals entry to ${where}`
          : `raise max of the matching entry in ${where}.positionals`,
      progress: extra.index,
    };
  }
  if (n < minTotal) {
    return {
      ok: false,
      reason: `rule ${rule.id} needs at least ${minTotal} argument(s), got ${n}`,
      fix: `add the missing argument, or lower min in ${where}.positionals`,
      progress: words[n - 1]?.index ?? 0,
    };
  }
  const memo = new Map<string, ValueResult>();
  const test = (i: number, j: number): ValueResult => {
    const key = `${i}:${j}`;
    let r = memo.get(key);
    if (!r) {
      const w = words[i] as { word: Word; index: number };
      r = matchValue(w.word, (specs[j] as { value: ValueSpec }).value, {
        policy,
        where: `${where}.positionals[${j}]`,
        what: `argument ${w.index} ${quote(w.word.value)}`,
      });
      memo.set(key, r);
    }
    return r;
  };
  // can(i, j): words[i..] fit specs[j..]; choice records the count taken by spec j.
  const can = new Map<string, number>();
  const solve = (i: number, j: number): boolean => {
    if (j === specs.length) return i === n;
    const key = `${i}:${j}`;
    const known = can.get(key);
    if (known !== undefined) return known >= 0;
    const spec = specs[j] as { min: number; max: number };
    let result = -1;
    for (let k = 0; i + k <= n && k <= spec.max; k++) {
      if (k >= spec.min && solve(i + k, j + 1)) {
        result = k;
        break;
      }
      if (i + k === n || !test(i + k, j).ok) break;
    }
    can.set(key, result);
    return result >= 0;
  };
  if (solve(0, 0)) {
    const results: ValueOk[] = [];
    const specOf: number[] = [];
    let i = 0;
    for (let j = 0; j < specs.length; j++) {
      const k = can.get(`${i}:${j}`) ?? 0;
      for (let t = 0; t < k; t++) {
        results.push(test(i + t, j) as ValueOk);
        specOf.push(j);
      }
      i += k;
    }
    return { ok: true, results, specOf };
  }
  // Explain with a greedy walk: the first argument no spec in order accepts.
  let j = 0;
  let taken = 0;
  for (let i = 0; i < n;) {
    const spec = specs[j];
    if (!spec) break;
    const r = test(i, j);
    if (r.ok && taken < spec.max) {
      taken++;
      i++;
      continue;
    }
    if (taken >= spec.min && j + 1 < specs.length) {
      j++;
      taken = 0;
      continue;
    }
    if (!r.ok)
      return { ok: false, reason: r.reason, fix: r.fix, progress: (words[i] as { index: number }).index };
    break;
  }
  return {
    ok: false,
    reason: `the arguments do not fit the positionals of rule ${rule.id}`,
    fix: `check the order and counts in ${where}.positionals`,
    progress: words[0]?.index ?? 0,
  };
}

// ---------------------------------------------------------------------------------------------
// Redirects

const alwaysRedirect = (r: Redirect): boolean => {
  const t = r.target?.value;
  if ((r.op === ">&" || r.op === "<&") && t !== undefined && /^[0-2]$|^-$/.test(t)) return true;
  if (t === "/dev/null" && [">", ">>", ">|", "&>", "&>>"].includes(r.op) && (r.fd === undefined || r.fd <= 2))
    return true;
  return false;
};

function redirectStreams(r: Redirect): Array<RedirectSpec["stream"]> | string {
  const fd = r.fd;
  switch (r.op) {
    case ">":
    case ">|":
    case ">>":
      if (fd === undefined || fd === 1) return ["stdout"];
      if (fd === 2) return ["stderr"];
      return `writes file descriptor ${fd}`;
    case "&>":
    case "&>>":
    case ">&":
      return fd === undefined ? ["stdout", "stderr"] : `duplicates file descriptor ${fd}`;
    case "<":
      return fd === undefined || fd === 0 ? ["stdin"] : `opens file descriptor ${fd} for reading`;
    case "<<":
    case "<<-":
    case "<<<":
      return fd === undefined || fd === 0 ? ["heredoc"] : `feeds file descriptor ${fd}`;
    case "<>":
      return "opens a file for reading and writing";
    case "<&":
      return "duplicates an input file descriptor";
  }
}

function checkRedirects(cmd: SimpleCommand, rule: CommandRule, policy: Policy): RuleMiss | undefined {
  const where = `commands[${rule.id}]`;
  const progress = cmd.argv.length + 1;
  for (const r of cmd.redirects) {
    if (alwaysRedirect(r)) continue;
    const text = `${r.fd ?? ""}${r.op}${r.target ? r.target.value : ""}`;
    const streams = redirectStreams(r);
    if (typeof streams === "string") {
      return {
        ok: false,
        reason: `redirect ${quote(text)} ${streams}`,
        fix: "cannot be allowed by policy: use >, >>, 2> or <",
        progress,
      };
    }
    const append = r.op === ">>" || r.op === "&>>";
    for (const stream of streams) {
      const candidates = rule.redirects.filter((s) => s.stream === stream && (!append || s.append));
      if (candidates.length === 0) {
        return {
          ok: false,
          reason: `redirect ${quote(text)} (${stream}${append ? ", append" : ""}) is not allowed by rule ${rule.id}`,
          fix: `add { stream: ${stream}${append ? ", append: true" : ""}, target: { type: path, allow: [...] } } to ${where}.redirects`,
          progress,
        };
      }
      if (stream === "heredoc") {
        if (r.op === "<<<" && r.target && r.target.dynamic !== undefined) {
          return {
            ok: false,
            reason: `here-string is not static (${r.target.dynamic})`,
            fix: "cannot be allowed by policy",
            progress,
          };
        }
        continue;
      }
      if (!r.target)
        return {
          ok: false,
          reason: `redirect ${quote(text)} has no target`,
          fix: "write a target",
          progress,
        };
      let last: RuleMiss | undefined;
      let matched = false;
      for (const spec of candidates) {
        if (!spec.target) {
          // Any target: still never one of the agent's own files unless a rule names it.
          const resolved = resolvePath(
            r.target.value,
            normaliseGlob(policy.workdir, policy.home, policy.home),
          );
          const hit =
            stream === "stdin"
              ? undefined
              : unnamedProtectedWrite(resolved, [], policy.home, policy.ownSkillFolders);
          if (hit !== undefined) {
            last = {
              ok: false,
              reason: `redirect ${quote(text)} writes ${resolved}, one of the agent's own files (${hit})`,
              fix: `only a redirect target whose allow list names '${resolved}' can allow this write (in ${where}.redirects)`,
              progress,
            };
            continue;
          }
          matched = true;
          break;
        }
        const res = matchValue(r.target, spec.target, {
          policy,
          where: `${where}.redirects`,
          what: `redirect target ${quote(r.target.value)}`,
          write: stream === "stdout" || stream === "stderr",
        });
        if (res.ok) {
          matched = true;
          break;
        }
        last = { ok: false, reason: res.reason, fix: res.fix, progress };
      }
      if (!matched && last) return last;
    }
  }
  return undefined;
}

// ---------------------------------------------------------------------------------------------
// One rule against one command

function collect(into: { hosts: Hosts; env: string[] }, r: ValueOk): void {
  for (const h of r.hosts) {
    if (!into.hosts.some((x) => x.host === h.host && x.port === h.port && x.scheme === h.scheme))
      into.hosts.push(h);
  }
  for (const e of r.env) if (!into.env.includes(e)) into.env.push(e);
}

function isPinned(spec: ValueSpec | undefined): boolean {
  if (!spec) return false;
  if (spec.type === "enum") return true;
  return (
    spec.type === "string" &&
    spec.env.length === 0 &&
    spec.match.length > 0 &&
    spec.match.every(isLiteralGlob)
  );
}

function tryRule(
  cmd: SimpleCommand,
  rule: CommandRule,
  policy: Policy,
  ctx: JudgeContext,
): RuleMatch | RuleMiss | JudgedCommand {
  const program = cmd.argv[0]?.value ?? "";
  const where = `commands[${rule.id}]`;
  const acc = { hosts: [] as Hosts, env: [] as string[] };
  if (isWrapper(program) && !rule.unwrap && !rule.anyArgs) {
    return {
      ok: false,
      reason: `${program} runs its arguments as a command; rule ${rule.id} does not unwrap it`,
      fix: `set unwrap: true in ${where} so the inner command is judged on its own`,
      progress: -1,
    };
  }
  const pipeMiss = (): RuleMiss | undefined => {
    if (ctx.previousRule === undefined) return undefined;
    if (ctx.previousRule === null) {
      return {
        ok: false,
        reason: `${program} reads the output of a denied pipeline stage`,
        fix: "fix the earlier stage first",
        progress: phase.pipe,
      };
    }
    if (rule.pipeFrom.includes("*") || rule.pipeFrom.includes(ctx.previousRule)) return undefined;
    return {
      ok: false,
      reason: `${program} reads the output of rule ${ctx.previousRule}, which rule ${rule.id} does not accept (pipeFrom)`,
      fix: `add '${ctx.previousRule}' to ${where}.pipeFrom`,
      progress: phase.pipe,
    };
  };
  if (rule.anyArgs) {
    for (const word of [...cmd.argv, ...cmd.redirects.flatMap((r) => (r.target ? [r.target] : []))]) {
      for (const name of envNames(word)) {
        if (!Object.hasOwn(policy.env, name)) {
          return {
            ok: false,
            reason: `${quote(word.value)} expands $${name}, which the policy does not declare`,
            fix: `declare ${name} under top-level env`,
            progress: 0,
          };
        }
        if (unquotedExpansions(word.raw).includes(name)) {
          return {
            ok: false,
            reason: `$${name} is expanded without double quotes`,
            fix: `cannot be allowed by policy: write "$${name}"`,
            progress: 0,
          };
        }
        if (!acc.env.includes(name)) acc.env.push(name);
      }
    }
    // A catch-all rule cannot tell which arguments are written: any word that names one of the
    // agent's own files (or a redirect to one) is refused, reads included.
    const workdir = normaliseGlob(policy.workdir, policy.home, policy.home);
    for (const word of [
      ...cmd.argv.slice(1),
      ...cmd.redirects.flatMap((r) => (r.target ? [r.target] : [])),
    ]) {
      const resolved = resolvePath(word.value, workdir);
      const hit = unnamedProtectedWrite(resolved, [], policy.home, policy.ownSkillFolders);
      if (hit !== undefined)
        return {
          ok: false,
          reason: `${quote(word.value)} names ${resolved}, one of the agent's own files (${hit}); a catch-all rule cannot tell a read from a write`,
          fix: `add a rule for ${basename(cmd.argv[0]?.value ?? "")} whose path allow list names '${resolved}'`,
          progress: 0,
        };
    }
    const miss = pipeMiss();
    if (miss) return miss;
    return {
      ok: true,
      verdict: rule.verdict,
      rule: rule.id,
      reason: `allowed by catch-all rule ${rule.id}`,
      ...acc,
    };
  }
  const parsed: ParsedArgs | RuleMiss = (() => {
    const p = parseArgs(cmd.argv, rule);
    if (!p.ok)
      return { ok: false, reason: p.reason, fix: p.fix, progress: phase.parse + p.progress } as RuleMiss;
    const counts = checkOptionCounts(p, rule);
    return counts
      ? ({
          ok: false,
          reason: counts.reason,
          fix: counts.fix,
          progress: phase.counts + counts.progress,
        } as RuleMiss)
      : p;
  })();
  if (!parsed.ok) return parsed;
  for (const opt of parsed.options) {
    if (!opt.spec.value || !opt.value) continue;
    const res = matchValue(opt.value, opt.spec.value, {
      policy,
      where: `${where} option ${opt.spec.names.join("/")}`,
      what: `option ${opt.name} value ${quote(opt.value.value)} (argument ${opt.index})`,
    });
    if (!res.ok)
      return {
        ok: false,
        reason: `${program}: ${res.reason}`,
        fix: res.fix,
        progress: phase.values + opt.index,
      };
    collect(acc, res);
  }
  if (isInterpreter(program)) {
    const code = parsed.options.find((o) => inlineCodeOptions.has(o.name));
    if (code && !isPinned(code.spec.value)) {
      return {
        ok: false,
        reason: `${program} ${code.name} runs inline code that rule ${rule.id} does not pin exactly`,
        fix: `give ${code.name} in ${where} an enum value listing the exact code allowed`,
        progress: phase.interpreter + code.index,
      };
    }
    if (ctx.previousRule !== undefined && (rule.pipeFrom.includes("*") || rule.positionals.length > 0)) {
      return {
        ok: false,
        reason: `${program} would run code read from the pipeline; rule ${rule.id} does not pin it`,
        fix: `cannot be allowed unless ${where} lists exact pipeFrom rule ids (no "*") and no positionals`,
        progress: phase.interpreter,
      };
    }
  }
  const pos = matchPositionals(parsed.positionals, rule, policy);
  if (!pos.ok)
    return { ...pos, reason: `${program}: ${pos.reason}`, progress: phase.positionals + pos.progress };
  for (const r of pos.results) collect(acc, r);
  const copies = copyTargets(
    program,
    parsed.options,
    parsed.positionals.map((p, i) => ({ word: p.word, spec: rule.positionals[pos.specOf[i] ?? -1]?.value })),
  );
  if (copies) {
    for (const [s, roots] of copies.roots.entries()) {
      for (const root of roots) {
        const miss = landingMiss(
          root,
          copies.spec,
          policy,
          `${where} destination`,
          `${quote(copies.sources[s] as string)} landing at ${quote(root)}`,
        );
        if (miss)
          return {
            ok: false,
            reason: `${program}: ${miss.reason}`,
            fix: `${miss.fix}; to name the destination file itself, not a folder to copy into, use -T where the rule allows it`,
            progress: phase.positionals + (parsed.positionals.at(-1)?.index ?? 0),
          };
      }
    }
  }
  const extracts = extractTargets(
    program,
    parsed.options,
    parsed.positionals.map((p) => p.word),
    rule,
  );
  const redirectMiss = checkRedirects(cmd, rule, policy);
  if (redirectMiss) return { ...redirectMiss, progress: phase.redirects };
  const miss = pipeMiss();
  if (miss) return miss;
  if (rule.unwrap && parsed.innerStart < cmd.argv.length) {
    const depth = (ctx.depth ?? 0) + 1;
    const inner: SimpleCommand = { ...cmd, argv: cmd.argv.slice(parsed.innerStart), context: "wrapped" };
    if (depth > limits.maxShellDepth) {
      return deny(
        cmd,
        "wrapper-depth",
        `wrappers nested deeper than ${limits.maxShellDepth}`,
        "cannot be allowed by policy",
      );
    }
    const judged = judgeCommand(inner, policy, { ...ctx, depth });
    if (judged.verdict === "deny") {
      return {
        ...judged,
        command: cmd,
        reason: `${program} (rule ${rule.id}) wraps a denied command: ${judged.reason}`,
      };
    }
    const merged = { hosts: [...acc.hosts], env: [...acc.env] };
    collect(merged, { ok: true, hosts: judged.hosts, env: judged.env });
    return {
      ok: true,
      verdict: worstVerdict(rule.verdict, judged.verdict) as "allow" | "review",
      rule: judged.rule,
      reason: `${program} (rule ${rule.id}) wraps: ${judged.reason}`,
      ...merged,
      ...(judged.copies ? { copies: judged.copies } : {}),
      ...(judged.extracts ? { extracts: judged.extracts } : {}),
    };
  }
  return {
    ok: true,
    verdict: rule.verdict,
    rule: rule.id,
    reason:
      rule.verdict === "review"
        ? `rule ${rule.id} matches but needs review${rule.description ? `: ${rule.description}` : ""}`
        : `allowed by rule ${rule.id}`,
    ...acc,
    ...(copies ? { copies } : {}),
    ...(extracts ? { extracts } : {}),
  };
}

// ---------------------------------------------------------------------------------------------
// Commands and steps

const allowedContexts = new Set(["top", "wrapped"]);

/** Judge one simple command. Pure. */
export function judgeCommand(cmd: SimpleCommand, policy: Policy, ctx: JudgeContext = {}): JudgedCommand {
  const argv0 = cmd.argv[0];
  if (!argv0) {
    return deny(
      cmd,
      "no-program",
      "the command has redirects or assignments but no program",
      "cannot be allowed by policy: name a program",
    );
  }
  for (let i = 0; i < cmd.argv.length; i++) {
    const word = cmd.argv[i] as Word;
    if (word.dynamic !== undefined) {
      return deny(
        cmd,
        "dynamic",
        `${i === 0 ? "the program name" : `argument ${i}`} ${quote(word.raw)} is not known statically: ${word.dynamic}`,
        `cannot be allowed by policy: rewrite without ${word.dynamic}`,
      );
    }
  }
  if (argv0.parts.some((p) => p.kind === "env")) {
    return deny(
      cmd,
      "dynamic",
      `the program name ${quote(argv0.raw)} comes from a variable`,
      "cannot be allowed by policy: name the program literally",
    );
  }
  for (const r of cmd.redirects) {
    if (r.target?.dynamic !== undefined) {
      return deny(
        cmd,
        "dynamic",
        `redirect target ${quote(r.target.raw)} is not known statically: ${r.target.dynamic}`,
        `cannot be allowed by policy: rewrite without ${r.target.dynamic}`,
      );
    }
    if (r.target && r.op !== "<<<" && r.target.parts.some((p) => p.kind === "env")) {
      return deny(
        cmd,
        "dynamic",
        `redirect target ${quote(r.target.raw)} comes from a variable`,
        "cannot be allowed by policy: write the path literally",
      );
    }
  }
  if (cmd.assignments.length > 0) {
    const a = cmd.assignments[0] as SimpleCommand["assignments"][number];
    return deny(
      cmd,
      "assignment",
      `the command sets ${a.name}= for ${argv0.value}; environment prefixes can change what a program runs (LD_PRELOAD, PATH, GIT_SSH_COMMAND …)`,
      `cannot be allowed by policy: remove the ${a.name}= prefix`,
    );
  }
  if (!allowedContexts.has(cmd.context)) {
    return deny(
      cmd,
      "construct",
      `${argv0.value} runs inside a ${cmd.context.replace(/-/g, " ")}`,
      `cannot be allowed by policy: rewrite without the ${cmd.context.replace(/-/g, " ")}`,
    );
  }
  const blocked = checkBlocked(cmd, policy);
  if (blocked) return blocked;
  for (const rule of policy.deny) {
    const hit = denyRuleHits(rule, cmd);
    if (hit !== undefined) {
      return deny(
        cmd,
        rule.id,
        `${argv0.value}: ${hit} is denied: ${rule.reason}`,
        `cannot be allowed by policy: deny rule ${rule.id} always wins`,
      );
    }
  }
  const program = argv0.value;
  const candidates = policy.commands.filter((r) => r.program === program || r.program === "*");
  if (candidates.length === 0) {
    return deny(cmd, "default-deny", `no rule allows program ${program}`, defaultDenyFix(program));
  }
  let closest: { rule: CommandRule; miss: RuleMiss } | undefined;
  for (const rule of candidates) {
    const res = tryRule(cmd, rule, policy, ctx);
    if ("command" in res) return res;
    if (res.ok) {
      return {
        command: cmd,
        verdict: res.verdict,
        rule: res.rule,
        reason: res.reason,
        hosts: res.hosts,
        env: res.env,
        ...(res.copies ? { copies: res.copies } : {}),
        ...(res.extracts ? { extracts: res.extracts } : {}),
      };
    }
    if (!closest || res.progress > closest.miss.progress) closest = { rule, miss: res };
  }
  const miss = (closest as { rule: CommandRule; miss: RuleMiss }).miss;
  return deny(cmd, (closest as { rule: CommandRule }).rule.id, miss.reason, miss.fix);
}

function within(
  inner: { start: { offset: number }; end: { offset: number } },
  outer: SimpleCommand["span"],
): boolean {
  return inner.start.offset >= outer.start.offset && inner.end.offset <= outer.end.offset;
}

/** Views of a policy with another workdir, for commands after `cd DIR &&` (a few per policy). */
const cdViews = new WeakMap<Policy, Map<string, Policy>>();
function policyIn(policy: Policy, dir: string): Policy {
  let views = cdViews.get(policy);
  if (!views) {
    views = new Map();
    cdViews.set(policy, views);
  }
  let view = views.get(dir);
  if (!view) {
    // The evaluator's caches are per policy object: keep the views so they stay warm.
    if (views.size >= limits.maxCdViews) views.delete(views.keys().next().value as string);
    view = { ...policy, workdir: dir };
    views.set(dir, view);
  }
  return view;
}

/**
 * The policy each top-level command is judged under, after `cd DIR &&` prefixes: a `cd` the
 * policy allows moves the workdir for the commands after it, when they can only run after the
 * cd succeeded (every operator from the start of its and-or list to the end of the script is
 * `&&`). Anywhere else a cd would leave later commands in a directory that depends on whether it
 * ran, so it is denied (`cdRefused`). Bash resolves `cd DIR` logically (`link/..` is the
 * directory itself), as resolvePath does; CDPATH is never passed to a host command.
 */
function cdWorkdirs(
  analysis: ShellAnalysis,
  policy: Policy,
): { views: Map<SimpleCommand, Policy>; cdRefused: Map<SimpleCommand, string> } {
  const views = new Map<SimpleCommand, Policy>();
  const cdRefused = new Map<SimpleCommand, string>();
  const script = analysis.script;
  if (!script) return { views, cdRefused };
  let current = policy;
  script.pipelines.forEach((pipeline, i) => {
    for (const cmd of pipeline) if (current !== policy) views.set(cmd, current);
    const cmd = pipeline[0];
    if (pipeline.length !== 1 || cmd === undefined || cmd.argv[0]?.value !== "cd") return;
    const target = cmd.argv[1];
    if (cmd.argv.length !== 2 || target === undefined || target.dynamic !== undefined) return;
    if (judgeCommand(cmd, current).verdict !== "allow") return;
    if (target.value === "" || target.value.startsWith("-")) {
      // `cd -` is $OLDPWD; options change how the directory is resolved.
      cdRefused.set(cmd, `cd ${quote(target.value)}: only a directory path is modelled`);
      return;
    }
    const before = script.operators.slice(0, i);
    const listStart = before.lastIndexOf(";") + 1;
    const chained = [...before.slice(listStart), ...script.operators.slice(i)].every((op) => op === "&&");
    if (!chained) {
      cdRefused.set(
        cmd,
        "cd is joined by ; or || here: later commands would run in a directory that depends on whether cd ran",
      );
      return;
    }
    const { workdir } = policyPaths(current);
    current = policyIn(policy, resolvePath(target.value, workdir));
  });
  return { views, cdRefused };
}

/** Judge a step: every simple command in it, pipelines through pipeFrom, problems deny. */
export function judgeStep(step: Step, analysis: ShellAnalysis, policy: Policy): JudgedStep {
  const { views, cdRefused } = cdWorkdirs(analysis, policy);
  const order = analysis.commands
    .map((cmd, i) => ({ cmd, i }))
    .sort(
      (a, b) =>
        a.cmd.pipeline.id - b.cmd.pipeline.id || a.cmd.pipeline.index - b.cmd.pipeline.index || a.i - b.i,
    );
  const stageRule = new Map<string, string | null>();
  const judged: JudgedCommand[] = new Array<JudgedCommand>(analysis.commands.length);
  for (const { cmd, i } of order) {
    const problem = analysis.problems.find((p) => within(p.span, cmd.span));
    if (problem) {
      judged[i] = deny(
        cmd,
        problem.code,
        describeProblem(problem),
        `cannot be allowed by policy: rewrite without ${problem.construct}`,
      );
    } else {
      const previousRule =
        cmd.pipeline.index > 0
          ? (stageRule.get(`${cmd.pipeline.id}:${cmd.pipeline.index - 1}`) ?? null)
          : undefined;
      const refused = cdRefused.get(cmd);
      const view = views.get(cmd);
      judged[i] = refused
        ? deny(cmd, "cd", refused, "use the exec tool's workdir, or `cd DIR && …` with && only")
        : judgeCommand(cmd, view ?? policy, previousRule === undefined ? {} : { previousRule });
      if (view) judged[i] = { ...(judged[i] as JudgedCommand), cwd: policyPaths(view).workdir };
    }
    const j = judged[i] as JudgedCommand;
    stageRule.set(`${cmd.pipeline.id}:${cmd.pipeline.index}`, j.verdict === "deny" ? null : j.rule);
  }
  const never = explainNeverAllowed(analysis.commands, judged);
  let verdict: CommandVerdict;
  const first = analysis.problems[0];
  if (first) {
    verdict = {
      verdict: "deny",
      rule: first.code,
      reason: describeProblem(first),
      fix: `cannot be allowed by policy: rewrite without ${first.construct}`,
    };
  } else if (judged.length === 0) {
    verdict = { verdict: "allow", rule: "empty", reason: "the step runs no commands" };
  } else {
    let worst = judged[0] as JudgedCommand;
    for (const j of judged) if (severity[j.verdict] > severity[worst.verdict]) worst = j;
    verdict = { verdict: worst.verdict, rule: worst.rule, reason: worst.reason };
    if (worst.fix !== undefined) verdict.fix = worst.fix;
    // Fixing any other command would not help: say why the step can never be allowed.
    if (worst.verdict !== "allow" && never !== undefined) verdict.fix = never;
    if (worst.verdict === "allow" && judged.length > 1) {
      verdict.reason = `all ${judged.length} commands allowed (${[...new Set(judged.map((j) => j.rule))].join(", ")})`;
    }
  }
  return { ...verdict, step, analysis, commands: judged };
}

/**
 * A refused shell, interpreter or downloaded-code runner gets a fix saying why no rule should
 * allow it (never "add a commands rule for program bash"), and so does whatever feeds it through
 * a pipe (allowing `curl http://…` is pointless when `sh` runs its output). Returns the first such
 * fix, for the step.
 */
function explainNeverAllowed(
  commands: readonly SimpleCommand[],
  judged: JudgedCommand[],
): string | undefined {
  let first: string | undefined;
  commands.forEach((cmd, i) => {
    const j = judged[i] as JudgedCommand;
    if (j.verdict === "allow") return;
    const feeder = stageBefore(commands, cmd);
    const why = neverAllowReason(cmd, feeder);
    if (why === undefined) return;
    const fix = `${noPolicyFix}: ${why}`;
    judged[i] = { ...j, fix };
    first ??= fix;
    // Every earlier stage of the pipeline only feeds it.
    const program = cmd.argv[0]?.value ?? "";
    commands.forEach((other, k) => {
      const o = judged[k] as JudgedCommand;
      if (
        o.verdict !== "allow" &&
        other.pipeline.id === cmd.pipeline.id &&
        other.pipeline.index < cmd.pipeline.index &&
        neverAllowReason(other, stageBefore(commands, other)) === undefined
      )
        judged[k] = { ...o, fix: `${noPolicyFix}: its output is run by ${program} (see that command)` };
    });
  });
  return first;
}

/**
 * The fix for a program no rule names. A program named by a relative or home path (`./run.sh`,
 * `scripts/x.py`, `~/bin/tool`) is a file in the workspace: a rule for it runs whatever the file
 * holds when the step runs, and other rules (echo > FILE, cp, tar -x) may rewrite it, so the fix
 * says so instead of plainly suggesting the rule.
 */
function defaultDenyFix(program: string): string {
  const plain = `add a commands rule for program ${program} (with the options and arguments it needs)`;
  if (!program.includes("/") || /^\/(usr\/)?s?bin\//.test(program)) return plain;
  return (
    `${plain} only for a script that no allowed rule can rewrite (one in the skill's own folder, ` +
    `which writes cannot reach without a rule naming it): it runs whatever ${program} holds at run time`
  );
}

function stageBefore(commands: readonly SimpleCommand[], cmd: SimpleCommand): SimpleCommand | undefined {
  if (cmd.pipeline.index === 0) return undefined;
  return commands.find(
    (c) => c.pipeline.id === cmd.pipeline.id && c.pipeline.index === cmd.pipeline.index - 1,
  );
}
