// Programs that need special care whatever a policy says: wrappers run their arguments as a
// command, interpreters run code given inline or on stdin.

const wrappers = new Set([
  "env",
  "xargs",
  "timeout",
  "nice",
  "nohup",
  "sudo",
  "doas",
  "su",
  "runuser",
  "busybox",
  "toybox",
  "eval",
  "source",
  ".",
  "exec",
  "command",
  "builtin",
  "stdbuf",
  "setsid",
  "chroot",
  "unshare",
  "nsenter",
  "flock",
  "watch",
  "strace",
  "ltrace",
  "time",
  "ionice",
  "chrt",
  "taskset",
  "script",
  "parallel",
  "fakeroot",
  "proot",
  "firejail",
  "start-stop-daemon",
  "at",
  "batch",
  "trap",
]);

const interpreterNames =
  /^(sh|bash|rbash|zsh|dash|ksh|mksh|fish|csh|tcsh|ash|yash|python[0-9.]*|pypy[0-9.]*|node|nodejs|deno|bun|perl[0-9.]*|ruby[0-9.]*|irb|php[0-9.]*|osascript|lua[0-9.]*|luajit|tclsh[0-9.]*|wish|expect|Rscript|R|julia|pwsh|powershell)$/;

/** Options that make an interpreter run inline code. */
export const inlineCodeOptions = new Set([
  "-c",
  "-e",
  "-E",
  "--eval",
  "-p",
  "--print",
  "-r",
  "--command",
  "-x",
]);

export function basename(program: string): string {
  const slash = program.lastIndexOf("/");
  return slash < 0 ? program : program.slice(slash + 1);
}

export function isWrapper(program: string): boolean {
  return wrappers.has(basename(program));
}

export function isInterpreter(program: string): boolean {
  return interpreterNames.test(basename(program));
}
