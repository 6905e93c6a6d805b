// The judge API: load a policy once, then judge one command text at a time, in-process. The
// answer carries the canonical rendering that was checked: a caller runs that, never the
// original text, so a shell parser divergence can only cause a false deny, never a bypass.

import { createHash } from "node:crypto";
import { isAbsolute } from "node:path";
import type { Finding, JudgedCommand, JudgedStep, SkillModel, Step, Verdict } from "../model.js";
import type { Policy } from "../policy/types.js";
import { SkillwallError, describeError } from "../errors.js";
import { publishDecision } from "../events.js";
import { detectFindings } from "../findings/index.js";
import { limits } from "../limits.js";
import { judgeStep, worstVerdict } from "../policy/evaluate.js";
import { hostPathCheck } from "./host-paths.js";
import { linkPlantingRefusal } from "./link-planting.js";
import { copiedTreeCheck } from "./copy-trees.js";
import { extractedMembersCheck } from "./extract-members.js";
import { loadPolicy } from "../policy/load.js";
import { resolvedScript } from "../run/render.js";
import { analyseShell, initShell } from "../shell/index.js";
import { safeFix } from "./fix.js";

export interface CreateJudgeOptions {
  /** A loaded policy, or a shipped policy name / policy file to load. */
  policy: Policy | string;
  /** Where a relative policy path is resolved (default: process.cwd()). */
  cwd?: string;
  /** Publish a decision event per judgement (the audit sink subscribes). Default true. */
  publish?: boolean;
  /** The `source` of published decisions (default "judge"). */
  source?: string;
  /**
   * Remember the last limits.maxJudgeCache answers per (text, cwd, HOME): agents repeat the same
   * commands all day, and a judgement depends on nothing else. Default true.
   */
  cache?: boolean;
  /**
   * Resolve the path operands of every command that is not denied on this host, at each call
   * (never cached), and judge the command again with where symlinks lead (./host-paths.ts);
   * refuse a part that may plant links followed by one that uses a path (./link-planting.ts).
   * Default true: judged commands run on this host. Turn off only where the command runs in
   * another filesystem view.
   */
  hostPaths?: boolean;
}

export interface JudgeCallOptions {
  /**
   * The directory the command will run in (absolute). Relative paths are checked against it.
   * Default: the policy's workdir (the sandbox's view).
   */
  cwd?: string;
  /** The environment the command will run with; its HOME is what `~` means. Default: the policy's home. */
  env?: Readonly<Record<string, string | undefined>>;
}

export interface Judgement {
  verdict: Verdict;
  /** Rule (or finding id) that decided. */
  rule: string;
  reason: string;
  /** For review and deny: what would change the answer, or why nothing can. */
  fix?: string;
  /** Security findings for the command, worst first. */
  findings: Finding[];
  /** Hosts the command would reach (from typed URL values). */
  hosts: Array<{ host: string; port: number; scheme: string }>;
  /**
   * The bash text that was checked, for allow and review: run exactly this (with
   * `bash --norc --noprofile -c`), never the original text. Absent for deny.
   */
  canonical?: string;
  /** The original text's sha256 (audit records name it, not the text). */
  sha256: string;
  /** The policy's name and hash. */
  policy: { name: string; hash: string };
  /** The full evaluation (every command's verdict), for callers such as `exec` that run it. */
  judged: JudgedStep;
}

export interface Judge {
  readonly policy: Policy;
  judge(commandText: string, opts?: JudgeCallOptions): Judgement;
}

/** Severity at which a finding turns an allowed command into review / deny. */
const reviewAt = new Set(["high"]);
const denyAt = new Set(["critical"]);

/**
 * Load the policy and the shell parser once; the returned judge is synchronous and pure
 * apart from publishing decision events.
 */
export async function createJudge(opts: CreateJudgeOptions): Promise<Judge> {
  const base =
    typeof opts.policy === "string"
      ? await loadPolicy(opts.policy, opts.cwd === undefined ? {} : { cwd: opts.cwd })
      : opts.policy;
  await initShell();
  const views = new Map<string, Policy>();
  const viewOf = (home: string, workdir: string): Policy => {
    if (home === base.home && workdir === base.workdir) return base;
    const key = `${home}\0${workdir}`;
    let view = views.get(key);
    if (!view) {
      // The evaluator caches per policy object: one view per (home, cwd) pair, a few at most.
      if (views.size >= limits.maxJudgeViews) views.delete(views.keys().next().value as string);
      view = { ...base, home, workdir };
      views.set(key, view);
    }
    return view;
  };
  const publish = opts.publish ?? true;
  const cache = opts.cache === false ? undefined : new Map<string, Judgement>();
  const source = opts.source ?? "judge";
  const hostPaths = opts.hostPaths ?? true;
  return {
    policy: base,
    judge(text, call = {}) {
      const home = call.env?.HOME ?? base.home;
      const workdir = call.cwd ?? base.workdir;
      if (!isAbsolute(home) || (call.cwd !== undefined && !isAbsolute(workdir))) {
        throw new SkillwallError(
          "JUDGE_BAD_CONTEXT",
          `cwd and HOME must be absolute paths (got ${workdir}, ${home})`,
          {
            fix: "pass the absolute directory the command runs in",
          },
        );
      }
      const key = `${home}\0${workdir}\0${text}`;
      let j = cache?.get(key);
      if (j) {
        // Most recently used last: the oldest entry is the first one dropped.
        cache?.delete(key);
        cache?.set(key, j);
      } else {
        j = Object.freeze(judgeText(text, viewOf(home, workdir)));
        if (cache) {
          if (cache.size >= limits.maxJudgeCache) cache.delete(cache.keys().next().value as string);
          cache.set(key, j);
        }
      }
      // The filesystem changes between calls: where paths lead is looked up every time.
      if (hostPaths && j.verdict !== "deny") {
        // Paths are resolved before any part runs: no part may create links a later part uses.
        const planted = linkPlantingRefusal(j.judged);
        if (planted) {
          const out: Judgement = { ...j, verdict: "deny", ...planted };
          delete out.canonical;
          j = Object.freeze(out);
        } else {
          const view = viewOf(home, workdir);
          try {
            j = hostPathCheck(j, view, (dir) => viewOf(home, dir));
            // The names a copy or move writes below its destination exist only on the host.
            if (j.verdict !== "deny") j = copiedTreeCheck(j, view, (dir) => viewOf(home, dir));
            // So do the members an extraction writes (tar -x, unzip).
            if (j.verdict !== "deny") j = extractedMembersCheck(j, view, (dir) => viewOf(home, dir));
          } catch (err) {
            // A tree too big to check or a place that cannot be listed: a denial, not an error.
            if (!(err instanceof SkillwallError)) throw err;
            const out: Judgement = { ...j, verdict: "deny", rule: "host-paths", reason: err.message };
            if (err.fix !== undefined) out.fix = err.fix;
            delete out.canonical;
            j = Object.freeze(out);
          }
        }
      }
      if (publish) {
        publishDecision({
          source,
          sha256: j.sha256,
          file: "<command>",
          line: 1,
          column: 1,
          argv: j.judged.commands.flatMap((c) => c.command.argv.map((w) => w.value)),
          verdict: j.verdict,
          rule: j.rule,
          reason: j.reason,
        });
      }
      return j;
    },
  };
}

function judgeText(text: string, policy: Policy): Judgement {
  const sha256 = createHash("sha256").update(text).digest("hex");
  const step: Step = {
    id: "<command>#1:1",
    kind: "inline",
    file: "<command>",
    line: 1,
    column: 1,
    text,
    offset: 0,
    install: true,
  };
  const analysis = analyseShell(text, { home: policy.home });
  const judged = judgeStep(step, analysis, policy);
  const model: SkillModel = {
    source: "<command>",
    file: "<command>",
    sha256,
    text,
    steps: [step],
    links: [],
    code: [],
    segments: [],
    bundled: [],
    warnings: [],
  };
  // A denied command is decided without findings (they can only make it worse): computed on
  // first read, so the gate's hot path skips the security review for refusals.
  let found: Finding[] | undefined;
  const findingsOf = (): Finding[] => (found ??= detectFindings(model, new Map([[step.id, analysis]])));
  const worst: JudgedCommand | undefined = judged.commands.find((c) => c.verdict === judged.verdict);
  let verdict: Verdict = judged.verdict;
  let rule = judged.rule;
  let reason = judged.reason;
  let fix = verdict === "deny" ? safeFix(worst?.command, judged.fix) : judged.fix;
  // A finding the policy did not catch still holds the command back.
  const findings = verdict === "deny" ? [] : findingsOf();
  const bad = findings.find((f) => denyAt.has(f.severity)) ?? findings.find((f) => reviewAt.has(f.severity));
  if (bad) {
    const next = worstVerdict(verdict, denyAt.has(bad.severity) ? "deny" : "review");
    if (next !== verdict) {
      verdict = next;
      rule = bad.id;
      reason = `${bad.severity} finding ${bad.id}: ${bad.message}`;
      fix =
        "cannot be allowed by policy: the security review flags this command; rewrite it without what the finding names";
    }
  }
  const hosts = dedupeHosts(judged.commands.flatMap((c) => c.hosts));
  const out = {
    verdict,
    rule,
    reason,
    get findings(): Finding[] {
      return findingsOf();
    },
    hosts,
    sha256,
    policy: { name: policy.name, hash: policy.hash },
    judged,
  } as Judgement;
  if (fix !== undefined) out.fix = fix;
  if (verdict !== "deny") {
    try {
      out.canonical = resolvedScript(analysis);
    } catch (err) {
      // Nothing runs that has no checked form.
      return {
        ...out,
        findings: findingsOf(),
        verdict: "deny",
        rule: "unresolved",
        reason: describeError(err),
        fix: "rewrite the command so every word is static",
      };
    }
  }
  return out;
}

function dedupeHosts(hosts: Judgement["hosts"]): Judgement["hosts"] {
  const seen = new Map<string, Judgement["hosts"][number]>();
  for (const h of hosts) seen.set(`${h.scheme}://${h.host}:${h.port}`, h);
  return [...seen.values()];
}
