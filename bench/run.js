// npm run bench:run — the sandbox's cost over a bare container start, measured in one run:
//   bare:     docker run --rm --cap-drop=ALL --security-opt no-new-privileges --network none
//             --read-only --user 65534:65534 IMAGE true        (median of N)
//   one-step: skillwall running a one-step skill (`true`)      (median of N)
//   ten-step: skillwall running a ten-step skill               (median of N/2, at least 3)
// Prints the per-step overhead over bare, the ten-step / ten-bare ratio, and the supervisor's
// peak RSS. Targets: per-step overhead <= 15 %, ten-step <= 2x ten bare runs.
// Needs `npm run build` and a Docker daemon (scripts/setup-docker.sh).

import { spawnSync } from "node:child_process";
import { mkdtempSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { DockerClient, buildStepImage, runSteps } from "../dist/run/index.js";

const N = Math.max(3, Number(process.env.BENCH_N ?? 10));
const client = new DockerClient();
const image = (await buildStepImage(client)).id;
const agentHome = mkdtempSync(path.join(os.tmpdir(), "skillwall-bench-"));
const policy = { sandbox: {}, env: {}, blockedPaths: [] };

function literal(value) {
  const pos = { line: 1, column: 1, offset: 0 };
  return { raw: value, value, parts: [{ kind: "literal", value }], span: { start: pos, end: pos } };
}
function step(line, argv) {
  const pos = { line, column: 1, offset: 0 };
  const cmd = {
    argv: argv.map(literal),
    redirects: [],
    assignments: [],
    context: "top",
    pipeline: { index: 0, length: 1, id: 0 },
    span: { start: pos, end: pos },
  };
  const text = argv.join(" ");
  return {
    verdict: "allow",
    rule: "bench",
    reason: "bench",
    step: {
      id: `bench#${line}:1`,
      kind: "fenced",
      file: "SKILL.md",
      line,
      column: 1,
      text,
      offset: 0,
      install: true,
    },
    analysis: { text, commands: [cmd], problems: [], script: { pipelines: [[cmd]], operators: [] } },
    commands: [{ verdict: "allow", rule: "bench", reason: "bench", command: cmd, hosts: [], env: [] }],
  };
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

function bare() {
  const t = performance.now();
  const r = spawnSync(
    "docker",
    [
      "run",
      "--rm",
      "--cap-drop=ALL",
      "--security-opt",
      "no-new-privileges",
      "--network",
      "none",
      "--read-only",
      "--user",
      "65534:65534",
      image,
      "true",
    ],
    { stdio: "ignore" },
  );
  if (r.status !== 0) throw new Error(`bare docker run failed (exit ${r.status})`);
  return performance.now() - t;
}

async function skillwall(steps) {
  const t = performance.now();
  const r = await runSteps(steps, {
    client,
    image,
    policy,
    workspace: { agentHome, relDir: ".moltbot/skills/bench" },
  });
  if (!r.ok) throw new Error(`skillwall run failed: ${JSON.stringify(r.steps.map((s) => s.outcome))}`);
  return performance.now() - t;
}

const one = [step(1, ["true"])];
const ten = Array.from({ length: 10 }, (_, i) => step(i + 1, ["true"]));

// Warm both paths (image layers, page cache, daemon) before measuring; interleave the samples
// so drift on a shared machine hits both sides alike.
bare();
await skillwall(one);
const bareMs = [];
const oneMs = [];
const tenMs = [];
for (let i = 0; i < N; i++) {
  bareMs.push(bare());
  oneMs.push(await skillwall(one));
  if (i < Math.max(3, Math.ceil(N / 2))) tenMs.push(await skillwall(ten));
}

const b = median(bareMs);
const o = median(oneMs);
const t = median(tenMs);
const overhead = ((o - b) / b) * 100;
const ratio = t / (10 * b);
const rssMiB = process.resourceUsage().maxRSS / 1024;
const fmt = (ms) => `${ms.toFixed(0)} ms`;
console.log(`samples: ${N} bare, ${N} one-step, ${tenMs.length} ten-step`);
console.log(`bare docker run (median):     ${fmt(b)}`);
console.log(`skillwall one-step (median):  ${fmt(o)}`);
console.log(`skillwall ten-step (median):  ${fmt(t)}  (${fmt(t / 10)} per step)`);
console.log(`per-step overhead over bare:  ${overhead.toFixed(1)} %   (target <= 15 %)`);
console.log(`ten-step / ten bare runs:     ${ratio.toFixed(2)}x  (target <= 2x)`);
console.log(`supervisor peak RSS:          ${rssMiB.toFixed(1)} MiB`);
