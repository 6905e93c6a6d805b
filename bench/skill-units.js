// What bench/eval.js and bench/tune-holdout.js both read a skill folder as: its main file's
// bundled siblings (sorted, SKILL.md and _expected.json left out), the units and labels of a
// labelled folder, and the eval split's rules.
import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";

export const scriptTypes = {
  ".sh": "shell",
  ".bash": "shell",
  ".py": "python",
  ".js": "javascript",
  ".mjs": "javascript",
  ".ts": "javascript",
};

export const sha = (t) => createHash("sha256").update(t).digest("hex");

/** The files of the skill folder `root` other than its SKILL.md, as extractSkill's `bundled`. */
export function bundledOf(root) {
  const out = [];
  const walk = (dir) => {
    for (const name of readdirSync(dir).sort()) {
      const p = path.join(dir, name);
      const st = statSync(p);
      if (st.isDirectory()) walk(p);
      else if (!/^(?:SKILL|skill)\.md$/.test(path.relative(root, p)) && name !== "_expected.json") {
        const text = readFileSync(p, "utf8");
        const ext = path.extname(name).toLowerCase();
        out.push({
          path: path.relative(root, p).split(path.sep).join("/"),
          size: st.size,
          type: scriptTypes[ext] ?? (ext === ".md" ? "markdown" : "other"),
          text,
          sha256: sha(text),
        });
      }
    }
  };
  walk(root);
  return out;
}

/** The rules of a split file (bench/eval-split.tsv): "side<TAB>regex" lines, # comments. */
export function readSplitRules(file) {
  return readFileSync(file, "utf8")
    .split("\n")
    .filter((l) => l.trim() && !l.startsWith("#"))
    .map((l) => {
      const [side, re] = l.split("\t");
      return { side, re: new RegExp(re) };
    });
}

/**
 * Units under `dir`: skill folders and loose files (what bench/eval.js scans). `keep(path)` is asked
 * before a unit's files are opened, so a caller can leave a split's MEASURE part unread.
 */
export function unitsOf(dir, keep = () => true, out = []) {
  const names = readdirSync(dir).sort();
  const main = names.find((n) => n === "SKILL.md" || n === "skill.md");
  if (main) {
    if (!keep(dir)) return out;
    const text = readFileSync(path.join(dir, main), "utf8");
    out.push({
      source: dir,
      labelPath: path.join(dir, main),
      input: { source: dir, file: main, text, bundled: bundledOf(dir) },
    });
    return out;
  }
  for (const name of names) {
    const p = path.join(dir, name);
    const st = statSync(p);
    if (st.isDirectory()) unitsOf(p, keep, out);
    else if (!keep(p)) continue;
    else if (name.endsWith(".json") && /"samples"/.test(readFileSync(p, "utf8").slice(0, 200000)))
      out.push({ source: p, comments: JSON.parse(readFileSync(p, "utf8")).samples });
    else if (/\.md$/i.test(name) && !/^(?:README|WARNING)\.md$/i.test(name))
      out.push({
        source: p,
        labelPath: p,
        input: { source: p, file: name, text: readFileSync(p, "utf8"), bundled: [] },
      });
    else if (scriptTypes[path.extname(name).toLowerCase()]) {
      const text = readFileSync(p, "utf8");
      out.push({
        source: p,
        labelPath: p,
        input: {
          source: p,
          file: "SKILL.md",
          text: "",
          bundled: [
            {
              path: name,
              size: text.length,
              type: scriptTypes[path.extname(name).toLowerCase()],
              text,
              sha256: sha(text),
            },
          ],
        },
      });
    }
  }
  return out;
}

const manifests = new Map();
/** The MANIFEST.tsv row of `file` (label, techniques, group, category), from the nearest manifest. */
export function manifestLabel(file) {
  for (let dir = path.dirname(file); dir !== path.dirname(dir); dir = path.dirname(dir)) {
    const m = path.join(dir, "MANIFEST.tsv");
    if (!existsSync(m)) continue;
    if (!manifests.has(m)) {
      const rows = readFileSync(m, "utf8")
        .split("\n")
        .map((l) => l.split("\t"));
      const head = rows[0] ?? [];
      const fi = head.indexOf("local_file") >= 0 ? head.indexOf("local_file") : head.indexOf("path");
      const ci = head.indexOf("category");
      const li = head.indexOf("label");
      const ti = head.indexOf("auto_techniques");
      const gi = head.indexOf("group");
      const map = new Map();
      for (const r of rows.slice(1))
        if (r[fi])
          map.set(r[fi], {
            label: r[li] ?? "",
            techniques: r[ti] ?? "",
            group: r[gi] ?? "",
            category: ci >= 0 ? (r[ci] ?? "").split(";")[0].trim() : "",
          });
      manifests.set(m, map);
    }
    const hit = manifests.get(m).get(path.relative(dir, file).split(path.sep).join("/"));
    if (hit) return hit;
  }
  return undefined;
}

/** The label a path says: /malicious/, /gray/ or /benign/. */
export function pathLabel(p) {
  if (p.includes("/malicious/")) return "malicious";
  if (p.includes("/gray/")) return "gray";
  if (p.includes("/benign/")) return "benign";
  return undefined;
}
