// integrations/openclaw/openclaw-paths.mjs mirrors how the pinned OpenClaw rewrites a file tool's
// path after before_tool_call. This compares it with OpenClaw's own functions (from its installed
// dist) on generated paths: the path the gate hands over is the one OpenClaw opens, and OpenClaw
// leaves that absolute path as it is. Fails (never skips) when OpenClaw is not installed.

import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
// @ts-expect-error: plain ESM plugin module without type declarations
import { fileToolPaths } from "../../integrations/openclaw/openclaw-paths.mjs";
import { openclawHome, requireOpenClaw } from "./openclaw-support.js";

type Normalise = (raw: string, cwd: string) => Promise<string> | string;
type Resolve = (raw: string, cwd: string) => string;
let normalise: Normalise;
let resolveToCwd: Resolve;

/** The dist module whose hashed file name starts with `prefix` and whose text holds `marker`. */
async function distModule(prefix: string, marker: string): Promise<Record<string, unknown>> {
  const dist = path.join(openclawHome, "node_modules/openclaw/dist");
  const hits = readdirSync(dist).filter(
    (f) =>
      f.startsWith(prefix) && f.endsWith(".mjs") && readFileSync(path.join(dist, f), "utf8").includes(marker),
  );
  if (hits.length !== 1)
    throw new Error(`expected one ${prefix}*.mjs with ${marker} in ${dist}, found ${hits.length}`);
  return (await import(path.join(dist, hits[0] as string))) as Record<string, unknown>;
}

beforeAll(async () => {
  requireOpenClaw();
  // Export letters as in OpenClaw 2026.9.6: o = normalizeFileToolPathParam, a = resolveToCwd.
  const params = await distModule(
    "agent-tools.before-tool-call.decision-",
    "function normalizeFileToolPathParam",
  );
  const utils = await distModule("path-utils-", "function resolveLocalPathToCwd");
  expect(String(params.o)).toMatch(/function normalizeFileToolPathParam/);
  expect(String(utils.a)).toMatch(/function resolveToCwd/);
  normalise = params.o as Normalise;
  resolveToCwd = utils.a as Resolve;
});

describe("the gate's mirror of OpenClaw's file-tool path rewriting", () => {
  it("picks the path OpenClaw opens, and OpenClaw keeps the absolute path the gate hands over", async () => {
    const cwd = mkdtempSync(path.join(tmpdir(), "sw-ocdiff-"));
    // Literal @-names that exist: OpenClaw then opens ./@name instead of name.
    writeFileSync(path.join(cwd, "@a"), "");
    mkdirSync(path.join(cwd, "@d"));
    const home = path.resolve(process.env.HOME ?? "/");
    const piece = fc.constantFrom(
      "@",
      "@@",
      "a",
      "b",
      "@a",
      "@d",
      "SOUL.md",
      ".env",
      "/",
      "./",
      "../",
      "~",
      "~/",
      "file://",
      "</arg_value>",
      ">",
      "</arg_value>>",
      ".doc",
      "codex",
      ".xlsxcodex",
      ".PPTodex",
      " ",
      "\\",
      "x.y",
    );
    await fc.assert(
      fc.asyncProperty(fc.array(piece, { minLength: 1, maxLength: 6 }), async (parts) => {
        const raw = parts.join("");
        // Compared as the file system reads them: OpenClaw may keep a doubled or trailing "/".
        const theirs = path.resolve(resolveToCwd(await normalise(raw, cwd), cwd));
        const ours = fileToolPaths(raw, { cwd, home }) as {
          used: string;
          candidates: string[];
          stable: boolean;
        };
        expect(ours.used, raw).toBe(theirs);
        expect(ours.candidates, raw).toContain(theirs);
        // What the gate hands over is opened as it is, unless the gate refuses it as unstable.
        if (ours.stable) expect(resolveToCwd(await normalise(ours.used, cwd), cwd), raw).toBe(ours.used);
        else
          expect(path.resolve(resolveToCwd(await normalise(ours.used, cwd), cwd)), raw).not.toBe(ours.used);
      }),
      { seed: 20261207, numRuns: 3000 },
    );
  });
});
