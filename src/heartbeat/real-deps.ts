// The real dependencies of install and heartbeat: the scan pipeline, the supervisor's fetcher
// and the sandbox runner (Docker is only touched when a step actually has to run).

import { readFile } from "node:fs/promises";
import path from "node:path";
import type { Policy } from "../policy/types.js";
import type { RemoteDeps, RunRequest, RunResult, StepRunner } from "../remote/deps.js";
import { RemoteFetcher } from "../remote/fetch.js";
import { skillWorkspaceRel } from "../remote/paths.js";
import { DockerClient } from "../run/docker.js";
import { requireStepImage } from "../run/image.js";
import { runSteps } from "../run/runner.js";
import { scanSkillInput } from "../scan/scan-skill.js";
import { initShell } from "../shell/index.js";

export interface RealDepsOptions {
  policy: Policy;
  /** Extra trusted CA certificates (PEM file contents) for private registries and tests. */
  ca?: string;
  /** Test-only host → addresses map for the fetcher. */
  resolve?: ReadonlyMap<string, readonly string[]>;
}

export async function realDeps(opts: RealDepsOptions): Promise<RemoteDeps & { close(): Promise<void> }> {
  await initShell();
  const fetcher = new RemoteFetcher({
    network: opts.policy.network,
    ...(opts.ca === undefined ? {} : { ca: opts.ca }),
    ...(opts.resolve === undefined ? {} : { resolve: opts.resolve }),
  });
  return {
    scan: (input, policy) => scanSkillInput(input, policy),
    fetcher,
    run: dockerRunner(),
    close: () => fetcher.close(),
  };
}

/** The sandbox runner behind the StepRunner interface; connects to Docker on first use. */
export function dockerRunner(): StepRunner {
  let ready: Promise<{ client: DockerClient; image: string }> | undefined;
  return async (req: RunRequest): Promise<RunResult> => {
    ready ??= (async () => {
      const client = new DockerClient();
      const image = await requireStepImage(client);
      return { client, image: image.id };
    })();
    const { client, image } = await ready;
    const result = await runSteps(req.steps, {
      client,
      image,
      policy: req.policy,
      workspace: { agentHome: req.agentHome, relDir: skillWorkspaceRel(req.skill) },
      approve: () => true, // only approved steps are handed over
      signal: req.signal,
      keepGoing: true,
    });
    const written: RunResult["written"] = [];
    for (const file of result.writtenSkillFiles) {
      written.push({
        path: path.relative(req.workspace, file).split(path.sep).join("/"),
        bytes: await readFile(file),
      });
    }
    return {
      steps: result.steps.map((s) => ({
        stepId: s.stepId,
        ok: s.outcome === "ok",
        outcome: s.outcome,
        exitCode: s.exitCode,
      })),
      written,
    };
  };
}
