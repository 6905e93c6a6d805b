// Loading a policy: a shipped name or a path; YAML or JSON; schema check with line:column and a
// fix; `extends`; semantic checks (env declared, pipeFrom ids exist, unique ids); examples run
// through the shell analyser and evaluator. Every failure is a PolicyError — never a fallback.

import type { FileHandle } from "node:fs/promises";
import { existsSync } from "node:fs";
import { dirname, extname, isAbsolute, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { LineCounter, isMap, parseDocument, type Document, type Node } from "yaml";
import { PolicyError } from "../errors.js";
import { readCapped } from "../hostfs/capped-read.js";
import { HostFsError, openOperatorFile } from "../hostfs/host-dir.js";
import { limits } from "../limits.js";
import { analyseShell, initShell } from "../shell/index.js";
import type { Step } from "../model.js";
import { judgeStep } from "./evaluate.js";
import { mergePolicy, type RawPolicy } from "./merge.js";
import { isOpenClawConfig, openClawToPolicy, validateOpenClaw } from "./openclaw.js";
import { formatPath, validatePolicyDocument } from "./schema.js";
import { fromShippedCache, readShippedCache, type ShippedCache } from "./shipped-cache.js";
import type { Policy, ValueSpec } from "./types.js";

/** policies/ next to the package: two levels up from src/policy/ and from dist/policy/. */
export const policiesDir = fileURLToPath(new URL("../../policies/", import.meta.url));
export const schemaPath = join(policiesDir, "schema.json");

const shippedName = /^[a-z0-9][a-z0-9-]*$/;

export interface LoadOptions {
  cwd?: string;
  /** Run the examples (default true). */
  checkExamples?: boolean;
}

/** A parsed policy file with what is needed to point at a line. */
interface ParsedFile {
  file: string;
  doc: Document.Parsed;
  lines: LineCounter;
  data: unknown;
}

type Path = Array<string | number>;

function locate(parsed: ParsedFile, path: Path): { line?: number; column?: number } {
  // Walk down as far as the document goes, so a missing key points at its parent.
  for (let n = path.length; n >= 0; n--) {
    const node = parsed.doc.getIn(path.slice(0, n), true) as Node | undefined;
    const range = node && typeof node === "object" && "range" in node ? node.range : undefined;
    if (range) {
      // For a key, point at the key rather than the value.
      let offset = range[0];
      const parent = n > 0 ? (parsed.doc.getIn(path.slice(0, n - 1), true) as unknown) : parsed.doc.contents;
      if (isMap(parent)) {
        const pair = parent.items.find((p) => (p.key as { value?: unknown } | null)?.value === path[n - 1]);
        const keyRange = (pair?.key as { range?: [number, number, number] } | null)?.range;
        if (keyRange) offset = keyRange[0];
      }
      const pos = parsed.lines.linePos(offset);
      return { line: pos.line, column: pos.col };
    }
  }
  return {};
}

function policyError(
  parsed: ParsedFile,
  code: string,
  path: Path,
  message: string,
  fix: string,
): PolicyError {
  const at = locate(parsed, path);
  const where = at.line !== undefined ? `${parsed.file}:${at.line}:${at.column}` : parsed.file;
  const location: { file: string; path: string; line?: number; column?: number } = {
    file: parsed.file,
    path: formatPath(path),
  };
  if (at.line !== undefined) location.line = at.line;
  if (at.column !== undefined) location.column = at.column;
  // The fix is part of the message (one line to read); describeError would repeat options.fix.
  return new PolicyError(code, `${where}: ${message}; fix: ${fix}`, { location });
}

/**
 * A policy file's text, opened once (hostfs openOperatorFile: a symlink planted in someone else's
 * folder is refused, a FIFO or device never opened) and read through that descriptor up to the
 * cap: what was checked is what is read, however the name changes meanwhile (rt12 R3).
 */
async function readPolicyText(file: string): Promise<string> {
  const location = { file, path: "(file)" };
  let opened: { handle: FileHandle; size: number } | undefined;
  try {
    opened = await openOperatorFile(file);
  } catch (err) {
    const why =
      err instanceof HostFsError ? err.message : `${(err as NodeJS.ErrnoException).code ?? "error"}`;
    const missing = err instanceof HostFsError && /does not exist/.test(err.message);
    throw new PolicyError(
      missing ? "POLICY_NOT_FOUND" : "POLICY_UNREADABLE",
      `policy file ${file} cannot be read (${why})`,
      {
        fix:
          err instanceof HostFsError
            ? (err.fix ?? "give the path of a .yaml or .json policy file")
            : "check its permissions",
        location,
        cause: err,
      },
    );
  }
  if (opened === undefined) {
    throw new PolicyError("POLICY_NOT_FOUND", `policy file ${file} does not exist`, {
      fix: `check the path, or use a shipped policy: ${shippedPolicies().join(", ")}`,
      location,
    });
  }
  const { handle } = opened;
  try {
    const tooLarge = (size: number): PolicyError =>
      new PolicyError("POLICY_TOO_LARGE", `${file}: ${size} bytes is more than ${limits.maxPolicyBytes}`, {
        fix: "split it with extends",
        location,
      });
    if (opened.size > limits.maxPolicyBytes) throw tooLarge(opened.size);
    return (await readCapped(handle, limits.maxPolicyBytes, tooLarge)).toString("utf8");
  } catch (err) {
    if (err instanceof PolicyError) throw err;
    throw new PolicyError("POLICY_UNREADABLE", `policy file ${file} cannot be read`, {
      fix: "check its permissions",
      location,
      cause: err,
    });
  } finally {
    await handle.close();
  }
}

async function readPolicyFile(file: string): Promise<ParsedFile> {
  const text = await readPolicyText(file);
  const location = { file, path: "(file)" };
  if (commentsOnly(text)) {
    throw new PolicyError("POLICY_EMPTY", `policy file ${file} is empty`, {
      fix: "write at least `name: my-policy` (see docs/policy.md)",
      location,
    });
  }
  const lines = new LineCounter();
  const doc = parseDocument(text, {
    lineCounter: lines,
    prettyErrors: false,
    uniqueKeys: true,
    logLevel: "error",
  });
  const first = doc.errors[0];
  if (first) {
    const pos = lines.linePos(first.pos[0]);
    throw new PolicyError(
      "POLICY_SYNTAX",
      `${file}:${pos.line}:${pos.col}: ${first.message.split("\n")[0] ?? "syntax error"}`,
      {
        fix: `fix the ${extname(file) === ".json" ? "JSON" : "YAML"} syntax at line ${pos.line}`,
        location: { file, path: "(syntax)", line: pos.line, column: pos.col },
      },
    );
  }
  let data: unknown;
  try {
    data = doc.toJS({ maxAliasCount: limits.maxPolicyAliasNodes });
  } catch (e) {
    throw new PolicyError("POLICY_SYNTAX", `${file}: ${(e as Error).message}`, {
      fix: /alias count/i.test((e as Error).message)
        ? `use fewer or smaller aliases (*name): they may expand to at most ${limits.maxPolicyAliasNodes} nodes`
        : "define each anchor (&name) before its aliases (*name)",
      location: { file, path: "(syntax)", line: 1, column: 1 },
    });
  }
  if (data === null || data === undefined) {
    throw new PolicyError("POLICY_EMPTY", `policy file ${file} is empty`, {
      fix: "write at least `name: my-policy`",
      location,
    });
  }
  return { file, doc, lines, data };
}

export function shippedPolicies(): string[] {
  const names = ["baseline", "default", "moltbook", "common-tools", "sandbox-only", "agent"];
  return names.filter((n) => existsSync(join(policiesDir, `${n}.yaml`)));
}

/** A bare name of a shipped policy, else a path relative to `base`. */
export function resolvePolicyRef(ref: string, base: string): string {
  if (shippedName.test(ref)) {
    const shipped = join(policiesDir, `${ref}.yaml`);
    if (existsSync(shipped)) return shipped;
  }
  return isAbsolute(ref) ? ref : resolve(base, ref);
}

function valueSpecs(rule: Policy["commands"][number]): Array<{ spec: ValueSpec; path: Path }> {
  const out: Array<{ spec: ValueSpec; path: Path }> = [];
  rule.options.forEach((o, i) => o.value && out.push({ spec: o.value, path: ["options", i, "value"] }));
  rule.positionals.forEach((p, i) => out.push({ spec: p.value, path: ["positionals", i, "value"] }));
  rule.redirects.forEach(
    (r, i) => r.target && out.push({ spec: r.target, path: ["redirects", i, "target"] }),
  );
  return out;
}

/** Checks the schema cannot express, reported against the file's own rules. */
function semanticChecks(parsed: ParsedFile, raw: RawPolicy, policy: Policy): void {
  const ownIds = new Map<string, number>();
  (raw.commands ?? []).forEach((c, i) => {
    const id = String(c.id);
    if (ownIds.has(id)) {
      throw policyError(
        parsed,
        "POLICY_INVALID",
        ["commands", i, "id"],
        `commands[${i}].id '${id}' is used twice (also commands[${ownIds.get(id)}])`,
        "give every rule a unique id",
      );
    }
    ownIds.set(id, i);
  });
  const denyIds = new Set<string>();
  (raw.deny ?? []).forEach((d, i) => {
    const id = String(d.id);
    if (denyIds.has(id))
      throw policyError(
        parsed,
        "POLICY_INVALID",
        ["deny", i, "id"],
        `deny[${i}].id '${id}' is used twice`,
        "give every deny rule a unique id",
      );
    denyIds.add(id);
  });
  const stepIds = new Map<string, number>();
  (raw.heartbeat?.steps ?? []).forEach((st, i) => {
    if (stepIds.has(st.id))
      throw policyError(
        parsed,
        "POLICY_INVALID",
        ["heartbeat", "steps", i, "id"],
        `heartbeat.steps[${i}].id '${st.id}' is used twice (also heartbeat.steps[${stepIds.get(st.id)}])`,
        "give every heartbeat step a unique id",
      );
    stepIds.set(st.id, i);
    // Each step becomes one fenced block of a generated document: a fence inside would split it.
    if (/^\s*(?:```|~~~)/m.test(st.run))
      throw policyError(
        parsed,
        "POLICY_INVALID",
        ["heartbeat", "steps", i, "run"],
        `heartbeat.steps[${i}].run contains a code fence (\`\`\` or ~~~)`,
        "write the step as plain shell text",
      );
  });
  const allIds = new Set(policy.commands.map((r) => r.id));
  for (const [id, i] of ownIds) {
    const rule = policy.commands.find((r) => r.id === id);
    if (!rule) continue;
    rule.pipeFrom.forEach((from, k) => {
      if (from !== "*" && !allIds.has(from)) {
        throw policyError(
          parsed,
          "POLICY_INVALID",
          ["commands", i, "pipeFrom", k],
          `commands[${i}].pipeFrom[${k}] names rule '${from}', which does not exist`,
          `use one of: ${[...allIds].join(", ")}, or "*"`,
        );
      }
    });
    if (rule.program === "*" && !rule.anyArgs) {
      throw policyError(
        parsed,
        "POLICY_INVALID",
        ["commands", i, "program"],
        `commands[${i}].program '*' is only allowed with anyArgs: true`,
        "name the program, or add anyArgs: true for a catch-all",
      );
    }
    for (const { spec, path } of valueSpecs(rule)) {
      if (spec.type !== "string" && spec.type !== "json") continue;
      spec.env.forEach((name, k) => {
        if (!Object.hasOwn(policy.env, name)) {
          throw policyError(
            parsed,
            "POLICY_INVALID",
            ["commands", i, ...path, "env", k],
            `commands[${i}].${formatPath([...path, "env", k])} uses env ${name}, which is not declared under top-level env`,
            `add 'env: { ${name}: { secret: true } }' at the top level`,
          );
        }
      });
    }
    if (rule.unwrap && rule.positionals.some((p) => p.max > 16)) {
      throw policyError(
        parsed,
        "POLICY_INVALID",
        ["commands", i, "positionals"],
        `commands[${i}] unwraps but lets its own positionals take more than 16 arguments`,
        "bound the wrapper's positionals (max <= 16)",
      );
    }
  }
}

function fakeStep(text: string, file: string): Step {
  return { id: `${file}#example`, kind: "fenced", file, line: 1, column: 1, text, offset: 0, install: false };
}

async function checkExamples(parsed: ParsedFile, policy: Policy): Promise<number> {
  await initShell();
  let count = 0;
  for (const expected of ["allow", "review", "deny"] as const) {
    const list = policy.examples[expected];
    for (let i = 0; i < list.length; i++) {
      const text = list[i] as string;
      const judged = judgeStep(
        fakeStep(text, parsed.file),
        analyseShell(text, { home: policy.home }),
        policy,
      );
      count++;
      if (judged.verdict !== expected) {
        throw policyError(
          parsed,
          "POLICY_EXAMPLE_FAILED",
          ["examples", expected, i],
          `example examples.${expected}[${i}] '${text}' is ${judged.verdict} (rule ${judged.rule}: ${judged.reason}), expected ${expected}`,
          judged.verdict === "deny" && judged.fix
            ? judged.fix
            : `change the rules so it is ${expected}, or move the example to examples.${judged.verdict}`,
        );
      }
    }
  }
  return count;
}

async function loadFile(file: string, chain: string[], opts: LoadOptions): Promise<Policy> {
  const parsed = await readPolicyFile(file);
  if (isOpenClawConfig(parsed.data)) {
    const issues = validateOpenClaw(parsed.data);
    if (issues) throw policyError(parsed, "POLICY_INVALID", issues.path, issues.message, issues.fix);
    const base = await loadFile(join(policiesDir, "common-tools.yaml"), [...chain, file], {
      ...opts,
      checkExamples: false,
    });
    return openClawToPolicy(parsed.data as Record<string, unknown>, base, file);
  }
  const issues = validatePolicyDocument(parsed.data, schemaPath);
  const first = issues[0];
  if (first) {
    const more =
      issues.length > 1
        ? ` (and ${issues.length - 1} more: ${issues
            .slice(1, 4)
            .map((i) => i.message)
            .join("; ")})`
        : "";
    throw policyError(parsed, "POLICY_INVALID", first.path, first.message + more, first.fix);
  }
  const raw = parsed.data as RawPolicy;
  const bases: Policy[] = [];
  const refs = raw.extends ?? [];
  for (let i = 0; i < refs.length; i++) {
    const ref = refs[i] as string;
    const target = resolvePolicyRef(ref, dirname(file));
    if (target === file || chain.includes(target)) {
      throw policyError(
        parsed,
        "POLICY_EXTENDS_CYCLE",
        ["extends", i],
        `extends[${i}] '${ref}' forms a cycle (${[...chain, file, target].join(" -> ")})`,
        "remove one of the extends entries in the cycle",
      );
    }
    if (chain.length + 1 > limits.maxPolicyExtends) {
      throw policyError(
        parsed,
        "POLICY_EXTENDS_DEPTH",
        ["extends", i],
        `extends[${i}] '${ref}' makes the extends chain deeper than ${limits.maxPolicyExtends}`,
        "flatten the chain of extends",
      );
    }
    try {
      bases.push(await loadFile(target, [...chain, file], { ...opts, checkExamples: false }));
    } catch (err) {
      if (err instanceof PolicyError && err.code === "POLICY_NOT_FOUND" && err.location?.file === target) {
        throw policyError(
          parsed,
          "POLICY_EXTENDS_NOT_FOUND",
          ["extends", i],
          `extends[${i}] '${ref}' is neither a shipped policy nor a file (${target})`,
          `use one of ${shippedPolicies().join(", ")} or a path relative to ${dirname(file)}`,
        );
      }
      if (err instanceof PolicyError && err.code === "POLICY_UNREADABLE") {
        throw policyError(
          parsed,
          "POLICY_EXTENDS_UNREADABLE",
          ["extends", i],
          `extends[${i}] '${ref}' cannot be read: ${err.message}`,
          `point extends[${i}] at a readable policy file`,
        );
      }
      throw err;
    }
  }
  const sources = [...new Set([...bases.flatMap((b) => b.sources), file])];
  const policy = mergePolicy(raw, bases, sources);
  semanticChecks(parsed, raw, policy);
  if (opts.checkExamples !== false) await checkExamples(parsed, policy);
  return policy;
}

/**
 * Load a policy by shipped name ("moltbook") or path (.yaml/.yml/.json, or an OpenClaw
 * config.yaml with a top-level `permissions` key). Throws PolicyError on any problem.
 */
export async function loadPolicy(nameOrPath: string, opts: LoadOptions = {}): Promise<Policy> {
  if (nameOrPath.trim() === "") {
    throw new PolicyError("POLICY_NOT_FOUND", "no policy named", {
      fix: `use one of ${shippedPolicies().join(", ")} or a path`,
    });
  }
  const file = resolvePolicyRef(nameOrPath, opts.cwd ?? process.cwd());
  // A shipped policy whose files are byte-identical to the ones checked at build time.
  if (file.startsWith(policiesDir)) {
    const cached = await fromShippedCache(await shippedCache(), file, policiesDir);
    if (cached !== undefined) return cached;
  }
  return loadFile(file, [], opts);
}

let shippedCacheRead: Promise<ShippedCache | undefined> | undefined;
function shippedCache(): Promise<ShippedCache | undefined> {
  shippedCacheRead ??= readShippedCache(new URL("./shipped-policies.json", import.meta.url));
  return shippedCacheRead;
}

/** Count of examples in a loaded policy (for `policy check`). */
export function exampleCount(policy: Policy): number {
  return policy.examples.allow.length + policy.examples.review.length + policy.examples.deny.length;
}

/**
 * True when every line is blank or a comment. Line by line: the one regex this replaces,
 * /^(\s*#.*\n?)*\s*$/, backtracked exponentially (a newline was either the comment's end or
 * the next line's indent): 22 comment lines before a key took 2.5 s, 30 would take hours.
 */
export function commentsOnly(text: string): boolean {
  return text.split(/[\n\r\u2028\u2029]/).every((line) => /^\s*(?:#|$)/.test(line));
}
