// Frontmatter OpenClaw reads differently from skillwall's strict reading is denied with a high
// finding, and whatever OpenClaw would install is judged (unit side; the generated differential
// against the real OpenClaw package is in test/attacks/frontmatter-openclaw-differential.test.ts).
import { beforeAll, describe, expect, it } from "vitest";
import { loadPolicy } from "../../src/policy/index.js";
import type { Policy } from "../../src/policy/types.js";
import { scanSkillInput } from "../../src/scan/index.js";
import { readAsOpenClaw } from "../../src/extract/openclaw-frontmatter.js";
import { shellReady } from "./policy-helpers.js";

let policy: Policy;
beforeAll(async () => {
  await shellReady();
  policy = await loadPolicy("default");
});

const scan = (text: string) => scanSkillInput({ source: "t", file: "SKILL.md", text, bundled: [] }, policy);
const meta = (pkg: string, ns = "openclaw") =>
  `{"${ns}": {"install": [{"kind": "node", "package": "${pkg}"}]}}`;

describe("frontmatter read as OpenClaw reads it", () => {
  it("a plain frontmatter both read alike: no disagreement", () => {
    const r = scan(`---\nname: t\ndescription: d\nmetadata: ${meta("some-tool")}\n---\n# T\n`);
    expect(r.model.frontmatterDisagreements).toBeUndefined();
    expect(r.findings.some((f) => f.id === "frontmatter.openclaw-disagrees")).toBe(false);
  });

  const cases: Array<[string, string, string]> = [
    [
      "a quoted duplicate `metadata` key",
      `---\nname: t\nmetadata: ${meta("decoy")}\n"metadata": ${meta("evil-pkg")}\n---\n# T\n`,
      "rejects this frontmatter",
    ],
    [
      "a null `openclaw` block beside a `clawdbot` one",
      `---\nname: t\nmetadata: {"openclaw": null, "clawdbot": {"install": [{"kind": "node", "package": "evil-pkg"}]}}\n---\n# T\n`,
      "installs node",
    ],
    [
      "a key with padding inside its quotes",
      `---\nname: t\n"metadata ": ${meta("evil-pkg")}\n---\n# T\n`,
      "installs node",
    ],
    ["a name OpenClaw reads as a number", `---\nname: 42\ndescription: d\n---\n# T\n`, "names the skill"],
  ];
  for (const [what, text, why] of cases) {
    it(`${what}: denied with a high finding`, () => {
      const r = scan(text);
      expect(r.verdict).toBe("deny");
      const f = r.findings.find((x) => x.id === "frontmatter.openclaw-disagrees");
      expect(f?.severity).toBe("high");
      expect(f?.message).toContain("OpenClaw reads this frontmatter differently");
      expect(r.model.frontmatterDisagreements?.map((d) => d.why).join("\n")).toContain(why);
    });
  }

  it("a `---yaml` opener: neither OpenClaw nor skillwall reads a frontmatter, so nothing installs", () => {
    const r = scan(`---yaml\nname: t\nmetadata: ${meta("evil-pkg")}\n---\n# T\n`);
    expect(readAsOpenClaw(r.model.text).installs).toEqual([]);
    expect(r.model.frontmatter).toBeUndefined();
    expect(r.model.frontmatterDisagreements).toBeUndefined();
  });

  it("what OpenClaw would install and skillwall's reading misses becomes a judged step", () => {
    const r = scan(
      `---\nname: t\nmetadata: {"openclaw": null, "clawdbot": {"install": [{"kind": "node", "package": "evil-pkg"}]}}\n---\n# T\n`,
    );
    expect(r.steps.map((s) => s.step.text)).toContain("npm install -g evil-pkg");
  });

  it("a description OpenClaw repairs (`a: b` in plain text) is read the same way: its install is judged", () => {
    const r = scan(
      `---\nname: t\ndescription: Order food. Triggers: order, track\nmetadata: ${meta("evil-pkg")}\n---\n# T\n`,
    );
    expect(r.model.frontmatter?.errors).toEqual([]);
    expect(r.model.frontmatterDisagreements).toBeUndefined();
    expect(r.steps.map((s) => s.step.text)).toEqual(["npm install -g evil-pkg"]);
    expect(r.steps[0]?.step.line).toBe(4);
  });

  it("a brew `tap` is ignored as OpenClaw ignores it: the formula it really installs is judged", () => {
    const r = scan(
      `---\nname: t\nmetadata: {"openclaw": {"install": [{"kind": "brew", "tap": "good/tap", "formula": "evil"}]}}\n---\n`,
    );
    expect(r.steps.map((s) => s.step.text)).toEqual(["brew install evil"]);
    expect(r.model.frontmatterDisagreements).toBeUndefined();
  });

  it("the port follows OpenClaw's rules: BOM, CRLF, trailing blanks on the fences, `----` does not close", () => {
    expect(readAsOpenClaw(`\uFEFF---  \r\nname: a\r\n--- \r\n`).name).toBe("a");
    expect(readAsOpenClaw(`---\nname: a\n----\nname: b\n---\n`).name).toBe("b");
    expect(readAsOpenClaw(`---yaml\nname: a\n---\n`).block).toBeUndefined();
  });
});
