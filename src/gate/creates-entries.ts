// Which commands may create or rename filesystem entries whose names or kinds the judge cannot
// see in the command text: a clone or an archive brings its own symlinks, `cp -r` and `mv` give
// existing links new names, npm install makes bin links, a script does anything. The judge
// resolves path operands on the host before anything runs (./host-paths.ts); a later part of the
// same command could open a name such a command has just made a symlink (./link-planting.ts).
//
// Fail closed: a program is known not to plant links only when it is listed below with the forms
// it is known for; any other program, wrapper or form counts as one that may.

import type { SimpleCommand } from "../model.js";
import { basename } from "../policy/programs.js";

type Known = (args: readonly string[]) => boolean;

const always: Known = () => true;
/** Short option clusters (`-xzf`) and old-style tar keys (`xzf`) hold one letter per option. */
const cluster = (a: string): string | undefined => (/^-[A-Za-z0-9]+$/.test(a) ? a.slice(1) : undefined);
const hasLetter = (args: readonly string[], letters: RegExp): boolean =>
  args.some((a) => letters.test(cluster(a) ?? ""));
const hasWord = (args: readonly string[], words: readonly string[]): boolean =>
  args.some((a) => words.some((w) => a === w || a.startsWith(`${w}=`)));

/** git subcommands that write no working-tree entry (refs, objects, the index are git's own files). */
const gitReadOnly = new Set([
  "status",
  "diff",
  "log",
  "show",
  "rev-parse",
  "ls-files",
  "ls-tree",
  "cat-file",
  "rev-list",
  "blame",
  "add",
  "commit",
  "branch",
  "tag",
  "remote",
  "fetch",
  "shortlog",
  "describe",
  "version",
  "help",
]);
/** git subcommands that only write entries with a sub-subcommand not in this list. */
const gitListing: Record<string, Set<string>> = {
  stash: new Set(["list", "show"]),
  worktree: new Set(["list"]),
};
/** git options before the subcommand that take the next word as their value. */
const gitValueOptions = new Set(["-C", "--git-dir", "--work-tree", "--namespace", "--super-prefix"]);

function gitKnown(args: readonly string[]): boolean {
  for (let i = 0; i < args.length; i++) {
    const a = args[i] as string;
    // Config on the command line can turn a listed subcommand into a program (alias, hooks).
    if (a === "-c" || a.startsWith("--config-env") || a.startsWith("--exec-path=")) return false;
    if (gitValueOptions.has(a)) {
      i++;
      continue;
    }
    if (a.startsWith("-")) continue;
    const listing = gitListing[a];
    if (listing) return listing.has(args[i + 1] ?? "") && args.length === i + 2;
    return gitReadOnly.has(a);
  }
  return false;
}

/** tar that lists (t) or creates an archive (c), without a program of its own. */
function tarKnown(args: readonly string[]): boolean {
  const first = args[0] ?? "";
  // Old style: `tar xzf a.tgz`, the first word's letters are options.
  const keys = /^[A-Za-z]+$/.test(first) ? [first, ...args.slice(1).map((a) => cluster(a) ?? "")] : [];
  const letters = keys.length > 0 ? keys : args.map((a) => cluster(a) ?? "");
  if (letters.some((l) => /[xI]/.test(l))) return false;
  if (
    hasWord(args, [
      "--extract",
      "--get",
      "--to-command",
      "--use-compress-program",
      "--checkpoint-action",
      "--info-script",
      "--new-volume-script",
      "--rsh-command",
    ])
  )
    return false;
  return letters.some((l) => /[ct]/.test(l)) || hasWord(args, ["--create", "--list"]);
}

/** cp that copies file contents (no -r/-a/-d/-P/-s/-l: those copy links as links or make them). */
function cpKnown(args: readonly string[]): boolean {
  const safeLong = [
    "--verbose",
    "--no-clobber",
    "--force",
    "--interactive",
    "--update",
    "--",
    "--dereference",
  ];
  for (const a of args) {
    if (a === "-" || !a.startsWith("-")) continue;
    if (a.startsWith("--")) {
      if (!safeLong.includes(a)) return false;
    } else if (!/^-[vnfpiuL]+$/.test(a)) return false;
  }
  return true;
}

/** awk with no way to run a command (system, pipes) and no program text from elsewhere. */
const awkKnown: Known = (args) =>
  !args.some((a) => /system|\||@/.test(a)) &&
  !hasWord(args, ["--file", "--source", "--exec", "--include", "--load"]) &&
  !hasLetter(args, /[feEil]/);

/** sed without e (execute) or w (write): --sandbox, or a line-range print script. */
function sedKnown(args: readonly string[]): boolean {
  if (args.includes("--sandbox")) return true;
  if (hasWord(args, ["--expression", "--file"]) || hasLetter(args, /[ef]/)) return false;
  const script = args.find((a) => !a.startsWith("-"));
  return script !== undefined && /^[0-9,$;p]+$/.test(script);
}

/** wget of single URLs: recursion (-r, -m) recreates a server's FTP symlinks; -e sets anything. */
const wgetKnown: Known = (args) =>
  !hasWord(args, ["--recursive", "--mirror", "--execute", "--input-file", "--config"]) &&
  !args.some((a) => /^-[A-Za-z]+$/.test(a) && !a.startsWith("-n") && /[rmeiK]/.test(a));

const versionOnly: Known = (args) =>
  args.length === 1 && ["--version", "-v", "-V"].includes(args[0] as string);

/**
 * Programs known not to create entries beyond the plain files and directories their operands
 * name (or to create none), with the forms that keep them so.
 */
const known: Record<string, Known> = {
  // No files at all, or read only.
  echo: always,
  printf: always,
  true: always,
  false: always,
  ":": always,
  pwd: always,
  cd: always,
  set: always,
  test: always,
  "[": always,
  sleep: always,
  date: always,
  which: always,
  cat: always,
  head: always,
  tail: always,
  wc: always,
  nl: always,
  grep: always,
  egrep: always,
  fgrep: always,
  cut: always,
  tr: always,
  uniq: always,
  diff: always,
  cmp: always,
  jq: always,
  bc: always,
  ls: always,
  tree: always,
  file: always,
  stat: always,
  du: always,
  df: always,
  basename: always,
  dirname: always,
  realpath: always,
  readlink: always,
  sha256sum: always,
  sha1sum: always,
  md5sum: always,
  // Plain files and directories named in the command, or removal.
  mkdir: always,
  touch: always,
  tee: always,
  rm: always,
  rmdir: always,
  chmod: always,
  curl: always,
  sort: (args) => !hasWord(args, ["--compress-program"]),
  rg: (args) => !hasWord(args, ["--pre"]),
  find: (args) => !args.some((a) => /^-(?:exec|execdir|ok|okdir)$/.test(a)),
  awk: awkKnown,
  gawk: awkKnown,
  mawk: awkKnown,
  nawk: awkKnown,
  sed: sedKnown,
  wget: wgetKnown,
  cp: cpKnown,
  tar: tarKnown,
  git: gitKnown,
  node: versionOnly,
  python: versionOnly,
  python3: versionOnly,
  npm: (args) => versionOnly(args) || ["ls", "list", "view", "v", "info"].includes(args[0] ?? ""),
};

/** Where the programs listed above live. */
const systemDirs = /^\/(?:usr\/)?bin\/[^/]+$/;

/**
 * Why `cmd` may create or rename entries the command text does not show (a symlink from a
 * repository or an archive, a directory renamed with its links), or undefined when its program
 * and form are known not to.
 */
export function mayPlantLinks(cmd: SimpleCommand): string | undefined {
  const word = cmd.argv[0]?.value ?? "";
  const program = basename(word);
  // ./git or ~/bin/tar is some other program under a known name.
  if (word.includes("/") && !systemDirs.test(word)) return `${word} is not a system program skillwall knows`;
  const args = cmd.argv.slice(1).map((w) => w.value);
  const check = Object.hasOwn(known, program) ? known[program] : undefined;
  if (check?.(args)) return undefined;
  if (program === "ln" || program === "link") return `${program} makes links`;
  if (program === "mv") return "mv renames entries, a directory with the links inside it";
  if (program === "cp") return "cp with these options copies symbolic links as links (or makes links)";
  if (program === "git") return "this git command writes working-tree files from the repository's content";
  if (program === "tar") return "tar extracts what the archive holds, symbolic links included";
  if (check) return `${program} in this form may create files or links the command does not name`;
  return `skillwall does not know that ${program} creates no symbolic links (archives, repositories, package installs and scripts can)`;
}
