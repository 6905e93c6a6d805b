// Worker thread: initialises the shell parser once, then scans the batches it is sent.

import { parentPort, workerData } from "node:worker_threads";
import { initShell } from "../shell/index.js";
import type { Policy } from "../policy/types.js";
import { scanSkillInput, type SkillInput } from "./scan-skill.js";
import { failure } from "./pool.js";

const policy = (workerData as { policy: Policy }).policy;
await initShell();

parentPort?.on("message", (msg: { id: number; inputs: SkillInput[] }) => {
  const results = msg.inputs.map((input) => {
    try {
      return { ok: true as const, result: scanSkillInput(input, policy) };
    } catch (err) {
      return failure(input.source, err);
    }
  });
  parentPort?.postMessage({ id: msg.id, results });
});
