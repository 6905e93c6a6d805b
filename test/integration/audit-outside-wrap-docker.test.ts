// The audit log never sits in a tree handed to the sandbox. `wrap --agent-home ~` used to chown
// ~/.local/share/skillwall/audit to the container user and mount it: the wrapped agent rewrote
// the log of its own run (a hash chain without a key cannot show a whole rewrite). Real Docker:
// without the guard the agent's command runs and the log holds its text.

import { existsSync, mkdirSync, readdirSync, readFileSync, statSync } from "node:fs";
import { mkdtemp } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { verifyAuditLog } from "../../src/audit/verify.js";
import { runCli } from "../helpers/cli.js";
import { docker } from "./sandbox-docker.js";

describe("wrap refuses an agent home that holds the audit log (real Docker)", () => {
  let dir: string;
  beforeAll(async () => {
    await docker(); // fails, never skips, without a Docker daemon
    dir = await mkdtemp(path.join(os.tmpdir(), "skillwall-audit-wrap-"));
  });

  it("the agent never runs and the log stays the supervisor's", async () => {
    const home = path.join(dir, "home");
    const state = path.join(dir, "state");
    mkdirSync(home);
    mkdirSync(state, { mode: 0o700 });
    const auditDir = path.join(home, ".local/share/skillwall/audit");
    const run = await runCli(
      [
        "wrap",
        "--agent-home",
        home,
        "--state-dir",
        state,
        "--",
        "sh",
        "-c",
        'touch ~/ran; for f in ~/.local/share/skillwall/audit/*; do echo PWNED > "$f"; done',
      ],
      { env: { HOME: home, PATH: process.env.PATH ?? "/usr/bin:/bin" } },
    );
    expect(run.stderr).not.toMatch(/\n\s+at /);
    expect(run.stderr).toMatch(/audit log directory .* is inside/);
    expect(run.code).not.toBe(0);
    expect(existsSync(path.join(home, "ran"))).toBe(false);
    const logs = readdirSync(auditDir);
    expect(logs.length).toBe(1);
    const log = path.join(auditDir, logs[0]!);
    expect(readFileSync(log, "utf8")).not.toContain("PWNED");
    expect((await verifyAuditLog(log)).ok).toBe(true);
    if (process.getuid?.() === 0) expect(statSync(auditDir).uid).toBe(0);
  });
});
