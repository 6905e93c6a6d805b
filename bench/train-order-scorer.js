#!/usr/bin/env node
// Trains the learned order scorer (issue 14, I14LRN): logistic regression (L2) over the prose units
// of the TUNE part of the corpus, in two variants — structural features only, and structural +
// a hashed bag of words and bigrams — and writes each variant's weights under
// src/findings/learned/ (read by instr.learned-order, src/findings/detectors/learned-order.ts).
//
// Data (TUNE only: the split of bench/eval-split.tsv is applied to each path before its files are
// opened, so no MEASURE item is read):
// - positives A: the units a TUNE skillinject item (even payload number) has and its clean base
//   (benchmarks-dev/benign/skillinject-clean__<base>) lacks — the injected payload;
// - positives B: the units of other TUNE malicious items that an existing high or critical
//   finding points at (its file and line inside the unit);
// - negatives: every unit of every TUNE benign or gray item (manifest labels followed);
// - the other units of malicious items are unlabelled and left out.
// The threshold is chosen on out-of-fold scores, cross-validated by source (each corpus folder and
// dev source is one fold; skillinject payloads by the last digit of their number, the unit the
// MEASURE split generalises over): the lowest threshold at which the learned rule adds at most
// `maxAddedFpr` of TUNE benign skills to those the existing rules already flag.
//
// Deterministic: sorted reading order, full-batch gradient descent (Adam) with a fixed number of
// steps and no randomness; weights rounded to 4 decimals, so a re-run writes the same bytes.
//
// usage: npm run build && node bench/train-order-scorer.js [CORPUS_DIR=/work/shared/corpus] [--out=DIR] [--report]

import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { manifestLabel, pathLabel, readSplitRules, unitsOf } from "./skill-units.js";

const distRoot = path.resolve(new URL("../dist", import.meta.url).pathname);
const load = (p) => import(pathToFileURL(path.join(distRoot, p)).href);
const { detectFindings } = await load("findings/index.js");
const { readUnits } = await load("findings/learned/reading.js");
const { fnv1a, isHashed } = await load("findings/learned/scorer.js");
const shell = await load("shell/index.js");
const { extractSkill } = await load("extract/index.js");
await shell.initShell();

const args = process.argv.slice(2);
const corpus = path.resolve(args.find((a) => !a.startsWith("--")) ?? "/work/shared/corpus");
const outDir = path.resolve(
  args.find((a) => a.startsWith("--out="))?.slice("--out=".length) ??
    new URL("../src/findings/learned", import.meta.url).pathname,
);
const report = args.includes("--report");
if (!existsSync(corpus)) {
  process.exitCode = 1;
  throw new Error(`train-order-scorer: no corpus at ${corpus}; pass its path as the first argument`);
}

/** Hash buckets of the word variant: modest, so the model cannot memorise every wording. */
const buckets = 1024;
const steps = 300;
const learningRate = 0.05;
const l2 = 1e-3;
/** Share of TUNE benign skills the learned rule may add to the existing rules' false positives. */
const maxAddedFpr = 0.01;

const splitRules = readSplitRules(new URL("./eval-split.tsv", import.meta.url).pathname);
const partOf = (p) => splitRules.find((r) => r.re.test(p.split(path.sep).join("/")))?.side ?? "unsplit";
const flagged = (sev) => sev === "high" || sev === "critical";
const norm = (t) => t.toLowerCase().replace(/\s+/g, " ").trim();

// 1. Read every TUNE skill: its units with features, its label, its fold, what the rules flag.
// --cache=FILE keeps this reading between runs while iterating (the slow part).
const cacheArg = args.find((a) => a.startsWith("--cache="))?.slice("--cache=".length);
const skills = cacheArg && existsSync(cacheArg) ? JSON.parse(readFileSync(cacheArg, "utf8")) : [];
for (const u of skills.length > 0 ? [] : unitsOf(corpus, (p) => partOf(p) === "tune")) {
  if (u.comments) continue;
  const byPath = pathLabel(u.source);
  if (!byPath) continue;
  const m = manifestLabel(u.labelPath);
  let label = byPath === "gray" ? "benign" : byPath;
  if (m && /^benign/.test(m.label)) label = "benign";
  else if (m && /^suspicious/.test(m.label)) continue;
  const model = extractSkill(u.input);
  const analyses = new Map();
  for (const step of model.steps) analyses.set(step.id, shell.analyseShell(step.text));
  const findings = detectFindings(model, analyses);
  const rel = path.relative(corpus, u.source).split(path.sep).join("/");
  const inject = /^benchmarks-dev\/malicious\/skillinject__(.+)-(?:ctxw|ctx|obv)(\d+)(?:-desc)?$/.exec(rel);
  const dev = /^benchmarks-dev\/(?:benign|malicious)\/([^/]+?)__/.exec(rel);
  const top = /^(benign|gray|malicious)\/([^/]+)/.exec(rel);
  const fold = inject
    ? `skillinject:payload*${inject[2].slice(-1)}`
    : dev
      ? `dev:${dev[1]}`
      : top
        ? `${top[1]}/${top[2]}`
        : rel;
  skills.push({
    rel,
    label,
    fold,
    base: inject?.[1],
    ruleFlagged: findings.some((f) => flagged(f.severity)),
    highLines: findings.filter((f) => flagged(f.severity)).map((f) => `${f.file}:${f.line}`),
    units: readUnits(model, analyses),
  });
}

if (cacheArg && !existsSync(cacheArg)) writeFileSync(cacheArg, JSON.stringify(skills));

// 2. Label the units.
const cleanTexts = new Map();
for (const s of skills) {
  const c = /^benchmarks-dev\/benign\/skillinject-clean__(.+)$/.exec(s.rel);
  if (c) cleanTexts.set(c[1], new Set(s.units.map((x) => norm(x.text))));
}
const examples = [];
const counts = { positivesA: 0, positivesB: 0, negatives: 0, unlabelled: 0 };
for (const [si, s] of skills.entries()) {
  for (const x of s.units) {
    let y;
    if (s.label === "benign") y = 0;
    else if (s.base !== undefined) {
      const clean = cleanTexts.get(s.base);
      if (clean && !clean.has(norm(x.text))) y = 1;
    } else {
      const span = x.text.split("\n").length;
      for (let l = x.line; l < x.line + span && y === undefined; l++)
        if (s.highLines.includes(`${x.file}:${l}`)) y = 1;
    }
    if (y === undefined) {
      counts.unlabelled++;
      continue;
    }
    if (y === 0) counts.negatives++;
    else if (s.base !== undefined) counts.positivesA++;
    else counts.positivesB++;
    examples.push({ skill: si, y, features: x.features, unit: x });
  }
}

// 3. Feature indices: structural names sorted; hashed buckets after them.
const structuralNames = [...new Set(examples.flatMap((e) => e.features.filter((f) => !isHashed(f))))].sort();
const structIndex = new Map(structuralNames.map((n, i) => [n, i]));
function vectorOf(features, withWords) {
  const idx = new Set();
  for (const f of features) {
    if (isHashed(f)) {
      if (withWords) idx.add(structuralNames.length + (fnv1a(f) % buckets));
    } else idx.add(structIndex.get(f));
  }
  return Int32Array.from([...idx].sort((a, b) => a - b));
}

/** Logistic regression, L2, class-balanced, full-batch Adam with a fixed number of steps. */
function train(rows, dim) {
  const w = new Float64Array(dim);
  let b = 0;
  const pos = rows.filter((r) => r.y === 1).length;
  const neg = rows.length - pos;
  const cw = [rows.length / (2 * Math.max(1, neg)), rows.length / (2 * Math.max(1, pos))];
  const m = new Float64Array(dim + 1);
  const v = new Float64Array(dim + 1);
  const g = new Float64Array(dim + 1);
  for (let t = 1; t <= steps; t++) {
    g.fill(0);
    for (const r of rows) {
      let z = b;
      for (const i of r.x) z += w[i];
      const err = (1 / (1 + Math.exp(-z)) - r.y) * cw[r.y];
      for (const i of r.x) g[i] += err;
      g[dim] += err;
    }
    for (let i = 0; i <= dim; i++) {
      const gi = g[i] / rows.length + (i < dim ? l2 * w[i] : 0);
      m[i] = 0.9 * m[i] + 0.1 * gi;
      v[i] = 0.999 * v[i] + 0.001 * gi * gi;
      const step = (learningRate * (m[i] / (1 - 0.9 ** t))) / (Math.sqrt(v[i] / (1 - 0.999 ** t)) + 1e-8);
      if (i < dim) w[i] -= step;
      else b -= step;
    }
  }
  return { w, b };
}
const prob = (model, x) => {
  let z = model.b;
  for (const i of x) z += model.w[i];
  return 1 / (1 + Math.exp(-z));
};

const folds = [...new Set(skills.map((s) => s.fold))].sort();
const round4 = (n) => Math.round(n * 1e4) / 1e4 || 0;
const lines = [];
const say = (t) => {
  lines.push(t);
  console.log(t);
};
say(
  `TUNE skills ${skills.length} (${skills.filter((s) => s.label === "malicious").length} malicious), units: ` +
    `${counts.positivesA} positives from skillinject minimal pairs, ${counts.positivesB} positives at existing high findings, ` +
    `${counts.negatives} negatives, ${counts.unlabelled} unlabelled left out; ${folds.length} source folds`,
);

for (const [variant, withWords, file] of [
  ["structural", false, "order-scorer.structural.json"],
  ["structural+words", true, "order-scorer.words.json"],
]) {
  const dim = structuralNames.length + (withWords ? buckets : 0);
  const rows = examples.map((e) => ({ skill: e.skill, y: e.y, x: vectorOf(e.features, withWords) }));
  // Out-of-fold score of every unit of every skill (the skill's score is its units' maximum).
  const skillScore = new Float64Array(skills.length);
  const unitScores = [];
  for (const fold of folds) {
    const held = new Set(skills.flatMap((s, i) => (s.fold === fold ? [i] : [])));
    const model = train(
      rows.filter((r) => !held.has(r.skill)),
      dim,
    );
    for (const [i, s] of skills.entries()) {
      if (!held.has(i)) continue;
      const x = s.units.map((u) => vectorOf(u.features, withWords));
      const p = x.map((v) => prob(model, v));
      skillScore[i] = Math.max(0, ...p);
      if (report) for (const [k, u] of s.units.entries()) unitScores.push({ s: p[k], skill: s, u });
    }
  }
  const benign = skills.map((s, i) => [s, i]).filter(([s]) => s.label === "benign");
  const malicious = skills.map((s, i) => [s, i]).filter(([s]) => s.label === "malicious");
  const at = (t) => {
    const addFp = benign.filter(([s, i]) => !s.ruleFlagged && skillScore[i] >= t).length;
    const aloneFp = benign.filter(([, i]) => skillScore[i] >= t).length;
    const aloneTp = malicious.filter(([, i]) => skillScore[i] >= t).length;
    const addTp = malicious.filter(([s, i]) => !s.ruleFlagged && skillScore[i] >= t).length;
    return { t, addFp, aloneFp, aloneTp, addTp };
  };
  let chosen = at(0.999);
  for (let k = 999; k >= 500; k--) {
    const r = at(k / 1000);
    if (r.addFp > Math.floor(maxAddedFpr * benign.length)) break;
    chosen = r;
  }
  const ruleTp = malicious.filter(([s]) => s.ruleFlagged).length;
  const ruleFp = benign.filter(([s]) => s.ruleFlagged).length;
  say(
    `${variant}: threshold ${chosen.t.toFixed(3)} (out-of-fold by source): learned alone recall ${(chosen.aloneTp / malicious.length).toFixed(3)} FPR ${(chosen.aloneFp / benign.length).toFixed(3)}; ` +
      `rules ${ruleTp}/${malicious.length} FP ${ruleFp}/${benign.length} → rules+learned ${ruleTp + chosen.addTp}/${malicious.length} FP ${ruleFp + chosen.addFp}/${benign.length}`,
  );
  if (report) {
    // Unit-level ranking quality out of fold: AUC of labelled units, and the top benign units.
    const labelled = rows.map((r, k) => ({ y: r.y, k }));
    const oof = new Map();
    for (const e of unitScores) oof.set(e.u, e.s);
    const scored = examples
      .map((e, k) => ({ y: e.y, s: oof.get(e.unit), k }))
      .filter((e) => e.s !== undefined);
    scored.sort((a, b) => a.s - b.s);
    let rankSum = 0;
    for (const [r, e] of scored.entries()) if (e.y === 1) rankSum += r + 1;
    const np = scored.filter((e) => e.y === 1).length;
    const nn = scored.length - np;
    console.log(
      `  unit AUC out of fold ${((rankSum - (np * (np + 1)) / 2) / (np * nn)).toFixed(3)} (${np} positives, ${nn} negatives; ${labelled.length} rows)`,
    );
    const ben = unitScores.filter((e) => e.skill.label === "benign").sort((a, b) => b.s - a.s);
    for (const e of ben.slice(0, 12))
      console.log(
        `  top benign ${e.s.toFixed(3)} ${e.skill.rel.slice(0, 50)}:${e.u.line} ${JSON.stringify(e.u.text.slice(0, 110))}`,
      );
  }
  if (report)
    for (const fold of folds) {
      const inFold = skills.map((s, i) => [s, i]).filter(([s]) => s.fold === fold);
      const mal = inFold.filter(([s]) => s.label === "malicious");
      const ben = inFold.filter(([s]) => s.label === "benign");
      console.log(
        `  ${fold.padEnd(44)} malicious ${mal.filter(([, i]) => skillScore[i] >= chosen.t).length}/${mal.length} (rules ${mal.filter(([s]) => s.ruleFlagged).length})  benign flagged ${ben.filter(([, i]) => skillScore[i] >= chosen.t).length}/${ben.length}`,
      );
    }
  // The shipped weights: trained on all of TUNE, with the cross-validated threshold.
  const model = train(rows, dim);
  const structural = {};
  for (const [i, n] of structuralNames.entries()) structural[n] = round4(model.w[i]);
  const weights = {
    variant,
    trainedOn: "TUNE part of bench/eval-split.tsv (bench/train-order-scorer.js)",
    bias: round4(model.b),
    structural,
    buckets: withWords ? buckets : 0,
    hashed: withWords ? Array.from(model.w.slice(structuralNames.length), round4) : [],
    threshold: chosen.t,
  };
  mkdirSync(outDir, { recursive: true });
  writeFileSync(path.join(outDir, file), `${JSON.stringify(weights)}\n`);
  if (report) {
    const top = Object.entries(structural).sort((a, b) => b[1] - a[1]);
    console.log(
      `  strongest structural weights: ${top
        .slice(0, 8)
        .map(([n, v]) => `${n} ${v}`)
        .join(", ")}`,
    );
    console.log(
      `  most negative: ${top
        .slice(-6)
        .map(([n, v]) => `${n} ${v}`)
        .join(", ")}`,
    );
  }
}
