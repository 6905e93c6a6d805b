// The TUNE part of the labelled corpus, unit by unit, as bench/eval.js reads it (skill folders
// with their bundled files, loose .md files; labels from the path, overridden by a MANIFEST.tsv
// "benign…"/"suspicious…" label), for the scripts that may only ever open TUNE items
// (bench/topic-weights.js, bench/coherence-probe.js). The split (bench/eval-split.tsv) is applied
// to each unit's path before any of its files is read: a MEASURE unit is never opened.
import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { bundledOf, manifestLabel, readSplitRules } from "./skill-units.js";

const splitRules = readSplitRules(new URL("./eval-split.tsv", import.meta.url).pathname);
const partOf = (p) => splitRules.find((r) => r.re.test(p.split(path.sep).join("/")))?.side ?? "unsplit";

function labelOf(p, row) {
  const byPath = p.includes("/malicious/")
    ? "malicious"
    : p.includes("/benign/") || p.includes("/gray/")
      ? "benign"
      : undefined;
  if (!byPath) return undefined;
  if (row && /^benign/.test(row.label)) return "benign";
  if (row && /^suspicious/.test(row.label)) return "suspicious";
  return byPath;
}

/** TUNE units under `corpus`: { name, label, cls, input } with `input` as extractSkill takes it. */
export function tuneUnits(corpus) {
  const out = [];
  const walk = (dir) => {
    if (partOf(dir) === "measure") return; // a whole MEASURE folder: not even listed
    const names = readdirSync(dir).sort();
    const main = names.find((n) => n === "SKILL.md" || n === "skill.md");
    if (main) {
      const file = path.join(dir, main);
      if (partOf(dir) !== "tune") return;
      const row = manifestLabel(file);
      const label = labelOf(dir, row);
      if (!label) return;
      out.push({
        name: path.relative(corpus, dir),
        label,
        cls: row?.category || row?.group || path.basename(path.dirname(dir)),
        input: { source: dir, file: main, text: readFileSync(file, "utf8"), bundled: bundledOf(dir) },
      });
      return;
    }
    for (const name of names) {
      const p = path.join(dir, name);
      if (statSync(p).isDirectory()) walk(p);
      else if (/\.md$/i.test(name) && !/^(?:README|WARNING)\.md$/i.test(name) && partOf(p) === "tune") {
        const row = manifestLabel(p);
        const label = labelOf(p, row);
        if (!label) continue;
        out.push({
          name: path.relative(corpus, p),
          label,
          cls: row?.category || row?.group || path.basename(path.dirname(p)),
          input: { source: p, file: name, text: readFileSync(p, "utf8"), bundled: [] },
        });
      }
    }
  };
  walk(corpus);
  return out;
}
