// Schema validation of policy files: ajv compiled once, errors turned into one readable line
// each, naming the JSON path ("commands[0].options[1].value.type") and a fix.

import { createHash } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import type { ErrorObject, ValidateFunction } from "ajv";

export interface SchemaIssue {
  /** Path segments into the document (keys and indices). */
  path: Array<string | number>;
  message: string;
  fix: string;
}

/** ajv's options for the policy schema; the build step (scripts/build-policy-validator.mjs) uses them too. */
export const ajvOptions = {
  allErrors: true,
  discriminator: true,
  strict: true,
  allowUnionTypes: true,
  verbose: true,
} as const;

let validator: ValidateFunction | undefined;
let schemaJson:
  | {
      definitions: Record<string, { properties?: Record<string, unknown> }>;
      properties: Record<string, unknown>;
    }
  | undefined;

export function loadSchemaJson(schemaPath: string): typeof schemaJson & object {
  if (!schemaJson) {
    const require = createRequire(import.meta.url);
    schemaJson = require(schemaPath) as NonNullable<typeof schemaJson>;
  }
  return schemaJson;
}

function compiled(schemaPath: string): ValidateFunction {
  validator ??= prebuilt(schemaPath);
  if (!validator) {
    const { Ajv } = createRequire(import.meta.url)("ajv") as typeof import("ajv");
    const ajv = new Ajv(ajvOptions);
    validator = ajv.compile(loadSchemaJson(schemaPath));
  }
  return validator as ValidateFunction;
}

/**
 * The validator `npm run build` generated from the schema (scripts/build-policy-validator.mjs):
 * compiling the schema with ajv took ~80 ms of every start. Used only when it was built from
 * exactly this schema file; otherwise (sources run directly, schema edited since) ajv compiles.
 */
function prebuilt(schemaPath: string): ValidateFunction | undefined {
  const file = fileURLToPath(new URL("./schema-validator.cjs", import.meta.url));
  if (!existsSync(file)) return undefined;
  const built = createRequire(import.meta.url)(file) as ValidateFunction & { schemaSha256?: string };
  const sha256 = createHash("sha256").update(readFileSync(schemaPath)).digest("hex");
  return built.schemaSha256 === sha256 ? built : undefined;
}

/** "/commands/0/options/1" -> ["commands", 0, "options", 1] */
export function pointerToPath(pointer: string): Array<string | number> {
  if (pointer === "") return [];
  return pointer
    .slice(1)
    .split("/")
    .map((s) => s.replace(/~1/g, "/").replace(/~0/g, "~"))
    .map((s) => (/^(0|[1-9][0-9]*)$/.test(s) ? Number(s) : s));
}

/** ["commands", 0, "id"] -> "commands[0].id" */
export function formatPath(path: ReadonlyArray<string | number>): string {
  let out = "";
  for (const seg of path) {
    if (typeof seg === "number") out += `[${seg}]`;
    else out += out === "" ? seg : `.${seg}`;
  }
  return out === "" ? "(top level)" : out;
}

function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0] as number;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = row[j] as number;
      row[j] = Math.min(
        (row[j] as number) + 1,
        (row[j - 1] as number) + 1,
        prev + (a[i - 1] === b[j - 1] ? 0 : 1),
      );
      prev = tmp;
    }
  }
  return row[b.length] as number;
}

function closest(word: string, options: string[]): string | undefined {
  let best: string | undefined;
  let bestD = Number.POSITIVE_INFINITY;
  for (const o of options) {
    const d = editDistance(word.toLowerCase(), o.toLowerCase());
    if (d < bestD) {
      bestD = d;
      best = o;
    }
  }
  return bestD <= Math.max(2, Math.floor(word.length / 3)) ? best : undefined;
}

function describe(err: ErrorObject): SchemaIssue {
  const path = pointerToPath(err.instancePath);
  const at = formatPath(path);
  const p = err.params as Record<string, unknown>;
  switch (err.keyword) {
    case "additionalProperties": {
      const key = String(p.additionalProperty);
      const parent = err.parentSchema as { properties?: Record<string, unknown> } | undefined;
      const allowed = Object.keys(parent?.properties ?? {});
      const guess = closest(key, allowed);
      return {
        path: [...path, key],
        message: `${formatPath([...path, key])} is not a known key`,
        fix: guess
          ? `did you mean '${guess}'? (allowed: ${allowed.join(", ")})`
          : `remove it (allowed: ${allowed.join(", ")})`,
      };
    }
    case "required": {
      const key = String(p.missingProperty);
      return { path, message: `${at} is missing the required key '${key}'`, fix: `add ${key}: … to ${at}` };
    }
    case "enum": {
      const allowed = (p.allowedValues as unknown[]).map(String);
      return {
        path,
        message: `${at} must be one of ${allowed.join(", ")}`,
        fix: `use one of ${allowed.join(", ")}`,
      };
    }
    case "const":
      return {
        path,
        message: `${at} must be ${JSON.stringify(p.allowedValue)}`,
        fix: `write ${JSON.stringify(p.allowedValue)}`,
      };
    case "discriminator": {
      const tags = ["url", "path", "enum", "integer", "string", "json"];
      const path2 = [...path, String(p.tag ?? "type")];
      return {
        path: path2,
        message: `${formatPath(path2)} must be one of ${tags.join(", ")}`,
        fix:
          p.error === "tag"
            ? `add type: one of ${tags.join(", ")}`
            : `use one of ${tags.join(", ")}${typeof p.tagValue === "string" && closest(p.tagValue, tags) ? ` (did you mean '${closest(p.tagValue, tags)}'?)` : ""}`,
      };
    }
    case "type":
      return {
        path,
        message: `${at} must be ${String(p.type).replace(",", " or ")}`,
        fix: `write ${at} as ${String(p.type)}`,
      };
    case "pattern":
      return {
        path,
        message: `${at} ${err.message ?? "has the wrong form"}`,
        fix: `see the schema description of ${at} for the expected form`,
      };
    case "uniqueItems":
      return {
        path,
        message: `${at} has duplicate items (${String(p.j)} and ${String(p.i)})`,
        fix: "remove the duplicate",
      };
    default:
      return { path, message: `${at} ${err.message ?? "is invalid"}`, fix: `see docs/policy.md for ${at}` };
  }
}

/** Validate a parsed policy document; returns the issues (empty when valid). */
export function validatePolicyDocument(data: unknown, schemaPath: string): SchemaIssue[] {
  const validate = compiled(schemaPath);
  if (validate(data)) return [];
  const errors = (validate.errors ?? []).filter((e) => e.keyword !== "oneOf" && e.keyword !== "if");
  const seen = new Set<string>();
  const issues: SchemaIssue[] = [];
  for (const e of errors) {
    const issue = describe(e);
    const key = `${formatPath(issue.path)}|${issue.message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    issues.push(issue);
  }
  return issues;
}
