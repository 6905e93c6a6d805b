// Child process of the SIGTERM test (compiled by the test): runs one long step with the same
// signal handling the CLI uses, prints the run id, and exits with 128+signal when interrupted.

import { DockerClient } from "../../src/run/docker.js";
import { runSteps } from "../../src/run/runner.js";
import { abortOnSignals } from "../../src/run/signals.js";
import { bashStep } from "../fixtures/run/judged.js";

const [image, runId] = process.argv.slice(2);
if (!image || !runId) throw new Error("usage: child IMAGE RUN_ID");
const guard = abortOnSignals();
const result = await runSteps([bashStep("echo started; sleep 60"), bashStep("echo second")], {
  client: new DockerClient(),
  image,
  runId,
  policy: { sandbox: { timeoutMs: 90_000 }, env: {}, blockedPaths: [] },
  signal: guard.signal,
  onStepStart: () => process.stdout.write("step-started\n"),
});
guard.dispose();
process.stdout.write(`${JSON.stringify(result.steps.map((s) => s.outcome))}\n`);
process.exitCode = guard.exitCode() ?? (result.ok ? 0 : 1);
