// A one-file scan never touches stdin: process.stdin builds its stream (tty, net or fs streams)
// the first time it is read, which was ~10-20 ms of the CLI's cold start. These tests fail when
// processIO() reads process.stdin eagerly or when `scan FILE` reads io.stdin.
import path from "node:path";
import { Readable } from "node:stream";
import { afterEach, describe, expect, it } from "vitest";
import { main } from "../../src/cli.js";
import { processIO, type CliIO } from "../../src/cli/io.js";
import { repoRoot } from "./policy-helpers.js";

const stdinDescriptor = Object.getOwnPropertyDescriptor(process, "stdin")!;
afterEach(() => Object.defineProperty(process, "stdin", stdinDescriptor));

function ioWithStdin(stdin: () => CliIO["stdin"]): { io: CliIO; out: () => string } {
  let out = "";
  const io: CliIO = {
    stdout: { write: (s: string) => (out += s) },
    stderr: { write: () => true },
    get stdin() {
      return stdin();
    },
    env: { NO_COLOR: "1" },
    cwd: repoRoot,
  };
  return { io, out: () => out };
}

describe("stdin is read only when a command needs it", () => {
  it("processIO() reads process.stdin on first use of io.stdin, not before", () => {
    let reads = 0;
    const stdin = Readable.from([]);
    Object.defineProperty(process, "stdin", {
      configurable: true,
      get: () => {
        reads++;
        return stdin;
      },
    });
    const io = processIO();
    expect(reads).toBe(0);
    expect(io.stdin).toBe(stdin);
    expect(reads).toBe(1);
  });

  it("scan FILE does not read stdin; scan - does", async () => {
    const file = path.join(repoRoot, "examples/notes/SKILL.md");
    const untouchable = ioWithStdin(() => {
      throw new Error("stdin read by a scan of a file");
    });
    expect(await main(["scan", file, "--policy", "default"], untouchable.io)).toBe(1);
    expect(untouchable.out()).toContain("summary: 1 skill");

    const piped = ioWithStdin(() => Readable.from([Buffer.from("# from stdin\n\nNothing to run.\n")]));
    expect(await main(["scan", "-", "--policy", "default"], piped.io)).toBe(0);
    expect(piped.out()).toContain("summary: 1 skill");
  });
});
