// Typed values: does one resolved word satisfy a ValueSpec? Pure; every failure says why and
// what policy change would accept it.

import type { Word } from "../model.js";
import type { Policy, ValueSpec } from "./types.js";
import { compilePath, compiledPathMatch, globMatch, type CompiledPathGlob } from "./glob.js";
import { normaliseGlob, resolvePath } from "./paths.js";
import { unnamedProtectedWrite } from "./protected.js";
import { checkUrl } from "./url.js";
import { envNames, isLiteral, unquotedExpansions } from "./words.js";

export interface ValueOk {
  ok: true;
  hosts: Array<{ host: string; port: number; scheme: string }>;
  env: string[];
}
export interface ValueFail {
  ok: false;
  reason: string;
  fix: string;
}
export type ValueResult = ValueOk | ValueFail;

export interface ValueContext {
  policy: Policy;
  /** "commands[curl-api] option -H" — where the spec lives, for fixes. */
  where: string;
  /** "argument 3 'x'" — what is being judged, for reasons. */
  what: string;
  /** The value is a file the command writes (a redirect to a file), whatever the spec says. */
  write?: boolean;
}

const ok = (env: string[] = [], hosts: ValueOk["hosts"] = []): ValueOk => ({ ok: true, hosts, env });

function describeSpec(spec: ValueSpec): string {
  switch (spec.type) {
    case "any-flag":
      return "no value";
    case "url":
      return `a ${spec.schemes.join("/")} URL to ${spec.hosts.join(", ") || "(no hosts)"}`;
    case "path":
      return `a path under ${spec.allow.join(", ") || "(nothing)"}`;
    case "enum":
      return `one of ${spec.values.join(", ")}`;
    case "integer":
      return `an integer${spec.min !== undefined ? ` >= ${spec.min}` : ""}${spec.max !== undefined ? ` <= ${spec.max}` : ""}`;
    case "string":
      return spec.match.length
        ? `a string matching ${spec.match.map((m) => JSON.stringify(m)).join(" or ")}`
        : "a string";
    case "json":
      return "a JSON document";
  }
}

/** Env parts are allowed only where the spec lists them, the policy declares them, and quoted. */
function checkEnv(word: Word, allowed: readonly string[], ctx: ValueContext): ValueResult {
  const names = envNames(word);
  for (const name of names) {
    if (!allowed.includes(name)) {
      return {
        ok: false,
        reason: `${ctx.what} expands $${name}, which ${ctx.where} does not allow`,
        fix: `add ${name} to env of ${ctx.where} (and declare it under top-level env)`,
      };
    }
    if (!Object.hasOwn(ctx.policy.env, name)) {
      return {
        ok: false,
        reason: `${ctx.what} expands $${name}, which the policy does not declare`,
        fix: `declare ${name} under top-level env`,
      };
    }
  }
  const unquoted = unquotedExpansions(word.raw).find((n) => names.includes(n));
  if (unquoted !== undefined) {
    return {
      ok: false,
      reason: `${ctx.what} expands $${unquoted} without double quotes, so the shell would split and glob it`,
      fix: `cannot be allowed by policy: write "$${unquoted}" in double quotes`,
    };
  }
  return ok(names);
}

function needLiteral(word: Word, ctx: ValueContext, spec: ValueSpec): ValueFail | undefined {
  if (isLiteral(word)) return undefined;
  const names = envNames(word);
  return {
    ok: false,
    reason: `${ctx.what} is not a literal value${names.length ? ` (expands $${names.join(", $")})` : ""}; ${ctx.where} expects ${describeSpec(spec)}`,
    fix: "cannot be allowed by policy: only string and json values may expand environment variables",
  };
}

const allowCache = new WeakMap<readonly string[], { key: string; globs: CompiledPathGlob[] }>();

/** Path allow globs made absolute and compiled; cached per spec list (keyed again by home and workdir). */
function tooLong(value: string, maxLength: number, ctx: ValueContext): ValueFail | undefined {
  if (value.length <= maxLength) return undefined;
  return {
    ok: false,
    reason: `${ctx.what} is ${value.length} characters, longer than ${maxLength}`,
    fix: `raise maxLength of ${ctx.where}`,
  };
}

function normalisedAllow(allow: readonly string[], home: string, workdir: string): CompiledPathGlob[] {
  const key = `${home}\0${workdir}`;
  const hit = allowCache.get(allow);
  if (hit && hit.key === key) return hit.globs;
  const globs = allow.map((g) => compilePath(normaliseGlob(g, home, workdir)));
  allowCache.set(allow, { key, globs });
  return globs;
}

export function matchValue(word: Word, spec: ValueSpec, ctx: ValueContext): ValueResult {
  if (word.dynamic !== undefined) {
    return {
      ok: false,
      reason: `${ctx.what} is not known statically (${word.dynamic})`,
      fix: `cannot be allowed by policy: rewrite without ${word.dynamic}`,
    };
  }
  const value = word.value;
  switch (spec.type) {
    case "any-flag":
      return { ok: false, reason: `${ctx.what}: the option takes no value`, fix: `remove the value` };
    case "url": {
      const lit = needLiteral(word, ctx, spec);
      if (lit) return lit;
      const res = checkUrl(value, spec, ctx.what);
      if (!res.ok) return { ok: false, reason: res.reason, fix: `${res.fix} (in ${ctx.where})` };
      return ok([], [{ host: res.host, port: res.port, scheme: res.scheme }]);
    }
    case "path": {
      const lit = needLiteral(word, ctx, spec);
      if (lit) return lit;
      if (value === "") return { ok: false, reason: `${ctx.what} is an empty path`, fix: "give a path" };
      const { home, workdir } = ctx.policy;
      const resolved = resolvePath(value, normaliseGlob(workdir, home, home));
      const globs = normalisedAllow(spec.allow, home, workdir);
      const except = spec.except ?? [];
      const exceptGlobs = normalisedAllow(except, home, workdir);
      const hit = except.find((_, i) => {
        const g = exceptGlobs[i];
        return g !== undefined && compiledPathMatch(g, resolved);
      });
      if (hit !== undefined) {
        return {
          ok: false,
          reason: `${ctx.what} resolves to ${resolved}, which matches the exception '${hit}' of ${ctx.where}`,
          fix: "cannot be allowed by this rule: choose another name or place",
        };
      }
      if (globs.some((g) => compiledPathMatch(g, resolved))) {
        if (!spec.write && !ctx.write) return ok();
        const guarded = unnamedProtectedWrite(
          resolved,
          globs.map((g) => g.pattern),
          home,
          ctx.policy.ownSkillFolders,
        );
        if (guarded === undefined) return ok();
        return {
          ok: false,
          reason: `${ctx.what} writes ${resolved}, one of the agent's own files (instructions, memory, configuration, start-up files or a skill's folder: ${guarded})`,
          fix: `a broad glob does not cover it: only a rule whose allow list names it ('${resolved}') can allow this write (in ${ctx.where})`,
        };
      }
      return {
        ok: false,
        reason: `${ctx.what} resolves to ${resolved}, which is not under ${spec.allow.join(", ") || "any allowed path"}`,
        fix: `add '${resolved}' (or a glob for it) to the path allow list of ${ctx.where}`,
      };
    }
    case "enum": {
      const lit = needLiteral(word, ctx, spec);
      if (lit) return lit;
      const hit = spec.caseInsensitive
        ? spec.values.some((v) => v.toLowerCase() === value.toLowerCase())
        : spec.values.includes(value);
      if (hit) return ok();
      return {
        ok: false,
        reason: `${ctx.what} is '${value}', not ${describeSpec(spec)}`,
        fix: `add '${value}' to the enum values of ${ctx.where}`,
      };
    }
    case "integer": {
      const lit = needLiteral(word, ctx, spec);
      if (lit) return lit;
      const n = /^[0-9]{1,15}$/.test(value) ? Number(value) : Number.NaN;
      if (
        !Number.isNaN(n) &&
        (spec.min === undefined || n >= spec.min) &&
        (spec.max === undefined || n <= spec.max)
      ) {
        return ok();
      }
      return {
        ok: false,
        reason: `${ctx.what} is '${value}', not ${describeSpec(spec)}`,
        fix: `widen the integer range of ${ctx.where}`,
      };
    }
    case "string": {
      const env = checkEnv(word, spec.env, ctx);
      if (!env.ok) return env;
      const long = tooLong(value, spec.maxLength, ctx);
      if (long) return long;
      if (spec.chars !== undefined) {
        const allowed = spec.chars;
        const bad = Array.from(value).find((c) => !allowed.includes(c));
        if (bad !== undefined) {
          return {
            ok: false,
            reason: `${ctx.what} '${value}' contains ${JSON.stringify(bad)}, not one of ${JSON.stringify(allowed)}`,
            fix: `rewrite it with the characters ${JSON.stringify(allowed)} only (${ctx.where})`,
          };
        }
      }
      const excepted = spec.except?.find((g) => globMatch(g, value));
      if (excepted !== undefined)
        return {
          ok: false,
          reason: `${ctx.what} '${value}' matches the exception ${JSON.stringify(excepted)} of ${ctx.where}`,
          fix: `name a value the exception does not cover (${ctx.where})`,
        };
      if (spec.match.length === 0 || spec.match.some((g) => globMatch(g, value))) return env;
      return {
        ok: false,
        reason: `${ctx.what} is '${value}', not ${describeSpec(spec)}`,
        fix: `add ${JSON.stringify(value)} (or a glob for it) to the match list of ${ctx.where}`,
      };
    }
    case "json": {
      const env = checkEnv(word, spec.env, ctx);
      if (!env.ok) return env;
      const long = tooLong(value, spec.maxLength, ctx);
      if (long) return long;
      // Env parts must sit inside JSON strings: a bare placeholder is invalid JSON.
      const probe = word.parts.map((p) => (p.kind === "env" ? "SKILLWALL_ENV" : p.value)).join("");
      try {
        JSON.parse(probe);
        return env;
      } catch {
        return {
          ok: false,
          reason: `${ctx.what} is not a JSON document ('${value.slice(0, 60)}')`,
          fix: "cannot be allowed by policy: send a literal JSON body (files via @path are not allowed here)",
        };
      }
    }
  }
}
