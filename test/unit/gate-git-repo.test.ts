// git on the host reads the workspace repository's config and hooks: the gate refuses a
// repository whose config could make git run a program, and runs git with command-line config
// that turns hooks, fsmonitor and pagers off. Real git, real bash, marker files.
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { gitHostConfig, gitRepositoryRefusal, hostCommand } from "../../src/index.js";

let ws: string;
let marker: string;

beforeEach(() => {
  ws = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), "sw-gitrepo-")));
  marker = path.join(ws, "..", `${path.basename(ws)}-marker`);
});
afterEach(() => {
  fs.rmSync(ws, { recursive: true, force: true });
  fs.rmSync(marker, { force: true });
});

function repo(dir: string, extraConfig = ""): void {
  fs.mkdirSync(dir, { recursive: true });
  execFileSync("git", ["init", "-q", dir]);
  if (extraConfig) fs.appendFileSync(path.join(dir, ".git", "config"), extraConfig);
}

const gitStatus = [{ argv: ["git", "status"] }];

// Each of these makes `git status`, `git diff`, `git log -p` or `git commit` run a program.
const hostile: Array<[string, string]> = [
  ["core.fsmonitor", `[core]\n\tfsmonitor = "touch /tmp/x"\n`],
  ["core.pager", `[core]\n\tpager = "sh -c id"\n`],
  ["core.hookspath", `[core]\n\thooksPath = /tmp/hooks\n`],
  ["diff.x.textconv", `[diff "x"]\n\ttextconv = sh -c id\n`],
  ["filter.x.clean", `[filter "x"]\n\tclean = sh -c id\n`],
  ["alias.st", `[alias]\n\tst = !sh -c id\n`],
  ["include.path", `[include]\n\tpath = /tmp/other\n`],
  ["includeif", `[includeIf "gitdir:/"]\n\tpath = /tmp/other\n`],
  ["diff.external", `[diff]\n\texternal = sh\n`],
  ["core.sshcommand", `[core]\n\tsshCommand = sh -c id\n`],
  ["credential.helper", `[credential]\n\thelper = !sh -c id\n`],
  ["remote url ext::", `[remote "o"]\n\turl = ext::sh -c id\n`],
  ["extensions.worktreeconfig", `[extensions]\n\tworktreeConfig = true\n`],
  ["pager.status", `[pager]\n\tstatus = sh -c id\n`],
];

describe("gitRepositoryRefusal", () => {
  it("lets git run over a freshly initialised repository with an ordinary remote and identity", async () => {
    repo(ws, `[remote "origin"]\n\turl = https://github.com/a/b.git\n[user]\n\tname = A\n\temail = a@b.c\n`);
    expect(await gitRepositoryRefusal(gitStatus, { cwd: ws, workspace: ws })).toBeUndefined();
  });

  it.each(hostile)("refuses a repository whose config sets %s", async (_name, config) => {
    repo(ws, config);
    const why = await gitRepositoryRefusal(gitStatus, { cwd: ws, workspace: ws });
    expect(why).toMatch(/\.git\/config/);
  });

  it("checks the repository git -C moves to, and every repository up to the workspace root", async () => {
    repo(ws);
    repo(path.join(ws, "skills", "evil"), `[core]\n\tfsmonitor = "touch /tmp/x"\n`);
    expect(await gitRepositoryRefusal(gitStatus, { cwd: ws, workspace: ws })).toBeUndefined();
    expect(
      await gitRepositoryRefusal([{ argv: ["git", "-C", "skills/evil", "status"] }], {
        cwd: ws,
        workspace: ws,
      }),
    ).toMatch(/fsmonitor/);
    expect(
      await gitRepositoryRefusal(gitStatus, { cwd: path.join(ws, "skills", "evil"), workspace: ws }),
    ).toMatch(/fsmonitor/);
    // A `cd DIR &&` before git moves it: the command's own cwd is checked.
    expect(
      await gitRepositoryRefusal([{ argv: ["git", "status"], cwd: path.join(ws, "skills", "evil") }], {
        cwd: ws,
        workspace: ws,
      }),
    ).toMatch(/fsmonitor/);
    // An inner plain repository does not hide a hostile outer one git could also reach.
    fs.writeFileSync(path.join(ws, ".git", "config"), `[core]\n\tfsmonitor = "touch /tmp/x"\n`);
    repo(path.join(ws, "sub"));
    expect(await gitRepositoryRefusal(gitStatus, { cwd: path.join(ws, "sub"), workspace: ws })).toMatch(
      /fsmonitor/,
    );
  });

  it("refuses a .git that is a gitdir file or a symlink, and a symlinked directory on the way", async () => {
    repo(path.join(ws, "real"));
    fs.writeFileSync(path.join(ws, ".git"), `gitdir: ${path.join(ws, "real", ".git")}\n`);
    expect(await gitRepositoryRefusal(gitStatus, { cwd: ws, workspace: ws })).toMatch(/not a directory/);
    fs.rmSync(path.join(ws, ".git"));
    fs.symlinkSync(path.join(ws, "real", ".git"), path.join(ws, ".git"));
    expect(await gitRepositoryRefusal(gitStatus, { cwd: ws, workspace: ws })).toMatch(/not a directory/);
    fs.rmSync(path.join(ws, ".git"));
    fs.symlinkSync(path.join(ws, "real"), path.join(ws, "link"));
    expect(
      await gitRepositoryRefusal([{ argv: ["git", "-C", "link", "status"] }], { cwd: ws, workspace: ws }),
    ).toMatch(/cannot check/);
  });

  it("refuses git options that pick another repository or config, and directories outside the workspace", async () => {
    repo(ws);
    for (const argv of [
      ["git", "--git-dir=/tmp/x", "status"],
      ["git", "-c", "core.pager=sh", "log"],
    ]) {
      expect(await gitRepositoryRefusal([{ argv }], { cwd: ws, workspace: ws })).toMatch(/not checked/);
    }
    expect(
      await gitRepositoryRefusal([{ argv: ["git", "-C", "..", "status"] }], { cwd: ws, workspace: ws }),
    ).toMatch(/outside the workspace/);
  });

  it("ignores commands that are not git", async () => {
    repo(ws, `[core]\n\tfsmonitor = "touch /tmp/x"\n`);
    expect(await gitRepositoryRefusal([{ argv: ["ls", "-la"] }], { cwd: ws, workspace: ws })).toBeUndefined();
  });
});

describe("gitHostConfig", () => {
  // What the refusal cannot see (a hook file, or config changed after the check) is switched
  // off by command-line config. The control run without it shows the repository would run them.
  function runOnHost(script: string, withConfig: boolean): void {
    const cmd = hostCommand(script, withConfig ? { set: gitHostConfig } : {});
    execFileSync("/bin/bash", ["-c", cmd], { cwd: ws, stdio: "ignore" });
  }

  it("turns off fsmonitor and hooks that the repository sets up", () => {
    repo(ws, `[core]\n\tfsmonitor = "touch ${marker}-fsmonitor; false"\n`);
    execFileSync("git", ["-C", ws, "config", "user.email", "a@b.c"]);
    execFileSync("git", ["-C", ws, "config", "user.name", "a"]);
    fs.writeFileSync(path.join(ws, ".git", "hooks", "pre-commit"), `#!/bin/sh\ntouch ${marker}-hook\n`, {
      mode: 0o755,
    });
    fs.writeFileSync(path.join(ws, "a"), "a");
    runOnHost("git status && git add a && git commit -q -m x\n", true);
    expect(fs.existsSync(`${marker}-fsmonitor`)).toBe(false);
    expect(fs.existsSync(`${marker}-hook`)).toBe(false);
    fs.writeFileSync(path.join(ws, "a"), "b");
    runOnHost("git status && git add a && git commit -q -m y\n", false);
    expect(fs.existsSync(`${marker}-fsmonitor`)).toBe(true);
    expect(fs.existsSync(`${marker}-hook`)).toBe(true);
  });

  it("does not look into submodules, whose own config could name a filter driver", () => {
    const env = {
      ...process.env,
      GIT_AUTHOR_NAME: "a",
      GIT_AUTHOR_EMAIL: "a@b.c",
      GIT_COMMITTER_NAME: "a",
      GIT_COMMITTER_EMAIL: "a@b.c",
    };
    const sh = (c: string) => execFileSync("/bin/bash", ["-c", c], { cwd: ws, env, stdio: "ignore" });
    sh(
      "git init -q sub && cd sub && echo 'f filter=ev' > .gitattributes && echo x > f && git add f .gitattributes && git commit -qm s",
    );
    sh("git init -q . && git add sub 2>/dev/null; git commit -qm p");
    execFileSync("git", [
      "-C",
      path.join(ws, "sub"),
      "config",
      "filter.ev.clean",
      `sh -c 'touch ${marker}-filter; cat'`,
    ]);
    // A newer mtime makes git re-hash the file through the filter.
    const later = new Date(Date.now() + 5_000);
    fs.utimesSync(path.join(ws, "sub", "f"), later, later);
    runOnHost("git status --short\n", true);
    expect(fs.existsSync(`${marker}-filter`)).toBe(false);
    runOnHost("git status --short\n", false);
    expect(fs.existsSync(`${marker}-filter`)).toBe(true);
  });
});
