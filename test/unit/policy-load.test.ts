import { readFileSync } from "node:fs";
import { mkdtemp, writeFile, chmod } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { PolicyError } from "../../src/errors.js";
import { loadPolicy } from "../../src/policy/index.js";
import { commentsOnly } from "../../src/policy/load.js";
import { judge, repoRoot, shellReady } from "./policy-helpers.js";

const fixtures = path.join(repoRoot, "test/fixtures/policy");
const malformed = (name: string) => path.join(fixtures, "malformed", name);

async function loadError(file: string): Promise<PolicyError> {
  try {
    await loadPolicy(file);
  } catch (err) {
    expect(err).toBeInstanceOf(PolicyError);
    return err as PolicyError;
  }
  throw new Error(`${file} loaded without error`);
}

beforeAll(shellReady);

describe("malformed policies", () => {
  it("bad value type: JSON path, line:column and the allowed types", async () => {
    const err = await loadError(malformed("bad-type.yaml"));
    expect(err.code).toBe("POLICY_INVALID");
    expect(err.message).toContain("commands[0].options[1].value.type");
    expect(err.message).toContain("must be one of url, path, enum, integer, string, json");
    expect(err.message).toMatch(/bad-type\.yaml:9:\d+/);
    expect(err.message).toContain("fix:");
    expect(err.location).toMatchObject({ path: "commands[0].options[1].value.type", line: 9 });
  });
  it("unknown key: names it, its line, and suggests the right one", async () => {
    const err = await loadError(malformed("unknown-key.yaml"));
    expect(err.message).toContain("commands[0].optoins is not a known key");
    expect(err.message).toMatch(/unknown-key\.yaml:5:5/);
    expect(err.message).toContain("fix: did you mean 'options'?");
  });
  it("bad extends: names the entry and its line", async () => {
    const err = await loadError(malformed("bad-extends.yaml"));
    expect(err.code).toBe("POLICY_EXTENDS_NOT_FOUND");
    expect(err.message).toContain("extends[1]");
    expect(err.message).toMatch(/bad-extends\.yaml:4:\d+/);
    expect(err.message).toContain("fix: use one of");
  });
  it("extends cycle: names the chain", async () => {
    const err = await loadError(malformed("cycle-a.yaml"));
    expect(err.code).toBe("POLICY_EXTENDS_CYCLE");
    expect(err.message).toContain("extends[0]");
    expect(err.message).toMatch(/cycle-b\.yaml:3:\d+/);
    expect(err.message).toContain("fix: remove one of the extends entries");
  });
  it("extends deeper than the limit", async () => {
    const dir = await mkdtemp(path.join(tmpdir(), "sw-policy-"));
    for (let i = 0; i < 20; i++) {
      await writeFile(
        path.join(dir, `p${i}.yaml`),
        `name: p${i}\n${i < 19 ? `extends: [./p${i + 1}.yaml]\n` : ""}`,
      );
    }
    const err = await loadError(path.join(dir, "p0.yaml"));
    expect(err.code).toBe("POLICY_EXTENDS_DEPTH");
    expect(err.message).toContain("extends[0]");
    expect(err.message).toMatch(/:2:\d+/);
  });
  it("failing example: names the example, the actual verdict and the rule", async () => {
    const err = await loadError(malformed("failing-example.yaml"));
    expect(err.code).toBe("POLICY_EXAMPLE_FAILED");
    expect(err.message).toContain("examples.allow[1] 'ls -la' is deny");
    expect(err.message).toContain("rule ls");
    expect(err.message).toMatch(/failing-example\.yaml:10:\d+/);
    expect(err.message).toContain("fix: add '-a' to commands[ls].options");
  });
  it("undeclared env and unknown pipeFrom ids", async () => {
    const env = await loadError(malformed("undeclared-env.yaml"));
    expect(env.message).toContain("commands[0].options[0].value.env[0]");
    expect(env.message).toContain("TOKEN");
    expect(env.message).toMatch(/undeclared-env\.yaml:7:\d+/);
    const pipe = await loadError(malformed("bad-pipefrom.yaml"));
    expect(pipe.message).toContain("commands[0].pipeFrom[0] names rule 'curl-get'");
    expect(pipe.message).toMatch(/bad-pipefrom\.yaml:5:\d+/);
  });
  it("distinguishes missing, empty, unreadable, syntax errors and non-objects", async () => {
    expect((await loadError(malformed("nope.yaml"))).code).toBe("POLICY_NOT_FOUND");
    expect((await loadError(malformed("empty.yaml"))).code).toBe("POLICY_EMPTY");
    expect((await loadError(fixtures)).code).toBe("POLICY_UNREADABLE");
    const syntax = await loadError(malformed("syntax.yaml"));
    expect(syntax.code).toBe("POLICY_SYNTAX");
    expect(syntax.message).toMatch(/syntax\.yaml:\d+:\d+/);
    const notObject = await loadError(malformed("not-an-object.json"));
    expect(notObject.code).toBe("POLICY_INVALID");
    if (process.getuid?.() !== 0) {
      const dir = await mkdtemp(path.join(tmpdir(), "sw-policy-"));
      const file = path.join(dir, "locked.yaml");
      await writeFile(file, "name: locked\n");
      await chmod(file, 0o000);
      expect((await loadError(file)).code).toBe("POLICY_UNREADABLE");
    }
  });
});

describe("loading", () => {
  it("loads JSON, merges extends and keeps the base's rules", async () => {
    const policy = await loadPolicy(malformed("valid.json"));
    expect(policy.name).toBe("valid-json");
    expect(policy.commands.map((r) => r.id)).toContain("echo");
    expect(policy.commands.map((r) => r.id)).toContain("whoami");
    expect(policy.sources.map((s) => path.basename(s))).toEqual([
      "baseline.yaml",
      "default.yaml",
      "valid.json",
    ]);
    expect(policy.blockedPaths).toContain("/**/.ssh/**");
  });
  it("hashes the canonical merged policy", async () => {
    const a = await loadPolicy("moltbook");
    const b = await loadPolicy("moltbook");
    const c = await loadPolicy("default");
    expect(a.hash).toBe(b.hash);
    expect(a.hash).not.toBe(c.hash);
  });
  it("resolves a relative path against cwd", async () => {
    const policy = await loadPolicy("malformed/valid.json", { cwd: fixtures });
    expect(policy.name).toBe("valid-json");
  });
});

describe("OpenClaw config.yaml", () => {
  it("maps permissions onto common-tools", async () => {
    const policy = await loadPolicy(path.join(fixtures, "openclaw/config.yaml"));
    expect(policy.network.hosts).toEqual(["api.github.com"]);
    expect(policy.blockedPaths).toContain("~/private/**");
    expect(judge("curl -s https://api.github.com/repos/a/b", policy).verdict).toBe("allow");
    expect(judge("curl -s https://raw.githubusercontent.com/a/b/c", policy).verdict).toBe("deny");
    expect(judge("mkdir -p ~/.openclaw/skills/notes/x", policy).verdict).toBe("allow");
    expect(judge("mkdir -p ~/.openclaw/skills/other", policy).verdict).toBe("deny");
    expect(judge("python3 ~/.openclaw/skills/notes/run.py", policy).verdict).toBe("review");
    expect(judge("python3 -c 'import os'", policy).verdict).toBe("deny");
    expect(judge("cat ~/private/diary.txt", policy).verdict).toBe("deny");
  });
  it("without network or write permissions, drops those rules", async () => {
    const policy = await loadPolicy(path.join(fixtures, "openclaw/no-network.yaml"));
    expect(policy.name).toBe("offline");
    expect(judge("curl -s https://github.com/a", policy).verdict).toBe("deny");
    expect(judge("git clone https://github.com/a/b", policy).verdict).toBe("deny");
    expect(judge("mkdir notes", policy).verdict).toBe("deny");
    expect(judge("cat notes.txt", policy).verdict).toBe("allow");
    expect(judge("python3 run.py", policy).verdict).toBe("deny");
  });
  it("rejects an unknown permission with its line and a fix", async () => {
    const err = await loadError(path.join(fixtures, "openclaw/typo.yaml"));
    expect(err.message).toContain("permissions.allow_network is not a known OpenClaw permission");
    expect(err.message).toMatch(/typo\.yaml:2:3/);
    expect(err.message).toContain("fix:");
  });
});

describe("docs/policy.md", () => {
  it("the full example loads and its examples hold", async () => {
    const doc = readFileSync(path.join(repoRoot, "docs/policy.md"), "utf8");
    const section = doc.slice(doc.indexOf("## A full example"));
    const yaml = /```yaml\n([\s\S]*?)```/.exec(section)?.[1];
    expect(yaml).toBeDefined();
    const dir = await mkdtemp(path.join(tmpdir(), "sw-policy-"));
    const file = path.join(dir, "weather.yaml");
    await writeFile(file, yaml as string);
    const policy = await loadPolicy(file);
    expect(policy.name).toBe("weather-skill");
    expect(policy.examples.allow.length + policy.examples.deny.length).toBe(5);
  });
});

describe("the empty-policy check", () => {
  // It was /^(\s*#.*\n?)*\s*$/, exponential in the comment lines before the first key (22 lines:
  // 2.5 s, each line more about 3x). A bound far above linear (well under 1 ms) and far below
  // the old ~30 s for 24 lines: a guard against the blow-up, not a speed figure.
  it("reads a policy behind 24 comment lines at once", async () => {
    const dir = await mkdtemp(path.join(tmpdir(), "sw-policy-comments-"));
    const file = path.join(dir, "commented.yaml");
    await writeFile(
      file,
      "# a\n".repeat(24) + readFileSync(path.join(repoRoot, "policies/agent.yaml"), "utf8"),
    );
    const t0 = performance.now();
    expect(commentsOnly(readFileSync(file, "utf8"))).toBe(false);
    expect(performance.now() - t0).toBeLessThan(5_000);
    expect((await loadPolicy(file)).name).toBe("agent");
  });

  it("still calls blank and comment-only files empty, whatever the line breaks", async () => {
    for (const text of ["", "\n\n", "# a\n  # b\r\n\t#c", "#x\u2028#y", "  \n# only\n   "])
      expect(commentsOnly(text), JSON.stringify(text)).toBe(true);
    for (const text of ["a: 1", "# a\nb: 1", "# a\rb: 1", "#a\u2028b", "  x # c"])
      expect(commentsOnly(text), JSON.stringify(text)).toBe(false);
    const dir = await mkdtemp(path.join(tmpdir(), "sw-policy-comments-"));
    await writeFile(path.join(dir, "c.yaml"), "# only a comment\r\n".repeat(40));
    expect((await loadError(path.join(dir, "c.yaml"))).code).toBe("POLICY_EMPTY");
  });
});
