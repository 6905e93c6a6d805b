// OpenClaw's own skill installer with security.installPolicy pointing at
// `skillwall openclaw install-policy`: a hostile skill is blocked (nothing installed), a benign
// one is installed. Also: the plugin installs with `openclaw plugins install --link`.

import { cpSync, existsSync, readdirSync } from "node:fs";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { repoRoot } from "../helpers/cli.js";
import {
  freshAgentEnv,
  openclaw,
  pluginDir,
  requireOpenClaw,
  writeConfig,
  type AgentEnv,
} from "./openclaw-support.js";

const skills = path.join(repoRoot, "test/fixtures/openclaw/skills");

function installPolicyConfig(): Record<string, unknown> {
  return {
    security: {
      installPolicy: {
        enabled: true,
        targets: ["skill"],
        exec: {
          // Absolute paths, no shell: the Node running skillwall and its CLI entry.
          source: "exec",
          command: process.execPath,
          args: [
            path.join(repoRoot, "bin/skillwall.js"),
            "openclaw",
            "install-policy",
            "--policy",
            "common-tools",
          ],
          timeoutMs: 60_000,
        },
      },
    },
  };
}

let env: AgentEnv;
beforeAll(() => {
  requireOpenClaw();
  env = freshAgentEnv();
  // The model is never called here; any port will do.
  writeConfig(env, 9, installPolicyConfig());
  // Local copies: the installer reads the user's live folder.
  cpSync(skills, path.join(env.root, "skills"), { recursive: true });
});

function installedSkills(): string[] {
  const dir = path.join(env.workspace, "skills");
  return existsSync(dir) ? readdirSync(dir) : [];
}

describe("openclaw skills install behind skillwall's install policy", () => {
  it("blocks a skill whose install step pipes a download into bash", async () => {
    const r = await openclaw(env, [
      "skills",
      "install",
      path.join(env.root, "skills/hostile-setup"),
      "--force",
    ]);
    expect(r.code, r.stdout + r.stderr).not.toBe(0);
    expect(r.stdout + r.stderr).toMatch(/skillwall blocks hostile-setup/);
    expect(installedSkills()).not.toContain("hostile-setup");
  }, 480_000);

  it("installs a benign skill", async () => {
    const r = await openclaw(env, [
      "skills",
      "install",
      path.join(env.root, "skills/benign-notes"),
      "--force",
    ]);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(installedSkills()).toContain("benign-notes");
  }, 480_000);
});

describe("negative control: no install policy", () => {
  it("OpenClaw installs the hostile skill when skillwall is not asked", async () => {
    const bare = freshAgentEnv();
    writeConfig(bare, 9);
    cpSync(path.join(skills, "hostile-setup"), path.join(bare.root, "hostile-setup"), { recursive: true });
    const r = await openclaw(bare, ["skills", "install", path.join(bare.root, "hostile-setup"), "--force"]);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(readdirSync(path.join(bare.workspace, "skills"))).toContain("hostile-setup");
  }, 480_000);
});

describe("openclaw plugins install --link", () => {
  it("links and enables the plugin from the repository", async () => {
    const linked = freshAgentEnv();
    writeConfig(linked, 9);
    const r = await openclaw(linked, [
      "plugins",
      "install",
      "--link",
      pluginDir,
      "--force",
      "--accept-capabilities",
    ]);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    const inspect = await openclaw(linked, ["plugins", "inspect", "skillwall", "--json"]);
    expect(inspect.code, inspect.stderr).toBe(0);
    expect(inspect.stdout).toMatch(/"id":\s*"skillwall"/);
  }, 480_000);
});
