// Scans many skills on every core: worker threads each parse their own share (the shell parser
// initialises once per worker). Few inputs are scanned in-process: starting workers costs more.

import { availableParallelism } from "node:os";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { Worker } from "node:worker_threads";
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
}

export type Outcome =
  { ok: true; result: SkillResult } | { ok: false; source: string; code: string; message: string };

const inProcessBelow = 24;

export async function scanMany(
  inputs: SkillInput[],
  policy: Policy,
  opts: ScanManyOptions = {},
): Promise<Array<{ ok: true; result: SkillResult } | { ok: false; error: SkillError }>> {
  const workerFile = fileURLToPath(new URL("./worker.js", import.meta.url));
  const workers = Math.min(opts.workers ?? availableParallelism(), Math.ceil(inputs.length / 4));
  const inProcess = workers <= 1 || inputs.length < inProcessBelow || !existsSync(workerFile);
  const outcomes = inProcess
    ? await scanInProcess(inputs, policy)
    : await scanInWorkers(inputs, policy, workers, opts.batchSize ?? 16, workerFile);
  // Workers have no audit subscriber: their decisions are published here, in the caller's thread.
  if (!inProcess) for (const o of outcomes) if (o.ok) publishDecisions(o.result);
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

async function scanInWorkers(
  inputs: SkillInput[],
  policy: Policy,
  count: number,
  batchSize: number,
  workerFile: string,
): Promise<Outcome[]> {
  const outcomes: Outcome[] = new Array<Outcome>(inputs.length);
  let next = 0;
  const pool = Array.from({ length: count }, () => new Worker(workerFile, { workerData: { policy } }));
  try {
    await Promise.all(
      pool.map(
        (worker) =>
          new Promise<void>((resolve, reject) => {
            const send = (): void => {
              if (next >= inputs.length) return resolve();
              const start = next;
              next = Math.min(inputs.length, next + batchSize);
              worker.postMessage({ id: start, inputs: inputs.slice(start, next) });
            };
            worker.on("message", (msg: { id: number; results: Outcome[] }) => {
              msg.results.forEach((r, i) => (outcomes[msg.id + i] = r));
              send();
            });
            worker.once("error", reject);
            send();
          }),
      ),
    );
  } finally {
    await Promise.all(pool.map((w) => w.terminate()));
  }
  return outcomes;
}
