// Fail closed on what cannot be read: a step that runs, installs or unpacks a file the skill ships
// as a binary, an archive or compiled code (`./bin/helper`, `unzip tools.zip`, `java -jar x.jar`,
// `python helper.pyc`, `pip install ./vendor/x.whl`). The review reads text; what is inside
// such a file is not analysed, so running it is reported high with that reason, never passed.

import type { DetectContext } from "../context.js";
import { literalVariables, substitute } from "../shell-vars.js";
import { baseName, unwrap } from "../util.js";

/** Files whose content the review cannot read: archives, compiled code, executables, installers. */
const opaqueExt =
  /\.(?:zip|tar|tgz|tar\.gz|tar\.bz2|tar\.xz|txz|gz|bz2|xz|7z|rar|exe|dll|so|dylib|jar|war|pyc|pyo|bin|dmg|pkg|msi|appimage|deb|rpm|whl|egg|node|wasm|apk|ipa)$/i;
const runners = new Set([
  "bash",
  "sh",
  "zsh",
  "python",
  "python3",
  "node",
  "ruby",
  "perl",
  "wine",
  "mono",
  "dotnet",
]);
/** Commands that execute, install or unpack their file operand. */
const unpackers = new Set([
  "unzip",
  "tar",
  "7z",
  "7za",
  "unrar",
  "gunzip",
  "bunzip2",
  "xz",
  "dpkg",
  "rpm",
  "hdiutil",
  "installer",
  "msiexec",
]);

export function detectOpaqueRun(ctx: DetectContext): void {
  const bundled = ctx.model.bundled;
  if (bundled.length === 0) return;
  const byPath = new Map(bundled.map((b) => [b.path.replace(/^\.\//, ""), b]));
  const byBase = new Map(bundled.map((b) => [baseName(b.path), b]));
  const reported = new Set<string>();
  let vars: Map<string, string> | undefined;
  for (const src of ctx.shell) {
    if (src.depth > 0 || src.file !== ctx.model.file || src.quoted) continue;
    for (const cmd of src.commands) {
      const { argv } = unwrap(cmd.argv);
      const name = argv[0] ?? "";
      const base = baseName(name);
      const operands = argv.slice(1).filter((a) => !a.startsWith("-"));
      let target: string | undefined;
      let how = "runs";
      if (/^\.{0,2}\/|^[\w.-]+\/[\w./-]+$|^\{baseDir\}\/|^\$\{\w+\}$/.test(name) && !/^~/.test(name))
        target = name;
      else if (runners.has(base) || (base === "java" && argv.includes("-jar"))) target = operands[0];
      else if (unpackers.has(base)) {
        how = "unpacks or installs";
        target = operands.find((a) => opaqueExt.test(a));
      } else if ((base === "pip" || base === "pip3" || base === "uv") && argv.includes("install")) {
        how = "installs";
        target = operands.find((a) => opaqueExt.test(a));
      } else if (base === "chmod" && argv.some((a) => /^(?:\+x|[0-7]*[1357][0-7]{0,2}|u\+x|a\+x)$/.test(a))) {
        how = "makes executable";
        target = operands.find((a) => !/^(?:\+x|[0-7]+|[ugoa]*\+x)$/.test(a));
      }
      // A path held in a variable the skill sets (`B="{baseDir}/bin/x"; "$B"`) is read back.
      if (target?.includes("$")) target = substitute(target, (vars ??= literalVariables(ctx)));
      target = target?.replace(/^(?:\{baseDir\}|\$\{?baseDir\}?)\//, "");
      if (target === undefined || target.includes("$") || /^[~/]/.test(target)) continue;
      const rel = target.replace(/^\.\//, "");
      const file = byPath.get(rel) ?? byBase.get(baseName(rel));
      if (!file || reported.has(file.path)) continue;
      if (file.type !== "binary" && !opaqueExt.test(file.path)) continue;
      reported.add(file.path);
      const pos = src.at(cmd.start);
      ctx.report({
        id: "obfuscation.opaque-run",
        severity: "high",
        file: src.file,
        line: pos.line,
        column: pos.column,
        message: `Cannot be analysed: the step ${how} ${file.path}, a binary or archive the skill ships, whose content the review cannot read.`,
        evidence: src.text.slice(cmd.start, cmd.end).trim().slice(0, 300),
      });
    }
  }
}
