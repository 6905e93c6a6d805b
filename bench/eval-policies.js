#!/usr/bin/env node
// How well the shipped policies fit real skills, and that they allow nothing hostile:
// `npm run eval:policies [-- --verbose] [--policy NAME]…`.
//
// Benign: every step of the skills in the benign corpus (openclaw-bundled, anthropics,
// clawhub-community, moltbook) and of the development split's tune set (dev-tune; --held-out adds
// its held-out publishers as counts only) judged under each shipped policy: allow/review/deny per
// policy and per corpus. Hostile: the shell lists (GTFOBins snippets, Bashfuscator samples, the
// PayloadsAllTheThings lists and README blocks, Progent's malicious run_command payloads) judged
// as one step each (the lists' lone read-only probes such as `ls` or `uname -a` counted apart, see
// isProbe), and the steps of the malicious skills a finding flags; "hostile not denied" must read 0 for every policy but sandbox-only (which allows any static command by
// design and relies on the sandbox alone). --verbose prints every benign step a policy does not
// allow and every hostile one it does. Each skill is scanned once (under sandbox-only, so every
// command is reached) and its steps re-judged under each policy. Imports the built modules from
// dist/ (`npm run build` first); SKILLWALL_CORPUS=<dir> points at another corpus.

import { readdirSync, readFileSync, statSync, existsSync } from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";

const root = path.resolve(new URL("..", import.meta.url).pathname);
const dist = existsSync(path.join(root, "dist/src/policy/index.js"))
  ? path.join(root, "dist/src")
  : path.join(root, "dist");
const load = (p) => import(pathToFileURL(path.join(dist, p)).href);
const { loadPolicy, judgeStep } = await load("policy/index.js");
const { linkPlantingRefusal } = await load("gate/link-planting.js");
const { ownSkillFolders } = await load("policy/protected.js");
const { analyseShell, initShell } = await load("shell/index.js");
const { scanPaths } = await load("scan/index.js");
const { suggestPolicy } = await load("policy/suggest.js");
const { stringify } = await import("yaml");
const { mkdtempSync, writeFileSync, rmSync } = await import("node:fs");
const os = await import("node:os");

const corpus =
  process.env.SKILLWALL_CORPUS ??
  [path.resolve(root, "../shared/corpus"), path.resolve(root, "../../shared/corpus")].find((p) =>
    existsSync(p),
  );
if (corpus === undefined || !existsSync(corpus)) {
  console.error("eval:policies: the shared corpus is missing (set SKILLWALL_CORPUS=<dir>)");
  process.exit(2);
}

const args = process.argv.slice(2);
const verbose = args.includes("--verbose") || args.includes("-v");
const chosen = args.flatMap((a, i) => (args[i - 1] === "--policy" ? [a] : []));
const policyNames =
  chosen.length > 0 ? chosen : ["baseline", "default", "moltbook", "common-tools", "agent", "sandbox-only"];
const benignCorpora = ["openclaw-bundled", "anthropics", "clawhub-community", "moltbook", "dev-tune"];
// The development split's benign skills the policies are tuned on (benchmarks-dev/README.md); its
// other publishers (kdense-scientific, auth0, getsentry, firecrawl, malskill-scanner-fixture) are
// held out: only counted with --held-out, never printed step by step.
const devTune = /^(trailofbits|composio|obra-superpowers|clawhub|skillinject-clean)__/;
const heldOut = /^(kdense-scientific|auth0|getsentry|firecrawl|malskill-scanner-fixture)__/;
if (args.includes("--held-out")) benignCorpora.push("dev-held-out");

/** Skill units under a directory: a folder holding SKILL.md/skill.md, or each loose .md file. */
function unitsOf(dir) {
  const names = readdirSync(dir).sort();
  if (names.some((n) => /^skill\.md$/i.test(n))) return [dir];
  const out = [];
  for (const n of names) {
    const p = path.join(dir, n);
    if (statSync(p).isDirectory()) out.push(...unitsOf(p));
    else if (n.endsWith(".md") && !/^(README|MANIFEST)/i.test(n)) out.push(p);
  }
  return out;
}

function stepOf(text) {
  return {
    id: "hostile#1:1",
    kind: "fenced",
    file: "hostile",
    line: 1,
    column: 1,
    text,
    offset: 0,
    install: false,
  };
}

/** A Progent kwargs cell; a few escape their inner quotes as \\" (not JSON): read those by hand. */
function progentCommand(cell) {
  try {
    return JSON.parse(cell).command;
  } catch {
    return /^\{"command": "(.*)"\}$/s.exec(cell)[1].replace(/\\\\"/g, '"').replace(/\\"/g, '"');
  }
}

/** The hostile shell lists: [{ list, text }]. */
function hostileLists() {
  const shell = path.join(corpus, "shell");
  const jsonl = (f, pick) =>
    readFileSync(path.join(shell, f), "utf8")
      .split("\n")
      .filter((l) => l.trim() !== "")
      .flatMap((l) => pick(JSON.parse(l)))
      .map((text) => ({ list: f, text }));
  const lines = (f) =>
    readFileSync(path.join(shell, f), "utf8")
      .split("\n")
      .filter((l) => l.trim() !== "")
      .map((text) => ({ list: f, text }));
  const progent = readFileSync(path.join(shell, "progent_skill_injection_payloads.tsv"), "utf8")
    .split("\n")
    .slice(1)
    .map((l) => l.split("\t"))
    .filter((c) => c[1] === "malicious" && c[3] === "run_command")
    .map((c) => ({ list: "progent_skill_injection_payloads.tsv", text: progentCommand(c[4]) }));
  return [
    ...jsonl("gtfobins.jsonl", (e) => [e.snippet]),
    ...jsonl("bashfuscator_samples.jsonl", (e) => [e.obfuscated]),
    ...jsonl("patt_command_injection_readme_blocks.jsonl", (e) => (e.lang === "powershell" ? [] : [e.code])),
    ...lines("patt_command_exec.txt"),
    ...lines("patt_command-execution-unix.txt"),
    ...progent,
  ];
}

// The PayloadsAllTheThings intruder lists mix injection payloads with the probes an attacker
// injects to see whether injection works: `ls`, `pwd`, `uname -a`, `sleep 5`, `which nc`,
// `echo '<script>…'`. Alone such a probe is one read-only command (default allows ls, pwd, uname,
// sleep and echo on purpose); the attack is the injection around it, which every policy denies.
// They are counted apart; anything else in the lists must be denied.
const probePrograms = new Set(["ls", "pwd", "uname", "sleep", "which", "echo", "id", "whoami", "hostname"]);
function isProbe(h, analysis) {
  if (!h.list.startsWith("patt_command_exec") && !h.list.startsWith("patt_command-execution")) return false;
  const cmds = analysis.commands;
  return (
    analysis.problems.length === 0 &&
    cmds.length === 1 &&
    cmds[0].context === "top" &&
    cmds[0].redirects.length === 0 &&
    probePrograms.has(cmds[0].argv[0]?.value ?? "")
  );
}

/** Lines of a result a finding (low or above) touches. */
function flaggedStep(result, judged) {
  const n = judged.step.text.split("\n").length;
  return result.findings.some(
    (f) =>
      f.severity !== "info" &&
      f.file === judged.step.file &&
      f.line >= judged.step.line &&
      f.line < judged.step.line + n,
  );
}

await initShell();
const scanBase = await loadPolicy("sandbox-only");
async function scanUnits(units) {
  const out = await scanPaths(units, { policy: scanBase, cwd: corpus, workers: 1 });
  for (const e of out.errors) console.error(`skipped ${e.source}: ${e.message}`);
  return out.results;
}

const benign = new Map();
/** Skill folders of the development split whose names match. */
function devUnits(match) {
  const dir = path.join(corpus, "benchmarks-dev", "benign");
  return readdirSync(dir)
    .sort()
    .filter((n) => match.test(n))
    .flatMap((n) => unitsOf(path.join(dir, n)));
}
for (const c of benignCorpora)
  benign.set(
    c,
    await scanUnits(
      c === "dev-tune"
        ? devUnits(devTune)
        : c === "dev-held-out"
          ? devUnits(heldOut)
          : unitsOf(path.join(corpus, "benign", c)),
    ),
  );
const devMalicious = path.join(corpus, "benchmarks-dev", "malicious");
const malicious = await scanUnits([
  ...unitsOf(path.join(corpus, "malicious")),
  ...(existsSync(devMalicious) ? unitsOf(devMalicious) : []),
]);
const hostile = hostileLists();

/** The policy as it judges this skill (its own folders are its own), as the scanner does. */
function forSkill(policy, result) {
  const name = String(result.model.frontmatter?.name ?? "").toLowerCase();
  const folders = ownSkillFolders(policy.home, name);
  return folders.length === 0 ? policy : { ...policy, ownSkillFolders: folders };
}

const pct = (a, b) => (b === 0 ? "-" : `${((100 * a) / b).toFixed(1)}%`);
const oneLine = (t) => t.replace(/\n/g, "\\n").slice(0, 160);
const summary = [];
for (const name of policyNames) {
  const policy = await loadPolicy(name);
  console.log(`\n== ${name}`);
  const all = { allow: 0, review: 0, deny: 0 };
  const perCorpus = [];
  const refusedBy = new Map();
  // The OpenClaw gate runs allowed commands on the host, where a part that may plant symlinks
  // must be the last one using paths (src/gate/link-planting.ts): counted apart.
  let hostPlanting = 0;
  for (const [c, results] of benign) {
    const counts = { allow: 0, review: 0, deny: 0 };
    for (const r of results) {
      const p = forSkill(policy, r);
      for (const s of r.steps) {
        const j = judgeStep(s.step, s.analysis, p);
        counts[j.verdict]++;
        if (c !== "dev-held-out") all[j.verdict]++;
        if (j.verdict !== "deny" && c !== "dev-held-out" && linkPlantingRefusal(j)) {
          hostPlanting++;
          if (verbose)
            console.log(
              `  host-gate\tlink-planting\t${c}\t${path.basename(r.source)}\t${oneLine(s.step.text)}`,
            );
        }
        if (j.verdict !== "allow") {
          refusedBy.set(j.rule, (refusedBy.get(j.rule) ?? 0) + 1);
          if (verbose && c !== "dev-held-out")
            console.log(
              `  ${j.verdict}\t${j.rule}\t${c}\t${path.basename(r.source)}\t${oneLine(s.step.text)}`,
            );
        }
      }
    }
    const n = counts.allow + counts.review + counts.deny;
    perCorpus.push(`${counts.allow}/${n}`);
    console.log(
      `benign ${c}: ${results.length} skills, ${n} steps: allow ${counts.allow} (${pct(counts.allow, n)}), review ${counts.review}, deny ${counts.deny}`,
    );
  }
  const n = all.allow + all.review + all.deny;
  console.log(
    `benign all${benign.has("dev-held-out") ? " but dev-held-out" : ""}: ${n} steps: allow ${all.allow} (${pct(all.allow, n)}), review ${all.review}, deny ${all.deny}`,
  );
  console.log(
    `  on the host (OpenClaw gate): ${hostPlanting} of the ${all.allow + all.review} allowed or reviewed also refused by link-planting`,
  );
  if (refusedBy.size > 0)
    console.log(
      `  refused most by: ${[...refusedBy]
        .sort((a, b) => b[1] - a[1])
        .slice(0, 8)
        .map(([rule, k]) => `${rule} ${k}`)
        .join(", ")}`,
    );
  // Hostile: anything not denied counts (review would still run after one click).
  let hostileNotDenied = 0;
  let probesAllowed = 0;
  for (const h of hostile) {
    const analysis = analyseShell(h.text, { home: policy.home });
    const j = judgeStep(stepOf(h.text), analysis, policy);
    if (j.verdict !== "deny" && isProbe(h, analysis)) probesAllowed++;
    else if (j.verdict !== "deny") {
      hostileNotDenied++;
      if (verbose) console.log(`  HOSTILE ${j.verdict}\t${j.rule}\t${h.list}\t${oneLine(h.text)}`);
    }
  }
  let flagged = 0;
  let flaggedNotDenied = 0;
  let maliciousSteps = 0;
  let maliciousAllowed = 0;
  for (const r of malicious) {
    const p = forSkill(policy, r);
    for (const s of r.steps) {
      const j = judgeStep(s.step, s.analysis, p);
      maliciousSteps++;
      if (j.verdict === "allow") maliciousAllowed++;
      if (!flaggedStep(r, s)) continue;
      flagged++;
      if (j.verdict !== "deny") {
        flaggedNotDenied++;
        if (verbose)
          console.log(
            `  HOSTILE ${j.verdict}\t${j.rule}\t${path.basename(r.source)}\t${oneLine(s.step.text)}`,
          );
      }
    }
  }
  console.log(
    `hostile: shell lists ${hostileNotDenied} of ${hostile.length} not denied (and ${probesAllowed} harmless probes allowed); malicious skills' flagged steps ${flaggedNotDenied} of ${flagged} not denied` +
      ` (all their steps: ${maliciousAllowed} of ${maliciousSteps} allowed)`,
  );
  summary.push({
    name,
    perCorpus,
    benign: `${all.allow}/${n}`,
    hostile: hostileNotDenied + flaggedNotDenied,
  });
}

console.log(`\npolicy\t${benignCorpora.join("\t")}\tbenign all\thostile not denied`);
for (const s of summary)
  console.log(
    `${s.name}\t${s.perCorpus.join("\t")}\t${s.benign}\t${s.hostile}${s.name === "sandbox-only" ? " (by design: the sandbox alone)" : ""}`,
  );
const bad = summary.filter((s) => s.name !== "sandbox-only" && s.hostile > 0);
if (bad.length > 0) {
  console.error(`FAIL: hostile steps not denied by ${bad.map((s) => s.name).join(", ")}`);
  process.exitCode = 1;
}

// `policy suggest` on each OpenClaw bundled skill: the suggested policy must load (its own
// examples hold), allow the steps it grants, and allow none of the hostile lists.
{
  const baseline = await loadPolicy("baseline");
  const tmp = mkdtempSync(path.join(os.tmpdir(), "skillwall-eval-suggest-"));
  const hostileAnalysed = hostile.map((h) => ({ h, a: analyseShell(h.text, { home: baseline.home }) }));
  let steps = 0;
  let granted = 0;
  let grantedAllowed = 0;
  let hostileAllowed = 0;
  try {
    for (const [i, r] of (benign.get("openclaw-bundled") ?? []).entries()) {
      const s = suggestPolicy(r, { baseline });
      const file = path.join(tmp, `s${i}.yaml`);
      writeFileSync(file, stringify(s.document, { lineWidth: 0 }));
      const p = forSkill(await loadPolicy(file), r);
      steps += r.steps.length;
      granted += s.granted.length;
      for (const g of s.granted) if (judgeStep(g.step, g.analysis, p).verdict === "allow") grantedAllowed++;
      for (const { h, a } of hostileAnalysed)
        if (judgeStep(stepOf(h.text), a, p).verdict === "allow") {
          hostileAllowed++;
          if (verbose)
            console.log(`  SUGGESTED ${path.basename(r.source)} allows hostile ${oneLine(h.text)}`);
        }
    }
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
  console.log(
    `\npolicy suggest on openclaw-bundled: ${granted} of ${steps} steps granted (${grantedAllowed} allowed by the suggested policies); hostile allowed by any: ${hostileAllowed} of ${hostile.length} x ${benign.get("openclaw-bundled")?.length ?? 0} policies`,
  );
  if (hostileAllowed > 0 || grantedAllowed !== granted) process.exitCode = 1;
}
