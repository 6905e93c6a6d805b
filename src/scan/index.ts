// scan: inputs (paths, folders, URLs, stdin) → results for every readable skill, errors for the rest.

import type { SkillError, SkillResult } from "../model.js";
import type { Policy } from "../policy/types.js";
import { likelyManyInputs, readSkillInputs } from "../input/index.js";
import { inProcessBelow, scanMany, startWorkers, type ScanManyOptions } from "./pool.js";

export { scanSkillInput, worstVerdict, type SkillInput } from "./scan-skill.js";
export { scanMany, startWorkers, type WorkerPool } from "./pool.js";

export interface ScanPathsOptions extends ScanManyOptions {
  policy: Policy;
  cwd: string;
  stdin?: NodeJS.ReadableStream;
}

export interface ScanOutcome {
  results: SkillResult[];
  errors: SkillError[];
}

export async function scanPaths(args: string[], opts: ScanPathsOptions): Promise<ScanOutcome> {
  // Workers start (imports, shell parser) while this thread reads the files.
  const pool =
    opts.pool ??
    (opts.workers !== undefined && opts.workers <= 1
      ? undefined
      : (await likelyManyInputs(args, opts.cwd, inProcessBelow))
        ? startWorkers(opts.policy, opts.workers)
        : undefined);
  let read;
  try {
    read = await readSkillInputs(args, opts.stdin ? { cwd: opts.cwd, stdin: opts.stdin } : { cwd: opts.cwd });
  } catch (err) {
    await pool?.close();
    throw err;
  }
  const errors: SkillError[] = [];
  const inputs = [];
  for (const r of read) {
    if (r.ok) inputs.push(r.input);
    else errors.push(r.error);
  }
  const scanned = await scanMany(inputs, opts.policy, pool ? { ...opts, pool } : opts);
  const results: SkillResult[] = [];
  for (const s of scanned) {
    if (s.ok) results.push(s.result);
    else errors.push(s.error);
  }
  return { results, errors };
}
