// The paths OpenClaw (pinned 2026.9.6) really opens for a file tool's `path`. It rewrites the
// parameter AFTER before_tool_call (wrapToolParamValidation, then the tool's own resolveToCwd), so
// the gate must judge the rewritten paths, not the text it was shown. Each step below mirrors one
// in OpenClaw's dist (agent-tools.params.ts, path-policy.ts, sessions/tools/path-utils.ts).

import path from "node:path";
import fs from "node:fs";
import { fileURLToPath } from "node:url";

// agent-tools.params.ts: a model's stray XML closer, and "hallucinated" Office extensions.
const xmlArgValueSuffix = /<\/arg_value>>+$/;
const hallucinatedOfficeExtension = /\.(doc|ppt|xls)(?:odex|codex|xodex|xcodex)$/i;
const officeExtension = { doc: ".docx", ppt: ".pptx", xls: ".xlsx" };

/** OpenClaw's stripMalformedXmlArgValueSuffix (also applied to exec's command and workdir). */
export function stripXmlArgValueSuffix(value) {
  return value.includes("</arg_value>") ? value.replace(xmlArgValueSuffix, "") : value;
}

/** OpenClaw's repair of a file tool's path before anything else: XML suffix, then Office extension. */
export function repairPathParam(value) {
  return stripXmlArgValueSuffix(value).replace(
    hallucinatedOfficeExtension,
    (match, family) => officeExtension[family.toLowerCase()] ?? match,
  );
}

/** Whether OpenClaw's preserveAtPrefixedRelativePath keeps `@…` as written (no literal-name probe). */
function atPrefixKeptAsWritten(stripped) {
  return (
    !stripped ||
    stripped === "~" ||
    stripped.startsWith("~/") ||
    stripped.startsWith("~\\") ||
    /^file:\/\//i.test(stripped) ||
    path.posix.isAbsolute(stripped) ||
    path.win32.isAbsolute(stripped)
  );
}

/** The first segment of a relative `@…` path (`@dir` for `@dir/x`), as OpenClaw probes it. */
function firstSegment(p) {
  let head = p;
  for (;;) {
    const parent = path.dirname(head);
    if (parent === "." || parent === head) return head;
    head = parent;
  }
}

/** sessions/tools/path-utils.ts resolveToCwd: one `@` consumed, file:// URLs, `~`, then cwd. */
function resolveToCwd(p, cwd, home) {
  const referenced = p.startsWith("@") ? p.slice(1) : p;
  let x = referenced.startsWith("@") ? `./${referenced}` : referenced;
  if (x.startsWith("file://")) {
    try {
      x = fileURLToPath(x);
    } catch {
      // OpenClaw keeps the text as written; then it is a relative name
    }
  } else if (x === "~") x = home;
  else if (x.startsWith("~/")) x = path.join(home, x.slice(2));
  // Normalised (no `.`, `..` or doubled `/`): the path handed over is the one judged, name by name.
  return path.resolve(cwd, x);
}

/**
 * Where OpenClaw's host write, edit and read tools open `raw`: `used` is the path it takes now,
 * `candidates` every path it may take (an `@name` means `./@name` when that or its first folder
 * exists at the moment OpenClaw looks, else `name`: both are judged). `stable` is false when
 * OpenClaw would rewrite `used` once more (`x</arg_value>></arg_value>>`, `x.doccodex/`): then
 * neither the name nor the absolute path can be handed over as checked.
 * @param {string} raw the model's `path`
 * @param {{ cwd: string, home: string, exists?: (p: string) => boolean }} where
 */
export function fileToolPaths(raw, { cwd, home, exists = existsNoFollow }) {
  const repaired = repairPathParam(raw);
  const candidates = new Set([path.resolve(cwd, raw)]);
  if (!repaired.startsWith("@") || atPrefixKeptAsWritten(repaired.slice(1))) {
    const used = resolveToCwd(repaired, cwd, home);
    candidates.add(used);
    return { used, candidates: [...candidates], stable: repairPathParam(used) === used };
  }
  const literal = path.resolve(cwd, `./${repaired}`);
  const ancestor = firstSegment(repaired);
  const literalExists =
    exists(literal) || (ancestor !== repaired && exists(path.resolve(cwd, `./${ancestor}`)));
  const stripped = resolveToCwd(repaired, cwd, home);
  candidates.add(literal);
  candidates.add(stripped);
  const used = literalExists ? literal : stripped;
  return { used, candidates: [...candidates], stable: repairPathParam(used) === used };
}

/** A path exists as a name (a dangling symlink counts: a write would follow it). */
function existsNoFollow(p) {
  try {
    fs.lstatSync(p);
    return true;
  } catch {
    return false;
  }
}

const unicodeSpaces = /[\u00A0\u2000-\u200A\u202F\u205F\u3000]/g;

/**
 * The other spellings OpenClaw's read tool opens when `abs` does not exist (getReadQueuePaths):
 * Unicode spaces as ASCII, a narrow no-break space before AM/PM, straight or curly quotes, NFC and
 * NFD. Only the last name changes.
 */
export function readPathVariants(abs) {
  const name = path.basename(abs);
  const parent = abs.slice(0, abs.length - name.length);
  const spaced = name.replace(unicodeSpaces, " ");
  const out = new Set();
  for (const s of [spaced, spaced.replace(/ (?=(?:AM|PM)(?:\b|\.))/gi, "\u202F")])
    for (const q of [s.replace(/[\u2018\u2019]/g, "'"), s.replace(/['\u2018]/g, "\u2019")]) {
      out.add(`${parent}${q.normalize("NFC")}`);
      out.add(`${parent}${q.normalize("NFD")}`);
    }
  out.delete(abs);
  return [...out];
}
