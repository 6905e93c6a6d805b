import { beforeAll, describe, expect, it } from "vitest";
import { expandHome, normaliseGlob, normalisePath, resolvePath } from "../../src/policy/paths.js";
import { loadPolicy } from "../../src/policy/index.js";
import type { Policy } from "../../src/policy/types.js";
import { judge, shellReady } from "./policy-helpers.js";

describe("path normalisation", () => {
  it("expands ~ in policy globs, resolves relative paths and .. lexically", () => {
    expect(expandHome("~/.ssh/**", "/home/agent")).toBe("/home/agent/.ssh/**");
    expect(expandHome("~user/x", "/home/agent")).toBe("~user/x");
    expect(normalisePath("/a/./b/../../../c//d")).toBe("/c/d");
    expect(resolvePath("../x", "/home/agent/w")).toBe("/home/agent/x");
    expect(resolvePath("/etc/../etc/passwd", "/w")).toBe("/etc/passwd");
    expect(normaliseGlob("data/**", "/home/agent", "/home/agent/w")).toBe("/home/agent/w/data/**");
  });
});

describe("paths under the default policy", () => {
  let policy: Policy;
  beforeAll(async () => {
    await shellReady();
    policy = await loadPolicy("default", { checkExamples: false });
  });
  it("allows workspace files, relative and via ~", () => {
    expect(judge("cat notes.txt", policy).verdict).toBe("allow");
    expect(judge("cat ~/.openclaw/skills/x/SKILL.md", policy).verdict).toBe("allow");
  });
  it("denies .. escapes out of the workspace", () => {
    const j = judge("cat ../../../../etc/hostname", policy);
    expect(j.verdict).toBe("deny");
    expect(j.reason).toContain("/etc/hostname");
  });
  it("denies blocked paths however they are spelled", () => {
    for (const text of [
      "cat ~/.ssh/id_rsa",
      "cat /home/agent/.openclaw/workspace/../../.ssh/id_rsa",
      "cat ~/.openclaw/skills/x/.env",
      "ls ~/.aws/",
      "cat ./.git/config",
    ]) {
      const j = judge(text, policy);
      expect(j.verdict, text).toBe("deny");
      expect(j.rule, text).toBe("blocked-path");
    }
  });
  it("treats a quoted ~ as a literal directory in the workdir, not as home", () => {
    const j = judge("cat '~/notes.txt'", policy);
    expect(j.verdict).toBe("allow");
  });
});
