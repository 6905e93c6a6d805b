#!/usr/bin/env node
// The topical-coherence reading measured on its own, before (and beside) its rule: for every TUNE
// unit, the orders aimed at the agent (src/findings/order-coherence.ts) with their support by the
// rest of the skill and their shape; then, per threshold, how many TUNE malicious and TUNE benign
// units have an order below it — alone, and combined with a standing trigger, policy framing and
// an act that reaches outside the task. Only TUNE units are opened (bench/tune-units.js).
//
// usage: npm run build && node bench/coherence-probe.js [CORPUS_DIR=../shared/corpus] [--list=T] [--unweighted]
//   --list=T      print the orders below support T with a standing-or-framed shape and an act, per unit
//   --shape=NAME  with --list: the shape listed (default "(standing|framed)+act"; "any order", "standing", …)
//   --label=L     with --list: only units labelled L (benign or malicious)
//   --injected    print, per TUNE skillinject unit, every order its clean twin does not have
//   --unweighted  every content word weighs the same (to see what the weight table adds)
// Deterministic: units in sorted order, no randomness, no timing in the output.
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { tuneUnits } from "./tune-units.js";

const dist = path.resolve(new URL("../dist/src", import.meta.url).pathname);
const distRoot = existsSync(path.join(dist, "findings/index.js"))
  ? dist
  : path.resolve(new URL("../dist", import.meta.url).pathname);
const load = (p) => import(pathToFileURL(path.join(distRoot, p)).href);
const shell = await load("shell/index.js");
const { extractSkill } = await load("extract/index.js");
const { buildContext } = await load("findings/context.js");
const { expand } = await load("findings/detectors/expand.js");
const { addJsonValueProse } = await load("findings/json-prose.js");
const { readOrderCoherence } = await load("findings/order-coherence.js");
await shell.initShell();

const args = process.argv.slice(2);
const corpus = path.resolve(args.find((a) => !a.startsWith("--")) ?? "../shared/corpus");
const listArg = args.find((a) => a.startsWith("--list="));
const listBelow = listArg ? Number(listArg.slice("--list=".length)) : undefined;
const unweighted = args.includes("--unweighted");
const shapeArg =
  args.find((a) => a.startsWith("--shape="))?.slice("--shape=".length) ?? "(standing|framed)+act";
const labelArg = args.find((a) => a.startsWith("--label="))?.slice("--label=".length);

function readings(input) {
  const model = extractSkill(input);
  const analyses = new Map();
  for (const step of model.steps) analyses.set(step.id, shell.analyseShell(step.text));
  const ctx = buildContext(model, analyses);
  expand(ctx);
  addJsonValueProse(ctx);
  return readOrderCoherence(ctx);
}
const supportOf = (r) =>
  unweighted ? r.words.filter((w) => w.supported).length / r.words.length : r.support;

// Shapes: which orders of a unit count for a combination.
const shapes = {
  "any order": () => true,
  standing: (r) => !!r.standing,
  act: (r) => !!r.act,
  "standing+act": (r) => !!r.standing && !!r.act,
  "framed+act": (r) => !!r.framed && !!r.act,
  "(standing|framed)+act": (r) => (!!r.standing || !!r.framed) && !!r.act,
};
// 1.01: the shape alone, whatever the support (what the coherence adds to it).
const thresholds = [0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 1.01];

// A TUNE skillinject unit is its clean twin (benchmarks-dev/benign/skillinject-clean__<base>, also
// TUNE) with a payload inserted: an order whose sentence the twin already has is the base skill's
// own, and a unit "caught" only through such an order is not caught by the reading. Those orders
// are left out of the malicious side.
const squash = (t) =>
  t
    .replace(/[*_`#>]+/g, "")
    .replace(/\s+/g, " ")
    .trim();
function twinText(name) {
  const m = /skillinject__(.+?)-(?:ctx|ctxw|obv)\d+(?:-desc)?$/.exec(name);
  if (!m) return undefined;
  const f = path.join(corpus, "benchmarks-dev/benign", `skillinject-clean__${m[1]}`, "SKILL.md");
  return existsSync(f) ? squash(readFileSync(f, "utf8")) : undefined;
}
const units = tuneUnits(corpus).filter((u) => u.label !== "suspicious");
const rows = [];
let twinOrders = 0;
for (const u of units) {
  let rs;
  try {
    rs = readings(u.input);
  } catch (e) {
    console.error(`could not read ${u.name}: ${e.message}`);
    continue;
  }
  const twin = u.label === "malicious" ? twinText(u.name) : undefined;
  if (twin) {
    const own = rs.filter((x) => !twin.includes(squash(x.sentence)));
    twinOrders += rs.length - own.length;
    rs = own;
  }
  rows.push({ ...u, rs });
}
const groups = {
  "benign (all TUNE)": rows.filter((r) => r.label === "benign"),
  "malicious (all TUNE)": rows.filter((r) => r.label === "malicious"),
  "  skillinject (even)": rows.filter((r) => r.label === "malicious" && r.name.includes("skillinject__")),
  "  other dev + corpus": rows.filter((r) => r.label === "malicious" && !r.name.includes("skillinject__")),
};
const withOrders = (g) => g.filter((r) => r.rs.length > 0).length;
console.log(
  `TUNE units read: ${rows.length} (${Object.entries(groups)
    .map(([k, g]) => `${k.trim()} ${g.length}, ${withOrders(g)} with an order`)
    .join("; ")})${unweighted ? "  [unweighted]" : ""}`,
);
console.log(`(skillinject: ${twinOrders} orders that the clean twin already has left out)`);
console.log(
  `orders read: benign ${groups["benign (all TUNE)"].reduce((a, r) => a + r.rs.length, 0)}, malicious ${groups["malicious (all TUNE)"].reduce((a, r) => a + r.rs.length, 0)}`,
);
for (const [shape, keep] of Object.entries(shapes)) {
  console.log(`\n${shape}: units with such an order whose support < T`);
  console.log(
    `  ${"group".padEnd(24)} ${thresholds.map((t) => `<${t}`.padStart(9)).join("")}   (act-clause support <.4)`,
  );
  for (const [name, g] of Object.entries(groups)) {
    const cells = thresholds.map(
      (t) => g.filter((r) => r.rs.some((x) => keep(x) && supportOf(x) < t)).length,
    );
    const act = g.filter((r) => r.rs.some((x) => keep(x) && x.actSupport < 0.4)).length;
    console.log(
      `  ${name.padEnd(24)} ${cells.map((c) => `${c}/${g.length}`.padStart(9)).join("")}   ${act}/${g.length}`,
    );
  }
}
if (listBelow !== undefined)
  for (const r of rows) {
    if (labelArg && r.label !== labelArg) continue;
    const hits = r.rs.filter((x) => shapes[shapeArg](x) && supportOf(x) < listBelow);
    if (hits.length === 0) continue;
    console.log(`\n${r.label.toUpperCase()} ${r.name} [${r.cls}]`);
    for (const x of hits)
      console.log(
        `  support ${supportOf(x).toFixed(2)} act ${x.actSupport.toFixed(2)} | ${x.standing ? `trigger "${x.standing}"` : ""} ${x.framed ?? ""} | ${x.act}\n    ${JSON.stringify(x.sentence.trim().slice(0, 220))}\n    unsupported: ${x.words
          .filter((w) => !w.supported)
          .map((w) => `${w.stem}(${w.weight.toFixed(1)})`)
          .join(" ")}`,
      );
  }
if (args.includes("--injected"))
  for (const r of rows.filter((x) => x.label === "malicious" && x.name.includes("skillinject__"))) {
    console.log(`\n${r.name} [${r.cls}]${r.rs.length === 0 ? "  (no order read)" : ""}`);
    for (const x of r.rs)
      console.log(
        `  support ${supportOf(x).toFixed(2)} | ${x.standing ? `trigger "${x.standing}" ` : ""}${x.framed ?? ""} | ${x.act ?? "-"} | ${JSON.stringify(x.sentence.trim().slice(0, 160))}`,
      );
  }
