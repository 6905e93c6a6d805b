// git reads the repository's own config and hooks before it does anything: a `.git/config`
// holding core.fsmonitor, a diff driver's textconv, a pager or an alias makes `git status` or
// `git diff` run a program. On the host that program runs as the agent. The repositories in a
// workspace are attacker-writable (a skill folder shipped with its own .git, an extracted
// archive, a file tool), so before a git command runs on the host:
// - every repository git could discover from its directory up to the workspace root is read
//   by descriptor (no symlink is followed) and only plain settings may appear in its config;
// - the command runs with command-line config that switches hooks, fsmonitor, pagers and bare
//   repository discovery off (command-line config wins over the repository's own).
// The config text is read by git itself (`git config --file - --list`), so the keys checked are
// the keys git will use.

import { execFile } from "node:child_process";
import path from "node:path";
import { HostDir, HostFsError } from "../hostfs/host-dir.js";
import { limits } from "../limits.js";

/** Environment that turns off what a repository could make git run (GIT_CONFIG_COUNT protocol). */
export const gitHostConfig: Readonly<Record<string, string>> = configEnv([
  ["core.hooksPath", "/dev/null"],
  ["core.fsmonitor", "false"],
  ["core.pager", "cat"],
  ["core.editor", "false"],
  ["sequence.editor", "false"],
  ["safe.bareRepository", "explicit"],
  ["protocol.ext.allow", "never"],
  // git status/diff run git inside each populated submodule, which reads that repository's own
  // config (filter and diff drivers): submodules are not looked into on the host.
  ["diff.ignoreSubmodules", "all"],
  ["submodule.recurse", "false"],
  ["status.submoduleSummary", "false"],
]);

function configEnv(pairs: ReadonlyArray<[string, string]>): Record<string, string> {
  const env: Record<string, string> = { GIT_CONFIG_COUNT: String(pairs.length) };
  pairs.forEach(([k, v], i) => {
    env[`GIT_CONFIG_KEY_${i}`] = k;
    env[`GIT_CONFIG_VALUE_${i}`] = v;
  });
  return env;
}

/**
 * Settings a repository may hold (git lowercases section and key; a subsection keeps its case).
 * Everything else — drivers, hooks, pagers, aliases, includes, helpers, worktree config — is
 * refused: an allowlist, because git grows new command-valued keys.
 */
const plainKey = new RegExp(
  "^(?:" +
    [
      "core\\.(?:repositoryformatversion|filemode|bare|logallrefupdates|ignorecase|precomposeunicode|symlinks|autocrlf|eol|safecrlf|quotepath|abbrev|compression|loosecompression|trustctime|checkstat|untrackedcache|splitindex|commentchar|whitespace|preloadindex|multipackindex|commitgraph)",
      "remote\\.[^\\n]+\\.(?:url|pushurl|fetch|push|tagopt|prune|mirror|skipdefaultupdate|skipfetchall)",
      "branch\\.[^\\n]+\\.(?:remote|merge|rebase|pushremote|description)",
      "user\\.(?:name|email)",
      "init\\.defaultbranch",
      "pull\\.(?:rebase|ff)",
      "push\\.(?:default|autosetupremote)",
      "fetch\\.prune",
      "merge\\.(?:ff|conflictstyle)",
      "diff\\.(?:renames|algorithm|mnemonicprefix|noprefix|colormoved|indentheuristic)",
      "color\\.[a-z.]+",
      "status\\.(?:showuntrackedfiles|short|branch)",
      "log\\.(?:date|decorate|abbrevcommit|follow)",
      "index\\.(?:version|threads|skiphash)",
      "advice\\.[a-z]+",
      "extensions\\.(?:objectformat|preciousobjects|noop)",
      "submodule\\.[^\\n]+\\.(?:url|active|branch|path|ignore)",
    ].join("|") +
    ")$",
);
/** Transports that run a program (ext::) or another helper (<scheme>::). */
const helperUrl = /^[A-Za-z][A-Za-z0-9+.-]*::/;

export interface GitRepositoryCheck {
  /** Directory the agent's command runs in (absolute, inside the workspace). */
  cwd: string;
  /** The agent's workspace root (absolute); git discovery stops there. */
  workspace: string;
}

/** One judged command: its words, and where it runs when a `cd DIR &&` before it moved it. */
export interface GitCommand {
  argv: ReadonlyArray<string>;
  cwd?: string;
}

/**
 * Why the git commands among `commands` must not run on the host, or undefined when every
 * repository they could use holds plain settings only.
 */
export async function gitRepositoryRefusal(
  commands: ReadonlyArray<GitCommand>,
  where: GitRepositoryCheck,
): Promise<string | undefined> {
  const dirs = new Set<string>();
  for (const { argv, cwd } of commands) {
    if (path.basename(argv[0] ?? "") !== "git") continue;
    const dir = gitDirectory(argv, cwd ?? where.cwd);
    if (typeof dir !== "string") return dir.refusal;
    dirs.add(dir);
  }
  for (const dir of dirs) {
    const why = await repositoriesAbove(dir, where.workspace);
    if (why !== undefined) return why;
  }
  return undefined;
}

/** The directory git starts discovery from: cwd, moved by each `-C DIR`. */
function gitDirectory(argv: ReadonlyArray<string>, cwd: string): string | { refusal: string } {
  let dir = cwd;
  for (let i = 1; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === "-C") {
      const next = argv[++i];
      if (next === undefined) return { refusal: "git -C needs a directory" };
      dir = path.resolve(dir, next);
    } else if (a === "--no-pager" || a === "-P") {
      continue;
    } else if (a.startsWith("-")) {
      // --git-dir, --work-tree, -c … choose another repository or config: not checked here.
      return { refusal: `git option ${a} before the subcommand is not checked for host use` };
    } else break;
  }
  return dir;
}

async function repositoriesAbove(dir: string, workspace: string): Promise<string | undefined> {
  const rel = path.relative(workspace, dir);
  if (rel.startsWith("..") || path.isAbsolute(rel))
    return `git would run in ${dir}, outside the workspace ${workspace}`;
  const root = await HostDir.open(workspace);
  const open: HostDir[] = [root];
  try {
    // Open each level by descriptor (a symlinked component is refused), then look at .git in each.
    for (const seg of rel === "" ? [] : rel.split(path.sep)) {
      open.push(await open[open.length - 1]!.dir(seg));
    }
    for (let i = open.length - 1; i >= 0; i--) {
      const why = await checkRepository(open[i]!);
      if (why !== undefined) return why;
    }
    return undefined;
  } catch (err) {
    if (err instanceof HostFsError || isMissing(err)) return `cannot check ${dir} for git: ${message(err)}`;
    throw err;
  } finally {
    await Promise.all(open.map((d) => d.close()));
  }
}

async function checkRepository(level: HostDir): Promise<string | undefined> {
  const where = path.join(level.where, ".git");
  const st = await level.entry(".git");
  if (st === undefined) return undefined;
  if (!st.isDirectory()) {
    // A .git file (gitdir: …) or symlink points git at a repository anywhere on the host.
    return `${where} is not a directory (a gitdir file or a link): its repository is not checked`;
  }
  const gitDir = await level.dir(".git");
  try {
    if ((await gitDir.entry("commondir")) !== undefined)
      return `${where}/commondir points git at another repository: not checked`;
    const text = await gitDir.readFile("config", limits.maxGitConfigBytes);
    if (text === undefined) return undefined;
    const keys = await configKeys(text);
    if (typeof keys === "string") return `${where}/config: ${keys}`;
    for (const [key, value] of keys) {
      if (!plainKey.test(key))
        return `${where}/config sets ${key}, which git may run or follow: only plain settings are allowed for git on the host`;
      if (/\.(?:url|pushurl)$/.test(key) && helperUrl.test(value))
        return `${where}/config sets ${key} to a helper transport (${value.split("::")[0]}::), which runs a program`;
    }
    return undefined;
  } finally {
    await gitDir.close();
  }
}

/** The config's keys and values as git reads them, or why git could not read it. */
function configKeys(text: Buffer): Promise<Array<[string, string]> | string> {
  return new Promise((resolve) => {
    const child = execFile(
      "git",
      ["config", "--file", "-", "--no-includes", "--list", "-z"],
      { env: { PATH: process.env.PATH ?? "/usr/bin:/bin" }, maxBuffer: limits.maxGitConfigBytes * 2 },
      (err, stdout) => {
        if (err) return resolve(`git cannot read it (${err.message.split("\n")[0]})`);
        const pairs: Array<[string, string]> = [];
        for (const rec of stdout.split("\0")) {
          if (rec === "") continue;
          const nl = rec.indexOf("\n");
          pairs.push(nl < 0 ? [rec, ""] : [rec.slice(0, nl), rec.slice(nl + 1)]);
        }
        resolve(pairs);
      },
    );
    child.stdin?.end(text);
  });
}

function isMissing(err: unknown): boolean {
  return (
    (err as NodeJS.ErrnoException)?.code === "ENOENT" || (err as NodeJS.ErrnoException)?.code === "ENOTDIR"
  );
}

function message(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
