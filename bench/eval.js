#!/usr/bin/env node
// Evaluation of the security findings on labelled folders: `npm run eval -- DIR...`.
//
// A unit is a skill folder (a directory holding SKILL.md/skill.md, with its other files bundled)
// or, in a folder of loose files, each .md/.sh/.py/.js file. Labels: a path containing
// /malicious/ is malicious, /benign/ benign, /gray/ benign (also reported on its own). A
// MANIFEST.tsv beside the files may say otherwise for a file (cisco-evals keeps its benign
// controls under malicious/; owner-flagged skills "with no payload in this SKILL.md" are
// "suspicious"): the headline figures follow the manifest, and the path-only figures are printed
// too. Labelled comments (JSON with samples[].expected_result BLOCK/WARNING/SAFE, e.g.
// moltbook-comments-promptshield) are not skills: each comment is scanned as a one-paragraph
// markdown file and reported in a separate table (BLOCK = malicious, SAFE = benign, WARNING apart).
//
// Flagged = risk high or critical. Imports the built modules from dist/ (`npm run build` first);
// SKILLWALL_DIST=<dir> points elsewhere.

import { readdirSync, readFileSync, statSync, existsSync, writeFileSync } from "node:fs";
import { manifestLabel, pathLabel, readSplitRules, unitsOf as units } from "./skill-units.js";
import path from "node:path";
import { pathToFileURL } from "node:url";

const dist = path.resolve(process.env.SKILLWALL_DIST ?? new URL("../dist/src", import.meta.url).pathname);
const distRoot = existsSync(path.join(dist, "findings/index.js"))
  ? dist
  : path.resolve(new URL("../dist", import.meta.url).pathname);
const load = (p) => import(pathToFileURL(path.join(distRoot, p)).href);

const { detectFindings, riskOf } = await load("findings/index.js");
const shell = await load("shell/index.js");
let extractSkill;
if (process.env.SKILLWALL_EXTRACT)
  ({ extractSkill } = await import(pathToFileURL(path.resolve(process.env.SKILLWALL_EXTRACT)).href));
else ({ extractSkill } = await load("extract/index.js"));
await shell.initShell();
// --learned=WEIGHTS adds the findings of the learned order scorer under those weights (a variant
// written by bench/train-order-scorer.js), to measure a variant that detectFindings does not run.
const learnedArg = process.argv.find((a) => a.startsWith("--learned="));
const learned = learnedArg
  ? {
      weights: JSON.parse(readFileSync(learnedArg.slice("--learned=".length), "utf8")),
      ...(await load("findings/learned/reading.js")),
    }
  : undefined;

// --foreign-object adds the findings of instr.foreign-object (not wired into detectFindings: an
// experiment, docs/eval.md section i14obj).
const foreignObject = process.argv.includes("--foreign-object")
  ? await load("findings/detectors/foreign-object.js")
  : undefined;

const args = process.argv.slice(2).filter((a) => !a.startsWith("--"));
const verbose = process.argv.includes("--verbose");
// --dump=FILE writes every unit's label and findings as JSON, for per-rule analysis.
const dumpArg = process.argv.find((a) => a.startsWith("--dump="));
// --rewrites-only prints only the own sets (Moltbook rewrites, obfuscation-s7, conditional-s11, heldout-s8, heldout-s9, benign-fp8/9), with no corpus.
const rewritesOnly = process.argv.includes("--rewrites-only");
// --heldout-s9-details also prints heldout-s9's per-item misses and false positives (for a session's
// final note only: the default output hides them so nobody tunes a rule on that set).
const s9Details = process.argv.includes("--heldout-s9-details");
if (args.length === 0 && !rewritesOnly) {
  console.error(
    "usage: npm run eval -- DIR... [--verbose] [--rewrites-only] [--heldout-s9-details] [--learned=WEIGHTS.json] [--foreign-object]",
  );
  process.exit(2);
}

function scan(input) {
  const model = extractSkill(input);
  const analyses = new Map();
  for (const step of model.steps) analyses.set(step.id, shell.analyseShell(step.text));
  const t0 = performance.now();
  const findings = detectFindings(model, analyses);
  if (learned) findings.push(...learned.learnedOrderFindings(model, analyses, learned.weights));
  if (foreignObject) findings.push(...foreignObject.foreignObjectFindings(model, analyses));
  return { findings, risk: riskOf(findings), ms: performance.now() - t0 };
}

// Tune / measure split (bench/eval-split.tsv): whole sources on one side, see the file's header.
const splitFile = process.env.SKILLWALL_EVAL_SPLIT ?? new URL("./eval-split.tsv", import.meta.url).pathname;
const splitRules = existsSync(splitFile) ? readSplitRules(splitFile) : [];
const measureDetails = process.argv.includes("--measure-details");
function partOf(source) {
  const p = source.split(path.sep).join("/");
  return splitRules.find((r) => r.re.test(p))?.side ?? "unsplit";
}
/** Source: the dev folder prefix before "__", else the corpus folder under benign/gray/malicious. */
function originOf(source, m) {
  const p = source.split(path.sep).join("/");
  const dev = /\/benchmarks-dev\/(?:benign|malicious)\/([^/]+?)__/.exec(p);
  if (dev) return `dev:${dev[1]}`;
  const top = /\/(benign|gray|malicious)\/([^/]+)/.exec(p);
  return top ? `${top[1]}/${top[2]}` : (m?.group ?? "?");
}
/** Attack class: the dev manifest's primary category, else the corpus manifest group. */
function classOf(source, m, byPath) {
  if (m?.category) return m.category;
  if (byPath !== "malicious") return byPath === "gray" ? "gray" : "benign";
  return m?.group || path.basename(path.dirname(source));
}

const flagged = (risk) => risk === "high" || risk === "critical";
const rows = [];
const comments = [];
let detectMs = 0;
let files = 0;
const t0 = performance.now();
for (const dir of rewritesOnly ? [] : args) {
  for (const u of units(path.resolve(dir))) {
    if (u.comments) {
      for (const c of u.comments) {
        const r = scan({
          source: `${u.source}#${c.id}`,
          file: "comment.md",
          text: String(c.text ?? ""),
          bundled: [],
        });
        comments.push({ id: c.id, expected: c.expected_result, risk: r.risk, findings: r.findings });
      }
      continue;
    }
    const byPath = pathLabel(u.source);
    if (!byPath) continue;
    const m = manifestLabel(u.labelPath);
    let label = byPath === "gray" ? "benign" : byPath;
    if (m && /^benign/.test(m.label)) label = "benign";
    else if (m && /^suspicious/.test(m.label)) label = "suspicious";
    let r;
    try {
      r = scan(u.input);
    } catch (e) {
      console.error(`error scanning ${u.source}: ${e instanceof Error ? e.message : e}`);
      r = { findings: [], risk: "none", ms: 0 };
    }
    detectMs += r.ms;
    files++;
    rows.push({
      source: u.source,
      byPath,
      label,
      techniques: m?.techniques ?? "",
      group: m?.group ?? path.basename(path.dirname(u.source)),
      part: partOf(u.source),
      origin: originOf(u.source, m),
      cls: classOf(u.source, m, byPath),
      ...r,
    });
  }
}
const wall = performance.now() - t0;

function figures(list, labelOf) {
  let tp = 0,
    fp = 0,
    fn = 0,
    tn = 0;
  for (const r of list) {
    const l = labelOf(r);
    if (l === undefined) continue;
    const f = flagged(r.risk);
    if (l === "malicious") {
      if (f) tp++;
      else fn++;
    } else if (f) fp++;
    else tn++;
  }
  const p = tp + fp ? tp / (tp + fp) : 1;
  const rec = tp + fn ? tp / (tp + fn) : 1;
  const fpr = fp + tn ? fp / (fp + tn) : 0;
  return { tp, fp, fn, tn, precision: p, recall: rec, fpr };
}
const fmt = (f) =>
  `precision ${f.precision.toFixed(3)}  recall ${f.recall.toFixed(3)}  FPR ${f.fpr.toFixed(3)}  (TP ${f.tp} FN ${f.fn} FP ${f.fp} TN ${f.tn})`;

console.log(
  `units scanned: ${files}   detectors: ${(detectMs / Math.max(1, files)).toFixed(3)} ms/file   wall (extract+shell+findings): ${(wall / 1000).toFixed(1)} s`,
);
console.log(
  `headline (manifest labels; suspicious excluded): ${fmt(figures(rows, (r) => (r.label === "suspicious" ? undefined : r.label)))}`,
);
console.log(
  `path-only labels (gray as benign):              ${fmt(figures(rows, (r) => (r.byPath === "gray" ? "benign" : r.byPath)))}`,
);
console.log(
  `gray only:                                      ${fmt(
    figures(
      rows.filter((r) => r.byPath === "gray"),
      () => "benign",
    ),
  )}`,
);
const susp = rows.filter((r) => r.label === "suspicious");
if (susp.length)
  console.log(
    `suspicious (owner-flagged, no payload in markdown): ${susp.filter((r) => flagged(r.risk)).length}/${susp.length} flagged`,
  );

const misses = rows.filter((r) => r.label === "malicious" && !flagged(r.risk));
const byCat = new Map();
for (const r of misses) {
  const key = `${r.group}${r.techniques ? ` [${r.techniques}]` : ""}`;
  byCat.set(key, (byCat.get(key) ?? 0) + 1);
}
console.log(`\nmisses by category (${misses.length}${measureDetails ? "" : ", measure part not listed"}):`);
for (const [k, v] of [...byCat].sort((a, b) => b[1] - a[1])) console.log(`  ${v}  ${k}`);
// The per-item lists name only items a rule writer may read: MEASURE items stay hidden.
const listable = (r) => r.part !== "measure" || measureDetails;
for (const r of misses.filter(listable))
  console.log(
    `  miss  ${r.source}  risk=${r.risk}${verbose ? `  ${r.findings.map((f) => `${f.id}:${f.severity}`).join(",")}` : ""}`,
  );
const fps = rows.filter((r) => r.label !== "malicious" && r.label !== "suspicious" && flagged(r.risk));
console.log(`\nfalse positives (${fps.length}${measureDetails ? "" : ", measure part not listed"}):`);
for (const r of fps.filter(listable)) {
  const worst = r.findings.filter((f) => flagged(f.severity));
  console.log(
    `  fp  ${r.source}  risk=${r.risk}  ${worst
      .slice(0, 4)
      .map((f) => `${f.id}@${f.line} ${JSON.stringify(f.evidence.slice(0, 80))}`)
      .join("; ")}`,
  );
}
// Per-part report: recall and FPR per part, per class and per source; confusion list.
const pct = (n, d) => (d ? (n / d).toFixed(3) : "  -  ");
function partTable(title, list, keyOf) {
  const m = new Map();
  for (const r of list) {
    if (r.label === "suspicious") continue;
    const k = keyOf(r);
    const e = m.get(k) ?? { tp: 0, fn: 0, fp: 0, tn: 0 };
    const f = flagged(r.risk);
    const key = r.label === "malicious" ? (f ? "tp" : "fn") : f ? "fp" : "tn";
    e[key]++;
    m.set(k, e);
  }
  console.log(`  ${title}:`);
  for (const [k, e] of [...m].sort((a, b) => a[0].localeCompare(b[0]))) {
    const mal = e.tp + e.fn;
    const ben = e.fp + e.tn;
    console.log(
      `    ${k.padEnd(44)} ${mal ? `recall ${pct(e.tp, mal)} (${e.tp}/${mal})` : "".padEnd(20)}  ${ben ? `FPR ${pct(e.fp, ben)} (${e.fp}/${ben})` : ""}`,
    );
  }
}
for (const part of ["tune", "measure", "unsplit"]) {
  const list = rows.filter((r) => r.part === part);
  if (!list.length) continue;
  const f = figures(list, (r) => (r.label === "suspicious" ? undefined : r.label));
  console.log(
    `\n== ${part.toUpperCase()} part: recall ${f.recall.toFixed(3)}  FPR ${f.fpr.toFixed(3)}  (TP ${f.tp} FN ${f.fn} FP ${f.fp} TN ${f.tn})`,
  );
  partTable("per class", list, (r) => r.cls);
  partTable("per source", list, (r) => r.origin);
  if (part === "measure" && !measureDetails) {
    console.log(
      "  (confusion list of the measure part hidden: never tune on it; --measure-details shows it)",
    );
    continue;
  }
  const conf = list.filter((r) => r.label !== "suspicious" && (r.label === "malicious") !== flagged(r.risk));
  console.log(`  confusion (${conf.length}):`);
  for (const r of conf) {
    const top = r.findings
      .filter((x) => x.severity !== "info")
      .slice(0, 3)
      .map((x) => `${x.id}:${x.severity}@${x.line}`)
      .join(",");
    console.log(
      `    ${r.label === "malicious" ? "FN" : "FP"}  ${r.cls.padEnd(28)} ${path.basename(r.source).slice(0, 60).padEnd(60)} risk=${r.risk} ${top}`,
    );
  }
}

if (comments.length) {
  const c = figures(
    comments.filter((x) => x.expected !== "WARNING"),
    (x) => (x.expected === "BLOCK" ? "malicious" : "benign"),
  );
  const warn = comments.filter((x) => x.expected === "WARNING");
  console.log(
    `\nlabelled comments (not skills; BLOCK vs SAFE): ${fmt(c)}; WARNING flagged ${warn.filter((x) => flagged(x.risk)).length}/${warn.length}`,
  );
}
if (dumpArg)
  writeFileSync(
    dumpArg.slice("--dump=".length),
    JSON.stringify(
      {
        rows: rows.map(({ source, byPath, label, risk, findings }) => ({
          source,
          byPath,
          label,
          risk,
          findings,
        })),
        comments,
      },
      null,
      1,
    ),
  );

// Third part: obfuscated rewrites of the Moltbook skill (test/fixtures/moltbook-obfuscated, written
// for issue 14). The scanner was tuned on them: a regression figure, not a generalisation figure.
const rewritesDir = new URL("../test/fixtures/moltbook-obfuscated", import.meta.url).pathname;
if (existsSync(rewritesDir)) {
  const list = units(rewritesDir)
    .filter((u) => pathLabel(u.source) !== undefined)
    .map((u) => {
      const r = scan(u.input);
      return { name: path.relative(rewritesDir, u.source), label: pathLabel(u.source), ...r };
    });
  const f = figures(list, (r) => r.label);
  console.log(
    `\n== moltbook-rewrites (own dev set, tuned on): malicious flagged ${f.tp}/${f.tp + f.fn}, benign clean ${f.tn}/${f.tn + f.fp}`,
  );
  for (const r of list)
    if ((r.label === "malicious") !== flagged(r.risk))
      console.log(
        `  ${r.label === "malicious" ? "MISS" : "FP  "} ${r.name}  risk ${r.risk}  ${[...new Set(r.findings.map((x) => x.id))].slice(0, 4).join(" ")}`,
      );
}

// Fourth part: the obfuscation-s7 red-team set (test/fixtures/obfuscation-s7), written in session 7
// from issue 14's technique list before the rules it measures. Read through the real input reader,
// so bundled binaries and archives are typed as the CLI types them.
const s7Dir = new URL("../test/fixtures/obfuscation-s7", import.meta.url).pathname;
if (existsSync(s7Dir)) {
  const { readSkillInputs } = await load("input/index.js");
  const list = [];
  for (const kind of ["malicious", "benign"])
    for (const name of readdirSync(path.join(s7Dir, kind)).sort()) {
      const [r] = await readSkillInputs([path.join(s7Dir, kind, name)], { cwd: s7Dir });
      if (!r?.ok) throw new Error(`obfuscation-s7: could not read ${kind}/${name}`);
      list.push({ name: `${kind}/${name}`, label: kind, ...scan(r.input) });
    }
  const f = figures(list, (r) => r.label);
  console.log(
    `\n== obfuscation-s7 (own, written s7): flagged ${f.tp}/${f.tp + f.fn}, benign clean ${f.tn}/${f.tn + f.fp}`,
  );
  for (const r of list)
    if ((r.label === "malicious") !== flagged(r.risk))
      console.log(
        `  ${r.label === "malicious" ? "MISS" : "FP  "} ${r.name}  risk ${r.risk}  ${[...new Set(r.findings.map((x) => x.id))].slice(0, 4).join(" ")}`,
      );
}

// The conditional-s11 set (test/fixtures/conditional-s11), written in session 11 from the mechanism
// of marker-gated orders (an act outside the task, ordered only when a marker file, variable, host,
// user, date or a detected sandbox/evaluation holds) with benign twins whose conditions are ordinary.
// Tuned on: a regression figure, not a generalisation figure.
const s11Dir = new URL("../test/fixtures/conditional-s11", import.meta.url).pathname;
if (existsSync(s11Dir)) {
  const { readSkillInputs } = await load("input/index.js");
  const list = [];
  for (const kind of ["malicious", "benign"])
    for (const name of readdirSync(path.join(s11Dir, kind)).sort()) {
      const [r] = await readSkillInputs([path.join(s11Dir, kind, name)], { cwd: s11Dir });
      if (!r?.ok) throw new Error(`conditional-s11: could not read ${kind}/${name}`);
      list.push({ name: `${kind}/${name}`, label: kind, ...scan(r.input) });
    }
  const f = figures(list, (r) => r.label);
  console.log(
    `\n== conditional-s11 (own, written s11, tuned on): flagged ${f.tp}/${f.tp + f.fn}, benign clean ${f.tn}/${f.tn + f.fp}`,
  );
  for (const r of list)
    if ((r.label === "malicious") !== flagged(r.risk))
      console.log(
        `  ${r.label === "malicious" ? "MISS" : "FP  "} ${r.name}  risk ${r.risk}  ${[...new Set(r.findings.filter((x) => x.severity !== "info").map((x) => `${x.id}:${x.severity}`))].slice(0, 4).join(" ")}`,
      );
}

// Fifth part: the heldout-s8 set (test/fixtures/heldout-s8), written in session 8 by a helper who
// did not look at the MEASURE part of the corpus, and never tuned on: a generalisation figure.
// Classes come from its CLASSES.tsv; names may be printed (nobody tunes on this set).
const s8Dir = new URL("../test/fixtures/heldout-s8", import.meta.url).pathname;
if (existsSync(s8Dir)) {
  const { readSkillInputs } = await load("input/index.js");
  const classes = new Map();
  const tsv = path.join(s8Dir, "CLASSES.tsv");
  if (existsSync(tsv))
    for (const line of readFileSync(tsv, "utf8").split("\n").slice(1)) {
      const [kind, name, cls] = line.split("\t");
      if (kind && name) classes.set(`${kind}/${name}`, cls || "?");
    }
  const list = [];
  for (const kind of ["malicious", "benign"])
    for (const name of readdirSync(path.join(s8Dir, kind)).sort()) {
      const [r] = await readSkillInputs([path.join(s8Dir, kind, name)], { cwd: s8Dir });
      if (!r?.ok) throw new Error(`heldout-s8: could not read ${kind}/${name}`);
      const key = `${kind}/${name}`;
      list.push({ name: key, label: kind, cls: classes.get(key) ?? "?", ...scan(r.input) });
    }
  const f = figures(list, (r) => r.label);
  console.log(
    `\n== heldout-s8 (own, written s8, never tuned on): recall ${pct(f.tp, f.tp + f.fn)} (${f.tp}/${f.tp + f.fn})  FPR ${pct(f.fp, f.fp + f.tn)} (${f.fp}/${f.fp + f.tn})`,
  );
  for (const kind of ["malicious", "benign"]) {
    const byCls = new Map();
    for (const r of list.filter((x) => x.label === kind)) {
      const c = byCls.get(r.cls) ?? { n: 0, flagged: 0 };
      c.n++;
      if (flagged(r.risk)) c.flagged++;
      byCls.set(r.cls, c);
    }
    for (const [cls, c] of [...byCls].sort((a, b) => a[0].localeCompare(b[0])))
      console.log(
        `  ${kind === "malicious" ? "recall" : "FPR   "} ${pct(c.flagged, c.n)}  ${String(c.flagged).padStart(2)}/${String(c.n).padEnd(2)}  ${kind}/${cls}`,
      );
  }
  for (const r of list)
    if ((r.label === "malicious") !== flagged(r.risk))
      console.log(
        `  ${r.label === "malicious" ? "MISS" : "FP  "} ${r.name.padEnd(44)} [${r.cls}]  risk ${r.risk}  ${[...new Set(r.findings.filter((x) => x.severity !== "info").map((x) => `${x.id}:${x.severity}`))].slice(0, 4).join(" ")}`,
      );
}

// Sixth part: benign-fp8 (test/fixtures/benign-fp8), benign hard negatives written in session 8
// from issue 14's list of false-positive causes (own-API-key clients, data files given to local
// scripts, advisory prose, placeholder hosts, security tools quoting IOCs); then benign-fp9, a
// larger set of whole skills of the same shapes written in session 9 (vendor installers, OAuth
// clients, SDK clients, backups, pipelines depositing results). Tuned on: regression figures for
// false positives, not generalisation figures.
async function benignSet(label, dir) {
  if (!existsSync(dir)) return;
  const { readSkillInputs } = await load("input/index.js");
  const list = [];
  for (const name of readdirSync(dir).sort()) {
    if (!statSync(path.join(dir, name)).isDirectory()) continue;
    const [r] = await readSkillInputs([path.join(dir, name)], { cwd: dir });
    if (!r?.ok) throw new Error(`${label}: could not read ${name}`);
    list.push({ name, ...scan(r.input) });
  }
  const fps = list.filter((r) => flagged(r.risk));
  console.log(`\n== ${label} (own, tuned on): benign clean ${list.length - fps.length}/${list.length}`);
  for (const r of fps)
    console.log(
      `  FP   ${r.name}  risk ${r.risk}  ${[...new Set(r.findings.map((x) => x.id))].slice(0, 4).join(" ")}`,
    );
}
await benignSet("benign-fp8", new URL("../test/fixtures/benign-fp8", import.meta.url).pathname);
await benignSet("benign-fp9", new URL("../test/fixtures/benign-fp9", import.meta.url).pathname);
// benign-sci (session 11): scientific skills written to reason about the blind kdense false
// positives without reading them (data downloads, public-data API keys, lab-service uploads).
await benignSet("benign-sci", new URL("../test/fixtures/benign-sci", import.meta.url).pathname);
// benign-sci-twins (session 13): benign-sci skills with one real payload each, so a false-positive
// fix for benign-sci is seen not to lose the malicious shape next to it. Tuned on.
async function twinSet(label, dir) {
  if (!existsSync(dir)) return;
  const { readSkillInputs } = await load("input/index.js");
  const list = [];
  for (const name of readdirSync(dir).sort()) {
    if (!statSync(path.join(dir, name)).isDirectory()) continue;
    const [r] = await readSkillInputs([path.join(dir, name)], { cwd: dir });
    if (!r?.ok) throw new Error(`${label}: could not read ${name}`);
    list.push({ name, ...scan(r.input) });
  }
  const misses = list.filter((r) => !flagged(r.risk));
  console.log(
    `\n== ${label} (own, tuned on): malicious flagged ${list.length - misses.length}/${list.length}`,
  );
  for (const r of misses) console.log(`  MISS ${r.name}  risk ${r.risk}`);
}
await twinSet("benign-sci-twins", new URL("../test/fixtures/benign-sci-twins", import.meta.url).pathname);

// Last part: the heldout-s9 set (test/fixtures/heldout-s9), a second independent held-out set
// written in session 9 after heldout-s8 had been read item by item. Only the overall and
// per-class figures are printed: the per-item misses and false positives stay hidden (so no rule
// is tuned on them) unless --heldout-s9-details asks for them.
const s9Dir = new URL("../test/fixtures/heldout-s9", import.meta.url).pathname;
if (existsSync(s9Dir)) {
  const { readSkillInputs } = await load("input/index.js");
  const classes = new Map();
  const tsv = path.join(s9Dir, "CLASSES.tsv");
  if (existsSync(tsv))
    for (const line of readFileSync(tsv, "utf8").split("\n").slice(1)) {
      const [kind, name, cls] = line.split("\t");
      if (kind && name) classes.set(`${kind}/${name}`, cls || "?");
    }
  const list = [];
  for (const kind of ["malicious", "benign"])
    for (const name of readdirSync(path.join(s9Dir, kind)).sort()) {
      const [r] = await readSkillInputs([path.join(s9Dir, kind, name)], { cwd: s9Dir });
      if (!r?.ok) throw new Error(`heldout-s9: could not read ${kind}/${name}`);
      const key = `${kind}/${name}`;
      list.push({ name: key, label: kind, cls: classes.get(key) ?? "?", ...scan(r.input) });
    }
  const f = figures(list, (r) => r.label);
  console.log(
    `\n== heldout-s9 (own, written s9, never tuned on): recall ${pct(f.tp, f.tp + f.fn)} (${f.tp}/${f.tp + f.fn})  FPR ${pct(f.fp, f.fp + f.tn)} (${f.fp}/${f.fp + f.tn})`,
  );
  for (const kind of ["malicious", "benign"]) {
    const byCls = new Map();
    for (const r of list.filter((x) => x.label === kind)) {
      const c = byCls.get(r.cls) ?? { n: 0, flagged: 0 };
      c.n++;
      if (flagged(r.risk)) c.flagged++;
      byCls.set(r.cls, c);
    }
    for (const [cls, c] of [...byCls].sort((a, b) => a[0].localeCompare(b[0])))
      console.log(
        `  ${kind === "malicious" ? "recall" : "FPR   "} ${pct(c.flagged, c.n)}  ${String(c.flagged).padStart(2)}/${String(c.n).padEnd(2)}  ${kind}/${cls}`,
      );
  }
  if (s9Details) {
    for (const r of list)
      if ((r.label === "malicious") !== flagged(r.risk))
        console.log(
          `  ${r.label === "malicious" ? "MISS" : "FP  "} ${r.name.padEnd(44)} [${r.cls}]  risk ${r.risk}  ${[...new Set(r.findings.filter((x) => x.severity !== "info").map((x) => `${x.id}:${x.severity}`))].slice(0, 4).join(" ")}`,
        );
  } else
    console.log(
      "  (per-item misses/false positives hidden: never tune on this set; --heldout-s9-details shows them)",
    );
}
