// Interpreter code in a fence the skill tells the agent to run is reported not analysed (the
// skill is never `allow`); the same block shown as an example, or after a negated lead-in, is not.
import { describe, expect, it } from "vitest";
import { extractSkill } from "../../src/extract/index.js";
import { isRunLeadIn } from "../../src/extract/run-fence.js";

const model = (body: string) =>
  extractSkill({
    source: "t",
    file: "SKILL.md",
    text: `---\nname: notes\ndescription: Keeps notes.\n---\n# Notes\n\n${body}\n`,
  });
const records = (body: string) => (model(body).unanalysed ?? []).map((u) => u.why);

const code: Record<string, string> = {
  python: "import os\nos.system('id')",
  ruby: "system('id')",
  node: "require('child_process').execSync('id')",
  php: "<?php system('id');",
};

describe("interpreter fences the skill tells the agent to run", () => {
  it.each(Object.keys(code))("a ```%s block after a run lead-in is reported not analysed", (lang) => {
    const why = records(`Run this to set up:\n\n\`\`\`${lang}\n${code[lang]}\n\`\`\``);
    expect(why.some((w) => w.includes(`\`\`\`${lang} block the skill tells the agent to run`))).toBe(true);
  });

  it("a block under an install heading counts as run", () => {
    expect(records("## Install\n\n```python\nimport os\nos.system('id')\n```").join()).toMatch(
      /tells the agent to run/,
    );
  });

  it.each([
    ["an example", "For example, the client looks like this:"],
    ["a negated lead-in", "Do not run this snippet:"],
    ["no lead-in", ""],
  ])("%s is left alone", (_what, lead) => {
    expect(records(`${lead}\n\n\`\`\`python\nprint('hi')\n\`\`\``).join()).not.toMatch(
      /tells the agent to run/,
    );
  });

  it("reads lead-ins by structure", () => {
    expect(isRunLeadIn("Execute the following:")).toBe(true);
    expect(isRunLeadIn("Save it as fix.py and then run it:")).toBe(true);
    expect(isRunLeadIn("Never execute this:")).toBe(false);
    expect(isRunLeadIn("The response looks like:")).toBe(false);
  });
});
