import { link, mkdir, mkdtemp, readdir, symlink, writeFile, chmod } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import {
  changedSkillFiles,
  defaultAgentHome,
  prepareWorkspace,
  safeSkillName,
  skillWorkspaceRel,
  snapshotFiles,
} from "../../src/run/workspace.js";

async function home(): Promise<string> {
  return mkdtemp(path.join(os.tmpdir(), "skillwall-ws-"));
}

async function withSkillDir(): Promise<{ agentHome: string; dir: string }> {
  const agentHome = await home();
  const dir = path.join(agentHome, ".moltbot/skills/demo");
  await mkdir(dir, { recursive: true });
  return { agentHome, dir };
}

const rel = ".moltbot/skills/demo";

describe("prepareWorkspace", () => {
  it("creates the skill directory and maps it under /home/agent", async () => {
    const agentHome = await home();
    const ws = await prepareWorkspace({ agentHome, relDir: rel });
    expect(ws.containerDir).toBe("/home/agent/.moltbot/skills/demo");
    expect(ws.hostDir.endsWith(path.join(".moltbot", "skills", "demo"))).toBe(true);
    expect(await readdir(path.join(agentHome, ".moltbot/skills"))).toEqual(["demo"]);
  });

  it("accepts symlinks that stay inside the workspace", async () => {
    const { agentHome, dir } = await withSkillDir();
    await writeFile(path.join(dir, "a.txt"), "a");
    await mkdir(path.join(dir, "sub"));
    await symlink("../a.txt", path.join(dir, "sub/link"));
    await expect(prepareWorkspace({ agentHome, relDir: rel })).resolves.toBeDefined();
  });

  it("refuses symlinks pointing outside, relative or absolute", async () => {
    for (const target of ["/etc/passwd", "../../../../../../etc", "../other-skill"]) {
      const { agentHome, dir } = await withSkillDir();
      await symlink(target, path.join(dir, "escape"));
      await expect(prepareWorkspace({ agentHome, relDir: rel }), target).rejects.toThrow(
        /points outside the workspace/,
      );
    }
  });

  it("refuses a skill directory reached through a symlinked component", async () => {
    const agentHome = await home();
    const elsewhere = await home();
    await mkdir(path.join(agentHome, ".moltbot"), { recursive: true });
    await symlink(elsewhere, path.join(agentHome, ".moltbot/skills"));
    await expect(prepareWorkspace({ agentHome, relDir: rel })).rejects.toThrow(/not a plain directory/);
  });

  it("refuses setuid files and hard links", async () => {
    const a = await withSkillDir();
    await writeFile(path.join(a.dir, "tool"), "x");
    await chmod(path.join(a.dir, "tool"), 0o4755);
    await expect(prepareWorkspace({ agentHome: a.agentHome, relDir: rel })).rejects.toThrow(/setuid/);

    const b = await withSkillDir();
    const outside = path.join(b.agentHome, "secret");
    await writeFile(outside, "s");
    await link(outside, path.join(b.dir, "innocent"));
    await expect(prepareWorkspace({ agentHome: b.agentHome, relDir: rel })).rejects.toThrow(/hard-linked/);
  });

  it("never mounts a blocked path: neither as the workspace nor inside it", async () => {
    const a = await withSkillDir();
    await expect(
      prepareWorkspace({ agentHome: a.agentHome, relDir: rel, blockedPaths: ["~/.moltbot/**"] }),
    ).rejects.toThrow(/blocked path/);
    const b = await withSkillDir();
    await writeFile(path.join(b.dir, "credentials.json"), "{}");
    await expect(
      prepareWorkspace({
        agentHome: b.agentHome,
        relDir: rel,
        blockedPaths: ["~/.moltbot/skills/*/credentials.json"],
      }),
    ).rejects.toThrow(/blocked path/);
  });

  it("refuses a relative directory that leaves the home", async () => {
    const agentHome = await home();
    for (const bad of ["../x", "/etc", ".moltbot/../../x", "."]) {
      await expect(prepareWorkspace({ agentHome, relDir: bad }), bad).rejects.toThrow(/inside the home/);
    }
  });
});

describe("skill names and defaults", () => {
  it("turns a skill name into one safe path segment", () => {
    expect(safeSkillName("Moltbook")).toBe("moltbook");
    expect(safeSkillName("../../etc")).toBe("etc");
    expect(safeSkillName("a b/c")).toBe("a-b-c");
    expect(() => safeSkillName("..")).toThrow(/skill name/);
    expect(skillWorkspaceRel("My Skill")).toBe(".moltbot/skills/my-skill");
  });

  it("puts the agent home under the user's data directory", () => {
    expect(defaultAgentHome({ XDG_DATA_HOME: "/data" })).toBe("/data/skillwall/agent-home");
    expect(defaultAgentHome({})).toBe(path.join(os.homedir(), ".local/share/skillwall/agent-home"));
  });
});

describe("changedSkillFiles", () => {
  it("lists new and changed markdown files only", async () => {
    const { agentHome, dir } = await withSkillDir();
    const ws = { agentHome, relDir: rel };
    await writeFile(path.join(dir, "SKILL.md"), "old");
    await writeFile(path.join(dir, "notes.txt"), "n");
    const before = await snapshotFiles(ws);
    await writeFile(path.join(dir, "SKILL.md"), "new and longer");
    await writeFile(path.join(dir, "HEARTBEAT.md"), "hb");
    await writeFile(path.join(dir, "notes.txt"), "changed");
    await mkdir(path.join(dir, "docs"));
    await writeFile(path.join(dir, "docs/guide.MD"), "g");
    expect(changedSkillFiles(before, await snapshotFiles(ws))).toEqual([
      "HEARTBEAT.md",
      "SKILL.md",
      "docs/guide.MD",
    ]);
  });
});
