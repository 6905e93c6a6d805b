// A local install source (`skillwall install /home/alice/skill`) is read as root, and its
// approved copy is written into the agent's workspace, which the agent reads; the heartbeat
// re-reads it by path. A user's skill folder may hold a file only root can read: a rename needs
// write access to folders only, and where fs.protected_hardlinks is 0 anyone may hard-link any
// file (red team s13: the install gate's snapshot already copied only what the folder's owner
// could read; `install` and the heartbeat did not). Such a file is now refused, never read.

import {
  chmodSync,
  chownSync,
  existsSync,
  linkSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  writeFileSync,
} from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { approveAllowedOnly, installSkill } from "../../src/remote/install.js";
import { skillWorkspace } from "../../src/remote/paths.js";
import { MapFetcher, RecordingRunner, fakeScan, testPolicy } from "../fixtures/heartbeat/fakes.js";

const asRoot = process.getuid?.() === 0;
const secret = "root-only canary 7f3a9c\n";

async function install(source: string, home: string): Promise<string> {
  const policy = testPolicy();
  const runner = new RecordingRunner();
  try {
    const report = await installSkill({
      source,
      name: "demo",
      home,
      policy,
      deps: { scan: fakeScan, fetcher: new MapFetcher(), run: (req) => runner.run(req) },
      approve: approveAllowedOnly(policy),
    });
    return `installed ${report.locked.files.map((f) => f.path).join(",")}`;
  } catch (err) {
    return String(err);
  }
}

describe.runIf(asRoot)("a local install source in another user's folder", () => {
  it("a root-only file linked into the folder is refused, its bytes never read", async () => {
    const tmp = mkdtempSync(path.join(os.tmpdir(), "sw-inst-owner-"));
    const rootOnly = path.join(tmp, "root-only.md");
    writeFileSync(rootOnly, `# Secret\n\n${secret}`);
    chmodSync(rootOnly, 0o600);
    const skill = path.join(tmp, "alice-skill");
    mkdirSync(skill);
    chownSync(skill, 1000, 1000);
    // What alice can do where fs.protected_hardlinks is 0 (root makes the link here).
    linkSync(rootOnly, path.join(skill, "SKILL.md"));
    const home = path.join(tmp, "home");
    mkdirSync(home);
    const got = await install(skill, home);
    expect(got).toMatch(/SKILL\.md: it is owned by uid 0 with mode 0600, which uid 1000 cannot read/);
    expect(got).not.toContain("canary");
    // Nothing of it reached the agent's copy of the skill.
    const copy = path.join(skillWorkspace(home, "demo"), "SKILL.md");
    expect(existsSync(copy) ? readFileSync(copy, "utf8") : "").not.toContain("canary");
  });

  it("in a sticky folder every user may write (like /tmp), a root-only file is refused too", async () => {
    const tmp = mkdtempSync(path.join(os.tmpdir(), "sw-inst-owner-"));
    const rootOnly = path.join(tmp, "root-only.md");
    writeFileSync(rootOnly, `# Secret\n\n${secret}`);
    chmodSync(rootOnly, 0o600);
    const shared = path.join(tmp, "shared");
    mkdirSync(shared);
    chmodSync(shared, 0o1777);
    linkSync(rootOnly, path.join(shared, "SKILL.md"));
    const home = path.join(tmp, "home");
    mkdirSync(home);
    const got = await install(path.join(shared, "SKILL.md"), home);
    expect(got).toMatch(
      /SKILL\.md: it is owned by uid 0 with mode 0600, which not every user can read, in a folder others can write/,
    );
    expect(got).not.toContain("canary");
  });

  it("control: a folder of root's alone is root's: any file in it is installed", async () => {
    const tmp = mkdtempSync(path.join(os.tmpdir(), "sw-inst-owner-"));
    const skill = path.join(tmp, "skill");
    mkdirSync(skill, { mode: 0o755 });
    writeFileSync(path.join(skill, "SKILL.md"), "# Demo\n\nHello.\n");
    chownSync(path.join(skill, "SKILL.md"), 1000, 1000);
    chmodSync(path.join(skill, "SKILL.md"), 0o600);
    const home = path.join(tmp, "home");
    mkdirSync(home);
    expect(await install(skill, home)).toBe("installed SKILL.md");
  });

  it("control: the folder owner's own file is installed", async () => {
    const tmp = mkdtempSync(path.join(os.tmpdir(), "sw-inst-owner-"));
    const skill = path.join(tmp, "alice-skill");
    mkdirSync(skill);
    writeFileSync(path.join(skill, "SKILL.md"), "# Demo\n\nHello.\n");
    chownSync(path.join(skill, "SKILL.md"), 1000, 1000);
    chmodSync(path.join(skill, "SKILL.md"), 0o600);
    chownSync(skill, 1000, 1000);
    const home = path.join(tmp, "home");
    mkdirSync(home);
    expect(await install(skill, home)).toBe("installed SKILL.md");
  });
});
