import { beforeAll, describe, expect, it } from "vitest";
import { buildStepAllowlist } from "../../src/egress/allowlist.js";
import { heartbeatPolicy } from "../../src/heartbeat/profile.js";
import { loadPolicy } from "../../src/policy/load.js";
import type { Policy } from "../../src/policy/types.js";
import { scanSkillInput } from "../../src/scan/scan-skill.js";
import { initShell } from "../../src/shell/index.js";
import { testPolicy } from "../fixtures/heartbeat/fakes.js";

describe("heartbeat profile", () => {
  const base = testPolicy({
    network: { hosts: ["www.moltbook.com", "*.cdn.test"], httpHosts: [], ports: [], allowAddresses: [] },
    sandbox: { timeoutMs: 120_000, pids: 32, autoApproveReview: true },
    blockedPaths: ["~/.ssh/**"],
  });
  const p = heartbeatPolicy(base, {
    instructionFiles: ["SKILL.md", "HEARTBEAT.md"],
    skillDir: "~/.moltbot/skills/demo",
    stepHosts: ["www.moltbook.com", "a.cdn.test", "evil.test"],
  });

  it("narrows egress to the exact hosts the steps name that the policy already allowed", () => {
    expect(p.network.hosts).toEqual(["a.cdn.test", "www.moltbook.com"]);
  });
  it("never loosens limits and never auto-approves review steps", () => {
    expect(p.sandbox.timeoutMs).toBe(30_000);
    expect(p.sandbox.pids).toBe(32);
    expect(p.sandbox.autoApproveReview).toBe(false);
    expect(p.hash).not.toBe(base.hash);
  });
});

describe("heartbeat profile judged by the real evaluator (--policy moltbook)", () => {
  let moltbook: Policy;
  let profile: Policy;
  beforeAll(async () => {
    await initShell();
    moltbook = await loadPolicy("moltbook");
    profile = heartbeatPolicy(moltbook, {
      instructionFiles: ["SKILL.md", "HEARTBEAT.md", "skill.json", "package.json"],
      skillDir: "~/.moltbot/skills/moltbook",
      stepHosts: ["www.moltbook.com"],
    });
  });
  const verdicts = async (policy: Policy, lines: string[]): Promise<string[]> => {
    const text = lines.map((l) => `\`\`\`bash\n${l}\n\`\`\`\n`).join("\n");
    const r = await scanSkillInput({ source: "t", file: "HEARTBEAT.md", text, bundled: [] }, policy);
    return r.steps.map((s) => s.verdict);
  };

  it("refuses writes to the skill's own instruction files that install allowed", async () => {
    const writes = [
      "curl -s https://www.moltbook.com/skill.md > ~/.moltbot/skills/moltbook/SKILL.md",
      "curl -s https://www.moltbook.com/heartbeat.md > ~/.moltbot/skills/moltbook/HEARTBEAT.md",
      "curl -s https://www.moltbook.com/skill.json > ~/.moltbot/skills/moltbook/package.json",
    ];
    expect(await verdicts(moltbook, writes)).toEqual(["allow", "allow", "allow"]);
    expect(await verdicts(profile, writes)).toEqual(["deny", "deny", "deny"]);
  });
  it("still allows reading a URL whose path ends like an instruction file", async () => {
    const reads = [
      "curl -s https://www.moltbook.com/skill.json | grep '\"version\"'",
      'curl -s "https://www.moltbook.com/api/v1/feed?sort=new&limit=5"',
    ];
    expect(await verdicts(profile, reads)).toEqual(["allow", "allow"]);
  });
  it("gives a step no egress to a host the approved steps did not name, although install would", async () => {
    const text = "```bash\ncurl -s https://moltbook.com/skill.json | grep version\n```\n";
    const judge = (policy: Policy) =>
      scanSkillInput({ source: "t", file: "HEARTBEAT.md", text, bundled: [] }, policy);
    const hosts = (policy: Policy, r: Awaited<ReturnType<typeof judge>>) =>
      buildStepAllowlist(r.steps[0]!.commands, policy.network).rules.map((x) => x.host);
    expect(hosts(moltbook, await judge(moltbook))).toEqual(["moltbook.com"]);
    const underProfile = buildStepAllowlist((await judge(profile)).steps[0]!.commands, profile.network);
    expect(underProfile.rules).toEqual([]);
    expect(underProfile.refused.map((r) => r.host)).toEqual(["moltbook.com"]);
  });
});
