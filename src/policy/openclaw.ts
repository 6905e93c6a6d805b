// OpenClaw-style config.yaml (a top-level `permissions` key) mapped onto common-tools. Every
// permission that is absent counts as false / none: the mapping only ever narrows
// common-tools, except allow_code_execution, which adds interpreter rules as `review`.

import { createRequire } from "node:module";
import type { ValidateFunction } from "ajv";
import type { CommandRule, Policy, ValueSpec } from "./types.js";
import { policyHash } from "./merge.js";
import { formatPath, pointerToPath } from "./schema.js";

/** The skill workspace of common-tools (kept in step with policies/common-tools.yaml). */
export const workspaceGlobs = ["~/.openclaw/workspace/**", "~/.openclaw/skills/**", "~/.moltbot/skills/**"];

const permissionsSchema = {
  type: "object",
  required: ["permissions"],
  properties: {
    name: { type: "string", minLength: 1 },
    description: { type: "string" },
    permissions: {
      type: "object",
      additionalProperties: false,
      properties: {
        allow_file_write: {
          anyOf: [{ type: "boolean" }, { type: "array", items: { type: "string", minLength: 1 } }],
        },
        allow_network_access: { type: "boolean" },
        allow_code_execution: { type: "boolean" },
        blocked_paths: { type: "array", items: { type: "string", minLength: 1 } },
        allowed_hosts: { type: "array", items: { type: "string", minLength: 1 } },
      },
    },
  },
} as const;

let validator: ValidateFunction | undefined;

interface Permissions {
  allow_file_write?: boolean | string[];
  allow_network_access?: boolean;
  allow_code_execution?: boolean;
  blocked_paths?: string[];
  allowed_hosts?: string[];
}

export function isOpenClawConfig(data: unknown): boolean {
  return (
    typeof data === "object" && data !== null && !Array.isArray(data) && Object.hasOwn(data, "permissions")
  );
}

export function validateOpenClaw(
  data: unknown,
): { path: Array<string | number>; message: string; fix: string } | undefined {
  if (!validator) {
    // ajv is loaded only for OpenClaw configs: importing it cost every scan ~15 ms.
    const { Ajv } = createRequire(import.meta.url)("ajv") as typeof import("ajv");
    validator = new Ajv({ allErrors: true, strict: false }).compile(permissionsSchema);
  }
  const validate = validator;
  if (validate(data)) return undefined;
  const err = (validate.errors ?? [])[0];
  if (!err) return undefined;
  const path = pointerToPath(err.instancePath);
  if (err.keyword === "additionalProperties") {
    const key = String((err.params as { additionalProperty: string }).additionalProperty);
    return {
      path: [...path, key],
      message: `${formatPath([...path, key])} is not a known OpenClaw permission`,
      fix: "use allow_file_write, allow_network_access, allow_code_execution, blocked_paths or allowed_hosts",
    };
  }
  return {
    path,
    message: `${formatPath(path)} ${err.message ?? "is invalid"}`,
    fix: "see the OpenClaw mapping in docs/policy.md",
  };
}

function specsOf(rule: CommandRule): ValueSpec[] {
  return [
    ...rule.options.flatMap((o) => (o.value ? [o.value] : [])),
    ...rule.positionals.map((p) => p.value),
    ...rule.redirects.flatMap((r) => (r.target ? [r.target] : [])),
  ];
}

// Programs that reach the network and write files without naming either in an argument:
// `go install MODULE@V` fetches from the module proxy and writes ~/go (common-tools' go-install).
// No value spec shows it, so the program does.
// The value is the hosts the program needs.
const implicitNetwork = new Map([["go", ["proxy.golang.org", "sum.golang.org"]]]);
const implicitWrites = new Set(["go"]);

const usesNetwork = (rule: CommandRule): boolean =>
  implicitNetwork.has(rule.program) || specsOf(rule).some((s) => s.type === "url");
const writes = (spec: ValueSpec | undefined): boolean => spec?.type === "path" && spec.write;

function interpreterRule(program: string): CommandRule {
  return {
    id: `openclaw-code-${program}`,
    description: "allow_code_execution: run a script from the skill workspace (needs review)",
    program,
    verdict: "review",
    options: [],
    endOfOptions: false,
    positionals: [
      { value: { type: "path", allow: workspaceGlobs, write: false }, min: 1, max: 1 },
      { value: { type: "string", match: [], maxLength: 256, env: [] }, min: 0, max: 32 },
    ],
    redirects: [],
    pipeFrom: [],
    unwrap: false,
    anyArgs: false,
  };
}

/** Build the policy for a validated OpenClaw config on top of the loaded common-tools policy. */
export function openClawToPolicy(data: Record<string, unknown>, base: Policy, file: string): Policy {
  const perms = (data.permissions ?? {}) as Permissions;
  const policy = structuredClone(base) as Policy;
  policy.name = typeof data.name === "string" ? data.name : "openclaw-config";
  policy.description = `OpenClaw permissions from ${file}, mapped onto common-tools`;
  policy.sources = [...base.sources, file];
  policy.examples = { allow: [], review: [], deny: [] };
  if (perms.allow_network_access !== true) {
    policy.commands = policy.commands.filter((r) => !usesNetwork(r));
    policy.network.hosts = [];
  } else if (perms.allowed_hosts && perms.allowed_hosts.length > 0) {
    const hosts = perms.allowed_hosts;
    // A program whose hosts are not all allowed would be allowed statically and fail at run time.
    policy.commands = policy.commands.filter((r) =>
      (implicitNetwork.get(r.program) ?? []).every((h) => hosts.includes(h)),
    );
    for (const rule of policy.commands)
      for (const spec of specsOf(rule)) if (spec.type === "url") spec.hosts = [...hosts];
    policy.network.hosts = [...hosts];
  }
  const write = perms.allow_file_write;
  // Its writes land outside any path a list could name: only allow_file_write: true keeps it.
  if (write !== true) policy.commands = policy.commands.filter((r) => !implicitWrites.has(r.program));
  if (write !== true && !Array.isArray(write)) {
    policy.commands = policy.commands.filter(
      (r) => !r.options.some((o) => writes(o.value)) && !r.positionals.some((p) => writes(p.value)),
    );
    for (const rule of policy.commands) rule.redirects = rule.redirects.filter((r) => !writes(r.target));
  } else if (Array.isArray(write)) {
    for (const rule of policy.commands) {
      for (const spec of specsOf(rule)) if (spec.type === "path" && spec.write) spec.allow = [...write];
    }
  }
  policy.blockedPaths = [...new Set([...policy.blockedPaths, ...(perms.blocked_paths ?? [])])];
  if (perms.allow_code_execution === true) {
    for (const program of ["python3", "python", "node", "bash", "sh"])
      policy.commands.push(interpreterRule(program));
  }
  const ids = new Set(policy.commands.map((r) => r.id));
  for (const rule of policy.commands) rule.pipeFrom = rule.pipeFrom.filter((id) => id === "*" || ids.has(id));
  policy.hash = policyHash(policy);
  return policy;
}
