// skillwall openclaw install-policy [--policy P]: OpenClaw's security.installPolicy command
// (protocol v1). Reads one request on stdin, writes one decision on stdout. Any internal error
// exits non-zero with the reason on stderr, which OpenClaw treats as a block.

import type { Command } from "commander";
import { InputError } from "../errors.js";
import { decideInstall, parseInstallRequest } from "../gate/install-policy.js";
import { limits } from "../limits.js";
import { loadPolicy } from "../policy/load.js";
import type { CliContext } from "./context.js";
import { exitCodes } from "./io.js";

export function registerOpenClaw(program: Command, ctx: CliContext): void {
  const oc = program.command("openclaw").description("OpenClaw integration commands");
  oc.command("install-policy")
    .description("answer OpenClaw's install policy protocol v1 (JSON request on stdin, decision on stdout)")
    .option("-p, --policy <name|file>", "shipped policy name or policy file", "default")
    .action(async (opts: { policy: string }) => {
      const text = await readLimited(ctx.io.stdin, limits.maxInstallRequestBytes);
      const request = parseInstallRequest(text);
      const policy = await loadPolicy(opts.policy, { cwd: ctx.io.cwd });
      const decision = await decideInstall(request, policy);
      ctx.io.stdout.write(JSON.stringify(decision) + "\n");
      ctx.exitCode = exitCodes.ok;
    });
}

async function readLimited(stream: NodeJS.ReadableStream, max: number): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of stream) {
    const b = typeof chunk === "string" ? Buffer.from(chunk) : (chunk as Buffer);
    size += b.length;
    if (size > max)
      throw new InputError("install-request-size", `the install policy request is over ${max} bytes`);
    chunks.push(b);
  }
  return Buffer.concat(chunks).toString("utf8");
}
