// Scripted heartbeat steps come from the policy, never from heartbeat.md: heartbeat.md is API
// documentation the agent's model reads, and its fenced examples (posts, DMs, approvals with
// placeholder ids) must not be replayed. The policy's `heartbeat.steps` list is turned into a
// small markdown document (one fenced block per step) so each step is parsed and judged by the
// same pipeline as any skill step, then two heartbeat-only guards narrow the verdict:
//  - read-only unless the entry says `writes: true` (no request bodies, no methods but GET/HEAD,
//    no file writes, only programs known not to write);
//  - every curl carries -f/--fail, so an HTTP status >= 400 fails the step (the egress proxy
//    cannot see the status of HTTPS through CONNECT; curl can).

import type { JudgedStep, SimpleCommand } from "../model.js";
import { basename } from "../policy/programs.js";
import type { HeartbeatStepSpec, Policy } from "../policy/types.js";
import type { ScanFn } from "../remote/deps.js";

/** The file name policy steps carry (in the lockfile, the report and the audit log). */
export const policyStepsFile = "policy:heartbeat.steps";

/** One fenced block per step, headed by its id, so each block is exactly one step. */
export function policyStepsDocument(steps: readonly HeartbeatStepSpec[]): string {
  return steps.map((s) => `## ${s.id}\n\n\`\`\`bash\n${s.run.replace(/\n+$/, "")}\n\`\`\`\n`).join("\n");
}

export interface PolicyStep {
  spec: HeartbeatStepSpec;
  judged: JudgedStep;
}

/** Parses and judges the policy's heartbeat steps under `policy` (the install policy or the heartbeat profile). */
export async function judgePolicySteps(
  stepsPolicy: Policy,
  judgeWith: Policy,
  scan: ScanFn,
  /** The skill the steps run for: its own folder is theirs to write (see policy/protected.ts). */
  skill?: string,
): Promise<PolicyStep[]> {
  const specs = stepsPolicy.heartbeat.steps;
  if (specs.length === 0) return [];
  const owner = skill === undefined ? "" : `---\nname: ${JSON.stringify(skill)}\n---\n\n`;
  const result = await scan(
    {
      source: `policy ${stepsPolicy.name}`,
      file: policyStepsFile,
      text: owner + policyStepsDocument(specs),
      bundled: [],
    },
    judgeWith,
  );
  const out: PolicyStep[] = [];
  for (const judged of result.steps) {
    const spec = specs.find((s) => s.id === judged.step.heading);
    // A block the document did not produce (cannot happen with the fences above): never run.
    if (spec === undefined) continue;
    out.push({ spec, judged: narrow(spec, judged) });
  }
  return out;
}

function deny(j: JudgedStep, rule: string, reason: string, fix: string): JudgedStep {
  return { ...j, verdict: "deny", rule, reason, fix };
}

function narrow(spec: HeartbeatStepSpec, j: JudgedStep): JudgedStep {
  if (j.verdict === "deny") return j;
  const commands = j.commands.map((c) => c.command);
  const noFail = commands.find((c) => isCurl(c) && !curlFails(c));
  if (noFail !== undefined)
    return deny(
      j,
      "heartbeat-curl-fail",
      `heartbeat step ${spec.id}: curl without -f/--fail reports an HTTP error (401, 404, 500) as success`,
      `add -f (or --fail) to the curl in heartbeat.steps ${spec.id}`,
    );
  if (spec.writes) return j;
  for (const c of commands) {
    const why = writeOf(c);
    if (why !== undefined)
      return deny(
        j,
        "heartbeat-read-only",
        `heartbeat step ${spec.id} is not read-only: ${why}`,
        `make it read-only, or set writes: true on heartbeat.steps ${spec.id} if it must change something`,
      );
  }
  return j;
}

const argvOf = (c: SimpleCommand): string[] => c.argv.map((w) => w.value);
const programOf = (c: SimpleCommand): string => basename(argvOf(c)[0] ?? "");
const isCurl = (c: SimpleCommand): boolean => programOf(c) === "curl";

function curlFails(c: SimpleCommand): boolean {
  return argvOf(c)
    .slice(1)
    .some((a) => a === "--fail" || a === "--fail-with-body" || /^-[a-zA-Z]*f[a-zA-Z]*$/.test(a));
}

/** Programs that only read (their arguments cannot make them write a file or send a request). */
const readOnlyPrograms = new Set([
  "grep",
  "egrep",
  "fgrep",
  "jq",
  "head",
  "tail",
  "wc",
  "cut",
  "tr",
  "sort",
  "uniq",
  "echo",
  "printf",
  "test",
  "[",
  "true",
  "false",
  "date",
]);

// curl options that neither send a body, change the method, nor write a file. Anything else
// (including options this list does not know) makes the step not read-only: fail closed.
const curlFlagLetters = new Set(["s", "S", "f", "I", "L", "k", "v", "i", "g", "G"]);
const curlReadOnly = new Set([
  "--silent",
  "--show-error",
  "--fail",
  "--fail-with-body",
  "--head",
  "--location",
  "--include",
  "--verbose",
  "--globoff",
  "--get",
  "--compressed",
]);
const curlWithValue = new Set([
  "-H",
  "--header",
  "-m",
  "--max-time",
  "--connect-timeout",
  "-A",
  "--user-agent",
]);

function writeOf(c: SimpleCommand): string | undefined {
  for (const r of c.redirects) {
    const writes =
      r.op === ">" || r.op === ">>" || r.op === ">|" || r.op === "<>" || r.op === "&>" || r.op === "&>>";
    if (writes && r.target?.value !== "/dev/null") return `it writes ${r.target?.value ?? "a file"}`;
  }
  if (c.assignments.length > 0) return "it sets variables";
  const argv = argvOf(c);
  const program = programOf(c);
  if (program === "curl") return curlWrite(argv.slice(1));
  if (program === "wget") return wgetWrite(argv.slice(1));
  if (readOnlyPrograms.has(program)) return undefined;
  return `${program || "the command"} is not a program skillwall knows to be read-only`;
}

function curlWrite(args: string[]): string | undefined {
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (!a.startsWith("-")) continue;
    if (a === "-X" || a === "--request") {
      const m = (args[++i] ?? "").toUpperCase();
      if (m !== "GET" && m !== "HEAD") return `it sends a ${m || "custom"} request`;
      continue;
    }
    if (/^-X./.test(a)) {
      const m = a.slice(2).toUpperCase();
      if (m !== "GET" && m !== "HEAD") return `it sends a ${m} request`;
      continue;
    }
    if (curlWithValue.has(a)) {
      i++;
      continue;
    }
    if (curlReadOnly.has(a)) continue;
    if (/^-[a-zA-Z]+$/.test(a) && [...a.slice(1)].every((l) => curlFlagLetters.has(l))) continue;
    return `curl option ${a} may send data or write a file`;
  }
  return undefined;
}

function wgetWrite(args: string[]): string | undefined {
  let toStdout = false;
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (!a.startsWith("-")) continue;
    if (a === "-O" || a === "--output-document") {
      toStdout = args[++i] === "-";
      if (!toStdout) return "wget writes a file";
      continue;
    }
    if (a === "-O-" || a === "--output-document=-") {
      toStdout = true;
      continue;
    }
    if (a === "--header") {
      i++;
      continue;
    }
    if (/^-[qS]+$/.test(a) || a === "--quiet" || a === "--server-response") continue;
    return `wget option ${a} may send data or write a file`;
  }
  return toStdout ? undefined : "wget saves to a file unless -O - is given";
}
