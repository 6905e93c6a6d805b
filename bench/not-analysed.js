#!/usr/bin/env node
// How often the scan reports something "not analysed" (verdict at least review) on labelled skill
// folders: `npm run build && node bench/not-analysed.js DIR...`. Fail-closed records are the
// price of never passing what was not read; this measures the price on benign skills (and the
// coverage on malicious ones), per tune/measure part of bench/eval-split.tsv, with the real input
// reader (bundled file types and unread entries as the CLI sees them). Only TUNE items are listed
// (--verbose); the measure part is printed as figures. SKILLWALL_DIST=<dir> compares another build.

import { existsSync, readdirSync } from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { readSplitRules } from "./skill-units.js";

const dist = path.resolve(process.env.SKILLWALL_DIST ?? new URL("../dist", import.meta.url).pathname);
const load = (p) => import(pathToFileURL(path.join(dist, p)).href);
const { readSkillInputs } = await load("input/index.js");
const { extractSkill } = await load("extract/index.js");

const args = process.argv.slice(2).filter((a) => !a.startsWith("--"));
const verbose = process.argv.includes("--verbose");
if (args.length === 0) {
  console.error("usage: node bench/not-analysed.js DIR... [--verbose]");
  process.exit(2);
}
const splitRules = readSplitRules(new URL("./eval-split.tsv", import.meta.url).pathname);
const partOf = (p) => splitRules.find((r) => r.re.test(p.split(path.sep).join("/")))?.side ?? "unsplit";
const labelOf = (p) =>
  /\/malicious\//.test(p) ? "malicious" : /\/(?:benign|gray|benign-fp8)\//.test(p) ? "benign" : "?";

/** Skill folders (holding SKILL.md) under `dir`. */
function folders(dir, out = []) {
  const names = readdirSync(dir, { withFileTypes: true });
  if (names.some((d) => d.isFile() && /^skill\.md$/i.test(d.name))) return out.concat(dir);
  for (const d of names) if (d.isDirectory()) out = folders(path.join(dir, d.name), out);
  return out;
}

/** The reason of a record without its particulars, for a per-reason count. */
const reasonOf = (why) =>
  why
    .replace(/`[^`]*`/g, "`…`")
    .replace(/\b[\w.-]+\.(?:\w{1,8})\b/g, "FILE")
    .slice(0, 70);

const table = new Map();
for (const dir of args) {
  for (const f of folders(path.resolve(dir))) {
    const [r] = await readSkillInputs([f], { cwd: "/" });
    if (!r?.ok) continue;
    const model = extractSkill(r.input);
    const records = model.unanalysed ?? [];
    const key = `${partOf(f)} ${labelOf(f)}`;
    const e = table.get(key) ?? { n: 0, flagged: 0, reasons: new Map(), items: [] };
    e.n++;
    if (records.length > 0) {
      e.flagged++;
      for (const why of new Set(records.map((u) => reasonOf(u.why))))
        e.reasons.set(why, (e.reasons.get(why) ?? 0) + 1);
      if (partOf(f) !== "measure") e.items.push(`${f}  ${records[0].file}: ${records[0].why.slice(0, 90)}`);
    }
    table.set(key, e);
  }
}
for (const [key, e] of [...table].sort((a, b) => a[0].localeCompare(b[0]))) {
  console.log(`${key.padEnd(20)} not analysed ${e.flagged}/${e.n} (${(e.flagged / e.n).toFixed(3)})`);
  if (!key.startsWith("measure"))
    for (const [why, n] of [...e.reasons].sort((a, b) => b[1] - a[1]).slice(0, 12))
      console.log(`    ${String(n).padStart(4)}  ${why}`);
  if (verbose && !key.startsWith("measure")) for (const i of e.items) console.log(`      ${i}`);
}
if (!existsSync(dist)) console.error(`no build at ${dist}`);
