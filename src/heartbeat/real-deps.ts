// The real dependencies of install and heartbeat: the scan pipeline, the supervisor's fetcher
// and the sandbox runner (Docker is only touched when a step actually has to run). The fetcher
// and the step proxies share one set of egress settings: the extra CA, and (tests only) the
// host map and the stand-ins' addresses, so the supervisor's own fetches and the steps' requests
// go through the same host policy and reach the same servers.

import { rootCertificates } from "node:tls";
import { SkillwallError } from "../errors.js";
import { readOperatorFile } from "../hostfs/host-dir.js";
import { limits } from "../limits.js";
import type { Policy } from "../policy/types.js";
import type { RemoteDeps, RunRequest, RunResult, StepRunner } from "../remote/deps.js";
import { RemoteFetcher } from "../remote/fetch.js";
import { skillWorkspaceRel } from "../remote/paths.js";
import { DockerClient } from "../run/docker.js";
import type { EgressOptions } from "../run/egress-step.js";
import { requireStepImage } from "../run/image.js";
import { runSteps } from "../run/runner.js";
import { snapshotFiles, stampChanged, type FileStamp } from "../run/workspace.js";
import { scanSkillInput } from "../scan/scan-skill.js";
import { initShell } from "../shell/index.js";

export interface RealDepsOptions {
  policy: Policy;
  /**
   * Egress settings for both the supervisor's fetcher and the step containers: `extraCaFile`
   * (trusted in addition to the system CAs), and the TEST-ONLY `testHostMap`/`testAllowAddresses`.
   */
  egress?: EgressOptions;
}

/** System CAs plus the PEM file's certificates (a private registry's CA, or the tests' CA). */
export async function fetcherCa(extraCaFile: string): Promise<string[]> {
  let pem: string;
  try {
    // Opened once, a regular file only, capped: a FIFO or /dev/zero there must not stall or
    // fill the supervisor, nor a link planted in someone else's folder lead it anywhere (rt12 R6).
    pem = (await readOperatorFile(extraCaFile, limits.maxCaFileBytes, "limits.maxCaFileBytes")).toString(
      "utf8",
    );
  } catch (cause) {
    throw new SkillwallError(
      "ca-file",
      `cannot read the CA file ${extraCaFile} (${(cause as Error).message})`,
      {
        fix: "give a readable PEM file of CA certificates (--ca-file)",
        cause,
      },
    );
  }
  if (!pem.includes("-----BEGIN CERTIFICATE-----")) {
    throw new SkillwallError("ca-file", `${extraCaFile} holds no PEM certificate`, {
      fix: "give a PEM file (-----BEGIN CERTIFICATE-----)",
    });
  }
  return [...rootCertificates, pem];
}

export async function realDeps(opts: RealDepsOptions): Promise<RemoteDeps & { close(): Promise<void> }> {
  await initShell();
  const egress = opts.egress ?? {};
  const ca = egress.extraCaFile === undefined ? undefined : await fetcherCa(egress.extraCaFile);
  const fetcher = new RemoteFetcher({
    network: opts.policy.network,
    ...(ca === undefined ? {} : { ca }),
    ...(egress.testHostMap === undefined ? {} : { resolve: toMap(egress.testHostMap) }),
    ...(egress.testAllowAddresses === undefined ? {} : { testAllowAddresses: egress.testAllowAddresses }),
  });
  return {
    scan: (input, policy) => scanSkillInput(input, policy),
    fetcher,
    run: dockerRunner(egress),
    close: () => fetcher.close(),
  };
}

function toMap(m: NonNullable<EgressOptions["testHostMap"]>): ReadonlyMap<string, readonly string[]> {
  return m instanceof Map ? m : new Map(Object.entries(m));
}

/** Workspace-relative paths of files that are new or differ (size, mtime, inode). */
export function changedFiles(
  before: ReadonlyMap<string, FileStamp>,
  after: ReadonlyMap<string, FileStamp>,
): string[] {
  const out: string[] = [];
  for (const [rel, st] of after) {
    if (stampChanged(before.get(rel), st)) out.push(rel);
  }
  return out.sort();
}

const reapEveryMs = 5 * 60_000;

/**
 * The workspace's files before an install run; a workspace that does not exist yet (install
 * --workspace names a new directory; the runner creates it) has none: all it holds afterwards is new.
 */
async function snapshotOrEmpty(ws: { agentHome: string; relDir: string }): Promise<Map<string, FileStamp>> {
  try {
    return await snapshotFiles(ws);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return new Map();
    throw err;
  }
}

/** The last limits.heartbeatKeptOutputBytes of a step's output, marked when cut. */
export function keptOutput(text: string): string {
  const max = limits.heartbeatKeptOutputBytes;
  const bytes = Buffer.from(text);
  if (bytes.length <= max) return text;
  return `[… ${bytes.length - max} earlier bytes not kept]\n${bytes.subarray(bytes.length - max).toString("utf8")}`;
}

/**
 * The sandbox runner behind the StepRunner interface; connects to Docker on first use. The
 * request's policy carries the network grant (install: the install policy; heartbeat: the
 * profile narrowed to the hosts the approved steps name), so a step naming an allowed host gets
 * its own fenced network and proxy, and every other step stays on NetworkMode none.
 */
export function dockerRunner(egress: EgressOptions = {}): StepRunner {
  let ready: Promise<{ client: DockerClient; image: string }> | undefined;
  let lastReap = -Infinity;
  return async (req: RunRequest): Promise<RunResult> => {
    if (ready === undefined) {
      ready = (async () => {
        const client = new DockerClient();
        const image = await requireStepImage(client);
        return { client, image: image.id };
      })();
      ready.catch(() => (ready = undefined)); // not cached: the next run asks Docker again
    }
    const { client, image } = await ready;
    // Install pins every file its steps write (markdown or not), so look at the whole workspace.
    const ws = { agentHome: req.agentHome, relDir: req.workspaceRel ?? skillWorkspaceRel(req.skill) };
    const before = req.phase === "install" ? await snapshotOrEmpty(ws) : undefined;
    const result = await runSteps(req.steps, {
      client,
      image,
      policy: req.policy,
      workspace: ws,
      approve: () => true, // only approved steps are handed over
      signal: req.signal,
      keepGoing: true,
      egress,
      // Leftovers of crashed runs are swept at start and then every few minutes, not before
      // every heartbeat (listing containers per run costs more than the run at scale).
      reap: performance.now() - lastReap > reapEveryMs,
    });
    lastReap = performance.now();
    const written = before === undefined ? [] : changedFiles(before, await snapshotFiles(ws));
    return {
      steps: result.steps.map((s) => ({
        stepId: s.stepId,
        ok: s.outcome === "ok",
        outcome: s.outcome,
        exitCode: s.exitCode,
        ...(s.reason === undefined ? {} : { reason: s.reason }),
        ...(s.stdout === "" ? {} : { stdout: keptOutput(s.stdout) }),
        ...(s.stderr === "" ? {} : { stderr: keptOutput(s.stderr) }),
        ...(s.fix === undefined ? {} : { fix: s.fix }),
        file: s.file,
        line: s.line,
      })),
      written,
    };
  };
}
