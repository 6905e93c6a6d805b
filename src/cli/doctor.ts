// skillwall doctor: Docker, image, seccomp and runtime status, each with the fix when it fails.
// skillwall doctor --openclaw [CONFIG]: what an OpenClaw config leaves unprotected, with the fix.

import { existsSync } from "node:fs";
import { homedir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { Option, type Command } from "commander";
import {
  checkOpenClawConfig,
  readOpenClawConfig,
  resolveOpenClawConfigPath,
  type OpenClawReport,
} from "../doctor/openclaw-config.js";
import { DockerClient } from "../run/docker.js";
import { runDoctor } from "../run/doctor.js";
import type { CliContext } from "./context.js";
import { exitCodes } from "./io.js";

export function registerDoctor(program: Command, ctx: CliContext): void {
  program
    .command("doctor")
    .description(
      "check that the sandbox works here: Docker, seccomp, runtime, step image, a hardened container; with --openclaw, what an OpenClaw config leaves unprotected",
    )
    .addOption(new Option("-f, --format <format>", "output format").choices(["text", "json"]).default("text"))
    .option(
      "--openclaw [config]",
      "check an OpenClaw config instead (default: $OPENCLAW_CONFIG_PATH, else $OPENCLAW_STATE_DIR/openclaw.json, else ~/.openclaw/openclaw.json)",
    )
    .action(async (opts: { format: "text" | "json"; openclaw?: string | boolean }) => {
      if (opts.openclaw !== undefined && opts.openclaw !== false) {
        openclawDoctor(ctx, opts.openclaw === true ? undefined : opts.openclaw, opts.format);
        return;
      }
      const checks = await runDoctor(new DockerClient());
      if (opts.format === "json") ctx.io.stdout.write(`${JSON.stringify({ version: 1, checks }, null, 2)}\n`);
      else {
        for (const c of checks) {
          ctx.io.stdout.write(
            `${c.ok ? "ok  " : "FAIL"}  ${c.name}: ${c.detail}\n${c.fix ? `      fix: ${c.fix}\n` : ""}`,
          );
        }
      }
      ctx.exitCode = checks.every((c) => c.ok) ? exitCodes.ok : exitCodes.flagged;
    });
}

function openclawDoctor(ctx: CliContext, given: string | undefined, format: "text" | "json"): void {
  const env = ctx.io.env;
  const home = env.OPENCLAW_HOME?.trim() || env.HOME?.trim() || homedir();
  const configPath =
    given !== undefined ? path.resolve(ctx.io.cwd, given) : resolveOpenClawConfigPath(env, homedir());
  const { config, missing } = readOpenClawConfig(configPath);
  const stateDir = env.OPENCLAW_STATE_DIR?.trim()
    ? path.resolve(env.OPENCLAW_STATE_DIR.trim().replace(/^~(?=$|\/)/, home))
    : path.join(home, ".openclaw");
  const report = checkOpenClawConfig(config, {
    configPath,
    missing,
    stateDir,
    home,
    skillwallRoot: packageRoot(),
  });
  if (format === "json") ctx.io.stdout.write(`${JSON.stringify({ version: 1, ...report }, null, 2)}\n`);
  else ctx.io.stdout.write(renderText(report));
  ctx.exitCode = report.findings.some((f) => f.level === "unprotected") ? exitCodes.flagged : exitCodes.ok;
}

/** The skillwall package folder (src/cli or dist/src/cli sit below it). */
function packageRoot(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  while (!existsSync(path.join(dir, "package.json")) && path.dirname(dir) !== dir) dir = path.dirname(dir);
  return dir;
}

function renderText(report: OpenClawReport): string {
  const label = { unprotected: "UNPROTECTED", warning: "warning    ", ok: "ok         " } as const;
  const lines = [
    `OpenClaw config: ${report.configPath}${report.missing ? " (missing: OpenClaw's defaults apply)" : ""}`,
  ];
  for (const f of report.findings) {
    lines.push(`${label[f.level]}  ${f.id}: ${f.message}`);
    if (f.fix) lines.push(`             fix: ${f.fix}`);
  }
  const n = report.findings.filter((f) => f.level === "unprotected").length;
  lines.push(n === 0 ? "nothing left unprotected that this check knows of" : `${n} unprotected`);
  return `${lines.join("\n")}\n`;
}
