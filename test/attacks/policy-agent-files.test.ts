// The agent's own files under the shipped policies: every write form the policies allow (cp, mv,
// mkdir, curl -o, wget -O, redirects) aimed at every protected file in every place it lives
// (the workspace, the skill folders, the agent's configuration, shell start-up files) must not be
// allowed; the same writes to an ordinary workspace file still are (or the test could pass by
// denying everything). Only a rule whose allow list names the file allows the write.
import { beforeAll, describe, expect, it } from "vitest";
import { loadPolicy } from "../../src/policy/index.js";
import type { Policy } from "../../src/policy/types.js";
import { judge, shellReady } from "../unit/policy-helpers.js";

beforeAll(shellReady);

const NAMES = ["AGENTS", "SOUL", "HEARTBEAT", "MEMORY", "USER", "IDENTITY", "TOOLS", "BOOTSTRAP"];
const PLACES = [
  "~/.openclaw/workspace/",
  "~/.openclaw/workspace/sub/",
  "~/.openclaw/skills/other/",
  "~/.openclaw/workspace/skills/other/",
];
const TARGETS = [
  ...NAMES.flatMap((n) => PLACES.map((p) => `${p}${n}.md`)),
  "~/.openclaw/workspace/memory/2026-01-01.md",
  "~/.openclaw/skills/other/SKILL.md",
  "~/.openclaw/skills/other/scripts/run.sh",
  "~/.openclaw/workspace/skills/other/SKILL.md",
  "~/.moltbot/skills/other/SKILL.md",
  "~/.openclaw/skills/other",
];
const ORDINARY = ["~/.openclaw/workspace/notes.md", "~/.openclaw/workspace/sub/data.json", "out.txt"];

/** Every write form the shipped policies allow somewhere, aimed at `target`. */
const writes = (target: string): string[] => [
  `cp ~/.openclaw/workspace/x.md ${target}`,
  `mv ~/.openclaw/workspace/x.md ${target}`,
  `mkdir -p ${target}`,
  `echo hi > ${target}`,
  `echo hi >> ${target}`,
  `printf hi > ${target}`,
  `curl -fsSL -o ${target} https://pypi.org/simple/x/`,
  `curl -s -o ${target} https://www.moltbook.com/skill.md`,
  `curl -s https://www.moltbook.com/skill.md > ${target}`,
  `wget -q -O ${target} https://pypi.org/simple/x/`,
];

let policies: Record<string, Policy>;
beforeAll(async () => {
  policies = {
    default: await loadPolicy("default"),
    moltbook: await loadPolicy("moltbook"),
    "common-tools": await loadPolicy("common-tools"),
    "sandbox-only": await loadPolicy("sandbox-only"),
  };
});

describe("the agent's own files are never written under the shipped policies", () => {
  for (const name of ["default", "moltbook", "common-tools", "sandbox-only"]) {
    it(`${name}: no write to a protected file is allowed`, () => {
      const allowed: string[] = [];
      for (const target of TARGETS)
        for (const text of writes(target))
          if (judge(text, policies[name]!).verdict === "allow") allowed.push(text);
      expect(allowed).toEqual([]);
    });
  }

  it("common-tools still allows the same writes to ordinary workspace files", () => {
    for (const target of ORDINARY)
      for (const text of [`cp ~/.openclaw/workspace/x.md ${target}`, `mkdir -p ${target}`])
        expect(judge(text, policies["common-tools"]!).verdict, text).toBe("allow");
  });

  it("moltbook's self-update of its own folder stays allowed: its rule names the folder", () => {
    for (const text of [
      "curl -s https://www.moltbook.com/skill.md > ~/.moltbot/skills/moltbook/SKILL.md",
      "curl -s -o ~/.moltbot/skills/moltbook/HEARTBEAT.md https://www.moltbook.com/heartbeat.md",
      "mkdir -p ~/.moltbot/skills/moltbook",
    ])
      expect(judge(text, policies.moltbook!).verdict, text).toBe("allow");
  });

  it("only a rule that names the file allows the write; the reason names it", () => {
    const policy = (allow: string): Policy => ({
      ...policies["common-tools"]!,
      commands: [
        {
          id: "cp-memory",
          program: "cp",
          verdict: "allow",
          // -T: the destination is the file itself (without it, cp would also write
          // MEMORY.md/x.md were MEMORY.md a folder, which the rule does not name).
          options: [{ names: ["-T"], required: false }],
          endOfOptions: false,
          positionals: [
            { value: { type: "path", allow: ["~/**"], write: false }, min: 1, max: 1 },
            { value: { type: "path", allow: [allow], write: true }, min: 1, max: 1 },
          ],
          redirects: [],
          pipeFrom: [],
          unwrap: false,
          anyArgs: false,
        },
      ],
    });
    const text = "cp ~/.openclaw/workspace/x.md ~/.openclaw/workspace/MEMORY.md";
    const broad = judge(text, policy("~/.openclaw/workspace/**"));
    expect(broad.verdict).toBe("deny");
    expect(JSON.stringify(broad)).toContain("agent's own files");
    expect(judge(text, policy("~/.openclaw/workspace/MEMORY.md")).verdict).toBe("deny");
    expect(judge(text.replace("cp ", "cp -T "), policy("~/.openclaw/workspace/MEMORY.md")).verdict).toBe(
      "allow",
    );
    expect(judge("cp a ~/.openclaw/skills/other/SKILL.md", policy("~/.openclaw/skills/**")).verdict).toBe(
      "deny",
    );
    expect(judge("cp a ~/.openclaw/skills/mine/SKILL.md", policy("~/.openclaw/skills/mine/**")).verdict).toBe(
      "allow",
    );
  });
});

describe("a skill's own folder", () => {
  // A skill's install steps write into its own folder (the one folder the runner mounts); its
  // name comes from its frontmatter. Another skill's folder stays protected.
  const skill = (name: string, block: string): string =>
    `---\nname: ${name}\n---\n# ${name}\n\n## Install\n\n\`\`\`bash\n${block}\n\`\`\`\n`;

  it("is the skill's own to write, and only its own", async () => {
    const { scanSkillInput } = await import("../../src/scan/scan-skill.js");
    const policy = await loadPolicy("sandbox-only");
    const verdicts = (name: string, cmd: string): string[] =>
      scanSkillInput(
        { source: "t", file: "SKILL.md", text: skill(name, cmd), bundled: [] },
        policy,
      ).steps.map((s) => s.verdict);
    const own = "mkdir -p ~/.moltbot/skills/esc/sub && echo proof > ~/.moltbot/skills/esc/sub/proof.txt";
    expect(verdicts("esc", own)).toEqual(["allow"]);
    // Without a name there is no own folder, and another skill's folder is never its own.
    expect(verdicts("other-name", own)).toEqual(["deny"]);
    expect(verdicts("esc", "echo x > ~/.moltbot/skills/victim/SKILL.md")).toEqual(["deny"]);
    expect(verdicts("esc", "echo x > ~/.openclaw/workspace/AGENTS.md")).toEqual(["deny"]);
  });
});
