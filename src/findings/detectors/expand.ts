// Opens up nested command text before the other detectors run: `sh -c "…"` strings and encoded
// payloads (base64 incl. macOS -D, hex, $'…' via the reader, rev, base85/ascii85). Decoded text
// is read as a new shell source, and expanded again up to limits.maxDecodeDepth.

import { limits } from "../../limits.js";
import type { DetectContext, ShellSource } from "../context.js";
import {
  decodeAscii85,
  decodeBase64,
  decodeBase85,
  decodeHex,
  findEncoded,
  type Encoding,
} from "../decode.js";
import { embeddedShell } from "../embedded.js";
import type { LiteCommand } from "../shell-lite.js";
import {
  baseName,
  cmdText,
  fetchers,
  isShellOrInterpreter,
  nameOf,
  pipelineOf,
  pipelineText,
  readsStdin,
  reportAt,
  shells,
  unwrap,
} from "../util.js";

/** Decoder stages and what they undo. */
function decoderOf(cmd: LiteCommand): Encoding | undefined {
  const { argv } = unwrap(cmd.argv);
  const name = nameOf(cmd);
  const args = argv.slice(1);
  if (
    (name === "base64" || name === "gbase64" || name === "b64") &&
    args.some((a) => /^-(?:d|D|-decode)$/.test(a) || /^-[a-zA-Z]*[dD]/.test(a))
  )
    return "base64";
  if (name === "openssl" && args.some((a) => /base64|^-a$/.test(a)) && args.includes("-d")) return "base64";
  if (name === "xxd" && args.some((a) => /^-r/.test(a))) return "hex";
  if (name === "rev") return "reversed";
  return undefined;
}

function decode(encoding: Encoding, text: string): string | undefined {
  const t = text.trim();
  switch (encoding) {
    case "base64":
      return decodeBase64(t);
    case "hex":
      return decodeHex(t);
    case "reversed":
      return [...t].reverse().join("");
    case "base85":
      return decodeBase85(t);
    case "ascii85":
      return decodeAscii85(t);
    case "unicode-tags":
    case "percent":
      return undefined;
  }
}

/** Text fed into the first stage of a pipeline: echo/printf arguments or a here-string. */
function literalInput(cmd: LiteCommand): string | undefined {
  const { argv } = unwrap(cmd.argv);
  const name = nameOf(cmd);
  if (name === "echo" || name === "printf") {
    let args = argv.slice(1).filter((a) => !/^-[neE]+$/.test(a));
    // printf '%s' DATA: the format only passes the data through.
    if (name === "printf" && args.length > 1 && /^(?:%s|%b)(?:\\n)?$/.test(args[0] ?? ""))
      args = args.slice(1);
    return args.join(" ");
  }
  if (cmd.stdinText !== undefined) return cmd.stdinText;
  return undefined;
}

function executesDecoded(
  ctx: DetectContext,
  src: ShellSource,
  pipe: readonly LiteCommand[],
  decoderIndex: number,
): boolean {
  for (const c of pipe.slice(decoderIndex + 1)) {
    const name = nameOf(c);
    if (isShellOrInterpreter(name) && readsStdin(unwrap(c.argv).argv)) return true;
    if (name === "source" || name === ".") return true;
  }
  // Decoded into a variable and evaluated in the same text or one of the next statements.
  const first = pipe[0];
  if (first && first.context === "command-substitution") {
    return ctx.shell.some(
      (s) =>
        s.file === src.file &&
        s.depth === src.depth &&
        s.order >= src.order &&
        s.order <= src.order + 8 &&
        s.commands.some((c) => isEvalLike(c)),
    );
  }
  return false;
}

export function isEvalLike(c: LiteCommand): boolean {
  const { argv } = unwrap(c.argv);
  const name = nameOf(c);
  if (name === "eval") return true;
  if (shells.has(name) && argv.includes("-c")) {
    const body = argv[argv.indexOf("-c") + 1] ?? "";
    return /\$\{?\w|\$\(|`/.test(body);
  }
  // python3 -c "$V" / node -e "$V": the variable's text is the program.
  if (/^(?:python[\d.]*|node|nodejs|perl|ruby|php)$/.test(name)) {
    const ci = argv.findIndex((a) => a === "-c" || a === "-e");
    return ci >= 0 && /^\$\{?\w+\}?$/.test(argv[ci + 1] ?? "");
  }
  return false;
}

export function expand(ctx: DetectContext): void {
  for (let i = 0; i < ctx.shell.length; i++) {
    const src = ctx.shell[i] as ShellSource;
    if (src.depth > limits.maxDecodeDepth) continue;
    const decodedHere = new Set<string>();
    for (const cmd of src.commands) {
      const { argv } = unwrap(cmd.argv);
      const name = nameOf(cmd);
      // sh -c "…": the string is shell text of its own.
      if (shells.has(name)) {
        const ci = argv.findIndex((a) => a === "-c" || /^-[a-z]*c$/.test(a));
        const body = ci >= 0 ? argv[ci + 1] : undefined;
        if (body !== undefined && body.trim() !== "" && body !== src.text)
          ctx.addNested(src, body, cmd.start, "interpreter-string");
      }
      // python -c / node -e: shell commands inside os.system, subprocess, execSync, hook writes.
      if (/^(?:python[\d.]*|node|nodejs|deno|bun)$/.test(name)) {
        const ci = argv.findIndex((a) => a === "-c" || a === "-e" || a === "--eval" || a === "-p");
        const body = ci >= 0 ? argv[ci + 1] : cmd.stdinText;
        if (body !== undefined && body.length >= 10)
          for (const e of embeddedShell(body)) ctx.addNested(src, e.text, cmd.start, "embedded-code");
      }
      const enc = decoderOf(cmd);
      if (enc === undefined || cmd.pipeIndex === 0) continue;
      const pipe = pipelineOf(src, cmd);
      const input = pipe[0] ? literalInput(pipe[0]) : undefined;
      if (input === undefined) continue;
      const decoded = decode(enc, input);
      if (decoded === undefined || decoded.trim() === "") continue;
      decodedHere.add(input.trim());
      const pipeText = pipelineText(src, pipe);
      if (executesDecoded(ctx, src, pipe, cmd.pipeIndex)) {
        reportAt(
          ctx,
          src,
          cmd.start,
          "rce.decoded-exec",
          "critical",
          `A ${enc}-encoded command is decoded and executed, hiding what actually runs.`,
          pipeText,
        );
        // The finding above already shows the pipeline; attach the decoded text.
        const last = ctx.findings[ctx.findings.length - 1];
        if (last && last.id === "rce.decoded-exec" && last.decoded === undefined) last.decoded = decoded;
      }
      const feedsNetwork = pipe
        .slice(cmd.pipeIndex + 1)
        .some((c) => fetchers.has(nameOf(c)) || c.argv.some((w) => fetchers.has(baseName(w))));
      if (feedsNetwork && !executesDecoded(ctx, src, pipe, cmd.pipeIndex)) {
        reportAt(
          ctx,
          src,
          cmd.start,
          "obfuscation.encoded-payload",
          "high",
          `A ${enc}-encoded value is decoded and handed to a network command, hiding where data goes.`,
          pipeText,
        );
        const last = ctx.findings[ctx.findings.length - 1];
        if (last && last.id === "obfuscation.encoded-payload" && last.decoded === undefined)
          last.decoded = decoded;
      }
      ctx.addNested(src, decoded, cmd.start, "decoded", { text: pipeText, encoding: enc });
    }
    // Encoded literals anywhere else in the text (assigned to variables, passed to eval, in python -c).
    if (src.depth >= limits.maxDecodeDepth) continue;
    for (const e of findEncoded(src.text)) {
      if (decodedHere.has(e.encoded)) continue;
      ctx.addNested(src, e.decoded, e.start, "decoded", { text: e.encoded, encoding: e.encoding });
    }
    void cmdText;
  }
}
