// What `run` and `exec` share: the agent home and workspace options, the approval prompt for
// review steps, and the text rendering of a step's result.

import { createInterface } from "node:readline/promises";
import path from "node:path";
import { testEgressFromEnv, type EgressOptions } from "../run/egress-step.js";
import type { JudgedStep } from "../model.js";
import type { StepRun } from "../run/runner.js";
import type { CliIO } from "./io.js";

export interface SandboxCliOptions {
  policy: string;
  agentHome?: string;
  workspace?: string;
  caFile?: string;
}

/** Egress options from the CLI: --ca-file, and the test-only host map (announced on stderr). */
export function egressOptions(io: CliIO, caFile: string | undefined): EgressOptions {
  const test = testEgressFromEnv(io.env);
  if (test) io.stderr.write("skillwall: SKILLWALL_TEST_HOSTMAP is set: names resolve from it (test only)\n");
  return { ...test, ...(caFile !== undefined ? { extraCaFile: path.resolve(io.cwd, caFile) } : {}) };
}

export function resolveAgentHome(io: CliIO, given: string | undefined, fallback: string): string {
  return given === undefined ? fallback : path.resolve(io.cwd, given);
}

/** An interactive yes/no per review step; undefined when nobody can answer (no TTY). */
export function promptApprover(io: CliIO): ((step: JudgedStep) => Promise<boolean>) | undefined {
  if (io.stdin.isTTY !== true || io.stderr.isTTY !== true) return undefined;
  return async (step) => {
    const rl = createInterface({ input: io.stdin, output: io.stderr as NodeJS.WritableStream });
    try {
      io.stderr.write(
        `\nreview ${step.step.file}:${step.step.line} (${step.rule}: ${step.reason})\n  ${oneLine(step.step.text)}\n`,
      );
      const answer = await rl.question("run this step in the sandbox? [y/N] ");
      return /^y(es)?$/i.test(answer.trim());
    } finally {
      rl.close();
    }
  };
}

export function oneLine(text: string, max = 120): string {
  // Only the head is shown: collapsing whitespace over a long run is quadratic.
  const head = text.length > max * 8 ? text.slice(0, max * 8) : text;
  const flat = head.replace(/\s*\n\s*/g, " ⏎ ").trim();
  return flat.length > max || head !== text ? `${flat.slice(0, max - 1)}…` : flat;
}

function indent(text: string): string {
  return text
    .replace(/\n$/, "")
    .split("\n")
    .map((l) => `    ${l}`)
    .join("\n");
}

export function describeStepRun(r: StepRun): string {
  const where = `${r.file}:${r.line}`;
  const lines: string[] = [];
  const status =
    r.exitCode === null
      ? r.outcome
      : `${r.outcome} (exit ${r.exitCode}${r.signal ? `, ${r.signal}` : ""}, ${r.durationMs} ms${r.outputCapped ? ", output capped" : ""})`;
  lines.push(`${where}  ${status}`);
  if (r.reason) lines.push(`    ${r.reason}`);
  if (r.fix) lines.push(`    fix: ${r.fix}`);
  if (r.stdout) lines.push("  stdout:", indent(r.stdout));
  if (r.stderr) lines.push("  stderr:", indent(r.stderr));
  return `${lines.join("\n")}\n`;
}
