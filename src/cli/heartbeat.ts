// skillwall heartbeat | review | approve | reject | status: the unattended routine and the
// decisions a person makes about changes it held.

import type { Command } from "commander";
import { Option } from "commander";
import { SkillwallError } from "../errors.js";
import { renderDiff } from "../heartbeat/diff.js";
import { approvePending, rejectPending, type HomeHeartbeatReport } from "../heartbeat/heartbeat.js";
import { realDeps } from "../heartbeat/real-deps.js";
import { parseDuration, scheduleOptions } from "../heartbeat/schedule.js";
import { readState } from "../heartbeat/state.js";
import { superviseHomes } from "../heartbeat/supervise.js";
import { loadPolicy } from "../policy/load.js";
import type { Policy } from "../policy/types.js";
import { readLockfile } from "../remote/lockfile.js";
import { initShell } from "../shell/index.js";
import { scanSkillInput } from "../scan/scan-skill.js";
import type { CliContext } from "./context.js";
import { agentHomeOf } from "./install.js";
import { egressOptions } from "./sandbox-shared.js";
import { exitCodes, type CliIO } from "./io.js";

interface HomeOptions {
  agentHome?: string;
  policy?: string;
}

/** The policy given, else the one the home's skills were installed under. */
async function policyFor(io: CliIO, home: string, given: string | undefined): Promise<Policy> {
  if (given !== undefined) return loadPolicy(given, { cwd: io.cwd });
  const lock = await readLockfile(home);
  const names = [...new Set(Object.values(lock.skills).map((s) => s.policy.name))];
  if (names.length !== 1) {
    throw new SkillwallError(
      "policy-required",
      `cannot tell which policy to use for ${home} (${names.length === 0 ? "nothing installed" : names.join(", ")})`,
      {
        fix: "pass --policy NAME|FILE",
      },
    );
  }
  return loadPolicy(names[0]!, { cwd: io.cwd });
}

const collect = (value: string, previous: string[] = []): string[] => [...previous, value];

export function registerHeartbeat(program: Command, ctx: CliContext): void {
  program
    .command("heartbeat")
    .description("re-fetch installed skills; run approved steps while unchanged, hold changes for review")
    .option("--once", "check every skill once now and exit")
    .option("--every <duration>", "interval between heartbeats", "4h")
    .option("--jitter <duration>", "random delay added to each interval", "10m")
    .option("--agent-home <dir>", "agent home to serve (repeat for several)", collect)
    .option("-p, --policy <name|file>", "policy (default: the one the skills were installed under)")
    .option("--concurrency <n>", "heartbeats running at the same time", "2")
    .option(
      "--ca-file <file>",
      "extra trusted CA certificates (PEM): for skillwall's own fetches and the steps' HTTPS",
    )
    .action(
      async (opts: {
        once?: boolean;
        every: string;
        jitter: string;
        agentHome?: string[];
        policy?: string;
        concurrency: string;
        caFile?: string;
      }) => {
        const { io } = ctx;
        const homes = (opts.agentHome ?? [undefined]).map((h) => agentHomeOf(io, h));
        const schedule = scheduleOptions(parseDuration(opts.every), parseDuration(opts.jitter));
        const policy = await policyFor(io, homes[0]!, opts.policy);
        const deps = await realDeps({ policy, egress: egressOptions(io, opts.caFile) });
        const stop = new AbortController();
        const onSignal = (): void => stop.abort();
        process.once("SIGTERM", onSignal);
        process.once("SIGINT", onSignal);
        let flagged = false;
        const print = (r: HomeHeartbeatReport): void => {
          for (const s of r.skills) {
            if (s.result !== "unchanged" && s.result !== "auto-approved") flagged = true;
            io.stdout.write(`${new Date().toISOString()} ${s.skill}: ${s.result}: ${s.message}\n`);
          }
        };
        try {
          await superviseHomes({
            homes,
            policy,
            deps,
            schedule,
            once: opts.once === true,
            concurrency: Math.max(1, Number(opts.concurrency) || 2),
            stop: stop.signal,
            onReport: print,
            onError: (home, err) =>
              io.stderr.write(`skillwall: heartbeat ${home}: ${(err as Error).message}\n`),
          });
        } finally {
          process.off("SIGTERM", onSignal);
          process.off("SIGINT", onSignal);
          await deps.close();
        }
        ctx.exitCode = flagged ? exitCodes.flagged : exitCodes.ok;
      },
    );
}

export function registerReview(program: Command, ctx: CliContext): void {
  program
    .command("review")
    .description("show the held change of a skill as a step-level diff")
    .argument("<skill>")
    .option(
      "--agent-home <dir>",
      "the agent home the skill is installed in (default: ~/.local/share/skillwall/agent-home)",
    )
    .action(async (skill: string, opts: HomeOptions) => {
      const home = agentHomeOf(ctx.io, opts.agentHome);
      const st = (await readState(home)).skills[skill];
      if (st?.pending === undefined) {
        ctx.io.stdout.write(`${skill}: nothing pending review\n`);
        ctx.exitCode = exitCodes.ok;
        return;
      }
      const p = st.pending;
      ctx.io.stdout.write(
        `${skill}: change detected ${p.detectedAt}, verdict ${p.verdict}, ${p.newFindings.length} new finding(s)\n`,
      );
      for (const f of p.files)
        ctx.io.stdout.write(
          `  ${f.path}: ${f.approvedSha256?.slice(0, 12) ?? "(new)"} → ${f.sha256.slice(0, 12)} (${f.size} bytes)\n`,
        );
      for (const d of p.diffs) ctx.io.stdout.write(`${renderDiff(d)}\n`);
      ctx.io.stdout.write(
        `approve with: skillwall approve ${skill}    reject with: skillwall reject ${skill}\n`,
      );
      ctx.exitCode = exitCodes.flagged;
    });
}

export function registerApprove(program: Command, ctx: CliContext): void {
  program
    .command("approve")
    .description(
      "approve a skill's held change: pin it and approve its allowed and review steps (never denied ones)",
    )
    .argument("<skill>")
    .option(
      "--agent-home <dir>",
      "the agent home the skill is installed in (default: ~/.local/share/skillwall/agent-home)",
    )
    .option(
      "-p, --policy <name|file>",
      "policy to judge the change under (default: the one the skill was installed with)",
    )
    .action(async (skill: string, opts: HomeOptions) => {
      const home = agentHomeOf(ctx.io, opts.agentHome);
      const policy = await policyFor(ctx.io, home, opts.policy);
      await initShell();
      const locked = await approvePending({
        home,
        skill,
        policy,
        deps: { scan: scanSkillInput },
        by: "user",
      });
      ctx.io.stdout.write(`${skill}: approved; ${locked.approvedSteps.length} step(s) approved\n`);
      ctx.exitCode = exitCodes.ok;
    });
}

export function registerReject(program: Command, ctx: CliContext): void {
  program
    .command("reject")
    .description("reject a skill's held change; the approved version stays pinned")
    .argument("<skill>")
    .option(
      "--agent-home <dir>",
      "the agent home the skill is installed in (default: ~/.local/share/skillwall/agent-home)",
    )
    .action(async (skill: string, opts: HomeOptions) => {
      await rejectPending({ home: agentHomeOf(ctx.io, opts.agentHome), skill });
      ctx.io.stdout.write(`${skill}: rejected; the approved version stays pinned\n`);
      ctx.exitCode = exitCodes.ok;
    });
}

export function registerStatus(program: Command, ctx: CliContext): void {
  program
    .command("status")
    .description("each skill's pin, last heartbeat, result, pending review and next run")
    .option(
      "--agent-home <dir>",
      "the agent home the skill is installed in (default: ~/.local/share/skillwall/agent-home)",
    )
    .addOption(new Option("-f, --format <format>", "output format").choices(["text", "json"]).default("text"))
    .action(async (opts: HomeOptions & { format: "text" | "json" }) => {
      const home = agentHomeOf(ctx.io, opts.agentHome);
      const lock = await readLockfile(home);
      const state = await readState(home);
      const rows = Object.values(lock.skills).map((s) => {
        const st = state.skills[s.name];
        return {
          skill: s.name,
          source: s.source,
          policy: s.policy.name,
          files: s.files.map((f) => ({ path: f.path, sha256: f.sha256, size: f.size })),
          lastCheck: st?.lastCheck ?? null,
          lastResult: st?.lastResult ?? null,
          lastMessage: st?.lastMessage ?? null,
          lastRun: st?.lastRun ?? null,
          pendingReview: st?.pending
            ? {
                detectedAt: st.pending.detectedAt,
                verdict: st.pending.verdict,
                files: st.pending.files.map((f) => f.path),
              }
            : null,
          failures: st?.failures ?? 0,
          nextRun: st?.nextRun ?? null,
        };
      });
      if (opts.format === "json")
        ctx.io.stdout.write(`${JSON.stringify({ version: 1, home, skills: rows }, null, 2)}\n`);
      else {
        if (rows.length === 0) ctx.io.stdout.write(`no skills installed in ${home}\n`);
        for (const r of rows) {
          const pin = r.files.map((f) => `${f.path}@${f.sha256.slice(0, 12)}`).join(" ");
          ctx.io.stdout.write(
            `${r.skill}  ${pin}\n  last: ${r.lastCheck ?? "never"} ${r.lastResult ?? ""}  next: ${r.nextRun ?? "due"}` +
              `${r.pendingReview ? `\n  PENDING REVIEW since ${r.pendingReview.detectedAt} (${r.pendingReview.files.join(", ")}): skillwall review ${r.skill}` : ""}\n`,
          );
        }
      }
      ctx.exitCode = rows.some((r) => r.pendingReview !== null) ? exitCodes.flagged : exitCodes.ok;
    });
}
