#!/usr/bin/env node
// What the OpenClaw plugin's sandbox mode puts in place of the model's command: run the command
// the gate registered with `skillwall serve` under JOB, print its output, exit with its status.
// It carries no command text: only an id the gate got from serve for the checked form.
// Usage: node serve-run.mjs SOCKET JOB   (exit 126 when nothing ran, 124 on a timeout)

import { serveCall } from "./serve-client.mjs";

/** A run waits for a container and the command: the server ends it at the policy's timeout. */
const answerWaitMs = 30 * 60_000;

const [socketPath, job] = process.argv.slice(2);
if (!socketPath || !/^[0-9a-f]{32}$/.test(job ?? "")) {
  process.stderr.write(
    "skillwall serve-run: usage: serve-run.mjs SOCKET JOB (a 32-hex job id); nothing ran\n",
  );
  process.exit(126);
}
try {
  const a = await serveCall(socketPath, { job }, answerWaitMs);
  if (!a.ok || a.error) {
    const e = a.error ?? { message: `the sandbox failed (${a.outcome ?? "error"})` };
    process.stderr.write(
      `skillwall: ${e.message}${e.fix ? ` (fix: ${e.fix})` : ""}; nothing ran on the host\n`,
    );
    process.exitCode = 126;
  } else {
    if (typeof a.stdout === "string") process.stdout.write(a.stdout);
    if (typeof a.stderr === "string") process.stderr.write(a.stderr);
    if (a.outcome === "timed-out") process.stderr.write("skillwall: the command timed out in the sandbox\n");
    if (a.outcome === "output-capped") process.stderr.write("skillwall: output cut at the sandbox's limit\n");
    process.exitCode = typeof a.exitCode === "number" ? a.exitCode : a.outcome === "timed-out" ? 124 : 126;
  }
} catch (err) {
  process.stderr.write(
    `skillwall: ${err instanceof Error ? err.message : String(err)}; nothing ran on the host\n`,
  );
  process.exitCode = 126;
}
