// A part that may plant symlinks (a clone, an archive, cp -r, mv, an install) followed in the same
// command by a part that uses paths: the host check resolves those paths before the clone made
// them, so the command is refused and the clone must run on its own.

import { execFileSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";

import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { freshGateHome } from "../helpers/gate-home.js";
import { createJudge, type Judge } from "../../src/index.js";
import { mayPlantLinks } from "../../src/gate/creates-entries.js";
import { analyseShell, initShell } from "../../src/shell/index.js";

// A real workspace: the host gate lists the members of a.tgz and a.zip (ordinary archives here).
const { home, ws } = freshGateHome("sw-planting-");
const at = { cwd: ws, env: { HOME: home } };
mkdirSync(path.join(ws, "stage"), { recursive: true });
writeFileSync(path.join(ws, "stage/notes.md"), "notes\n");
execFileSync("tar", ["-czf", "../a.tgz", "notes.md"], { cwd: path.join(ws, "stage") });
execFileSync("zip", ["-q", "../a.zip", "notes.md"], { cwd: path.join(ws, "stage") });
const clone = "git clone https://github.com/a/x.git repo";

let common: Judge;
let agent: Judge;
let sandboxView: Judge;
let anything: Judge;

beforeAll(async () => {
  common = await createJudge({ policy: "common-tools", publish: false, cache: false });
  agent = await createJudge({ policy: "agent", publish: false, cache: false });
  sandboxView = await createJudge({ policy: "common-tools", publish: false, hostPaths: false });
  // sandbox-only allows any static command: the guard is seen apart from any policy rule.
  anything = await createJudge({ policy: "sandbox-only", publish: false, cache: false });
  await initShell();
});

describe("judge: a link planted and used in one command", () => {
  it("denies the red team's compounds (common-tools), and allows each planting part alone", () => {
    for (const [text, planter] of [
      [`${clone} && cat > repo/link <<'EOF'\nexport PWNED=1\nEOF`, clone],
      ["tar -xzf a.tgz -C out && tee -a out/link", "tar -xzf a.tgz -C out"],
      ["unzip a.zip && touch link", "unzip a.zip"],
      [`${clone} && cd repo && cat README.md`, clone],
      [`${clone}; cat repo/link`, clone],
      [`${clone} || cat repo/link`, clone],
      ["unzip -o a.zip | grep x", "unzip -o a.zip"],
      ["mkdir -p out && tar -xzf a.tgz -C out && cat out/notes.md", "tar -xzf a.tgz -C out"],
      ["mv old new && cat > new/link <<'EOF'\nx\nEOF", "mv old new"],
      ["echo hi && unzip a.zip && echo done > log.txt", "unzip a.zip"],
    ] as const) {
      const j = common.judge(text, at);
      expect(j.verdict, text).toBe("deny");
      expect(j.rule, text).toBe("link-planting");
      expect(j.canonical, text).toBeUndefined();
      expect(j.reason, text).toContain(`'${planter}'`);
      expect(j.fix, text).toBe(
        `run '${planter}' as its own command; skillwall checks each command's paths just before it runs`,
      );
      expect(common.judge(planter, at).verdict, planter).toBe("allow");
    }
  });

  it("denies cp -r and mv followed by a use of the copy (agent policy)", () => {
    for (const text of ["cp -r src dst && cat dst/link", "mv src dst && tee dst/link", "cp -R a b; ls b"]) {
      const j = agent.judge(text, at);
      expect(j.verdict, text).toBe("deny");
      expect(j.rule, text).toBe("link-planting");
    }
  });

  it("keeps compounds that plant nothing, and parts before the planter or touching no path", () => {
    for (const text of [
      "mkdir -p out && cd out && touch a.txt",
      "cat notes.md | grep todo",
      "set -e; mkdir -p x; touch x/y",
      "mkdir -p out && tar -xzf a.tgz -C out",
      `${clone} && echo cloned`,
      `${clone} 2>&1 && echo cloned >&2`,
      "cd repo && cat README.md",
      "cp a.txt b.txt && cat b.txt",
      "sed -n 1,5p a.md | sort | uniq",
    ]) {
      expect(common.judge(text, at).verdict, text).toBe("allow");
    }
    for (const text of [
      "cd repo && git status",
      "git status && git diff",
      "cp -r src dst",
      "cp a b && cat b",
    ]) {
      expect(agent.judge(text, at).verdict, text).toBe("allow");
    }
  });

  it("lets a planting part be followed or piped only into parts that open no path", () => {
    for (const text of [
      "unzip a.zip | sort -uo out.txt",
      "unzip a.zip | head -n 5 > out.txt",
      "unzip a.zip | grep x",
      "npm install && node index.js",
      "make && ./run",
      "7z x a.7z && cat x",
      "ln -s a x && echo pwned > x",
      "git checkout main -- . && cat link",
      "pip install x; python3 -c 1",
      "cat a | xargs ln -s",
      "curl -o a https://x.example/a | tar -x",
      // Unzip extracts into the working directory: a file named 5 or -x may be its link.
      "unzip a.zip; head 5",
      "unzip a.zip; head -- -x",
      "unzip a.zip && date -f x",
      "unzip a.zip && /bin/echo done",
    ]) {
      const j = anything.judge(text, at);
      expect(j.verdict, text).toBe("deny");
      expect(j.rule, text).toBe("link-planting");
    }
    for (const text of [
      "npm run lint 2>&1 | head -50",
      "make 2>&1 | tail -n 20",
      "unzip -o a.zip | sort -u | uniq -c | wc -l",
      "npm install > /dev/null && echo ok",
      "git fetch origin && git status",
      "tar -xzf a.tgz -C out | tr a b",
    ]) {
      expect(anything.judge(text, at).verdict, text).toBe("allow");
    }
    expect(agent.judge("npm run lint 2>&1 | head -50", at).verdict).toBe("review");
  });

  it("applies only where commands run on this host (a sandbox confines links by its mounts)", () => {
    expect(sandboxView.judge("tar -xzf a.tgz -C out && tee -a out/link", at).verdict).toBe("allow");
  });
});

describe("mayPlantLinks", () => {
  const plants = (text: string): boolean => {
    const cmd = analyseShell(text, { home }).commands[0];
    if (!cmd) throw new Error(`no command in ${text}`);
    return mayPlantLinks(cmd) !== undefined;
  };

  it("names what may make links or rename entries, failing closed for unknown programs", () => {
    for (const t of [
      "git clone https://x/y z",
      "git pull",
      "git checkout main",
      "git stash",
      "git stash pop",
      "git -c alias.status=!ln status",
      "git submodule update",
      "tar -xzf a.tgz",
      "tar xzf a.tgz",
      "tar -tzf a.tgz --to-command=sh",
      "unzip a.zip",
      "7z x a.7z",
      "cp -a a b",
      "cp -r a b",
      "cp -P a b",
      "cp --preserve=links a b",
      "mv a b",
      "ln -s /etc x",
      "rsync -a a/ b/",
      "npm install",
      "pip install x",
      "sed -e 1e a",
      "awk 'BEGIN{system(\"ln -s / x\")}'",
      "find . -exec ln -s / {} ;",
      "wget -r https://x/",
      "sort --compress-program=sh a",
      "rg --pre ./x y",
      "timeout 5 cat a",
      "make",
      "./git status",
      "~/bin/cat a",
      "git grep -O sh x",
    ]) {
      expect(plants(t), t).toBe(true);
    }
  });

  it("knows the everyday forms that make no links", () => {
    for (const t of [
      "git status",
      "git -C repo log --oneline",
      "git stash list",
      "tar -czf a.tgz dir",
      "tar -tzf a.tgz",
      "cp -p a b",
      "sed -n 1,5p a",
      "awk '{print $1}' a",
      "wget -O a https://x/a",
      "mkdir -p a/b",
      "npm --version",
      "/usr/bin/git status",
    ]) {
      expect(plants(t), t).toBe(false);
    }
  });
});
