// Extraction on real skills from ../shared/corpus (read in place, never copied into the repo).

import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { extractSkill } from "../../src/extract/index.js";

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const corpus = path.resolve(repoRoot, "../shared/corpus");

function load(rel: string) {
  const text = readFileSync(path.join(corpus, rel), "utf8");
  return extractSkill({ source: rel, file: "SKILL.md", text });
}

describe("real corpus skills", () => {
  it("Moltbook: exactly one install block, the five Install-locally commands", () => {
    const model = load("benign/moltbook/c2d8e44c_SKILL.md");
    const install = model.steps.filter((s) => s.install);
    expect(install).toHaveLength(1);
    const [block] = install;
    expect(block?.kind).toBe("fenced");
    const lines = block?.text.split("\n") ?? [];
    expect(lines).toHaveLength(5);
    expect(lines[0]).toBe("mkdir -p ~/.moltbot/skills/moltbook");
    expect(lines.slice(1).every((l) => l.startsWith("curl -s https://www.moltbook.com/"))).toBe(true);
    expect(block?.line).toBe(24); // the first content line, after the ```bash fence on 23
    expect(block?.column).toBe(1);
    expect(block?.installReason).toContain("Install locally");
    // The API examples are steps too, but not install steps.
    const fenced = model.steps.filter((s) => s.kind === "fenced");
    expect(fenced.length).toBeGreaterThan(30);
    expect(model.frontmatter?.name).toBe("moltbook");
    expect(model.frontmatter?.metadata?.namespace).toBe("moltbot");
    expect(model.links.some((l) => l.host === "www.moltbook.com")).toBe(true);
  });

  it("openclaw-bundled gifgrep: both install specs become frontmatter-install steps", () => {
    const model = load("benign/openclaw-bundled/gifgrep_SKILL.md");
    const meta = model.frontmatter?.metadata;
    expect(meta?.namespace).toBe("clawdbot");
    expect(meta?.requires.bins).toEqual(["gifgrep"]);
    expect(meta?.install.map((s) => [s.kind, s.command])).toEqual([
      ["brew", "brew install steipete/tap/gifgrep"],
      ["go", "go install github.com/steipete/gifgrep/cmd/gifgrep@latest"],
    ]);
    const steps = model.steps.filter((s) => s.kind === "frontmatter-install");
    expect(steps.map((s) => s.text)).toEqual(meta?.install.map((s) => s.command));
    expect(steps.every((s) => s.install && s.line === 5)).toBe(true);
    expect(steps[0]?.column).toBeLessThan(steps[1]?.column ?? 0);
  });

  it("ClawHavoc proxy-scrap: fenced, install-marked and inline payloads with their lines", () => {
    const model = load("malicious/clawhub-backup-real/danman60__proxy-scrap_SKILL.md");
    const payload = (s: { text: string }) => s.text.includes("base64 -D | bash");
    const hits = model.steps.filter(payload).map((s) => [s.kind, s.line]);
    expect(hits).toContainEqual(["fenced", 35]);
    expect(hits).toContainEqual(["fenced", 149]);
    expect(hits).toContainEqual(["inline", 351]);
    const inline = model.steps.find((s) => s.kind === "inline" && s.line === 351);
    expect(inline?.text.startsWith('sudo bash -c "echo')).toBe(true);
    // The "macOS Setup" block is an install step; the decoy box in an unlabeled fence holds the
    // payload piped into bash, so it is judged as a step too (it was embedded code once).
    expect(model.steps.find((s) => s.line === 149)?.install).toBe(true);
    expect(hits.length).toBeGreaterThan(3);
    expect(model.code.some((c) => c.lang === "" && c.text.includes("base64 -D | bash"))).toBe(false);
    expect(model.links.some((l) => l.host === "91.92.242.30" || l.host === "swcdn.apple.com")).toBe(true);
  });
});
