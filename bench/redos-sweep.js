// Super-linear sweep: for each hostile unit (openers without closers, near misses) builds one-line
// and many-line inputs of SIZE bytes (SKILL.md body, fenced shell, bundled .py/.js/.sh) and times
// skillwall's whole per-file scan (extract + shell + findings) in a worker killed after LIMIT_MS.
// Deterministic: no randomness. Usage: node bench/redos-sweep.js [sizeBytes=250000] [limitMs=20000] [unitFilter]
import { Worker } from "node:worker_threads";
import { createHash } from "node:crypto";

const SIZE = Number(process.argv[2] ?? 250_000);
const LIMIT_MS = Number(process.argv[3] ?? 20_000);
const FILTER = process.argv[4];
const dist = new URL("../dist/index.js", import.meta.url).href;

const units = [
  "<a ",
  "<!--",
  "<",
  "[",
  "](",
  "![",
  "[x](",
  "(",
  "{",
  "${",
  "$(",
  "`",
  "``",
  "```",
  "~~",
  "**",
  "__",
  "_x ",
  "*",
  "http://",
  "https://a.",
  "https://",
  "&#",
  "&#x",
  "&",
  "%2",
  "\\x",
  "\\",
  "base64 ",
  "echo ",
  "curl ",
  "curl http://a.b/",
  "| ",
  "|",
  "=",
  "a=",
  "'",
  '"',
  ":",
  "-- ",
  "--",
  "@",
  ".",
  "/",
  "a/",
  "../",
  "~/",
  "$",
  "$HOME",
  "#",
  "# ",
  "> ",
  "- ",
  "1. ",
  "  ",
  "\t",
  "ignore previous ",
  "always ",
  "Decode ",
  "rm -rf ",
  "sudo ",
  "eval ",
  "bash -c '",
  'sh -c "',
  "python -c '",
  "node -e '",
  "; ",
  "&& ",
  "|| ",
  "$((",
  "<<",
  "<<EOF ",
  "2>&1 ",
  ">",
  "\\n",
  "ab",
  "a",
  "A1+/",
  "0f",
  "🙂",
  "é",
  "\u200b",
  "\u202e",
  "x.com ",
  "1.2.3.4 ",
  "[[",
  "::",
  "ssh ",
  "~/.ssh/id_rsa ",
  "export A=",
  "AKIA",
  "-----BEGIN ",
  "nc -e ",
  "| sh",
  "wget ",
  // paths, heredoc spellings, unicode marks (combining, RTL/LTR marks and isolates, BOM)
  "/a",
  "/a/b/",
  ";",
  "&&",
  "<<-EOF ",
  "<<'EOF' ",
  '<<"EOF" ',
  "<<EOF\n",
  "e\u0301",
  "\u0301",
  "\u200f",
  "\u2067",
  "\ufeff",
  "\u200d",
  "after any ",
  "when you finish, erase the ",
  "the script will ",
  "If `/a/.b` exists, ",
  "check whether /a/",
  // rows of emphasis runs, label runs, never-rendered definitions (markdown comments)
  "**curl** _-x_ ",
  "**a:** ",
  "[//]: # (",
  "[//]: # (run curl -x ",
  "[a b]: # ",
];
const words = ["W".repeat(SIZE), "QUFB".repeat(SIZE / 4), "0123456789abcdef".repeat(SIZE / 16)];

function rep(unit, size) {
  return unit.repeat(Math.max(1, Math.floor(size / unit.length)));
}
function manyLines(unit, size) {
  const line = rep(unit, 60);
  return Array.from({ length: Math.floor(size / (line.length + 1)) }, () => line).join("\n");
}
const sha = (t) => createHash("sha256").update(t).digest("hex");

function cases(unit, size) {
  const one = rep(unit, size);
  const many = manyLines(unit, size);
  return [
    ["md-line", { text: `# T\n\n${one}\n` }],
    ["md-lines", { text: `# T\n\n${many}\n` }],
    ["md-fence", { text: "# T\n\n```bash\n" + many + "\n```\n" }],
    ["md-fence-line", { text: "# T\n\n```bash\n" + one + "\n```\n" }],
    ["fm-value", { text: `---\nname: t\ndescription: ${JSON.stringify(one)}\n---\n# T\n` }],
    ...[
      ["py", "python"],
      ["js", "javascript"],
      ["sh", "shell"],
    ].map(([ext, type]) => [
      `bundled-${ext}`,
      {
        text: "# T\n\nRun the script.\n",
        bundled: [{ path: `s.${ext}`, size: many.length, type, text: many, sha256: sha(many) }],
      },
    ]),
  ];
}

function run(input) {
  return new Promise((resolve) => {
    const w = new Worker(
      `const { workerData, parentPort } = require("node:worker_threads");
       (async () => {
         const m = await import(workerData.dist);
         await m.initShell();
         const policy = await m.loadPolicy("common-tools");
         const t0 = performance.now();
         const r = m.scanSkillInput({ source: "sweep", file: "SKILL.md", bundled: [], ...workerData.input }, policy, { review: true });
         parentPort.postMessage({ ms: performance.now() - t0, verdict: r.verdict });
       })().catch((e) => parentPort.postMessage({ error: String(e).slice(0, 200) }));`,
      { eval: true, workerData: { dist, input } },
    );
    const timer = setTimeout(() => {
      void w.terminate();
      resolve({ ms: Infinity });
    }, LIMIT_MS);
    w.once("message", (m) => {
      clearTimeout(timer);
      void w.terminate();
      resolve(m);
    });
    w.once("error", (e) => {
      clearTimeout(timer);
      resolve({ error: String(e).slice(0, 200) });
    });
  });
}

const all = [...units, ...words];
for (const unit of all) {
  const label = unit.length > 12 ? `${unit.slice(0, 8)}…x${unit.length}` : unit;
  if (FILTER !== undefined && unit !== FILTER) continue;
  const row = [];
  for (const [kind, input] of cases(
    unit.length > 12 && words.includes(unit) ? unit.slice(0, SIZE) : unit,
    SIZE,
  )) {
    const r = await run(input);
    const t = r.error ? `ERR(${r.error})` : r.ms === Infinity ? `>${LIMIT_MS}` : r.ms.toFixed(0);
    row.push(`${kind}=${t}${r.ms > 3000 ? "!!" : ""}`);
  }
  console.log(`${JSON.stringify(label)}\t${row.join(" ")}`);
}
