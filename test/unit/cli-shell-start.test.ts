// bin/skillwall.js starts compiling the shell parser's wasm before it loads the CLI, for the
// commands src/cli/shell-start.ts names: a name there that is no command, or a command that stops
// being found by its name, would silently lose (or waste) that head start.
import { describe, expect, it } from "vitest";
import { cliProgram } from "../../src/cli.js";
import { commandName, shellCommandNames } from "../../src/cli/shell-start.js";

describe("the commands that start the shell parser's compile early", () => {
  it("are all commands of the CLI; commands that parse no shell are not among them", async () => {
    const program = await cliProgram();
    const names = new Set(program.commands.map((c) => c.name()));
    for (const name of shellCommandNames) expect(names.has(name), name).toBe(true);
    for (const name of ["policy", "doctor", "image", "audit"]) {
      expect(names.has(name), name).toBe(true);
      expect(shellCommandNames.has(name), name).toBe(false);
    }
  });

  it("are found past root options, as commander finds them", () => {
    expect(commandName(["scan", "x.md"])).toBe("scan");
    expect(commandName(["--audit-log", "scan", "policy"])).toBe("policy");
    expect(commandName(["--version"])).toBeUndefined();
  });
});
