// Undeclared capabilities: binaries, environment variables and hosts that steps use but the
// frontmatter metadata (requires.bins/anyBins/env) does not declare. Informational: it feeds
// reviewers and egress allowlists, it does not mark a skill hostile.

import type { DetectContext } from "../context.js";
import { urlsIn } from "../hosts.js";
import { nameOf, unwrap } from "../util.js";

const common = new Set(
  "echo printf cd ls cat grep egrep sed awk export source . test [ [[ true false set unset read mkdir rm cp mv touch chmod chown head tail sort uniq wc tr cut tee find xargs date sleep pwd which env sh bash zsh exit return if then fi for do done while case esac function local shift eval exec trap wait kill jq curl wget tar gzip gunzip unzip zip basename dirname realpath mktemp seq diff file stat du df ps whoami hostname uname id less more open xdg-open clear time nohup sudo git".split(
    " ",
  ),
);
const commonEnv = new Set([
  "HOME",
  "PATH",
  "USER",
  "PWD",
  "SHELL",
  "TMPDIR",
  "LANG",
  "TERM",
  "EDITOR",
  "OLDPWD",
  "HOSTNAME",
  "XDG_CONFIG_HOME",
  "XDG_DATA_HOME",
  "XDG_CACHE_HOME",
]);

export function detectUndeclared(ctx: DetectContext): void {
  const meta = ctx.model.frontmatter?.metadata;
  if (!meta) return;
  const declaredBins = new Set([...meta.requires.bins, ...meta.requires.anyBins].map((b) => b.toLowerCase()));
  const declaredEnv = new Set(meta.requires.env);
  const bins = new Map<string, { line: number; column: number; file: string }>();
  const env = new Map<string, { line: number; column: number; file: string }>();
  const hosts = new Map<string, { line: number; column: number; file: string }>();
  const assigned = new Set<string>();
  for (const src of ctx.shell) {
    // Steps only: inline code the extractor did not take as a step ("`GET /api/v1/agents/me`")
    // is prose, and its first word is no binary the skill runs.
    if (src.depth > 0 || src.kind === "frontmatter-install" || src.kind === "inline-code") continue;
    for (const cmd of src.commands) {
      for (const a of cmd.assignments) assigned.add(a.name);
      const name = nameOf(cmd);
      const at = src.at(cmd.start);
      if (
        name !== "" &&
        !/[$=/<>(]/.test(name) &&
        /^[a-z][\w.+-]*$/.test(name) &&
        !common.has(name) &&
        !declaredBins.has(name) &&
        !bins.has(name)
      )
        bins.set(name, { ...at, file: src.file });
      for (const w of unwrap(cmd.argv).argv) {
        // Only a word holding "${" can reference a variable in braces.
        if (w.includes("${"))
          for (const m of w.matchAll(/\$\{([A-Z][A-Z0-9_]{2,})\}/g)) {
            const v = m[1] ?? "";
            if (!commonEnv.has(v) && !declaredEnv.has(v) && !env.has(v))
              env.set(v, { ...at, file: src.file });
          }
        for (const u of urlsIn(w))
          if (u.host !== "" && u.cls !== "local" && !hosts.has(u.host))
            hosts.set(u.host, { ...at, file: src.file });
      }
    }
  }
  for (const v of assigned) env.delete(v);
  const emit = (
    id: "undeclared.bin" | "undeclared.env" | "undeclared.host",
    what: string,
    m: Map<string, { line: number; column: number; file: string }>,
  ): void => {
    const first = [...m.values()][0];
    if (!first) return;
    const names = [...m.keys()];
    ctx.report({
      id,
      severity: "info",
      file: first.file,
      line: first.line,
      column: first.column,
      message: `Steps use ${what} not declared in metadata: ${names.slice(0, 12).join(", ")}${names.length > 12 ? ", …" : ""}.`,
      evidence: names.join(" "),
    });
  };
  emit("undeclared.bin", "binaries", bins);
  emit("undeclared.env", "environment variables", env);
  emit("undeclared.host", "hosts", hosts);
}
