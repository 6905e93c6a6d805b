#!/usr/bin/env node
// How much of an agent's everyday work a policy allows: `npm run eval:agent [-- --policy P] [FILE.tsv…]`.
//
// Reads TSV files of real agent commands (command TAB source; '#' lines are comments; default:
// test/fixtures/agent-commands/*.tsv), judges each command as one step under the policy (default
// `agent`; a '# workdir: DIR' line sets the working directory, as OpenClaw's exec workdir does) and prints allow/review/deny counts per file and in all, the rules that refused most,
// and with --verbose every command that is not allowed. Imports the built modules from dist/
// (`npm run build` first).

import { readdirSync, readFileSync, existsSync } from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";

const root = path.resolve(new URL("..", import.meta.url).pathname);
const dist = existsSync(path.join(root, "dist/src/policy/index.js"))
  ? path.join(root, "dist/src")
  : path.join(root, "dist");
const load = (p) => import(pathToFileURL(path.join(dist, p)).href);
const { loadPolicy, judgeStep } = await load("policy/index.js");
const { analyseShell, initShell } = await load("shell/index.js");
const { linkPlantingRefusal } = await load("gate/link-planting.js");

const args = process.argv.slice(2);
let policyName = "agent";
let verbose = false;
const files = [];
for (let i = 0; i < args.length; i++) {
  const a = args[i];
  if (a === "--policy") policyName = args[++i];
  else if (a === "--verbose" || a === "-v") verbose = true;
  else files.push(a);
}
if (files.length === 0) {
  const dir = path.join(root, "test/fixtures/agent-commands");
  for (const f of readdirSync(dir).sort()) if (f.endsWith(".tsv")) files.push(path.join(dir, f));
}

/** A '# workdir: DIR' header: the agent's working directory for that file's commands. */
function workdirOf(file) {
  const m = /^# workdir: (\S+)$/m.exec(readFileSync(file, "utf8"));
  return m ? m[1] : undefined;
}

/** Rows of a command TSV: [{ command, source }]. */
function readCommands(file) {
  return readFileSync(file, "utf8")
    .split("\n")
    .filter((l) => l.trim() !== "" && !l.startsWith("#"))
    .map((l) => {
      const tab = l.indexOf("\t");
      const raw = tab < 0 ? l : l.slice(0, tab);
      // The fixtures keep one command per line: newlines inside a command are written as \n.
      return { command: raw.replace(/\\n/g, "\n"), source: tab < 0 ? "" : l.slice(tab + 1) };
    });
}

await initShell();
const basePolicy = await loadPolicy(policyName);
const total = { allow: 0, review: 0, deny: 0 };
const refusedBy = new Map();
// The OpenClaw gate runs these on the host, where a part that may plant symlinks must be the last
// one using paths (src/gate/link-planting.ts): counted apart, as it depends on no policy rule.
let hostPlanting = 0;
for (const file of files) {
  const counts = { allow: 0, review: 0, deny: 0 };
  const workdir = workdirOf(file);
  const policy = workdir ? { ...basePolicy, workdir } : basePolicy;
  for (const { command, source } of readCommands(file)) {
    const step = {
      id: "agent#1:1",
      kind: "fenced",
      file,
      line: 1,
      column: 1,
      text: command,
      offset: 0,
      install: false,
    };
    const j = judgeStep(step, analyseShell(command, { home: policy.home }), policy);
    counts[j.verdict]++;
    total[j.verdict]++;
    if (j.verdict !== "deny" && linkPlantingRefusal(j)) {
      hostPlanting++;
      if (verbose) console.log(`host-gate\tlink-planting\t${command.replace(/\n/g, "\\n")}\t${source}`);
    }
    if (j.verdict !== "allow") {
      refusedBy.set(j.rule, (refusedBy.get(j.rule) ?? 0) + 1);
      if (verbose)
        console.log(
          `${j.verdict}\t${j.rule}\t${command.replace(/\n/g, "\\n")}\t${j.reason ?? ""}\t${source}`,
        );
    }
  }
  const n = counts.allow + counts.review + counts.deny;
  console.log(
    `${path.relative(root, file)}: ${n} commands, allow ${counts.allow} (${pct(counts.allow, n)}), review ${counts.review}, deny ${counts.deny}`,
  );
}
const n = total.allow + total.review + total.deny;
console.log(
  `all (${policyName}): ${n} commands, allow ${total.allow} (${pct(total.allow, n)}), review ${total.review} (${pct(total.review, n)}), deny ${total.deny} (${pct(total.deny, n)})`,
);
console.log(
  `on the host (OpenClaw gate): ${hostPlanting} of the ${total.allow + total.review} allowed or reviewed also refused by link-planting`,
);
console.log("refused most by:");
for (const [rule, c] of [...refusedBy].sort((a, b) => b[1] - a[1]).slice(0, 15))
  console.log(`  ${c}\t${rule}`);

function pct(a, b) {
  return b === 0 ? "-" : `${((100 * a) / b).toFixed(1)}%`;
}
