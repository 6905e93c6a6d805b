// The install gate: a private snapshot of the source folder, then a protocol v1 decision.

import { execFileSync } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { decideInstall, loadPolicy, parseInstallRequest, type Policy } from "../../src/index.js";
import { snapshotTree } from "../../src/gate/snapshot.js";
import { repoRoot, runCli } from "../helpers/cli.js";

const fixtures = path.join(repoRoot, "test/fixtures/openclaw/skills");
let policy: Policy;
beforeAll(async () => {
  policy = await loadPolicy("common-tools");
});

function copyOf(name: string): string {
  const dir = path.join(mkdtempSync(path.join(tmpdir(), "sw-inst-")), name);
  cpSync(path.join(fixtures, name), dir, { recursive: true });
  return dir;
}
const req = (sourcePath: string) => ({
  protocolVersion: 1 as const,
  targetType: "skill",
  targetName: path.basename(sourcePath),
  sourcePath,
});

describe("install policy", () => {
  it("allows a benign skill and blocks one whose install step pipes a download to bash", async () => {
    expect((await decideInstall(req(copyOf("benign-notes")), policy)).decision).toBe("allow");
    const bad = await decideInstall(req(copyOf("hostile-setup")), policy);
    expect(bad.decision).toBe("block");
    expect(bad.findings[0]?.severity).toBe("critical");
    expect(bad.findings.length).toBeLessThanOrEqual(100);
  });

  it("refuses a folder holding a symlink or a FIFO instead of following it", async () => {
    const linked = copyOf("benign-notes");
    symlinkSync("/etc/passwd", path.join(linked, "passwd"));
    const r = await decideInstall(req(linked), policy);
    expect(r.decision).toBe("block");
    expect(r.reason).toMatch(/symbolic link/);
    const fifo = copyOf("benign-notes");
    execFileSync("mkfifo", [path.join(fifo, "pipe")]);
    expect((await decideInstall(req(fifo), policy)).reason).toMatch(/FIFO/);
  });

  it("scans a private copy: the snapshot is independent of the live folder", async () => {
    const live = copyOf("benign-notes");
    mkdirSync(path.join(live, "scripts"));
    writeFileSync(path.join(live, "scripts/a.sh"), "echo a\n");
    await using snap = await snapshotTree(live);
    writeFileSync(path.join(live, "SKILL.md"), "changed after the snapshot\n");
    expect(snap.files).toBe(2);
    const { readFileSync } = await import("node:fs");
    expect(readFileSync(path.join(snap.dir, "SKILL.md"), "utf8")).toMatch(/benign-notes/);
  });

  it("rejects malformed requests (the CLI exits non-zero, which OpenClaw treats as a block)", async () => {
    expect(() => parseInstallRequest("not json")).toThrow(/not JSON/);
    expect(() => parseInstallRequest('{"protocolVersion":2,"sourcePath":"/x"}')).toThrow(/protocolVersion/);
    expect(() => parseInstallRequest('{"protocolVersion":1,"sourcePath":"rel"}')).toThrow(/absolute/);
    const r = await runCli(["openclaw", "install-policy"], {
      stdin: '{"protocolVersion":1,"sourcePath":"/nonexistent-sw"}',
    });
    expect(r.code).not.toBe(0);
    const ok = await runCli(["openclaw", "install-policy", "--policy", "common-tools"], {
      stdin: JSON.stringify(req(copyOf("hostile-setup"))),
    });
    expect(ok.code).toBe(0);
    expect(JSON.parse(ok.stdout)).toMatchObject({ protocolVersion: 1, decision: "block" });
  });
});
