// install --workspace: the install steps see another directory of the home as their workspace.
// What they write there is pinned only when it lands in the skill's folder; the rest is reported
// (never pinned as part of the skill), and a workspace outside the home is refused up front.

import { existsSync, mkdtempSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import type { RunRequest } from "../../src/remote/deps.js";
import {
  approveAllowedOnly,
  checkWorkspaceRel,
  installSkill,
  splitWritten,
} from "../../src/remote/install.js";
import { MapFetcher, RecordingRunner, fakeScan, testPolicy } from "../fixtures/heartbeat/fakes.js";

const base = "https://moltbook.test";
const skillMd = "# Demo skill\n\n## Install locally\n```bash\nmkdir -p ~/.moltbot/skills/demo\n```\n";

async function install(workspaceRel: string | undefined, written: string[]) {
  const home = mkdtempSync(path.join(os.tmpdir(), "sw-inst-ws-"));
  const fetcher = new MapFetcher();
  fetcher.files.set(`${base}/skill.md`, skillMd);
  const runner = new RecordingRunner();
  runner.written = written.map((p) => ({ path: p, bytes: Buffer.from(`written ${p}\n`) }));
  const requests: RunRequest[] = [];
  const policy = testPolicy();
  const report = await installSkill({
    source: `${base}/skill.md`,
    name: "demo",
    home,
    policy,
    ...(workspaceRel === undefined ? {} : { workspaceRel }),
    deps: {
      scan: fakeScan,
      fetcher,
      run: (req) => {
        requests.push(req);
        return runner.run(req);
      },
    },
    approve: approveAllowedOnly(policy),
  });
  return { home, report, requests };
}

describe("install --workspace", () => {
  it("runs the steps in the given directory; files outside the skill's folder are reported, not pinned", async () => {
    const { home, report, requests } = await install(".openclaw/workspace", ["notes.txt", "AGENTS.md"]);
    expect(requests[0]?.workspaceRel).toBe(".openclaw/workspace");
    expect(requests[0]?.workspace).toBe(path.join(home, ".openclaw", "workspace"));
    expect(existsSync(path.join(home, ".openclaw/workspace/notes.txt"))).toBe(true);
    expect(report.writtenOutside).toEqual([".openclaw/workspace/notes.txt", ".openclaw/workspace/AGENTS.md"]);
    expect(report.locked.files.map((f) => f.path)).toEqual(["SKILL.md"]);
  });

  it("a workspace that holds the skill's folder: what lands in the folder is pinned, relative to it", async () => {
    const { report } = await install(".moltbot/skills", ["demo/data/extra.md", "other/x.txt"]);
    expect(report.locked.files.map((f) => f.path).sort()).toEqual(["SKILL.md", "data/extra.md"]);
    expect(report.writtenOutside).toEqual([".moltbot/skills/other/x.txt"]);
  });

  it("without --workspace the steps see the skill's folder (as before)", async () => {
    const { home, report, requests } = await install(undefined, ["data.json"]);
    expect(requests[0]?.workspaceRel).toBeUndefined();
    expect(requests[0]?.workspace).toBe(path.join(home, ".moltbot", "skills", "demo"));
    expect(report.locked.files.map((f) => f.path).sort()).toEqual(["SKILL.md", "data.json"]);
    expect(report.writtenOutside).toEqual([]);
  });

  it("refuses a workspace outside the home before fetching anything", async () => {
    for (const bad of ["../x", "/etc", ".", "", "a/../../b"])
      expect(() => checkWorkspaceRel(bad), bad).toThrow(/inside the agent home/);
    expect(checkWorkspaceRel(".openclaw/workspace/")).toBe(".openclaw/workspace");
    await expect(install("../outside", [])).rejects.toThrow(/inside the agent home/);
  });

  it("splitWritten maps mount-relative paths onto the skill's folder", () => {
    expect(splitWritten(["a", "demo/b", "demox/c"], ".moltbot/skills", ".moltbot/skills/demo")).toEqual({
      inSkill: ["b"],
      outside: [".moltbot/skills/a", ".moltbot/skills/demox/c"],
    });
    expect(splitWritten(["x/y"], ".moltbot/skills/demo/sub", ".moltbot/skills/demo")).toEqual({
      inSkill: ["sub/x/y"],
      outside: [],
    });
  });
});
