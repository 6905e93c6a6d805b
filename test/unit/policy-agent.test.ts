// The agent policy: the real command set it is measured on, and the guards it relies on (write
// exceptions for git's files and startup files, sed -n scripts limited by `chars`, jq builtins
// that read the environment or files, review for code the agent may have written).
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { PolicyError } from "../../src/errors.js";
import { loadPolicy } from "../../src/policy/index.js";
import type { Policy } from "../../src/policy/types.js";
import { judge, repoRoot, shellReady } from "./policy-helpers.js";

const dir = path.join(repoRoot, "test/fixtures/agent-commands");

interface Row {
  command: string;
  source: string;
}

function readSet(file: string): { rows: Row[]; workdir?: string } {
  const text = readFileSync(path.join(dir, file), "utf8");
  const workdir = /^# workdir: (\S+)$/m.exec(text)?.[1];
  const rows = text
    .split("\n")
    .filter((l) => l.trim() !== "" && !l.startsWith("#"))
    .map((l) => {
      const [command = "", source = ""] = l.split("\t");
      return { command, source };
    });
  return workdir === undefined ? { rows } : { rows, workdir };
}

let policy: Policy;
beforeAll(async () => {
  await shellReady();
  policy = await loadPolicy("agent");
});

describe("agent policy: the everyday command set", () => {
  const files = readdirSync(dir).filter((f) => f.endsWith(".tsv"));

  it("holds at least 200 real commands, each with its source", () => {
    const rows = files.flatMap((f) => readSet(f).rows);
    expect(rows.length).toBeGreaterThanOrEqual(200);
    for (const r of rows) expect(r.source, r.command).toMatch(/^(github:|npm:|corpus:)\S+:\d+$/);
  });

  it("allows most of a coding agent's real session commands (regression floor; the figure is in bench/agent-commands.js)", () => {
    const { rows, workdir } = readSet("codex-transcripts.tsv");
    expect(rows.length).toBeGreaterThanOrEqual(200);
    const p = workdir === undefined ? policy : { ...policy, workdir };
    const allowedCount = rows.filter((r) => judge(r.command, p).verdict === "allow").length;
    expect(allowedCount / rows.length).toBeGreaterThanOrEqual(0.9);
  });
});

describe("agent policy: guards", () => {
  const verdict = (text: string): string => judge(text, policy).verdict;

  it("writes may not create git's discovery files, hooks or a .git entry anywhere in the workspace", () => {
    for (const t of [
      "printf 'ref: refs/heads/main' > x/HEAD",
      "printf '[core]' > x/config",
      "touch x/hooks/pre-commit",
      "mkdir -p x/hooks",
      "echo 'gitdir: ../x' > repo/.git",
      "cp notes.md repo/.git/info/x",
      "mv notes.md x/commondir",
      "echo x >> repo/.husky/pre-commit",
    ]) {
      const j = judge(t, policy);
      expect(j.verdict, t).toBe("deny");
    }
    expect(judge("printf '[core]' > x/config", policy).reason).toContain("exception");
    // The same places stay readable, and neighbouring names stay writable.
    expect(verdict("cat x/config")).toBe("allow");
    expect(verdict("echo hi > x/config.yaml")).toBe("allow");
    expect(verdict("mkdir -p src/hooks-old")).toBe("allow");
  });

  it("writes may not touch the agent's startup files, other agents' instruction files or workspace skills", () => {
    for (const t of [
      "echo x >> SOUL.md",
      "echo x > ../AGENTS.md",
      "cp a.md HEARTBEAT.md",
      "echo x > repo/CLAUDE.md",
      "mkdir -p skills/evil",
      "echo x > .vscode/tasks.json",
    ]) {
      expect(verdict(t), t).toBe("deny");
    }
    expect(verdict("cat SOUL.md")).toBe("allow");
    // The memory folder is read into every session: the baseline protects it (policy/protected.ts).
    expect(verdict("echo x > memory/today.md")).toBe("deny");
  });

  it("cd DIR && … judges the rest in DIR, and only when the cd must have run", () => {
    const ws = "/home/agent/.openclaw/workspace";
    expect(verdict(`cd ${ws}/repo && git status`)).toBe("allow");
    expect(verdict("cd repo/src && sed -n '1,20p' index.ts && cat ../README.md")).toBe("allow");
    const moved = judge("cd repo && cat notes.md", policy).commands[1];
    expect(moved?.cwd).toBe(`${ws}/repo`);
    for (const t of [
      // the later paths resolve outside the workspace from the new directory
      "cd repo && cat ../../.bashrc",
      "cd repo/a && cat ../../../../.ssh/id_rsa",
      // the cd itself leaves the workspace
      "cd .. && cat openclaw.json",
      "cd /tmp && cat x",
      "cd ~ && cat .bashrc",
      "cd && cat .bashrc",
      "cd - && cat x",
      "cd -P repo && cat x",
      // cd may not have run when the next command does: judged in the old directory, it would be wrong
      "cd repo/a/b/c; cat ../../../../etc/hostname",
      "cd repo/a/b/c || cat ../../../../etc/hostname",
      "true || cd repo/a/b/c && cat ../../../../etc/hostname",
      "cd repo/a/b/c && true || cat ../../../../etc/hostname",
    ]) {
      expect(verdict(t), t).toBe("deny");
    }
    expect(judge("cd repo/a/b/c; cat x", policy).reason).toContain("depends on whether cd ran");
    expect(judge("cd - && cat x", policy).rule).toBe("cd");
    // In a pipeline or a subshell cd moves nothing outside it: the rest stays in the workdir.
    expect(verdict("cd repo | cat ../.bashrc")).toBe("deny");
    expect(verdict("(cd repo && cat x)")).toBe("deny");
  });

  it("sed -n takes only line-range print scripts", () => {
    expect(verdict("sed -n '1,200p' src/a.ts")).toBe("allow");
    expect(verdict("sed -n '$p' a.txt")).toBe("allow");
    for (const t of [
      "sed -n '1e id' a.txt",
      "sed -n '1w out' a.txt",
      "sed -n '1r /etc/passwd' a.txt",
      "sed -n 's/a/b/p' a.txt",
      "sed -n '1,2{p}' a.txt",
      "sed '1,2p' a.txt",
    ]) {
      const j = judge(t, policy);
      expect(j.verdict, t).toBe("deny");
    }
    expect(judge("sed -n '1e id' a.txt", policy).reason).toContain("not one of");
  });

  it("jq may not read the environment or other files", () => {
    expect(verdict("jq -r '.name' package.json")).toBe("allow");
    for (const t of [
      "jq -n env",
      "jq -n '$ENV'",
      "jq -n 'import \"/etc/x\" as $x; $x'",
      "jq -n 'input_filename'",
      "jq -f prog.jq a.json",
    ]) {
      expect(verdict(t), t).toBe("deny");
    }
  });

  it("code the agent may have written runs only after review", () => {
    for (const t of [
      "npm test",
      "npm run build",
      "node scripts/x.mjs",
      'git commit -m "x"',
      "rm -rf build",
    ]) {
      expect(verdict(t), t).toBe("review");
    }
    for (const t of [
      "npm install",
      "npx vitest",
      "node -e 1",
      "node --import ./x.mjs a.js",
      "npm exec sh",
      "npm run",
    ]) {
      expect(verdict(t), t).toBe(t === "npm run" ? "allow" : "deny");
    }
  });

  it("npm view asks the registry only: a folder, tarball or git spec (read from disk) is refused", () => {
    // Red-team F4 (session 6): `npm view /tmp/x description` printed a package.json anywhere on the host.
    for (const t of [
      "npm view /tmp/outpkg description",
      "npm view ../../../outpkg description",
      "npm view . description",
      "npm info ..",
      "npm view ~/pkg",
      "npm view pkg@../other",
      "npm view pkg@..",
      "npm view owner/repo",
      "npm view pkg.tgz",
      "npm view @scope/../../outpkg",
      "npm view @../outpkg",
      "npm view @scope/name/extra",
      "npm view @scope/.hidden",
      "npm view @scope/name@../x",
      "npm view file:../pkg",
    ])
      expect(verdict(t), t).toBe("deny");
    for (const t of [
      "npm view lodash version",
      "npm view socket.io@4.7.2 dependencies",
      "npm view react@^18 version",
      "npm view @types/node version",
      "npm info @babel/core@7.24.0 dist.tarball",
    ])
      expect(verdict(t), t).toBe("allow");
  });

  it("curl only GETs listed hosts over https, never following redirects or naming files after the URL", () => {
    expect(verdict("curl -fsS https://api.github.com/repos/a/b")).toBe("allow");
    for (const t of [
      "curl -L https://github.com/x",
      "curl -O https://raw.githubusercontent.com/a/b/main/config",
      "curl http://localhost:8000/",
      "curl -d x=1 https://api.github.com/x",
      "curl -X POST https://api.github.com/x",
      "curl -H 'Authorization: token x' https://api.github.com/x",
      "curl https://evil.example/",
    ]) {
      expect(verdict(t), t).toBe("deny");
    }
  });
});

describe("policy YAML aliases", () => {
  it("an alias bomb is a POLICY_SYNTAX error naming the limit", async () => {
    const { mkdtempSync, writeFileSync } = await import("node:fs");
    const { tmpdir } = await import("node:os");
    const d = mkdtempSync(path.join(tmpdir(), "sw-alias-"));
    const lines = ["name: bomb", "a: &a [x, x, x, x, x, x, x, x, x, x]"];
    for (let i = 0; i < 6; i++)
      lines.push(
        `${"bcdefg"[i]}: &${"bcdefg"[i]} [*${i === 0 ? "a" : "bcdefg"[i - 1]}, *${i === 0 ? "a" : "bcdefg"[i - 1]}, *${i === 0 ? "a" : "bcdefg"[i - 1]}, *${i === 0 ? "a" : "bcdefg"[i - 1]}, *${i === 0 ? "a" : "bcdefg"[i - 1]}, *${i === 0 ? "a" : "bcdefg"[i - 1]}, *${i === 0 ? "a" : "bcdefg"[i - 1]}, *${i === 0 ? "a" : "bcdefg"[i - 1]}, *${i === 0 ? "a" : "bcdefg"[i - 1]}, *${i === 0 ? "a" : "bcdefg"[i - 1]}]`,
      );
    const file = path.join(d, "bomb.yaml");
    writeFileSync(file, lines.join("\n") + "\n");
    const err = await loadPolicy(file).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PolicyError);
    expect((err as PolicyError).code).toBe("POLICY_SYNTAX");
    expect((err as PolicyError).message).toContain("bomb.yaml");
  });
});
