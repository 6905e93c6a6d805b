import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { openAuditLog } from "../../src/audit/log.js";
import { verifyAuditLog } from "../../src/audit/verify.js";
import { genesisHash, unsealLine } from "../../src/audit/chain.js";
import { publishDecision, publishEgress, publishExecution, publishLifecycle } from "../../src/events.js";

let dir: string;
let file: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "sw-audit-"));
  file = path.join(dir, "logs", "audit.jsonl");
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

const decision = (argv: string[], verdict: "allow" | "deny" = "deny") => ({
  source: "https://www.moltbook.com/skill.md",
  sha256: "a".repeat(64),
  file: "SKILL.md",
  line: 12,
  column: 1,
  argv,
  verdict,
  rule: verdict === "deny" ? "default-deny" : "fetch-skill",
  reason: "no rule matched",
});

const lines = () =>
  fs
    .readFileSync(file, "utf8")
    .trimEnd()
    .split("\n")
    .map((l) => JSON.parse(l) as Record<string, unknown>);

describe("audit log", () => {
  it("writes one chained line per published decision, execution, egress and lifecycle event", async () => {
    const log = openAuditLog({ file });
    publishDecision(decision(["curl", "-fsSL", "https://www.moltbook.com/skill.md"], "allow"));
    publishExecution({
      runId: "r1",
      source: "s",
      sha256: "b".repeat(64),
      line: 12,
      argv: ["curl"],
      containerId: "c0ffee",
      imageId: "sha256:1234",
      limits: { pids: 128 },
      exitCode: 0,
      outcome: "exited",
      durationMs: 312,
      stdoutBytes: 10,
      stderrBytes: 0,
    });
    publishEgress({
      step: "SKILL.md#12:1",
      host: "evil.test",
      port: 443,
      decision: "deny",
      rule: "host-not-allowed",
      bytesIn: 0,
      bytesOut: 0,
    });
    publishLifecycle({ event: "heartbeat-check", changed: false });
    await log.close();

    const recs = lines();
    expect(recs.map((r) => r.kind)).toEqual(["log", "decision", "execution", "egress", "lifecycle", "log"]);
    expect(recs.map((r) => r.seq)).toEqual([0, 1, 2, 3, 4, 5]);
    expect(recs[0]!.prev).toBe(genesisHash(recs[0]!.logId as string));
    for (let i = 1; i < recs.length; i++) expect(recs[i]!.prev).toBe(recs[i - 1]!.hash);
    expect(recs[2]!.execution).toMatchObject({
      containerId: "c0ffee",
      imageId: "sha256:1234",
      exitCode: 0,
      durationMs: 312,
    });
    expect(recs[3]!.level).toBe(40); // a denial is a warning
    expect((await verifyAuditLog(file)).ok).toBe(true);
  });

  it("keeps untrusted skill text under the kind key, never at the top level", async () => {
    const log = openAuditLog({ file });
    // A hostile "event" trying to forge top-level members.
    publishLifecycle(
      JSON.parse('{"event":"x","msg":"forged","level":10,"seq":99,"prev":"0","__proto__":{"polluted":true}}'),
    );
    publishDecision({ ...decision(["echo"]), rule: 'evil"rule\nwith newline' });
    await log.close();
    const recs = lines();
    const life = recs[1]!;
    expect(life.seq).toBe(1);
    expect(life.level).toBe(30);
    expect(life.msg).toBe("lifecycle x");
    expect(life.lifecycle).toMatchObject({ msg: "forged", seq: 99, prev: "0" });
    expect(Object.keys(life.lifecycle as object)).toContain("__proto__"); // kept as data
    expect(recs[2]!.msg).toBe("decision deny ?"); // untrusted rule text kept out of msg
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect((await verifyAuditLog(file)).ok).toBe(true);
  });

  it("redacts secret values anywhere in the record, keys included", async () => {
    const secret = "ghp_SECRETVALUE123";
    const log = openAuditLog({ file, secrets: [secret] });
    publishDecision(decision(["curl", "-H", `Authorization: Bearer ${secret}`, "https://api.test/"]));
    publishLifecycle({ event: "fetch", nested: { [secret]: [`x${secret}y`] } });
    log.addSecrets(["later-secret-value"]);
    publishLifecycle({ event: "later", v: "has later-secret-value inside" });
    await log.close();
    const text = fs.readFileSync(file, "utf8");
    expect(text).not.toContain(secret);
    expect(text).not.toContain("later-secret-value");
    const recs = lines();
    expect((recs[1]!.decision as { argv: string[] }).argv[2]).toBe("Authorization: Bearer [REDACTED]");
    expect(recs[2]!.lifecycle).toEqual({ event: "fetch", nested: { "[REDACTED]": ["x[REDACTED]y"] } });
    expect((await verifyAuditLog(file)).ok).toBe(true);
  });

  it("continues the chain of an existing log on reopen", async () => {
    const first = openAuditLog({ file });
    publishDecision(decision(["a"]));
    const id = first.logId;
    await first.close();
    const second = openAuditLog({ file });
    expect(second.logId).toBe(id);
    publishDecision(decision(["b"]));
    await second.close();
    const recs = lines();
    expect(recs.map((r) => r.seq)).toEqual([0, 1, 2, 3, 4, 5]);
    expect(recs[3]!.log).toMatchObject({ event: "continue" });
    expect(new Set(recs.map((r) => r.logId))).toEqual(new Set([id]));
    const v = await verifyAuditLog(file);
    expect(v).toMatchObject({ ok: true, lines: 6, closed: true });
  });

  it("refuses to append to a log whose last line is incomplete", async () => {
    const log = openAuditLog({ file });
    await log.close();
    fs.appendFileSync(file, '{"level":30,"seq":2');
    expect(() => openAuditLog({ file })).toThrow(expect.objectContaining({ code: "audit-log-truncated" }));
  });

  it("stops writing and unsubscribes after close", async () => {
    const log = openAuditLog({ file });
    await log.close();
    publishDecision(decision(["after"]));
    expect(lines()).toHaveLength(2);
  });

  it("has the line on disk as soon as the event is published (sync writes)", () => {
    const log = openAuditLog({ file });
    publishDecision(decision(["now"]));
    const recs = lines();
    expect(recs.at(-1)!.kind).toBe("decision");
    expect(unsealLine(fs.readFileSync(file, "utf8").trimEnd().split("\n").at(-1)!)).toMatchObject({
      claimed: recs.at(-1)!.hash,
      actual: recs.at(-1)!.hash,
    });
    return log.close();
  });
});

describe("audit log summaries", () => {
  it("puts policy rule ids in msg but nothing with spaces or quotes", async () => {
    const log = openAuditLog({ file });
    publishEgress({
      host: "evil.test",
      port: 443,
      decision: "deny",
      rule: "network.hosts[*.moltbook.com]",
      bytesIn: 0,
      bytesOut: 0,
    });
    publishEgress({ host: "evil.test", port: 443, decision: "deny", rule: "a b", bytesIn: 0, bytesOut: 0 });
    await log.close();
    expect(lines().map((r) => r.msg)).toEqual([
      "log open",
      "egress deny network.hosts[*.moltbook.com]",
      "egress deny ?",
      "log close",
    ]);
  });
});
