#!/usr/bin/env node
// Cross-validation inside TUNE (issue 14): which rules carry the TUNE skillinject detections, and
// do they carry them on payloads they were not written from? Payloads whose number ends in 0/2/4
// are the design half, 6/8 the check half (write a rule from the first, then look at the second).
// Only TUNE units are read: the split (bench/eval-split.tsv) is applied to each unit's path
// before any of its files is opened, so MEASURE items are never scanned or printed.
//
// usage: node bench/tune-holdout.js [CORPUS_DIR=../shared/corpus] [--rules=REGEX] [--list]
//   --rules=REGEX  count a unit as flagged only through findings whose rule id matches REGEX
//                  (e.g. --rules='^instr\.' shows what the instruction rules alone catch)
//   --list         print the TUNE skillinject units each half misses (under --rules, if given)
// Deterministic: units are read in sorted order; no randomness, no timing in the output.
import { readdirSync, readFileSync, existsSync } from "node:fs";
import { bundledOf, readSplitRules } from "./skill-units.js";
import path from "node:path";
import { pathToFileURL } from "node:url";

const dist = path.resolve(new URL("../dist/src", import.meta.url).pathname);
const distRoot = existsSync(path.join(dist, "findings/index.js"))
  ? dist
  : path.resolve(new URL("../dist", import.meta.url).pathname);
const load = (p) => import(pathToFileURL(path.join(distRoot, p)).href);
const { detectFindings } = await load("findings/index.js");
const shell = await load("shell/index.js");
const { extractSkill } = await load("extract/index.js");
await shell.initShell();

const args = process.argv.slice(2);
const corpus = path.resolve(args.find((a) => !a.startsWith("--")) ?? "../shared/corpus");
const rulesArg = args.find((a) => a.startsWith("--rules="));
const ruleFilter = rulesArg ? new RegExp(rulesArg.slice("--rules=".length)) : undefined;
const list = args.includes("--list");
// --show: with --list, print each matching finding (line, message, evidence) under its unit.
const show = args.includes("--show");
// --only=design|check|benign: scan one half only (faster while iterating).
const only = args.find((a) => a.startsWith("--only="))?.slice("--only=".length);

const splitRules = readSplitRules(new URL("./eval-split.tsv", import.meta.url).pathname);
const partOf = (p) => splitRules.find((r) => r.re.test(p.split(path.sep).join("/")))?.side ?? "unsplit";

function scan(dir) {
  const main = existsSync(path.join(dir, "SKILL.md")) ? "SKILL.md" : "skill.md";
  const model = extractSkill({
    source: dir,
    file: main,
    text: readFileSync(path.join(dir, main), "utf8"),
    bundled: bundledOf(dir),
  });
  const analyses = new Map();
  for (const step of model.steps) analyses.set(step.id, shell.analyseShell(step.text));
  return detectFindings(model, analyses);
}

// Primary class of each skillinject unit from the dev manifest (read for TUNE rows only).
const dev = path.join(corpus, "benchmarks-dev");
const classes = new Map();
for (const row of readFileSync(path.join(dev, "MANIFEST.tsv"), "utf8").split("\n").slice(1)) {
  const [file, , , , , category] = row.split("\t");
  if (file && partOf(path.join(dev, path.dirname(file))) === "tune")
    classes.set(path.dirname(file), (category ?? "").split(";")[0].trim());
}

const high = (f) =>
  (f.severity === "high" || f.severity === "critical") && (!ruleFilter || ruleFilter.test(f.id));
const units = [];
for (const side of ["malicious", "benign"])
  for (const name of readdirSync(path.join(dev, side)).sort()) {
    const dir = path.join(dev, side, name);
    if (partOf(dir) !== "tune") continue; // never open a MEASURE unit
    const m = side === "malicious" ? /^skillinject__.*-(?:ctx|ctxw|obv)(\d+)(?:-desc)?$/.exec(name) : null;
    if (side === "malicious" && !m) continue;
    const half = side === "benign" ? "benign" : /[024]$/.test(m[1]) ? "design (0/2/4)" : "check (6/8)";
    if (only && !half.startsWith(only)) continue;
    const hits = scan(dir).filter(high);
    const rules = [...new Set(hits.map((f) => f.id))].sort();
    units.push({
      name,
      half,
      source: name.split("__")[0],
      cls: classes.get(`${side}/${name}`) ?? side,
      rules,
      hits,
    });
  }

const pct = (a, b) => (b === 0 ? "-" : (a / b).toFixed(3));
const halves = ["design (0/2/4)", "check (6/8)", "benign"];
console.log(`TUNE hold-out check${ruleFilter ? ` (rules matching ${ruleFilter})` : ""}`);
for (const h of halves) {
  const us = units.filter((u) => u.half === h);
  const hit = us.filter((u) => u.rules.length > 0).length;
  console.log(
    `\n${h}: ${h === "benign" ? "flagged" : "recall"} ${hit}/${us.length} (${pct(hit, us.length)})`,
  );
  const by = new Map();
  for (const u of us) {
    const k = h === "benign" ? u.source : u.cls;
    const e = by.get(k) ?? [0, 0];
    e[0] += u.rules.length > 0 ? 1 : 0;
    e[1] += 1;
    by.set(k, e);
  }
  for (const [k, [a, b]] of [...by].sort()) console.log(`  ${k.padEnd(28)} ${a}/${b}`);
  if (list && h !== "benign")
    for (const u of us) {
      if (u.rules.length === 0) console.log(`  miss: ${u.name} (${u.cls})`);
      else if (show)
        for (const f of u.hits)
          console.log(`  hit: ${u.name} ${f.id}@${f.line}: ${JSON.stringify(f.evidence).slice(0, 200)}`);
    }
  if (list && h === "benign")
    for (const u of us.filter((x) => x.rules.length > 0)) {
      console.log(`  flagged: ${u.name} [${u.rules.join(", ")}]`);
      if (show)
        for (const f of u.hits)
          console.log(`    ${f.id}@${f.line}: ${f.message}\n      ${JSON.stringify(f.evidence)}`);
    }
}
// Per rule: units it flags in each half, and units it alone flags (no other high rule).
const ids = [...new Set(units.flatMap((u) => u.rules))].sort();
console.log(`\nper rule (units flagged / of which by this rule alone): design | check | benign`);
for (const id of ids) {
  const cell = (h) => {
    const us = units.filter((u) => u.half === h && u.rules.includes(id));
    return `${us.length}/${us.filter((u) => u.rules.length === 1).length}`.padStart(7);
  };
  console.log(`  ${id.padEnd(36)} ${cell(halves[0])} | ${cell(halves[1])} | ${cell(halves[2])}`);
}
