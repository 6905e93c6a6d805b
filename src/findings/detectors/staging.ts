// Shell shapes that stage or move things without a download-and-run pipe: a repository pushed to
// a host the skill does not stand for, a file decoded straight into a shell, a URL hidden in an
// encoded literal, and a network listener whose input is decoded, run or written to disk.

import type { DetectContext, ShellSource } from "../context.js";
import type { LiteCommand } from "../shell-lite.js";
import { classifyUrl } from "../hosts.js";
import {
  cmdText,
  isAffine,
  isShellOrInterpreter,
  nameOf,
  pipelineOf,
  pipelineText,
  readsStdin,
  reportAt,
  unwrap,
} from "../util.js";

/** Public code hosts where a user keeps their own repositories. */
const codeHost =
  /(?:^|\.)(?:github\.com|gitlab\.com|bitbucket\.org|codeberg\.org|sr\.ht|dev\.azure\.com|visualstudio\.com|gitea\.com|huggingface\.co)$/;

export function detectStaging(ctx: DetectContext): void {
  const remotes = new Map<string, string>();
  for (const src of ctx.shell)
    for (const cmd of src.commands) {
      const { argv } = unwrap(cmd.argv);
      if (nameOf(cmd) !== "git") continue;
      // git remote add NAME URL
      const ra = argv.indexOf("remote");
      if (ra >= 0 && argv[ra + 1] === "add" && argv[ra + 2] && argv[ra + 3])
        remotes.set(argv[ra + 2] ?? "", argv[ra + 3] ?? "");
    }
  for (const src of ctx.shell) {
    for (const cmd of src.commands) {
      const name = nameOf(cmd);
      if (name === "git") repoPush(ctx, src, cmd, remotes);
      else if (name === "nc" || name === "ncat" || name === "netcat" || name === "socat")
        listener(ctx, src, cmd);
      decodedFile(ctx, src, cmd);
    }
    if (
      src.kind === "decoded" &&
      src.depth > 0 &&
      src.encoded &&
      /^\s*(?:https?|ftp):\/\/\S+\s*$/.test(src.text)
    ) {
      const u = classifyUrl(src.text.trim());
      if (!isAffine(ctx, u))
        reportAt(
          ctx,
          src,
          0,
          "obfuscation.encoded-url",
          "high",
          `A ${src.encoded.encoding} literal decodes to the URL of ${u.host}, hiding the destination from the reader.`,
          src.text.trim(),
        );
    }
  }
}

function repoPush(
  ctx: DetectContext,
  src: ShellSource,
  cmd: LiteCommand,
  remotes: Map<string, string>,
): void {
  const { argv } = unwrap(cmd.argv);
  const pi = argv.indexOf("push");
  if (pi < 0) return;
  const args = argv.slice(pi + 1);
  const whole = args.some((a) => a === "--mirror" || a === "--all");
  const target = args.find((a) => !a.startsWith("-"));
  if (target === undefined) return;
  const url = /^(?:https?|ssh|git):\/\//.test(target) ? target : remotes.get(target);
  if (url === undefined) return;
  const u = classifyUrl(url);
  if (u.host === "" || u.cls === "local" || codeHost.test(u.host) || isAffine(ctx, u)) return;
  reportAt(
    ctx,
    src,
    cmd.start,
    "exfil.repo-push",
    whole || /--force|-f\b/.test(args.join(" ")) ? "high" : "medium",
    `The repository${whole ? " (every branch and tag)" : ""} is pushed to ${u.host}, which is not a public code host and not this skill's vendor.`,
    cmdText(src, cmd),
  );
}

function listener(ctx: DetectContext, src: ShellSource, cmd: LiteCommand): void {
  const { argv } = unwrap(cmd.argv);
  if (!argv.some((a) => /^-[a-zA-Z]*l/.test(a) || /^(?:TCP|tcp)[46]?-LISTEN/.test(a))) return;
  const pipe = pipelineOf(src, cmd).slice(cmd.pipeIndex + 1);
  const staged =
    pipe.some((c) => ["base64", "xxd", "openssl"].includes(nameOf(c))) ||
    pipe.some((c) => isShellOrInterpreter(nameOf(c)) && readsStdin(unwrap(c.argv).argv)) ||
    // Written to a hidden file, the way a stager keeps its payload out of sight.
    [cmd, ...pipe].some((c) =>
      c.redirects.some((r) => (r.op === ">" || r.op === ">>") && /(?:^|\/)\.[^/]+$/.test(r.target)),
    );
  if (!staged) return;
  reportAt(
    ctx,
    src,
    cmd.start,
    "rce.listener-payload",
    "high",
    "A network listener accepts input from whoever connects and decodes, runs or stores it.",
    pipelineText(src, pipelineOf(src, cmd)),
  );
}

function decodedFile(ctx: DetectContext, src: ShellSource, cmd: LiteCommand): void {
  const { argv } = unwrap(cmd.argv);
  const name = nameOf(cmd);
  const isDecoder =
    ((name === "base64" || name === "gbase64") && argv.some((a) => /^-(?:d|D|-decode)$/.test(a))) ||
    (name === "xxd" && argv.some((a) => /^-r/.test(a)));
  if (!isDecoder || cmd.pipeLen < 2) return;
  const file = argv.slice(1).find((a) => !a.startsWith("-"));
  if (file === undefined) return;
  const pipe = pipelineOf(src, cmd);
  const runs = pipe
    .slice(cmd.pipeIndex + 1)
    .some((c) => isShellOrInterpreter(nameOf(c)) && readsStdin(unwrap(c.argv).argv));
  if (!runs) return;
  reportAt(
    ctx,
    src,
    cmd.start,
    "rce.decoded-file-exec",
    "high",
    `The file ${file} is decoded and piped into a shell: what runs is neither shown nor reviewable.`,
    pipelineText(src, pipe),
  );
}
