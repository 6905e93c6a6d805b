import { describe, expect, it } from "vitest";
import { globMatch, isLiteralGlob, pathGlobMatch } from "../../src/policy/glob.js";

describe("string globs", () => {
  it("matches * as any run and ? as one character", () => {
    expect(globMatch("Authorization: Bearer *", "Authorization: Bearer abc")).toBe(true);
    expect(globMatch("Authorization: Bearer *", "Authorization: Basic abc")).toBe(false);
    expect(globMatch("a?c", "abc")).toBe(true);
    expect(globMatch("a?c", "ac")).toBe(false);
    expect(globMatch("*.md", "x.md.sh")).toBe(false);
    expect(globMatch("*a*b*", "xxaxxbxx")).toBe(true);
    expect(globMatch("*a*b", "xxbxxa")).toBe(false);
  });
  it("treats regex and brace characters literally and honours backslash escapes", () => {
    expect(globMatch("${KEY}", "${KEY}")).toBe(true);
    expect(globMatch("a.c", "abc")).toBe(false);
    expect(globMatch("(a|b)", "a")).toBe(false);
    expect(globMatch("\\*", "*")).toBe(true);
    expect(globMatch("\\*", "x")).toBe(false);
  });
  it("is fast on inputs that blow up backtracking regexes", () => {
    const pattern = "*a*a*a*a*a*a*a*a*a*a*a*b";
    const text = "a".repeat(20_000);
    const start = performance.now();
    expect(globMatch(pattern, text)).toBe(false);
    expect(performance.now() - start).toBeLessThan(500);
  });
  it("knows literal globs", () => {
    expect(isLiteralGlob("print('hi')")).toBe(true);
    expect(isLiteralGlob("a*")).toBe(false);
    expect(isLiteralGlob("a?")).toBe(false);
  });
});

describe("path globs", () => {
  it("matches ** across segments and * within one", () => {
    expect(
      pathGlobMatch("/home/agent/.moltbot/skills/moltbook/**", "/home/agent/.moltbot/skills/moltbook"),
    ).toBe(true);
    expect(
      pathGlobMatch("/home/agent/.moltbot/skills/moltbook/**", "/home/agent/.moltbot/skills/moltbook/a/b"),
    ).toBe(true);
    expect(
      pathGlobMatch("/home/agent/.moltbot/skills/moltbook/*", "/home/agent/.moltbot/skills/moltbook/a/b"),
    ).toBe(false);
    expect(
      pathGlobMatch("/home/agent/.moltbot/skills/moltbook/*", "/home/agent/.moltbot/skills/moltbook2/a"),
    ).toBe(false);
    expect(pathGlobMatch("/**/.ssh/**", "/home/agent/.ssh/id_rsa")).toBe(true);
    expect(pathGlobMatch("/**/.ssh/**", "/home/agent/ssh/id_rsa")).toBe(false);
    expect(pathGlobMatch("/**/id_rsa*", "/root/.x/id_rsa.pub")).toBe(true);
    expect(pathGlobMatch("/etc/cron*", "/etc/crontab")).toBe(true);
    expect(pathGlobMatch("/etc/cron*", "/etc/cron.d/x")).toBe(false);
  });
});
