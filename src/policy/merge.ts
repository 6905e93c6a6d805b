// Defaults, `extends` merging and the canonical hash of a policy. Input is a schema-valid
// document (or an already loaded base Policy, which has the same shape with defaults filled).

import { createHash } from "node:crypto";
import type {
  CommandRule,
  DenyRule,
  EnvSpec,
  HeartbeatStepSpec,
  NetworkLimits,
  NetworkPolicy,
  OptionSpec,
  Policy,
  PolicyExamples,
  PositionalSpec,
  RedirectSpec,
  ValueSpec,
} from "./types.js";

/** A policy document after schema validation (fields optional, defaults not yet applied). */
export interface RawPolicy {
  $schema?: string;
  name: string;
  description?: string;
  extends?: string[];
  home?: string;
  workdir?: string;
  blockedPaths?: string[];
  env?: Record<string, { secret?: boolean; description?: string }>;
  network?: Partial<NetworkPolicy>;
  sandbox?: Policy["sandbox"];
  heartbeat?: Partial<Omit<Policy["heartbeat"], "steps">> & {
    steps?: Array<Omit<HeartbeatStepSpec, "writes"> & { writes?: boolean }>;
  };
  commands?: Array<Record<string, unknown>>;
  deny?: Array<Record<string, unknown>>;
  examples?: Partial<PolicyExamples>;
}

export const DEFAULT_HOME = "/home/agent";

type Raw = Record<string, unknown>;
const arr = <T>(v: unknown): T[] => (Array.isArray(v) ? (v as T[]) : []);

export function normaliseValue(raw: Raw): ValueSpec {
  switch (raw.type) {
    case "url":
      return {
        type: "url",
        schemes: arr<string>(raw.schemes).length ? arr<string>(raw.schemes) : ["https"],
        hosts: arr<string>(raw.hosts),
        ports: arr<number>(raw.ports),
        paths: arr<string>(raw.paths),
        query: raw.query !== false,
      };
    case "path":
      return {
        type: "path",
        allow: arr<string>(raw.allow),
        write: raw.write === true,
        ...(Array.isArray(raw.except) ? { except: arr<string>(raw.except) } : {}),
      };
    case "enum":
      return { type: "enum", values: arr<string>(raw.values), caseInsensitive: raw.caseInsensitive === true };
    case "integer": {
      const v: ValueSpec & { type: "integer" } = { type: "integer" };
      if (typeof raw.min === "number") v.min = raw.min;
      if (typeof raw.max === "number") v.max = raw.max;
      return v;
    }
    case "string":
      return {
        type: "string",
        match: arr<string>(raw.match),
        maxLength: typeof raw.maxLength === "number" ? raw.maxLength : 256,
        env: arr<string>(raw.env),
        ...(typeof raw.chars === "string" ? { chars: raw.chars } : {}),
        ...(Array.isArray(raw.except) ? { except: arr<string>(raw.except) } : {}),
      };
    case "json":
      return {
        type: "json",
        maxLength: typeof raw.maxLength === "number" ? raw.maxLength : 4096,
        env: arr<string>(raw.env),
      };
    default:
      return { type: "any-flag" };
  }
}

function normaliseOption(raw: Raw): OptionSpec {
  const o: OptionSpec = { names: arr<string>(raw.names), required: raw.required === true };
  if (raw.value && typeof raw.value === "object") o.value = normaliseValue(raw.value as Raw);
  if (typeof raw.max === "number") o.max = raw.max;
  return o;
}

function normalisePositional(raw: Raw): PositionalSpec {
  return {
    value: normaliseValue(raw.value as Raw),
    min: typeof raw.min === "number" ? raw.min : 1,
    max: typeof raw.max === "number" ? raw.max : 1,
  };
}

function normaliseRedirect(raw: Raw): RedirectSpec {
  const r: RedirectSpec = { stream: raw.stream as RedirectSpec["stream"], append: raw.append === true };
  if (raw.target && typeof raw.target === "object") r.target = normaliseValue(raw.target as Raw);
  return r;
}

export function normaliseCommand(raw: Raw): CommandRule {
  const rule: CommandRule = {
    id: String(raw.id),
    program: String(raw.program),
    verdict: raw.verdict === "review" ? "review" : "allow",
    options: arr<Raw>(raw.options).map(normaliseOption),
    endOfOptions: raw.endOfOptions === true,
    positionals: arr<Raw>(raw.positionals).map(normalisePositional),
    redirects: arr<Raw>(raw.redirects).map(normaliseRedirect),
    pipeFrom: arr<string>(raw.pipeFrom),
    unwrap: raw.unwrap === true,
    anyArgs: raw.anyArgs === true,
  };
  if (typeof raw.description === "string") rule.description = raw.description;
  return rule;
}

function normaliseDeny(raw: Raw): DenyRule {
  return {
    id: String(raw.id),
    reason: String(raw.reason),
    programs: arr<string>(raw.programs),
    options: arr<string>(raw.options),
    args: arr<string>(raw.args),
  };
}

const union = (a: readonly string[], b: readonly string[]): string[] => [...new Set([...a, ...b])];

/** Merge by id: the base's order, a same-id rule replaces the base's in place, new ids appended. */
function mergeById<T extends { id: string }>(base: readonly T[], own: readonly T[]): T[] {
  const out = [...base];
  for (const rule of own) {
    const at = out.findIndex((r) => r.id === rule.id);
    if (at >= 0) out[at] = rule;
    else out.push(rule);
  }
  return out;
}

/** network.limits of a policy over its base's, key by key; absent when neither sets any. */
function mergeLimits(
  base: NetworkLimits | undefined,
  own: NetworkLimits | undefined,
): { limits?: NetworkLimits } {
  if (base === undefined && own === undefined) return {};
  return { limits: { ...base, ...own } };
}

/** Apply defaults to one file's document and merge it over its (already loaded) bases. */
export function mergePolicy(own: RawPolicy, bases: readonly Policy[], sources: string[]): Policy {
  const empty: Policy = {
    name: own.name,
    sources: [],
    hash: "",
    home: DEFAULT_HOME,
    workdir: "",
    commands: [],
    deny: [],
    blockedPaths: [],
    env: Object.create(null) as Record<string, EnvSpec>,
    network: { hosts: [], httpHosts: [], ports: [], allowAddresses: [] },
    sandbox: {},
    heartbeat: { autoApproveAllowed: false, keepOldStepsWhilePending: false, steps: [] },
    examples: { allow: [], review: [], deny: [] },
  };
  let acc = empty;
  let workdirSet = false;
  for (const base of bases) {
    acc = {
      ...acc,
      home: base.home,
      workdir: base.workdir,
      commands: mergeById(acc.commands, base.commands),
      deny: mergeById(acc.deny, base.deny),
      blockedPaths: union(acc.blockedPaths, base.blockedPaths),
      env: Object.assign(Object.create(null) as Record<string, EnvSpec>, acc.env, base.env),
      network: {
        hosts: union(acc.network.hosts, base.network.hosts),
        httpHosts: union(acc.network.httpHosts, base.network.httpHosts),
        ports: [...new Set([...acc.network.ports, ...base.network.ports])],
        allowAddresses: union(acc.network.allowAddresses, base.network.allowAddresses),
        ...mergeLimits(acc.network.limits, base.network.limits),
      },
      sandbox: { ...acc.sandbox, ...base.sandbox },
      heartbeat: { ...acc.heartbeat, ...base.heartbeat },
    };
    workdirSet = true;
  }
  const env = Object.assign(Object.create(null) as Record<string, EnvSpec>, acc.env);
  for (const [name, spec] of Object.entries(own.env ?? {})) {
    const e: EnvSpec = { secret: spec.secret !== false };
    if (spec.description !== undefined) e.description = spec.description;
    env[name] = e;
  }
  const home = own.home ?? acc.home;
  const policy: Policy = {
    name: own.name,
    sources,
    hash: "",
    home,
    workdir: own.workdir ?? (workdirSet ? acc.workdir : "~"),
    commands: mergeById(acc.commands, arr<Raw>(own.commands).map(normaliseCommand)),
    deny: mergeById(acc.deny, arr<Raw>(own.deny).map(normaliseDeny)),
    blockedPaths: union(acc.blockedPaths, own.blockedPaths ?? []),
    env,
    network: {
      hosts: union(acc.network.hosts, own.network?.hosts ?? []),
      httpHosts: union(acc.network.httpHosts, own.network?.httpHosts ?? []),
      ports: [...new Set([...acc.network.ports, ...(own.network?.ports ?? [])])],
      allowAddresses: union(acc.network.allowAddresses, own.network?.allowAddresses ?? []),
      ...mergeLimits(acc.network.limits, own.network?.limits),
    },
    sandbox: { ...acc.sandbox, ...(own.sandbox ?? {}) },
    heartbeat: {
      ...acc.heartbeat,
      ...(own.heartbeat ?? {}),
      // A policy's own steps replace its bases' list as a whole.
      steps:
        own.heartbeat?.steps === undefined
          ? acc.heartbeat.steps
          : own.heartbeat.steps.map((s) => ({ ...s, writes: s.writes === true })),
    },
    examples: {
      allow: own.examples?.allow ?? [],
      review: own.examples?.review ?? [],
      deny: own.examples?.deny ?? [],
    },
  };
  if (policy.network.ports.length === 0) policy.network.ports = [443];
  if (own.description !== undefined) policy.description = own.description;
  policy.hash = policyHash(policy);
  return policy;
}

/** JSON with object keys sorted, so equal policies hash equally. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  if (value && typeof value === "object") {
    const entries = Object.keys(value)
      .sort()
      .filter((k) => (value as Record<string, unknown>)[k] !== undefined)
      .map((k) => `${JSON.stringify(k)}:${canonicalJson((value as Record<string, unknown>)[k])}`);
    return `{${entries.join(",")}}`;
  }
  return JSON.stringify(value);
}

/** sha256 of the canonical policy, without its file list, hash and examples. */
export function policyHash(policy: Policy): string {
  const { sources: _s, hash: _h, examples: _e, ...rest } = policy;
  return createHash("sha256").update(canonicalJson(rest)).digest("hex");
}
