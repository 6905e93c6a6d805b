// The post-run rescan of the markdown files steps wrote into the workspace: read through hostfs
// (a symlink, FIFO or device a step left there is refused, never followed or read; at most
// limits.maxFileBytes), then judged by the scan pipeline. What could not be read is an error,
// and an error counts as flagged: not analysed is never allowed.

import path from "node:path";
import { describeError } from "../errors.js";
import { withHostDir } from "../hostfs/host-dir.js";
import { limits } from "../limits.js";
import type { SkillError, SkillResult } from "../model.js";
import type { Policy } from "../policy/types.js";
import { scanSkillInput } from "../scan/scan-skill.js";
import type { Workspace } from "./workspace.js";

export async function rescanWritten(
  workspace: Workspace,
  written: readonly string[],
  policy: Policy,
): Promise<{ results: SkillResult[]; errors: SkillError[] }> {
  const results: SkillResult[] = [];
  const errors: SkillError[] = [];
  if (written.length === 0) return { results, errors };
  await withHostDir(workspace.agentHome, {}, async (home) => {
    for (const abs of written) {
      const rel = path.relative(workspace.agentHome, abs).split(path.sep).join("/");
      try {
        const parts = rel.split("/");
        const name = parts.pop()!;
        const dir = await home.dirPath(parts.join("/"));
        let bytes: Buffer | undefined;
        try {
          bytes = await dir.readFile(name, limits.maxFileBytes);
        } finally {
          await dir.close();
        }
        if (bytes === undefined) throw new Error("removed before it could be scanned");
        const text = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
        results.push(
          await scanSkillInput({ source: abs, file: path.basename(abs), text, bundled: [] }, policy),
        );
      } catch (err) {
        errors.push({ source: abs, code: "rescan-failed", message: describeError(err) });
      }
    }
  });
  return { results, errors };
}
