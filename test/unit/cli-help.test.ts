// Every command's --help: no option shows a default that is an implementation detail
// (`(default: [])` on a repeatable option, `(default: {"kind":"install"})` on a parsed one).
import type { Command } from "commander";
import { describe, expect, it } from "vitest";
import { cliProgram } from "../../src/cli.js";

function all(cmd: Command): Command[] {
  return [cmd, ...cmd.commands.flatMap(all)];
}

describe("CLI help", () => {
  it("shows no array or object defaults", async () => {
    const program = await cliProgram();
    const leaks = all(program).flatMap((c) =>
      c
        .helpInformation()
        .split("\n")
        .filter((l) => /\(default: [[{]/.test(l))
        .map((l) => `${c.name()}: ${l.trim()}`),
    );
    expect(leaks).toEqual([]);
  });
});
