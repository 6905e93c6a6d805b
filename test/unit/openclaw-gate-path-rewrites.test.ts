// OpenClaw 2026.9.6 rewrites a file tool's `path` AFTER before_tool_call (a leading `@`, a trailing
// `</arg_value>>`, a "hallucinated" Office extension, read's Unicode spellings, and exec's workdir
// suffix): the gate must judge the path OpenClaw really opens and hand over what it judged.
// Red-team finding F2, session 6.

import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import * as lib from "../../src/index.js";
// @ts-expect-error: plain ESM plugin module without type declarations
import { createGate } from "../../integrations/openclaw/gate.mjs";
import type { Gate } from "../helpers/agent-gate.js";

/** A gate under the agent policy over a fresh home, workspace and a folder outside both. */
function gate(): { g: Gate; home: string; ws: string; outside: string } {
  const root = mkdtempSync(path.join(tmpdir(), "sw-ocpath-"));
  const home = path.join(root, "home");
  const ws = path.join(home, ".openclaw/workspace");
  const outside = path.join(root, "outside");
  mkdirSync(ws, { recursive: true });
  mkdirSync(outside);
  mkdirSync(path.join(home, ".ssh"));
  writeFileSync(path.join(home, ".ssh/id_rsa"), "KEY\n");
  const g = (createGate as (l: object, c: object, h: object) => Gate)(
    lib,
    { policy: "agent", auditLog: path.join(root, "audit.jsonl") },
    {
      env: { HOME: home, SHELL: "/bin/bash" },
      openclawConfig: { agents: { defaults: { workspace: ws } } },
    },
  );
  return { g, home, ws, outside };
}

const write = (p: string) => ({ toolName: "write", params: { path: p, content: "x" } });
const edit = (p: string) => ({
  toolName: "edit",
  params: { path: p, edits: [{ oldText: "a", newText: "b" }] },
});
const read = (p: string) => ({ toolName: "read", params: { path: p } });

describe("OpenClaw gate: paths OpenClaw rewrites after the hook", () => {
  it("a leading @ is judged as OpenClaw strips it: absolute, ~/, file:// and start-up files", async () => {
    const { g, outside } = gate();
    for (const p of [
      `@${outside}/OUTSIDE-CANARY.txt`,
      "@~/.local/lib/python3.12/site-packages/zz.pth",
      "@~/.vimrc",
      `@file://${outside}/x.txt`,
      "@SOUL.md",
      "@~/.openclaw/skillwall/audit.jsonl",
    ]) {
      for (const e of [write(p), edit(p)]) {
        const r = await g.beforeToolCall(e);
        expect(r?.block, `${e.toolName} ${p}`).toBe(true);
        expect(r?.blockReason).toMatch(/skillwall blocked this (write|edit) call/);
      }
    }
  });

  it("a '..' step is refused for read, write and edit (a symlink before it leads elsewhere)", async () => {
    const { g, ws, outside } = gate();
    mkdirSync(path.join(outside, "sub"));
    writeFileSync(path.join(outside, "secret.txt"), "SECRET\n");
    symlinkSync(path.join(outside, "sub"), path.join(ws, "link"));
    writeFileSync(path.join(ws, "notes.txt"), "n\n");
    for (const p of ["link/../secret.txt", "notes/../notes.txt", `file://${ws}/link/%2e%2e/secret.txt`])
      for (const e of [read(p), write(p), edit(p)]) {
        const r = await g.beforeToolCall(e);
        expect(r?.block, `${e.toolName} ${p}`).toBe(true);
        expect(r?.blockReason, p).toContain("'..' step");
      }
    expect(await g.beforeToolCall(read("notes.txt"))).toBeUndefined();
  });

  it("a trailing </arg_value>> is judged as OpenClaw strips it, once or more", async () => {
    const { g } = gate();
    for (const p of [
      "SOUL.md</arg_value>>",
      ".env</arg_value>>>",
      "HEARTBEAT.md</arg_value>>",
      ".npmrc</arg_value>>",
      // stripped once by the gate would leave a second suffix OpenClaw strips again
      "SOUL.md</arg_value>></arg_value>>",
    ])
      for (const e of [write(p), edit(p)])
        expect((await g.beforeToolCall(e))?.block, `${e.toolName} ${p}`).toBe(true);
  });

  it("an Office extension OpenClaw repairs is judged as repaired (a symlink report.docx leaving the workspace)", async () => {
    const { g, ws, outside } = gate();
    symlinkSync(path.join(outside, "report.docx"), path.join(ws, "report.docx"));
    for (const p of ["report.doccodex", "report.DOCXCODEX", "report.docodex</arg_value>>"])
      for (const e of [write(p), edit(p)])
        expect((await g.beforeToolCall(e))?.block, `${e.toolName} ${p}`).toBe(true);
    // Allowed, the repaired name is what OpenClaw is handed.
    expect((await g.beforeToolCall(write("plan.xlsxcodex")))?.params?.path).toBe(path.join(ws, "plan.xlsx"));
  });

  it("hands OpenClaw the absolute path it judged, which OpenClaw's rewriting leaves as it is", async () => {
    const { g, ws } = gate();
    expect(await g.beforeToolCall(write("@notes.txt"))).toEqual({
      params: { path: path.join(ws, "notes.txt"), content: "x" },
    });
    expect((await g.beforeToolCall(write("notes.txt</arg_value>>")))?.params?.path).toBe(
      path.join(ws, "notes.txt"),
    );
    expect((await g.beforeToolCall(write("@@x.txt")))?.params?.path).toBe(path.join(ws, "@x.txt"));
    expect((await g.beforeToolCall(edit("@notes.txt")))?.params?.path).toBe(path.join(ws, "notes.txt"));
    // A literal `./@name` (or its first folder) that exists is what OpenClaw opens for `@name`.
    mkdirSync(path.join(ws, "@team"));
    expect((await g.beforeToolCall(write("@team/x.txt")))?.params?.path).toBe(path.join(ws, "@team/x.txt"));
    // Either way both names are judged: `@SOUL.md` with a harmless ./@SOUL.md present is still refused.
    writeFileSync(path.join(ws, "@SOUL.md"), "");
    expect((await g.beforeToolCall(write("@SOUL.md")))?.block).toBe(true);
  });

  it("read: @, the XML suffix, the Office repair and the Unicode spellings OpenClaw tries are all judged", async () => {
    const { g, home, ws, outside } = gate();
    symlinkSync(path.join(home, ".ssh/id_rsa"), path.join(ws, "lnk"));
    symlinkSync(path.join(home, ".ssh/id_rsa"), path.join(ws, "my notes"));
    symlinkSync(path.join(home, ".ssh/id_rsa"), path.join(ws, "q.docx"));
    writeFileSync(path.join(ws, ".env"), "SECRET=1\n");
    for (const p of [
      ".env</arg_value>>",
      "lnk</arg_value>>",
      "@~/.ssh/id_rsa",
      `@${outside}/x`,
      "q.doccodex",
      // missing as named; OpenClaw then opens "my notes", a link to the key
      "my\u00A0notes",
    ]) {
      const r = await g.beforeToolCall(read(p));
      expect(r?.block, p).toBe(true);
      expect(r?.blockReason).toMatch(/skillwall blocked this read call/);
    }
    writeFileSync(path.join(ws, "todo.md"), "t\n");
    for (const p of ["todo.md</arg_value>>", "@todo.md"])
      expect((await g.beforeToolCall(read(p)))?.block, p).toBeUndefined();
  });

  it("exec: workdir is judged as OpenClaw strips its XML suffix (a link out of the workspace)", async () => {
    const { g, ws, outside } = gate();
    writeFileSync(path.join(outside, "diary.txt"), "private\n");
    symlinkSync(outside, path.join(ws, "away"));
    const ex = (workdir: string) => ({
      toolName: "exec",
      toolCallId: "e1",
      params: { command: "cat diary.txt", workdir },
    });
    const r = await g.beforeToolCall(ex("away</arg_value>>"));
    expect(r?.block).toBe(true);
    expect(r?.blockReason).toMatch(/outside the agent's workspace/);
    // A plain folder with the suffix runs where OpenClaw will run it, the folder without it.
    mkdirSync(path.join(ws, "notes"));
    expect((await g.beforeToolCall(ex("notes</arg_value>>")))?.params?.workdir).toBe(path.join(ws, "notes"));
  });
});
