import { mkdtempSync, readdirSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { agentHomePaths } from "../../src/remote/paths.js";
import {
  emptyState,
  readState,
  recoverState,
  skillState,
  updateState,
  writeState,
} from "../../src/heartbeat/state.js";

const tmp = (): string => mkdtempSync(path.join(os.tmpdir(), "sw-st-"));

describe("heartbeat state", () => {
  it("round-trips and reads a missing file as empty", async () => {
    const home = tmp();
    expect(await readState(home)).toEqual(emptyState());
    const s = emptyState();
    const k = skillState(s, "moltbook");
    k.lastCheck = "2025-06-01T00:00:00.000Z";
    k.lastResult = "unchanged";
    k.nextRun = "2025-06-01T04:00:00.000Z";
    await writeState(home, s);
    expect(await readState(home)).toEqual(s);
  });

  it("refuses a corrupt state file with a fix", async () => {
    const home = tmp();
    await writeState(home, emptyState());
    writeFileSync(agentHomePaths(home).state, '{"version":1,"skills":{"x":{"failures":-1,"rejected":[]}}}');
    await expect(readState(home)).rejects.toMatchObject({ code: "state-corrupt" });
    writeFileSync(agentHomePaths(home).state, '{"version":1,"sk');
    await expect(readState(home)).rejects.toMatchObject({
      code: "state-corrupt",
      fix: expect.stringContaining("heartbeat"),
    });
  });

  it("refuses to write a state it could not read back", async () => {
    const home = tmp();
    const s = emptyState();
    skillState(s, "x").failures = -3;
    await expect(writeState(home, s)).rejects.toThrow();
    expect(await readState(home)).toEqual(emptyState());
  });

  it("concurrent updates do not lose each other's changes", async () => {
    const home = tmp();
    await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        updateState(home, (s) => {
          skillState(s, `skill-${i}`).failures = i;
        }),
      ),
    );
    const s = await readState(home);
    expect(Object.keys(s.skills).sort()).toHaveLength(10);
    expect(s.skills["skill-7"]?.failures).toBe(7);
  });

  it("recovery removes temp files left by a dead writer, leaving the state intact", async () => {
    const home = tmp();
    await writeState(home, emptyState());
    const dir = agentHomePaths(home).dir;
    writeFileSync(path.join(dir, "heartbeat.json.tmp-999999-abcd"), '{"half');
    await recoverState(home);
    expect(readdirSync(dir).filter((n) => n.includes(".tmp-"))).toEqual([]);
    expect(await readState(home)).toEqual(emptyState());
  });
});
