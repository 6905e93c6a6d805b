// `skillwall policy show default | head`: the reader closes the pipe early; skillwall exits
// quietly (status 141, as a program killed by SIGPIPE) instead of printing an EPIPE stack trace.
import { spawnSync } from "node:child_process";
import { EventEmitter } from "node:events";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { brokenPipeExitCode, exitQuietlyOnBrokenPipe } from "../../src/cli/io.js";
import { repoRoot } from "./policy-helpers.js";

function streamError(code: string): Error {
  return Object.assign(new Error(`write ${code}`), { code });
}

describe("a closed stdout", () => {
  it("EPIPE exits with 141; any other stream error is still raised", () => {
    const stream = new EventEmitter() as unknown as NodeJS.WritableStream;
    const exits: number[] = [];
    exitQuietlyOnBrokenPipe(stream, (code) => exits.push(code));
    stream.emit("error", streamError("EPIPE"));
    expect(exits).toEqual([brokenPipeExitCode]);
    expect(() => stream.emit("error", streamError("EIO"))).toThrow("write EIO");
  });

  it("skillwall policy show default | true: no stack trace, exit 141 (real bash, real pipe)", () => {
    const bin = path.join(repoRoot, "bin/skillwall.js");
    // `true` exits without reading, long before node has loaded the CLI: the first write fails.
    const r = spawnSync(
      "bash",
      ["-o", "pipefail", "-c", `node '${bin}' policy show default | true; echo "status=$?" >&2`],
      { encoding: "utf8", cwd: repoRoot },
    );
    expect(r.stdout).toBe("");
    expect(r.stderr).not.toMatch(/EPIPE|Error|at /);
    expect(r.stderr.trim()).toBe(`status=${brokenPipeExitCode}`);
  });
});
