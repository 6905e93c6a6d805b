// The quota volume's copy-in and copy-out containers against a wrapped agent that keeps swapping
// the skill directory with a symlink to a host directory outside its home (renameat2
// RENAME_EXCHANGE in a tight loop) while `run` works on that skill. The copy containers run as
// uid 1000, and Docker resolves a bind mount's source path on the host: given the skill
// directory's path, the copy-out emptied and rewrote a uid-1000 directory the agent cannot see,
// and the copy-in brought its private files into the home. They must only ever touch the home.
// Real Docker, real quota volume, real wrapped agent; root only (the volume needs mount).

import { chownSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { loadPolicy } from "../../src/policy/load.js";
import type { Policy } from "../../src/policy/types.js";
import { runSteps } from "../../src/run/runner.js";
import { runWrapped } from "../../src/run/wrap.js";
import { initShell } from "../../src/shell/index.js";
import { bashStep } from "../fixtures/run/judged.js";
import { docker, tempAgentHome, testPolicy, type DockerFixture } from "./sandbox-docker.js";

if (process.getuid?.() !== 0) throw new Error("this test reproduces a root supervisor: run it as root");

let fx: DockerFixture;
let policy: Policy;
beforeAll(async () => {
  fx = await docker();
  await initShell();
  policy = await loadPolicy("sandbox-only");
}, 300_000);

/** Every file name under a directory (symlinks not followed). */
function names(dir: string): string[] {
  const out: string[] = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    out.push(e.name);
    if (e.isDirectory()) out.push(...names(path.join(dir, e.name)));
  }
  return out;
}

describe("quota volume copies against a swapping wrapped agent", () => {
  it("never empty, write or read a uid-1000 directory outside the home", async () => {
    const home = await tempAgentHome();
    // Another user's directory that uid 1000 may write (a real user with uid 1000, say).
    const outside = mkdtempSync(path.join(os.tmpdir(), "sw-outside-"));
    writeFileSync(path.join(outside, "keep"), "not yours\n");
    writeFileSync(path.join(outside, "id_rsa"), "PRIVATE-KEY-CANARY\n", { mode: 0o600 });
    for (const f of ["", "keep", "id_rsa"]) chownSync(path.join(outside, f), 1000, 1000);
    const rel = ".moltbot/skills/swap";
    mkdirSync(path.join(home, rel), { recursive: true });
    writeFileSync(path.join(home, rel, "SKILL.md"), "# swap\n");
    const loop = [
      `cd /home/agent/.moltbot/skills && ln -s ${outside} L && exec perl -MPOSIX -e '`,
      `my $nr = (POSIX::uname())[4] eq "aarch64" ? 276 : 316; my $end = time + 40;`,
      `my ($a, $b) = ("swap", "L"); while (time < $end) { syscall($nr, -100, $a, -100, $b, 2) for 1..1000 }'`,
    ].join(" ");
    let agentErr = "";
    const agent = runWrapped({
      client: fx.client,
      image: fx.image,
      policy: { ...testPolicy(), network: policy.network },
      command: ["sh", "-c", loop],
      agentHome: home,
      stdout: { write: () => true },
      stderr: {
        write: (c: string | Uint8Array) => {
          agentErr += String(c);
          return true;
        },
      },
      timeoutMs: 60_000,
    });
    await new Promise((r) => setTimeout(r, 3_000)); // container up and swapping
    let ran = 0;
    const until = performance.now() + 30_000;
    while (performance.now() < until) {
      const r = await runSteps([bashStep("echo planted > planted.txt")], {
        client: fx.client,
        image: fx.image,
        policy: testPolicy({ sandbox: { timeoutMs: 20_000 } }),
        workspace: { agentHome: home, relDir: rel },
        reap: false,
      }).catch(() => undefined);
      if (r?.steps[0]?.outcome === "ok") ran++;
    }
    const a = await agent;
    expect(
      a,
      JSON.stringify({ ...a, ran, agentErr, outside: readdirSync(outside), names: names(home) }),
    ).toMatchObject({ outcome: "ok" });
    expect(ran).toBeGreaterThan(1);
    expect(readdirSync(outside).sort()).toEqual(["id_rsa", "keep"]);
    expect(readFileSync(path.join(outside, "keep"), "utf8")).toBe("not yours\n");
    expect(readFileSync(path.join(outside, "id_rsa"), "utf8")).toBe("PRIVATE-KEY-CANARY\n");
    expect(names(home)).not.toContain("id_rsa");
  }, 180_000);
});
