// The attack on the real filesystem, with the real git and bash: a repository holds
// `link -> <tmp>/outside/canary`; `git clone … repo && cat > repo/link <<'EOF'` writes through
// the link the clone made after the judge had resolved repo/link (it did not exist yet). Run
// only inside a temporary directory, with HOME pointed there: no host file is touched.

import { execFileSync } from "node:child_process";
import { mkdirSync, readFileSync, realpathSync, symlinkSync, writeFileSync } from "node:fs";

import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { freshGateHome } from "../helpers/gate-home.js";
import { createJudge, hostCommand, type Judge } from "../../src/index.js";

const original = "CANARY-ORIGINAL\n";
let tmp: string;
let home: string;
let ws: string;
let canary: string;
let url: string;
let env: Record<string, string>;
let gate: Judge;
let sandboxView: Judge;

/** Runs a command line with the real bash in `cwd`, HOME inside the temporary directory. */
function bash(line: string, cwd: string): void {
  execFileSync("/bin/bash", ["--norc", "--noprofile", "-c", line], { cwd, env, stdio: "pipe" });
}

beforeAll(async () => {
  ({ root: tmp, home, ws } = freshGateHome("sw-plant-"));
  mkdirSync(path.join(tmp, "outside"));
  canary = path.join(tmp, "outside/canary");
  writeFileSync(canary, original);
  // No system or user git config: the clone behaves the same on every machine.
  env = {
    PATH: process.env.PATH ?? "/usr/bin:/bin",
    HOME: home,
    LANG: "C",
    GIT_CONFIG_NOSYSTEM: "1",
    GIT_CONFIG_GLOBAL: "/dev/null",
  };
  const src = path.join(tmp, "src");
  mkdirSync(src);
  symlinkSync(canary, path.join(src, "link"));
  writeFileSync(path.join(src, "README.md"), "a harmless repository\n");
  const git = (...args: string[]): void => {
    execFileSync("git", ["-c", "user.name=t", "-c", "user.email=t@example.invalid", ...args], {
      cwd: src,
      env,
      stdio: "pipe",
    });
  };
  git("init", "-q", "-b", "main");
  git("add", "-A");
  git("commit", "-q", "-m", "plant");
  // A local path, not file:// (the baseline policy refuses file: URLs in any command).
  url = src;
  // common-tools, extended to allow exactly this clone into the workspace.
  const policy = path.join(tmp, "policy.yaml");
  writeFileSync(
    policy,
    [
      "name: common-tools-local-clone",
      "extends: [common-tools]",
      "commands:",
      "  - id: git-clone-local",
      "    program: git",
      "    positionals:",
      "      - value: { type: enum, values: [clone] }",
      `      - value: { type: enum, values: [${JSON.stringify(url)}] }`,
      "      - value:",
      "          type: path",
      '          allow: ["~/.openclaw/workspace/**"]',
      "          write: true",
      "",
    ].join("\n"),
  );
  gate = await createJudge({ policy, publish: false, cache: false });
  sandboxView = await createJudge({ policy, publish: false, cache: false, hostPaths: false });
});

describe("gate on the host: a clone that plants a symlink, then a write through it", () => {
  const attack = (): string => `git clone ${url} repo && cat > repo/link <<'EOF'\nexport PWNED=1\nEOF`;
  const at = (): { cwd: string; env: { HOME: string } } => ({ cwd: ws, env: { HOME: home } });

  it("the attack is real: the policy alone allows it, and its checked form overwrites the canary", () => {
    const j = sandboxView.judge(attack(), at());
    expect(j.verdict).toBe("allow");
    const elsewhere = path.join(home, ".openclaw/workspace-attack");
    mkdirSync(elsewhere);
    try {
      bash(hostCommand(j.canonical as string, { env: ["PATH", "HOME", "LANG"] }), elsewhere);
      expect(readFileSync(canary, "utf8")).toBe("export PWNED=1\n");
    } finally {
      writeFileSync(canary, original);
    }
  });

  it("denies the compound; the clone alone runs, and the write is then refused by where the link leads", () => {
    const j = gate.judge(attack(), at());
    expect(j.verdict).toBe("deny");
    expect(j.rule).toBe("link-planting");
    expect(j.canonical).toBeUndefined();

    const alone = gate.judge(`git clone ${url} repo`, at());
    expect(alone.verdict).toBe("allow");
    bash(hostCommand(alone.canonical as string, { env: ["PATH", "HOME", "LANG"] }), ws);
    expect(realpathSync(path.join(ws, "repo/link"))).toBe(canary);

    const write = gate.judge("cat > repo/link <<'EOF'\nexport PWNED=1\nEOF", at());
    expect(write.verdict).toBe("deny");
    expect(write.rule).toBe("symlink");
    expect(readFileSync(canary, "utf8")).toBe(original);
  });
});
