// scan: inputs (paths, folders, URLs, stdin) → results for every readable skill, errors for the rest.

import type { SkillError, SkillResult } from "../model.js";
import type { Policy } from "../policy/types.js";
import { readSkillInputs } from "../input/index.js";
import { scanMany, type ScanManyOptions } from "./pool.js";

export { scanSkillInput, worstVerdict, type SkillInput } from "./scan-skill.js";
export { scanMany } from "./pool.js";

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
  const read = await readSkillInputs(
    args,
    opts.stdin ? { cwd: opts.cwd, stdin: opts.stdin } : { cwd: opts.cwd },
  );
  const errors: SkillError[] = [];
  const inputs = [];
  for (const r of read) {
    if (r.ok) inputs.push(r.input);
    else errors.push(r.error);
  }
  const scanned = await scanMany(inputs, opts.policy, opts);
  const results: SkillResult[] = [];
  for (const s of scanned) {
    if (s.ok) results.push(s.result);
    else errors.push(s.error);
  }
  return { results, errors };
}
