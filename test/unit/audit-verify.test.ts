import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { Command } from "commander";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { openAuditLog } from "../../src/audit/log.js";
import { verifyAuditLog } from "../../src/audit/verify.js";
import { sealLine } from "../../src/audit/chain.js";
import { registerAudit } from "../../src/cli/audit.js";
import type { CliContext } from "../../src/cli/context.js";

let dir: string;
let file: string;
let good: string[];

beforeEach(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "sw-verify-"));
  file = path.join(dir, "audit.jsonl");
  const log = openAuditLog({ file, subscribe: false });
  for (let i = 0; i < 5; i++)
    log.record("decision", { line: i + 1, argv: ["echo", String(i)], verdict: "allow", rule: "r" });
  await log.close();
  good = fs.readFileSync(file, "utf8").trimEnd().split("\n"); // 7 lines: open, 5 decisions, close
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

const write = (ls: string[], end = "\n") => fs.writeFileSync(file, ls.join("\n") + end);
/** Edits a line's JSON and re-seals it, as an attacker who knows the format would. */
const reseal = (line: string, edit: (r: Record<string, unknown>) => void) => {
  const r = JSON.parse(line) as Record<string, unknown>;
  delete r.hash;
  edit(r);
  return sealLine(JSON.stringify(r)).line;
};

describe("verifyAuditLog", () => {
  it("accepts an untouched log and reports its head and close record", async () => {
    const v = await verifyAuditLog(file);
    expect(v).toMatchObject({ ok: true, lines: 7, closed: true });
    expect(v.head).toBe(JSON.parse(good[6]!).hash);
  });

  it("detects an edited line by its own hash", async () => {
    write(good.map((l, i) => (i === 3 ? l.replace('"echo"', '"rm"') : l)));
    expect((await verifyAuditLog(file)).problem).toEqual({
      line: 4,
      reason: expect.stringContaining("edited"),
    });
  });

  it("detects an edited line whose own hash was recomputed, through the next line's prev", async () => {
    write(
      good.map((l, i) =>
        i === 2 ? reseal(l, (r) => ((r.decision as { verdict: string }).verdict = "deny")) : l,
      ),
    );
    expect((await verifyAuditLog(file)).problem).toEqual({
      line: 3,
      reason: expect.stringContaining("replaced"),
    });
  });

  it("detects an edited last line", async () => {
    write(good.map((l, i) => (i === 6 ? l.replace('"close"', '"clos3"') : l)));
    expect((await verifyAuditLog(file)).problem?.line).toBe(7);
  });

  it("detects a removed line", async () => {
    write(good.filter((_, i) => i !== 4));
    expect((await verifyAuditLog(file)).problem).toEqual({
      line: 5,
      reason: expect.stringContaining("removed"),
    });
  });

  it("detects a removed first line", async () => {
    write(good.slice(1));
    expect((await verifyAuditLog(file)).problem).toEqual({
      line: 1,
      reason: expect.stringContaining("beginning"),
    });
  });

  it("detects an inserted (duplicated) line", async () => {
    write([...good.slice(0, 3), good[2]!, ...good.slice(3)]);
    expect((await verifyAuditLog(file)).problem).toEqual({
      line: 4,
      reason: expect.stringContaining("inserted"),
    });
  });

  it("detects reordered lines", async () => {
    write([good[0]!, good[1]!, good[3]!, good[2]!, ...good.slice(4)]);
    expect((await verifyAuditLog(file)).problem?.line).toBe(3);
  });

  it("detects reordered lines whose seq was renumbered", async () => {
    const swapped = [
      good[0]!,
      good[1]!,
      reseal(good[3]!, (r) => (r.seq = 2)),
      reseal(good[2]!, (r) => (r.seq = 3)),
      ...good.slice(4),
    ];
    write(swapped);
    expect((await verifyAuditLog(file)).ok).toBe(false);
  });

  it("detects a truncated tail (incomplete last line)", async () => {
    const text = good.join("\n") + "\n";
    fs.writeFileSync(file, text.slice(0, text.length - 20));
    expect((await verifyAuditLog(file)).problem).toEqual({
      line: 7,
      reason: expect.stringContaining("truncated"),
    });
  });

  it("flags a log whose close record is missing (tail removed) as open, not as closed", async () => {
    write(good.slice(0, 5));
    expect(await verifyAuditLog(file)).toMatchObject({ ok: true, closed: false, lines: 5 });
  });

  it("detects a line spliced in from another log", async () => {
    const other = path.join(dir, "other.jsonl");
    const log = openAuditLog({ file: other, subscribe: false });
    log.record("decision", { x: 1 });
    await log.close();
    const foreign = fs.readFileSync(other, "utf8").split("\n")[1]!;
    write([...good.slice(0, 1), foreign, ...good.slice(2)]);
    expect((await verifyAuditLog(file)).problem).toEqual({
      line: 2,
      reason: expect.stringContaining("another log"),
    });
  });

  it("detects non-JSON and blank lines", async () => {
    write([...good.slice(0, 2), "", ...good.slice(2)]);
    expect((await verifyAuditLog(file)).problem?.line).toBe(3);
    write([...good.slice(0, 2), "not json", ...good.slice(3)]);
    expect((await verifyAuditLog(file)).problem).toEqual({
      line: 3,
      reason: expect.stringContaining("JSON"),
    });
  });

  it("throws a coded error for an unreadable file", async () => {
    await expect(verifyAuditLog(path.join(dir, "missing.jsonl"))).rejects.toMatchObject({
      code: "audit-unreadable",
    });
  });
});

describe("skillwall audit verify", () => {
  const run = async (args: string[]) => {
    const out: string[] = [];
    const err: string[] = [];
    const ctx: CliContext = {
      io: {
        stdout: { write: (s: string) => out.push(s) },
        stderr: { write: (s: string) => err.push(s) },
        stdin: process.stdin,
        env: {},
        cwd: dir,
      },
      exitCode: 0,
    };
    const program = new Command("skillwall").exitOverride();
    registerAudit(program, ctx);
    await program.parseAsync(["audit", "verify", ...args], { from: "user" });
    return { code: ctx.exitCode, out: out.join(""), err: err.join("") };
  };

  it("exits 0 for an intact log, 1 for a tampered one, 2 for an unreadable one", async () => {
    expect(await run([file])).toMatchObject({ code: 0, out: expect.stringContaining("7 records") });
    write(good.filter((_, i) => i !== 2));
    expect(await run([file])).toMatchObject({ code: 1, out: expect.stringMatching(/TAMPERED .*line 3/) });
    expect(await run([path.join(dir, "nope.jsonl")])).toMatchObject({
      code: 2,
      err: expect.stringContaining("cannot read"),
    });
  });
});
