// `skillwall install --workspace .openclaw/workspace` in the real sandbox: the install steps see
// that directory of the home (the project's own notes example installs with it), a file they
// write there reaches the host, is reported and is not pinned as part of the skill; without
// --workspace the same step cannot reach it (only the skill's folder is mounted).
import { existsSync } from "node:fs";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli } from "../helpers/cli.js";
import { docker, tempAgentHome } from "./sandbox-docker.js";

const skill = [
  "---",
  "name: marker",
  "---",
  "# Marker (test)",
  "",
  "## Install",
  "",
  "```bash",
  "mkdir -p ~/.openclaw/workspace/marker",
  "```",
  "",
  "```bash",
  "echo written-by-install-7c1e > ~/.openclaw/workspace/marker/out.txt",
  "```",
  "",
].join("\n");

let dir: string;
const homes: string[] = [];

beforeAll(async () => {
  await docker();
  dir = await mkdtemp(path.join(os.tmpdir(), "skillwall-install-ws-"));
  await writeFile(path.join(dir, "SKILL.md"), skill);
}, 600_000);

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
  for (const h of homes) await rm(h, { recursive: true, force: true });
});

async function home(): Promise<string> {
  const h = await tempAgentHome();
  homes.push(h);
  return h;
}

describe("install --workspace", () => {
  it("runs the install steps in the given directory of the home; what they write there is reported, not pinned", async () => {
    const h = await home();
    const run = await runCli([
      "install",
      dir,
      "--policy",
      "common-tools",
      "--workspace",
      ".openclaw/workspace",
      "--agent-home",
      h,
      "--yes",
    ]);
    expect(run.stderr).not.toMatch(/install step failed/);
    expect(run.code).toBe(0);
    expect(await readFile(path.join(h, ".openclaw/workspace/marker/out.txt"), "utf8")).toBe(
      "written-by-install-7c1e\n",
    );
    expect(run.stderr).toContain(
      "outside the skill's folder (not pinned, not part of the skill): .openclaw/workspace/marker/out.txt",
    );
    expect(run.stdout).toMatch(/installed marker into .*: 1 file\(s\) pinned/);
  }, 300_000);

  it("the project's notes example installs with --workspace .openclaw/workspace", async () => {
    const h = await home();
    const run = await runCli([
      "install",
      path.resolve(import.meta.dirname, "../../examples/notes"),
      "--policy",
      "common-tools",
      "--workspace",
      ".openclaw/workspace",
      "--agent-home",
      h,
      "--yes",
    ]);
    expect(run.code, run.stderr).toBe(0);
    expect(existsSync(path.join(h, ".openclaw/workspace/notes/archive/first-inbox"))).toBe(true);
  }, 300_000);

  it("without --workspace the step cannot reach ~/.openclaw/workspace: only the skill's folder is mounted", async () => {
    const h = await home();
    const run = await runCli(["install", dir, "--policy", "common-tools", "--agent-home", h, "--yes"]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/install step failed/);
    expect(existsSync(path.join(h, ".openclaw/workspace/marker/out.txt"))).toBe(false);
  }, 300_000);
});
