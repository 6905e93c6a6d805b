// The OpenClaw plugin's decisions (integrations/openclaw/gate.mjs) with the library from src:
// each guard refuses what it must, and the gate fails closed.

import { execFileSync } from "node:child_process";
import { appendFileSync, mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import * as lib from "../../src/index.js";
// @ts-expect-error: plain ESM plugin module without type declarations
import { createGate, defaultPolicy } from "../../integrations/openclaw/gate.mjs";

interface Result {
  block?: boolean;
  blockReason?: string;
  params?: Record<string, unknown>;
  requireApproval?: { description: string };
}
interface Gate {
  ready: Promise<unknown>;
  auditFile: string;
  beforeToolCall(event: object, ctx?: object): Promise<Result | undefined>;
  afterToolCall(event: object): void;
}

function gate(
  config: Record<string, unknown> = {},
  libOverride: object = lib,
): { g: Gate; home: string; ws: string } {
  const root = mkdtempSync(path.join(tmpdir(), "sw-ocgate-"));
  const home = path.join(root, "home");
  const ws = path.join(home, ".openclaw/workspace");
  const g = (createGate as (l: object, c: object, h: object) => Gate)(
    libOverride,
    { policy: "common-tools", auditLog: path.join(root, "audit.jsonl"), ...config },
    { env: { HOME: home, SHELL: "/bin/bash" }, openclawConfig: { agents: { defaults: { workspace: ws } } } },
  );
  return { g, home, ws };
}
const exec = (params: Record<string, unknown>, extra: object = {}) => ({
  toolName: "exec",
  params,
  toolCallId: "t1",
  ...extra,
});

describe("OpenClaw plugin gate", () => {
  it("rewrites an allowed command to the checked form run by a clean bash, pinned to the workspace", async () => {
    const { g, ws } = gate();
    const r = await g.beforeToolCall(exec({ command: "ls   -la" }));
    expect(r?.block).toBeUndefined();
    expect(r?.params?.command).toBe(
      lib.hostCommand("ls -la\n", {
        set: {
          // The gateway has no PATH here: OpenClaw's default, which the gate checked.
          PATH: "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
          GIT_CEILING_DIRECTORIES: path.dirname(ws),
          ...lib.gitHostConfig,
        },
      }),
    );
    expect(r?.params?.workdir).toBe(ws);
  });

  it("runs git on the host only over a repository with plain settings", async () => {
    const { g, ws } = gate({ policy: "agent" });
    mkdirSync(ws, { recursive: true });
    execFileSync("git", ["init", "-q", ws]);
    const ok = await g.beforeToolCall(exec({ command: "git status" }));
    expect(ok?.block).toBeUndefined();
    expect(String(ok?.params?.command)).toContain("GIT_CONFIG_KEY_0=core.hooksPath");
    appendFileSync(path.join(ws, ".git", "config"), `[core]\n\tfsmonitor = "touch /tmp/pwned"\n`);
    const r = await g.beforeToolCall(exec({ command: "git status" }));
    expect(r?.block).toBe(true);
    expect(r?.blockReason).toMatch(/core\.fsmonitor/);
    // A skill folder shipped with its own .git, reached through `cd DIR &&`.
    const sub = path.join(ws, "skills", "evil");
    mkdirSync(sub, { recursive: true });
    execFileSync("git", ["init", "-q", sub]);
    appendFileSync(path.join(sub, ".git", "config"), `[diff "x"]\n\ttextconv = sh -c id\n`);
    writeFileSync(path.join(ws, ".git", "config"), "[core]\n\tbare = false\n");
    expect((await g.beforeToolCall(exec({ command: "git status" })))?.block).toBeUndefined();
    const cdGit = await g.beforeToolCall(exec({ command: "cd skills/evil && git diff" }));
    expect(cdGit?.block).toBe(true);
    expect(cdGit?.blockReason).toMatch(/diff\.x\.textconv/);
  });

  it("blocks a denied command with the reason and the fix", async () => {
    const { g } = gate();
    const r = await g.beforeToolCall(exec({ command: "echo id | sh" }));
    expect(r?.block).toBe(true);
    expect(r?.blockReason).toMatch(/skillwall blocked this exec call: .*fix: cannot be allowed/);
  });

  it("refuses elevated, another host or node, and env the policy does not grant", async () => {
    const { g } = gate();
    for (const params of [
      { command: "ls", elevated: true },
      { command: "ls", host: "node" },
      { command: "ls", host: "gateway" },
      { command: "ls", node: "n1" },
      { command: "ls", env: { LD_PRELOAD: "/x.so" } },
      { command: "ls", env: "PATH=/tmp" },
    ]) {
      expect((await g.beforeToolCall(exec(params)))?.block, JSON.stringify(params)).toBe(true);
    }
    expect((await g.beforeToolCall(exec({ command: "ls", host: "auto" })))?.block).toBeUndefined();
  });

  it("refuses Code Mode and, in sandbox mode without a serve socket, every exec (never the host instead)", async () => {
    const { g } = gate();
    const code = await g.beforeToolCall(exec({ code: "1" }, { toolKind: "code_mode_exec" }));
    expect(code?.blockReason).toMatch(/Code Mode/);
    const sb = gate({ mode: "sandbox" }).g;
    const r = await sb.beforeToolCall(exec({ command: "ls" }));
    expect(r?.block).toBe(true);
    expect(r?.blockReason).toMatch(/skillwall serve/);
  });

  it("judges process input as a command and refuses key codes", async () => {
    const { g } = gate();
    const hostile = await g.beforeToolCall({
      toolName: "process",
      params: { action: "write", sessionId: "s", data: "curl x | sh\n" },
    });
    expect(hostile?.blockReason).toMatch(/running session is judged as a command/);
    const keys = await g.beforeToolCall({
      toolName: "process",
      params: { action: "send-keys", sessionId: "s", hex: ["0d"] },
    });
    expect(keys?.block).toBe(true);
    const ok = await g.beforeToolCall({
      toolName: "process",
      params: { action: "write", sessionId: "s", data: "ls" },
    });
    expect(ok?.params?.data).toBe("ls\n");
    expect(
      await g.beforeToolCall({ toolName: "process", params: { action: "poll", sessionId: "s" } }),
    ).toBeUndefined();
  });

  it("refuses to start when skillwall's own files lie in an agent workspace, where the agent could change them", () => {
    const root = mkdtempSync(path.join(tmpdir(), "sw-ocown-"));
    const home = path.join(root, "home");
    const ws = path.join(home, ".openclaw/workspace");
    const other = path.join(root, "agent-b");
    mkdirSync(path.join(ws, "skillwall/integrations/openclaw"), { recursive: true });
    mkdirSync(other, { recursive: true });
    writeFileSync(path.join(other, "policy.yaml"), "x");
    const make = (config: object, pluginDir?: string) =>
      (createGate as (l: object, c: object, h: object) => Gate)(
        lib,
        { policy: "agent", auditLog: path.join(root, "audit.jsonl"), ...config },
        {
          env: { HOME: home, SHELL: "/bin/bash" },
          openclawConfig: { agents: { defaults: { workspace: ws }, list: [{ id: "b", workspace: other }] } },
          ...(pluginDir === undefined ? {} : { pluginDir }),
        },
      );
    // The checkout holding the plugin, inside the default workspace: one edit of gate.mjs turns it off.
    expect(() => make({}, path.join(ws, "skillwall/integrations/openclaw"))).toThrow(
      /the skillwall checkout .* is inside the agent workspace/,
    );
    // A policy file in another agent's workspace, the audit log in the workspace.
    expect(() => make({ policy: path.join(other, "policy.yaml") })).toThrow(/the policy file .* is inside/);
    expect(() => make({ auditLog: path.join(ws, "audit.jsonl") })).toThrow(/the audit log .* is inside/);
    // A folder whose name starts with two dots is still inside ("..sw" is not "../sw").
    expect(() => make({ auditLog: path.join(ws, "..sw/audit.jsonl") })).toThrow(/the audit log .* is inside/);
    // Through a symlink too.
    symlinkSync(ws, path.join(root, "ws-link"));
    expect(() => make({}, path.join(root, "ws-link/skillwall/integrations/openclaw"))).toThrow(/inside/);
    // Outside every workspace: the gate starts.
    expect(() => make({}, path.join(root, "elsewhere/integrations/openclaw"))).not.toThrow();
  });

  it("refuses a policy in a workspace however the library reaches it: a bare file name, or through extends", async () => {
    const root = mkdtempSync(path.join(tmpdir(), "sw-ocpol-"));
    const home = path.join(root, "home");
    const ws = path.join(root, "ws");
    mkdirSync(ws, { recursive: true });
    mkdirSync(home, { recursive: true });
    writeFileSync(path.join(ws, "rt.yaml"), "name: rt\nextends: [agent]\n");
    writeFileSync(
      path.join(root, "outer.yaml"),
      `name: outer\nextends: [${JSON.stringify(path.join(ws, "rt.yaml"))}]\n`,
    );
    const make = (policy: string, workspace: string) =>
      (createGate as (l: object, c: object, h: object) => Gate)(
        lib,
        { policy, auditLog: path.join(root, "audit.jsonl"), timeoutMs: 60000 },
        { env: { HOME: home, SHELL: "/bin/bash" }, openclawConfig: { agents: { defaults: { workspace } } } },
      );
    // The library reads a bare name from the gateway's cwd: with the workspace there, it is the agent's file.
    expect(() => make("rt-policy.yaml", process.cwd())).toThrow(
      /the policy file .* is inside the agent workspace/,
    );
    // A shipped name is the checkout's file, not the cwd's.
    expect(() => make("agent", process.cwd())).not.toThrow();
    // A policy outside every workspace that extends one inside: every call is refused once loaded.
    const g = make(path.join(root, "outer.yaml"), ws);
    const a = await g.beforeToolCall({ toolName: "exec", toolCallId: "c1", params: { command: "ls" } });
    expect(a?.block).toBe(true);
    expect(a?.blockReason).toMatch(/rt\.yaml is inside the agent workspace/);
  });

  it("process input joins in the session only at line ends: each chunk is a whole judged line", async () => {
    // OpenClaw writes each chunk into the session's stdin as given ("ech" then "o x" join into
    // "echo x"). The gate sends every allowed chunk as its canonical line ending in a newline,
    // so what the session reads is a sequence of lines each judged on its own; a part of a
    // command, a line continuation or a terminal control (^U erases the line typed so far in a
    // pty, ESC starts a key sequence) is refused.
    const { g } = gate();
    const input = (action: string, text: string) =>
      g.beforeToolCall({
        toolName: "process",
        params: {
          action,
          sessionId: "s",
          [action === "paste" ? "text" : action === "send-keys" ? "literal" : "data"]: text,
        },
      });
    for (const [action, text] of [
      ["write", "ech"],
      ["write", "o pwned > ~/.bashrc"],
      ["write", "echo 'a"],
      ["paste", "echo a \\"],
      ["write", "echo '\u0015touch /tmp/x #'"],
      ["write", "echo a\rtouch x"],
      ["send-keys", "echo \u001b[201~"],
      ["write", "echo a\u0003"],
    ]) {
      const r = await input(action!, text!);
      expect(r?.block, `${action} ${text}`).toBe(true);
    }
    for (const [action, field] of [
      ["write", "data"],
      ["paste", "text"],
      ["send-keys", "literal"],
    ]) {
      const r = await input(action!, "echo a # trailing");
      expect((r?.params as Record<string, string>)[field!]).toBe("echo a\n");
    }
  });

  it("refuses writes, edits and patches of agent start-up files", async () => {
    const { g, home, ws } = gate();
    const refused = [
      { toolName: "write", params: { path: path.join(home, ".bashrc"), content: "x" } },
      { toolName: "edit", params: { file_path: path.join(ws, "AGENTS.md") } },
      { toolName: "write", params: { path: "HEARTBEAT.md" } },
      {
        toolName: "apply_patch",
        params: { input: "*** Begin Patch\n*** Update File: SOUL.md\n@@\n-a\n+b\n*** End Patch" },
      },
      { toolName: "apply_patch", params: { input: "no paths here" } },
      { toolName: "write", params: { content: "no path" } },
    ];
    for (const e of refused) expect((await g.beforeToolCall(e))?.block, JSON.stringify(e)).toBe(true);
    // Allowed: OpenClaw is handed the absolute path that was judged.
    expect(
      await g.beforeToolCall({ toolName: "write", params: { path: path.join(ws, "notes.txt") } }),
    ).toEqual({ params: { path: path.join(ws, "notes.txt") } });
  });

  it("blocks when the judge cannot be created (fail closed), and when the verdict takes too long", async () => {
    const broken = gate({ policy: "/nonexistent/policy.yaml" }).g;
    expect((await broken.beforeToolCall(exec({ command: "ls" })))?.blockReason).toMatch(/gate failed/);
    const slow = { ...lib, createJudge: () => new Promise(() => undefined) };
    const timed = gate({ timeoutMs: 100 }, slow).g;
    expect((await timed.beforeToolCall(exec({ command: "ls" })))?.blockReason).toMatch(
      /no verdict within 100 ms/,
    );
    const aborted = new AbortController();
    aborted.abort();
    expect(
      (await timed.beforeToolCall(exec({ command: "ls" }), { abortSignal: aborted.signal }))?.blockReason,
    ).toMatch(/cancelled/);
  });

  it("defaults to the agent policy only when this skillwall ships it", () => {
    const pick = defaultPolicy as (l: object) => string;
    expect(pick({ shippedPolicies: () => ["default", "common-tools"] })).toBe("default");
    expect(pick({ shippedPolicies: () => ["default", "agent"] })).toBe("agent");
    expect(pick(lib)).toBe(lib.shippedPolicies().includes("agent") ? "agent" : "default");
  });

  it("records the execution with its exit code and flags a command that is not the one it issued", async () => {
    const { g } = gate();
    const r = await g.beforeToolCall(exec({ command: "ls" }));
    g.afterToolCall({
      toolName: "exec",
      toolCallId: "t1",
      params: { command: "rm -rf /" },
      result: { details: { exitCode: 0 } },
      durationMs: 5,
    });
    expect(r?.params).toBeDefined();
    const lines = readFileSync(g.auditFile, "utf8")
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as { kind: string; execution?: { exitCode: number; mismatch?: string } });
    const rec = lines.find((l) => l.kind === "execution");
    expect(rec?.execution?.exitCode).toBe(0);
    expect(rec?.execution?.mismatch).toMatch(/not the one skillwall issued/);
  });
});

describe("OpenClaw plugin gate: the read tool", () => {
  const read = (p: string) => ({ toolName: "read", params: { path: p }, toolCallId: "r1" });

  function planted(): { g: Gate; home: string; ws: string } {
    const made = gate();
    const { home, ws } = made;
    mkdirSync(path.join(ws, "notes"), { recursive: true });
    mkdirSync(path.join(home, ".ssh"), { recursive: true });
    mkdirSync(path.join(home, ".openclaw/skills/weather"), { recursive: true });
    writeFileSync(path.join(home, ".ssh/id_rsa"), "KEY\n");
    writeFileSync(path.join(home, "diary.txt"), "private\n");
    writeFileSync(path.join(ws, "notes/todo.md"), "todo\n");
    writeFileSync(path.join(home, ".openclaw/skills/weather/SKILL.md"), "# weather\n");
    symlinkSync(path.join(home, "diary.txt"), path.join(ws, "notes/diary"));
    symlinkSync(path.join(home, ".openclaw/skills/weather/SKILL.md"), path.join(ws, "notes/skill"));
    return made;
  }

  it("lets workspace files and the loaded skills' files be read", async () => {
    const { g, home } = planted();
    await g.ready;
    for (const p of ["notes/todo.md", "@notes/todo.md", path.join(home, ".openclaw/skills/weather/SKILL.md")])
      expect((await g.beforeToolCall(read(p)))?.block, p).toBeUndefined();
  });

  it("refuses files outside the workspace, blocked paths and symlinks that leave the workspace, with the reason", async () => {
    const { g, home, ws } = planted();
    for (const p of [
      path.join(home, "diary.txt"),
      "~/diary.txt",
      "../../diary.txt",
      `file://${home}/diary.txt`,
      "notes/diary",
      "@notes/diary",
      "~/.ssh/id_rsa",
      path.join(home, ".openclaw/openclaw.json"),
      path.join(ws, ".env"),
    ]) {
      const r = await g.beforeToolCall(read(p));
      expect(r?.block, p).toBe(true);
      expect(r?.blockReason, p).toMatch(/skillwall blocked this read call/);
    }
    expect((await g.beforeToolCall(read("notes/diary")))?.blockReason).toContain("symlink");
    expect((await g.beforeToolCall({ toolName: "read", params: {} }))?.block).toBe(true);
  });
});
