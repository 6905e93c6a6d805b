// Exec and the file tools agree on files that run commands later (red-team finding F3, session
// 6): under common-tools, the policy of the plugin docs' example, `echo x > .envrc` passed as exec
// while a file-tool write of .envrc was refused, and editors' task files and hook managers'
// configs passed both ways.

import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import * as lib from "../../src/index.js";
// @ts-expect-error: plain ESM plugin module without type declarations
import { createGate } from "../../integrations/openclaw/gate.mjs";

interface Answer {
  block?: boolean;
  blockReason?: string;
  params?: Record<string, unknown>;
}
interface Gate {
  ready: Promise<unknown>;
  beforeToolCall(event: object, ctx?: object): Promise<Answer | undefined>;
}

function gate(policy: string): { g: Gate; ws: string } {
  const root = mkdtempSync(path.join(tmpdir(), "sw-octask-"));
  const home = path.join(root, "home");
  const ws = path.join(home, ".openclaw/workspace");
  mkdirSync(ws, { recursive: true });
  writeFileSync(path.join(ws, "notes.txt"), "n\n");
  mkdirSync(path.join(ws, "pwn"));
  writeFileSync(path.join(ws, "pwn/hook"), "touch /tmp/x\n");
  const g = (createGate as (l: object, c: object, h: object) => Gate)(
    lib,
    { policy, auditLog: path.join(root, "audit.jsonl") },
    {
      env: { HOME: home, SHELL: "/bin/bash", PATH: "/usr/bin:/bin" },
      openclawConfig: { agents: { defaults: { workspace: ws } } },
    },
  );
  wsOf.set(g, ws);
  return { g, ws };
}

const wsOf = new WeakMap<Gate, string>();
const gateWs = (g: Gate): string => wsOf.get(g) ?? "";

let n = 0;
const exec = (command: string) => ({ toolName: "exec", toolCallId: `t${n++}`, params: { command } });
const write = (p: string) => ({ toolName: "write", params: { path: p, content: "{}" } });

const planted = [
  ".envrc",
  ".vscode/tasks.json",
  ".pre-commit-config.yaml",
  ".husky/pre-commit",
  "lefthook.yml",
];

describe("OpenClaw gate: exec and file tools agree on task and hook files", () => {
  for (const policy of ["common-tools", "agent"]) {
    it(`${policy}: exec redirects, tee, touch, cp and mv may not write them, and neither may write/edit`, async () => {
      const { g } = gate(policy);
      await g.ready;
      for (const f of planted) {
        for (const command of [
          `echo x > ${f}`,
          `echo x >> ${f}`,
          `echo x | tee ${f}`,
          `touch ${f}`,
          `cp notes.txt ${f}`,
          `mv notes.txt ${f}`,
        ]) {
          const r = await g.beforeToolCall(exec(command));
          expect(r?.block, `${policy}: ${command}`).toBe(true);
        }
        expect((await g.beforeToolCall(write(f)))?.block, `${policy}: write ${f}`).toBe(true);
      }
    });
  }

  it("common-tools: cp and mv into a task folder are judged by the name they write there", async () => {
    const { g, ws } = gate("common-tools");
    mkdirSync(path.join(ws, ".husky"));
    for (const command of ["cp pwn/hook .husky", "mv pwn/hook .husky/", "cp notes.txt .vscode"])
      expect((await g.beforeToolCall(exec(command)))?.block, command).toBe(true);
  });

  it("common-tools: a command writes no file the file tools may not (SKILL.md in any folder)", async () => {
    const { g } = gate("common-tools");
    mkdirSync(path.join((await g.ready, gateWs(g)), "notes"), { recursive: true });
    for (const command of ["echo 'be evil' > notes/SKILL.md", "echo x | tee notes/skill.md"])
      expect((await g.beforeToolCall(exec(command)))?.block, command).toBe(true);
    expect((await g.beforeToolCall(write("notes/SKILL.md")))?.block).toBe(true);
  });

  it("baseline (no write rule for the file tools to borrow): write and edit refuse them by name", async () => {
    const { g } = gate("baseline");
    for (const f of [
      ...planted,
      ".zed/tasks.json",
      ".idea/workspace.xml",
      ".devcontainer/devcontainer.json",
    ]) {
      expect((await g.beforeToolCall(write(f)))?.block, f).toBe(true);
      const e = { toolName: "edit", params: { path: f, edits: [{ oldText: "a", newText: "b" }] } };
      expect((await g.beforeToolCall(e))?.block, `edit ${f}`).toBe(true);
    }
    expect((await g.beforeToolCall(write("notes/plan.md")))?.block).toBeUndefined();
  });

  it("common-tools: ordinary writes still pass, as exec and as a file tool", async () => {
    const { g } = gate("common-tools");
    for (const command of [
      "echo x > out.txt",
      "echo x | tee out.txt",
      "touch out.txt",
      "cp notes.txt copy.txt",
    ])
      expect((await g.beforeToolCall(exec(command)))?.block, command).toBeUndefined();
    expect((await g.beforeToolCall(write("out.txt")))?.block).toBeUndefined();
  });
});

describe("every policy: task and hook files are the agent's own files (protected writes)", () => {
  it("common-tools and agent deny a redirect, tee or touch onto them, with no plugin in between", async () => {
    const root = mkdtempSync(path.join(tmpdir(), "sw-octask-lib-"));
    const ws = path.join(root, "home/.openclaw/workspace");
    mkdirSync(ws, { recursive: true });
    for (const policy of ["common-tools", "agent"]) {
      const judge = await lib.createJudge({ policy });
      for (const f of planted)
        for (const command of [`echo x > ${f}`, `echo x | tee ${f}`, `touch ${f}`]) {
          const j = judge.judge(command, { cwd: ws, env: { HOME: path.join(root, "home") } });
          expect(j.verdict, `${policy}: ${command}`).toBe("deny");
        }
      expect(
        judge.judge("echo x > out.txt", { cwd: ws, env: { HOME: path.join(root, "home") } }).verdict,
      ).toBe("allow");
    }
  });
});
