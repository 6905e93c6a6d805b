// Worker thread: initialises the shell parser once, then scans the batches it is sent.

import v8 from "node:v8";
import { parentPort, workerData } from "node:worker_threads";
import { initShell } from "../shell/index.js";
import type { Policy } from "../policy/types.js";
import { scanSkillInput, type SkillInput } from "./scan-skill.js";
import { failure, withoutInput, workerV8Flags } from "./pool.js";

// A worker scans a few hundred files from cold. V8's default budget optimises functions after
// little feedback, and the detectors' many branches then deoptimise and recompile again and
// again (measured: ~4 s of background compile CPU per 1,200 files). Waiting for more feedback
// before optimising cut the pool's CPU by ~25% with the same steady-state speed. V8 flags are
// per process: this also applies to the thread that started the worker, harmlessly.
v8.setFlagsFromString(workerV8Flags);

const policy = (workerData as { policy: Policy }).policy;
await initShell();

parentPort?.on("message", (msg: { id: number; inputs: SkillInput[] }) => {
  const results = msg.inputs.map((input) => {
    try {
      return { ok: true as const, result: withoutInput(scanSkillInput(input, policy)) };
    } catch (err) {
      return failure(input.source, err);
    }
  });
  parentPort?.postMessage({ id: msg.id, results });
});
