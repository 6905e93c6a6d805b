// Scans many skills on every core: worker threads each parse their own share (the shell parser
// initialises once per worker). Few inputs are scanned in-process: starting workers costs more.

import { availableParallelism } from "node:os";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
// Type only: node:worker_threads is loaded when workers start (startWorkers), not by every
// one-file scan that imports this module and never starts one (~2 ms of its start-up).
import type { Worker } from "node:worker_threads";
import type { SkillError, SkillResult } from "../model.js";
import type { Policy } from "../policy/types.js";
import { initShell } from "../shell/index.js";
import { SkillwallError, describeError } from "../errors.js";
import { publishDecisions, scanSkillInput, type SkillInput } from "./scan-skill.js";

export interface ScanManyOptions {
  /** Worker threads; 0 or 1 scans in this thread. Default: one per core when there are many inputs. */
  workers?: number;
  /** Inputs per message to a worker. */
  batchSize?: number;
  /** Workers started earlier (see startWorkers), e.g. while the inputs were being read. */
  pool?: WorkerPool;
}

export type Outcome =
  { ok: true; result: SkillResult } | { ok: false; source: string; code: string; message: string };

/** Fewer inputs than this are scanned in this thread. */
export const inProcessBelow = 24;

/** Worker threads, started (importing, loading the shell parser) before they are given work. */
export interface WorkerPool {
  workers: Worker[];
  /** Stops the workers; safe to call more than once. */
  close: () => Promise<void>;
}

const workerFile = fileURLToPath(new URL("./worker.js", import.meta.url));

// Parsing allocates many short-lived objects: a young generation larger than V8's default
// scavenges less often, and a file's syntax tree dies young instead of being promoted.
// Measured on the bench corpus in one worker: -25% CPU per file at 64 MiB once warm;
// 128/256 MiB were no better. (The bench runs its parser-alone floor with the same limits.)
/** V8 flags every scan worker sets when it starts (why: see worker.ts). */
export const workerV8Flags = "--interrupt-budget=600000";

export const workerResourceLimits = { maxYoungGenerationSizeMb: 64 };

/**
 * Start `count` workers now, so their start-up overlaps whatever the caller does next (reading
 * the inputs). Undefined when workers cannot run here (e.g. from the TypeScript sources).
 */
export function startWorkers(policy: Policy, count = availableParallelism()): WorkerPool | undefined {
  if (count <= 1 || !existsSync(workerFile)) return undefined;
  const { Worker } = process.getBuiltinModule("node:worker_threads");
  const workers = Array.from(
    { length: count },
    () => new Worker(workerFile, { workerData: { policy }, resourceLimits: workerResourceLimits }),
  );
  // A worker is unref'd until it is given work: an unused pool never keeps the process alive.
  for (const w of workers) w.unref();
  let closed: Promise<void> | undefined;
  return {
    workers,
    close: () => (closed ??= Promise.all(workers.map((w) => w.terminate())).then(() => undefined)),
  };
}

export async function scanMany(
  inputs: SkillInput[],
  policy: Policy,
  opts: ScanManyOptions = {},
): Promise<Array<{ ok: true; result: SkillResult } | { ok: false; error: SkillError }>> {
  const wanted = Math.min(opts.workers ?? availableParallelism(), Math.ceil(inputs.length / 4));
  let pool = opts.pool;
  if (wanted <= 1 || inputs.length < inProcessBelow) {
    await pool?.close();
    pool = undefined;
  } else pool ??= startWorkers(policy, wanted);
  let outcomes: Outcome[];
  if (pool === undefined) outcomes = await scanInProcess(inputs, policy);
  else {
    try {
      outcomes = await scanInWorkers(inputs, pool.workers.slice(0, wanted), opts.batchSize ?? 16);
    } finally {
      await pool.close();
    }
    // Workers have no audit subscriber: their decisions are published here, in the caller's thread.
    for (const o of outcomes) if (o.ok) publishDecisions(o.result);
  }
  return outcomes.map((o) =>
    o.ok ? o : { ok: false, error: { source: o.source, code: o.code, message: o.message } },
  );
}

async function scanInProcess(inputs: SkillInput[], policy: Policy): Promise<Outcome[]> {
  await initShell();
  return inputs.map((input) => {
    try {
      return { ok: true, result: scanSkillInput(input, policy) };
    } catch (err) {
      return failure(input.source, err);
    }
  });
}

/** Input the scanner refuses (too deep, too many steps) is that skill's error; the others go on. */
export function failure(source: string, err: unknown): Outcome {
  if (err instanceof SkillwallError)
    return { ok: false, source, code: err.code, message: describeError(err) };
  // Anything else is a defect of ours, reported against that skill.
  return { ok: false, source, code: "internal-error", message: `internal error: ${(err as Error).message}` };
}

/**
 * What a worker sends back: the result without the texts this thread already holds (the file's
 * text and its bundled files), which `restoreInput` puts back. Cloning them back cost as much
 * as cloning them out.
 */
export function withoutInput(result: SkillResult): SkillResult {
  return { ...result, model: { ...result.model, text: "", bundled: [] } };
}

function restoreInput(result: SkillResult, input: SkillInput): void {
  result.model.text = input.text;
  result.model.bundled = input.bundled;
}

async function scanInWorkers(inputs: SkillInput[], pool: Worker[], batchSize: number): Promise<Outcome[]> {
  const outcomes: Outcome[] = new Array<Outcome>(inputs.length);
  let next = 0;
  await Promise.all(
    pool.map(
      (worker) =>
        new Promise<void>((resolve, reject) => {
          worker.ref();
          let busy = false;
          const send = (): void => {
            busy = next < inputs.length;
            if (!busy) return resolve();
            const start = next;
            next = Math.min(inputs.length, next + batchSize);
            worker.postMessage({ id: start, inputs: inputs.slice(start, next) });
          };
          worker.on("message", (msg: { id: number; results: Outcome[] }) => {
            msg.results.forEach((r, i) => {
              const at = msg.id + i;
              if (r.ok) restoreInput(r.result, inputs[at]!);
              outcomes[at] = r;
            });
            send();
          });
          worker.once("error", reject);
          worker.once("exit", (code) => {
            if (busy) reject(new Error(`scan worker exited early (code ${code})`));
          });
          send();
        }),
    ),
  );
  return outcomes;
}
