// Red team rt12gate G1: OpenClaw loads code at start from plugins.load.paths (plugins it imports)
// and hooks.internal.load.extraDirs (hook handlers it runs). One inside an agent workspace is a
// folder the agent may write: an allowed `write myplugin/index.mjs` (or exec's `printf > …`) and
// the next gateway start runs the agent's code in-process, where no hook judges it. The gate
// refuses to start with such a folder, as it does with its own files in a workspace.

import { mkdirSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import * as lib from "../../src/index.js";
// @ts-expect-error: plain ESM plugin module without type declarations
import { createGate } from "../../integrations/openclaw/gate.mjs";
import type { Gate } from "../helpers/agent-gate.js";

function fixture(): { root: string; home: string; ws: string } {
  const root = mkdtempSync(path.join(tmpdir(), "sw-occode-"));
  const home = path.join(root, "home");
  const ws = path.join(home, ".openclaw/workspace");
  mkdirSync(path.join(ws, "myplugin"), { recursive: true });
  return { root, home, ws };
}

function make(root: string, home: string, openclawConfig: object): Gate {
  return (createGate as (l: object, c: object, h: object) => Gate)(
    lib,
    { policy: "agent", auditLog: path.join(root, "audit.jsonl"), timeoutMs: 60000 },
    { env: { HOME: home, SHELL: "/bin/bash", PATH: "/usr/bin:/bin" }, openclawConfig },
  );
}

describe("OpenClaw gate: folders the gateway loads code from", () => {
  it("refuses to start with a plugin load path or hook folder inside a workspace", () => {
    const { root, home, ws } = fixture();
    const cases: Array<[string, object]> = [
      // An absolute plugin load path in the workspace.
      ["plugins.load.paths", { plugins: { load: { paths: [path.join(ws, "myplugin")] } } }],
      // A padded `~` path, expanded as OpenClaw's resolveUserPath does.
      [
        "plugins.load.paths",
        { plugins: { load: { paths: [" ~/.openclaw/workspace/myplugin/index.mjs "] } } },
      ],
      // A linked hook pack's folder in the workspace (default workspace, no agents config).
      [
        "hooks.internal.load.extraDirs",
        { hooks: { internal: { load: { extraDirs: [path.join(ws, "hooks-extra")] } } } },
      ],
    ];
    for (const [key, cfg] of cases)
      expect(() => make(root, home, cfg), JSON.stringify(cfg)).toThrow(
        new RegExp(`loads code from \\(${key.replaceAll(".", "\\.")}\\) .* is inside the agent workspace`),
      );
  });

  it("starts with those folders outside every workspace, and a write of the same file name passes", async () => {
    const { root, home } = fixture();
    const outside = path.join(root, "plugins/myplugin");
    const g = make(root, home, {
      plugins: { load: { paths: [outside] } },
      hooks: { internal: { load: { extraDirs: [path.join(root, "hooks")] } } },
    });
    // The refusal is about where the gateway loads code from, not about the file's name.
    const answer = await g.beforeToolCall({
      toolName: "write",
      params: { path: "myplugin/index.mjs", content: "export default {}" },
    });
    expect(answer?.block).not.toBe(true);
  });
});
