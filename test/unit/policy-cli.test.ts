import path from "node:path";
import { Readable } from "node:stream";
import { Command } from "commander";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { registerPolicy } from "../../src/cli/policy.js";
import type { CliContext } from "../../src/cli/context.js";
import { repoRoot } from "./policy-helpers.js";

async function run(args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = "";
  let err = "";
  const ctx: CliContext = {
    io: {
      stdout: { write: (s: string) => (out += s) },
      stderr: { write: (s: string) => (err += s) },
      stdin: Readable.from([]),
      env: {},
      cwd: repoRoot,
    },
    exitCode: 0,
  };
  const program = new Command("skillwall").exitOverride();
  registerPolicy(program, ctx);
  await program.parseAsync(args, { from: "user" });
  return { code: ctx.exitCode, out, err };
}

describe("skillwall policy", () => {
  it("check prints ok with rule and example counts for valid policies", async () => {
    const r = await run(["policy", "check", "policies/moltbook.yaml", "default"]);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^ok: moltbook \(\d+ rules, \d+ examples\)$/m);
    expect(r.out).toMatch(/^ok: default \(\d+ rules, \d+ examples\)$/m);
  });
  it("check exits 2 with the path, line and fix of a broken policy, and still checks the others", async () => {
    const bad = path.join("test/fixtures/policy/malformed/bad-type.yaml");
    const r = await run(["policy", "check", bad, "sandbox-only"]);
    expect(r.code).toBe(2);
    expect(r.err).toContain("commands[0].options[1].value.type");
    expect(r.err).toMatch(/bad-type\.yaml:9:\d+/);
    expect(r.err).toContain("fix:");
    expect(r.out).toContain("ok: sandbox-only");
  });
  it("show prints the merged policy as YAML", async () => {
    const r = await run(["policy", "show", "common-tools"]);
    expect(r.code).toBe(0);
    const doc = parse(r.out) as { name: string; commands: Array<{ id: string }>; blockedPaths: string[] };
    expect(doc.name).toBe("common-tools");
    const ids = doc.commands.map((c) => c.id);
    expect(ids).toContain("echo"); // from default
    expect(ids).toContain("git-clone");
    expect(doc.blockedPaths).toContain("/**/.ssh/**"); // from baseline
  });
});
