// The agent's own heartbeat turn, triggered by `skillwall heartbeat --agent-turn "COMMAND"` once
// the pins are refreshed: the operator's command (e.g. a script that starts the agent for one
// turn) runs under `wrap` with the agent home mounted, so it reads only the approved files and
// reaches only the hosts the policy grants. The command line is parsed by skillwall's shell
// analyser into one simple command of static words (quotes honoured); pipes, redirects and
// expansions are refused (name a script for those), and no shell runs it on the host.

import { SkillwallError } from "../errors.js";
import { publishLifecycle } from "../events.js";
import { limits } from "../limits.js";
import type { Policy } from "../policy/types.js";
import type { DockerClient } from "../run/docker.js";
import type { EgressOptions } from "../run/egress-step.js";
import { runWrapped } from "../run/wrap.js";
import { analyseShell } from "../shell/index.js";

/** The operator's command line as argv, or a `bad-agent-turn` error naming the problem. */
export function agentTurnArgv(line: string): string[] {
  const bad = (why: string): SkillwallError =>
    new SkillwallError("bad-agent-turn", `--agent-turn ${JSON.stringify(line)}: ${why}`, {
      fix: "give one command with plain (quoted if needed) arguments; put pipes, redirects or variables in a script and name the script",
    });
  const a = analyseShell(line);
  if (a.problems.length > 0) throw bad(a.problems[0]!.message);
  if (a.commands.length !== 1) throw bad(`it holds ${a.commands.length} commands, not one`);
  const c = a.commands[0]!;
  if (c.redirects.length > 0 || c.assignments.length > 0 || c.context !== "top")
    throw bad("redirects, assignments and nested commands are not taken");
  const dynamic = c.argv.find((w) => w.dynamic !== undefined || w.parts.some((p) => p.kind !== "literal"));
  if (dynamic !== undefined) throw bad(`${dynamic.raw} is not a plain word`);
  return c.argv.map((w) => w.value);
}

export interface AgentTurnOptions {
  client: DockerClient;
  image: string;
  policy: Policy;
  home: string;
  argv: string[];
  env: ReadonlyMap<string, string>;
  egress: EgressOptions;
  signal: AbortSignal;
  stdout: { write(chunk: Buffer): unknown };
  stderr: { write(chunk: Buffer): unknown };
}

export interface AgentTurnResult {
  exitCode: number;
  outcome: string;
  reason?: string;
}

export async function runAgentTurn(opts: AgentTurnOptions): Promise<AgentTurnResult> {
  const r = await runWrapped({
    client: opts.client,
    image: opts.image,
    policy: opts.policy,
    command: opts.argv,
    agentHome: opts.home,
    stdout: opts.stdout,
    stderr: opts.stderr,
    env: opts.env,
    egress: opts.egress,
    timeoutMs: limits.agentTurnTimeoutMs,
    signal: opts.signal,
  });
  const result: AgentTurnResult = {
    exitCode: r.exitCode,
    outcome: r.outcome,
    ...(r.reason === undefined ? {} : { reason: r.reason }),
  };
  publishLifecycle({ event: "heartbeat-agent-turn", home: opts.home, command: opts.argv, ...result });
  return result;
}
