// A copy of the environment handed to a child process is not a harvest (issue 14 false positive:
// `subprocess.run(cmd, env={**os.environ, "CUDA_VISIBLE_DEVICES": "0"})` in a script that also
// downloads data was read as "reads secrets and sends data over the network"). The copy is how a
// script sets one variable for a child: it stays on the machine when it only reaches the `env`
// argument of a process call, inline or through a variable used nowhere else (besides setting
// its keys). Any other use of the copy (a request body, json.dumps, a print) is still a harvest.

/** An environment copy: `{**os.environ, …}`, `dict(os.environ, …)`, `os.environ.copy()`, `{ ...process.env, … }`. */
const envCopy =
  /\{\s*\*\*(?:os\.)?environ\b[^{}]*\}|\bdict\s*\(\s*(?:os\.)?environ\b[^()]*\)|\b(?:os\.)?environ\.copy\s*\(\s*\)|\{\s*\.\.\.process\.env\b[^{}]*\}/;

/**
 * The copy as the `env` argument of a call: `run(cmd, env={**os.environ, …})`, `{ env: { ...process.env } }`,
 * or a line of a wrapped call (`    env={**os.environ},`); `env = {**os.environ}` alone is an assignment.
 */
const inlineChildEnv = new RegExp(
  `[(,{]\\s*env\\s*[=:]\\s*(?:${envCopy.source})|^\\s*env\\s*[=:]\\s*(?:${envCopy.source})\\s*[,)]`,
  "g",
);

/** `name = <copy>` (Python) or `const name = <copy>;` (JS), alone on its line. */
const assignedCopy = new RegExp(
  `^\\s*(?:(?:const|let|var)\\s+)?([A-Za-z_]\\w{0,40})\\s*=\\s*(?:${envCopy.source})\\s*;?\\s*$`,
);

/** What is left of an environment read once the child-env copies are taken out. */
const anyEnvRead =
  /\b(?:os\.)?environ\b(?!\s*(?:\.get\s*\(\s*["']|\[\s*["']))|\bprocess\.env\b(?!\s*(?:\.\w|\[\s*["'`]))/;

/**
 * Whether the environment read on `line` is a copy that only reaches child processes: the copy
 * is the `env` argument of a call on this line, or is assigned to a variable that the file uses
 * only as `env=name` / `env: name` and to set its keys (`name["X"] = …`, `name.update(…)`).
 */
export function childEnvOnly(fileText: string, line: string): boolean {
  const rest = line.replace(inlineChildEnv, "");
  if (rest !== line) return !anyEnvRead.test(rest);
  const name = assignedCopy.exec(line)?.[1];
  if (name === undefined) return false;
  // `name` is a word of at most 41 word characters: safe inside a RegExp.
  const mention = new RegExp(`\\b${name}\\b`);
  const allowedUses = new RegExp(
    `\\benv\\s*[=:]\\s*${name}\\b|^\\s*${name}\\s*\\[[^\\]\\n]{1,80}\\]\\s*=(?!=)|^\\s*${name}\\.(?:update|setdefault|pop)\\s*\\(`,
    "g",
  );
  let passedToChild = false;
  for (const l of fileText.split("\n")) {
    // Comment lines (a `#!/usr/bin/env python3` shebang) use nothing.
    if (l === line || /^\s*(?:#|\/\/)/.test(l) || !mention.test(l)) continue;
    if (/\benv\s*[=:]\s*/.test(l) && new RegExp(`\\benv\\s*[=:]\\s*${name}\\b`).test(l)) passedToChild = true;
    if (mention.test(l.replace(allowedUses, ""))) return false;
  }
  return passedToChild;
}
