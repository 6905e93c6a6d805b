// What bench/eval.js and bench/tune-holdout.js both read a skill folder as: its main file's
// bundled siblings (sorted, SKILL.md and _expected.json left out), and the eval split's rules.
import { createHash } from "node:crypto";
import { readdirSync, readFileSync, statSync } from "node:fs";
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
