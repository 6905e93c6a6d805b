import { describe, expect, it } from "vitest";
import { heartbeatPolicy } from "../../src/heartbeat/profile.js";
import { testPolicy } from "../fixtures/heartbeat/fakes.js";

describe("heartbeat profile", () => {
  const base = testPolicy({
    network: { hosts: ["www.moltbook.com", "*.cdn.test"], httpHosts: [], ports: [], allowAddresses: [] },
    sandbox: { timeoutMs: 120_000, pids: 32, autoApproveReview: true },
    blockedPaths: ["~/.ssh/**"],
  });
  const p = heartbeatPolicy(base, {
    instructionFiles: ["SKILL.md", "HEARTBEAT.md"],
    stepHosts: ["www.moltbook.com", "a.cdn.test", "evil.test"],
  });

  it("blocks the skill's own instruction files and keeps the base blocks", () => {
    expect(p.blockedPaths).toEqual(
      expect.arrayContaining(["~/.ssh/**", "~/**/SKILL.md", "~/**/HEARTBEAT.md"]),
    );
  });
  it("narrows egress to the exact hosts the steps name that the policy already allowed", () => {
    expect(p.network.hosts).toEqual(["a.cdn.test", "www.moltbook.com"]);
  });
  it("never loosens limits and never auto-approves review steps", () => {
    expect(p.sandbox.timeoutMs).toBe(30_000);
    expect(p.sandbox.pids).toBe(32);
    expect(p.sandbox.autoApproveReview).toBe(false);
    expect(p.hash).not.toBe(base.hash);
  });
});
