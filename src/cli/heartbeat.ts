// skillwall heartbeat | review | approve | reject | status: the unattended routine and the
// decisions a person makes about changes it held.

import type { Command } from "commander";
import { Option } from "commander";
import { SkillwallError } from "../errors.js";
import {
  approvePending,
  overrideReasons,
  rejectPending,
  type HomeHeartbeatReport,
} from "../heartbeat/heartbeat.js";
import { agentTurnArgv, runAgentTurn } from "../heartbeat/agent-turn.js";
import { realDeps } from "../heartbeat/real-deps.js";
import { renderReview } from "../heartbeat/review.js";
import { parseDuration, scheduleOptions } from "../heartbeat/schedule.js";
import { readState } from "../heartbeat/state.js";
import { superviseHomes } from "../heartbeat/supervise.js";
import { loadPolicy } from "../policy/load.js";
import type { Policy } from "../policy/types.js";
import { readLockfile } from "../remote/lockfile.js";
import { skillWorkspace } from "../remote/paths.js";
import { DockerClient } from "../run/docker.js";
import type { EgressOptions } from "../run/egress-step.js";
import { requireStepImage } from "../run/image.js";
import { initShell } from "../shell/index.js";
import { scanSkillInput } from "../scan/scan-skill.js";
import { confirmByTyping } from "./confirm.js";
import type { CliContext } from "./context.js";
import { agentHomeOf } from "./install.js";
import { agentHomeOption, caFileOption, policyOption, stateDirOption } from "./options.js";
import { egressOptions } from "./sandbox-shared.js";
import { exitCodes, type CliIO } from "./io.js";

interface HomeOptions {
  agentHome?: string;
  stateDir?: string;
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
    .addOption(
      agentHomeOption("host directory that plays the agent's home; repeat for several").argParser(collect),
    )
    .addOption(stateDirOption("; only with one --agent-home"))
    .addOption(policyOption("the one the skills were installed under"))
    .option("--concurrency <n>", "heartbeats running at the same time", "2")
    .addOption(caFileOption())
    .option(
      "--agent-turn <command>",
      "after refreshing a home's pins, run this command (one command, no shell) under wrap with the home mounted: the agent's own heartbeat turn",
    )
    .option("--agent-turn-env <NAME>", "pass this env var to the agent turn (repeatable)", collect)
    .action(
      async (opts: {
        agentTurn?: string;
        agentTurnEnv?: string[];
        once?: boolean;
        every: string;
        jitter: string;
        agentHome?: string[];
        policy?: string;
        concurrency: string;
        caFile?: string;
        stateDir?: string;
      }) => {
        const { io } = ctx;
        if (opts.stateDir !== undefined && (opts.agentHome?.length ?? 0) > 1) {
          throw new SkillwallError("usage", "--state-dir names the state of one agent home", {
            fix: "run one heartbeat per home with its own --state-dir, or drop --state-dir",
          });
        }
        const homes = (opts.agentHome ?? [undefined]).map((h) => agentHomeOf(io, h, opts.stateDir));
        const schedule = scheduleOptions(parseDuration(opts.every), parseDuration(opts.jitter));
        const policy = await policyFor(io, homes[0]!, opts.policy);
        const egress = egressOptions(io, opts.caFile);
        const deps = await realDeps({ policy, egress });
        let flagged = false;
        const afterHeartbeat =
          opts.agentTurn === undefined
            ? undefined
            : await agentTurnHook(io, opts.agentTurn, opts.agentTurnEnv ?? [], policy, egress, () => {
                flagged = true;
              });
        const stop = new AbortController();
        const onSignal = (): void => stop.abort();
        process.once("SIGTERM", onSignal);
        process.once("SIGINT", onSignal);
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
            ...(afterHeartbeat === undefined ? {} : { afterHeartbeat }),
            onError: (home, err) => {
              flagged = true;
              io.stderr.write(`skillwall: heartbeat ${home}: ${(err as Error).message}\n`);
            },
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

/** The --agent-turn hook: the operator's command, run under wrap once a home's pins are fresh. */
async function agentTurnHook(
  io: CliIO,
  line: string,
  envNames: string[],
  policy: Policy,
  egress: EgressOptions,
  onFailure: () => void,
): Promise<(report: HomeHeartbeatReport, signal: AbortSignal) => Promise<void>> {
  const argv = agentTurnArgv(line);
  const env = new Map<string, string>();
  for (const name of envNames) {
    const value = io.env[name];
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name) || value === undefined)
      throw new SkillwallError("usage", `--agent-turn-env ${name}: not a set environment variable`, {
        fix: `export ${name} before starting the heartbeat, or drop it`,
      });
    env.set(name, value);
  }
  const client = new DockerClient();
  const image = (await requireStepImage(client)).id;
  return async (report, signal) => {
    const r = await runAgentTurn({
      client,
      image,
      policy,
      home: report.home,
      argv,
      env,
      egress,
      signal,
      stdout: { write: (b: Buffer) => io.stderr.write(b.toString("utf8")) },
      stderr: { write: (b: Buffer) => io.stderr.write(b.toString("utf8")) },
    });
    if (r.outcome !== "ok") onFailure();
    io.stdout.write(
      `${new Date().toISOString()} agent turn (${report.home}): ${r.outcome}, exit ${r.exitCode}${r.reason === undefined ? "" : `: ${r.reason}`}\n`,
    );
  };
}

/** The agent home an installed skill lives in (review, approve, reject, status). */
const installedHomeOption = (): Option => agentHomeOption("the agent home the skill is installed in");

/** The policy approve/reject judge a held change under; no default: the one it was installed with. */
const changePolicyOption = (): Option =>
  new Option(
    "-p, --policy <name|file>",
    "policy to judge the change under (default: the one the skill was installed with)",
  );

export function registerReview(program: Command, ctx: CliContext): void {
  program
    .command("review")
    .description("show the held change of a skill as a step-level diff")
    .argument("<skill>")
    .addOption(installedHomeOption())
    .addOption(stateDirOption())
    .action(async (skill: string, opts: HomeOptions) => {
      const home = agentHomeOf(ctx.io, opts.agentHome, opts.stateDir);
      const st = (await readState(home)).skills[skill];
      if (st?.pending === undefined) {
        ctx.io.stdout.write(`${skill}: nothing pending review\n`);
        ctx.exitCode = exitCodes.ok;
        return;
      }
      ctx.io.stdout.write(await renderReview(home, skill, st.pending));
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
    .addOption(installedHomeOption())
    .addOption(stateDirOption())
    .addOption(changePolicyOption())
    .option(
      "--override-deny",
      "pin a held version whose verdict is deny or that adds a high finding (asks you to type the skill name; audited)",
    )
    .action(async (skill: string, opts: HomeOptions & { overrideDeny?: boolean }) => {
      const home = agentHomeOf(ctx.io, opts.agentHome, opts.stateDir);
      const policy = await policyFor(ctx.io, home, opts.policy);
      const pending = (await readState(home)).skills[skill]?.pending;
      const blocking = pending === undefined ? [] : overrideReasons(pending);
      if (opts.overrideDeny === true && blocking.length > 0)
        await confirmByTyping(
          ctx.io,
          `${skill}: the held version is denied (${blocking.join("; ")}); approving writes it where the agent reads it`,
          skill,
        );
      await initShell();
      const locked = await approvePending({
        home,
        skill,
        policy,
        deps: { scan: scanSkillInput },
        by: "user",
        override: opts.overrideDeny === true && blocking.length > 0,
      });
      ctx.io.stdout.write(
        `${skill}: approved${blocking.length > 0 ? " OVERRIDING the denial (audited)" : ""}; ${locked.approvedSteps.length} step(s) approved\n`,
      );
      ctx.exitCode = exitCodes.ok;
    });
}

export function registerReject(program: Command, ctx: CliContext): void {
  program
    .command("reject")
    .description("reject a skill's held change; the approved version stays pinned")
    .argument("<skill>")
    .addOption(installedHomeOption())
    .addOption(stateDirOption())
    .addOption(changePolicyOption())
    .action(async (skill: string, opts: HomeOptions) => {
      const home = agentHomeOf(ctx.io, opts.agentHome, opts.stateDir);
      await rejectPending({ home, skill });
      const locked = (await readLockfile(home)).skills[skill];
      const pins = locked?.files.map((f) => `${f.path}@${f.sha256.slice(0, 12)}`).join(", ") ?? "";
      const policy = await policyFor(ctx.io, home, opts.policy).catch(() => undefined);
      const steps = policy?.heartbeat.steps.map((x) => x.id) ?? [];
      const runs =
        policy === undefined
          ? "pass --policy to see which heartbeat steps still run"
          : steps.length === 0
            ? `no scripted heartbeat step runs (policy ${policy.name} lists none)`
            : `heartbeat still runs policy ${policy.name} step(s) ${steps.join(", ")}${policy.heartbeat.keepOldStepsWhilePending ? "" : " only once the server serves the approved version again (keepOldStepsWhilePending is false)"}`;
      ctx.io.stdout.write(
        `${skill}: rejected; the agent keeps reading the approved version in ${skillWorkspace(home, skill)} (${pins}); ${runs}\n`,
      );
      ctx.exitCode = exitCodes.ok;
    });
}

export function registerStatus(program: Command, ctx: CliContext): void {
  program
    .command("status")
    .description("each skill's pin, last heartbeat, result, pending review and next run")
    .addOption(installedHomeOption())
    .addOption(stateDirOption())
    .addOption(new Option("-f, --format <format>", "output format").choices(["text", "json"]).default("text"))
    .action(async (opts: HomeOptions & { format: "text" | "json" }) => {
      const home = agentHomeOf(ctx.io, opts.agentHome, opts.stateDir);
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
          const steps = (r.lastRun?.results ?? [])
            .filter((x) => !x.ok)
            .map((x) => `\n    ${x.step} ${x.outcome}${x.reason === undefined ? "" : `: ${x.reason}`}`)
            .join("");
          ctx.io.stdout.write(
            `${r.skill}  ${pin}\n  last: ${r.lastCheck ?? "never"} ${r.lastResult ?? ""}  next: ${r.nextRun ?? "due"}` +
              `${r.lastMessage ? `\n  ${r.lastMessage}` : ""}${steps}` +
              `${r.pendingReview ? `\n  PENDING REVIEW since ${r.pendingReview.detectedAt} (${r.pendingReview.files.join(", ")}): skillwall review ${r.skill}` : ""}\n`,
          );
        }
      }
      ctx.exitCode = rows.some((r) => r.pendingReview !== null) ? exitCodes.flagged : exitCodes.ok;
    });
}
