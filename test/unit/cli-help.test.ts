// Every command's --help: no option shows a default that is an implementation detail
// (`(default: [])` on a repeatable option, `(default: {"kind":"install"})` on a parsed one).
import type { Command } from "commander";
import { describe, expect, it } from "vitest";
import { cliProgram } from "../../src/cli.js";
import { caFileOption, stateDirOption, yesOption } from "../../src/cli/options.js";

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

  it("the sandbox verbs spell and describe their shared options the same way", async () => {
    const program = await cliProgram();
    const verbs = ["run", "install", "exec", "wrap", "heartbeat"].map((n) => {
      const c = program.commands.find((x) => x.name() === n);
      if (!c) throw new Error(`no ${n} command`);
      return c;
    });
    const same: Record<string, { flags: string; description?: string; prefix?: string }> = {
      "--policy": { flags: "-p, --policy <name|file>", description: "shipped policy name or policy file" },
      "--agent-home": { flags: "--agent-home <dir>", prefix: "host directory that plays the agent's home" },
      "--workspace": {
        flags: "--workspace <dir>",
        prefix: "directory below the agent home that the steps see",
      },
      "--ca-file": { flags: "--ca-file <pem>", description: caFileOption().description },
      "--state-dir": { flags: "--state-dir <dir>", prefix: stateDirOption().description },
      "--yes": { flags: "-y, --yes", description: yesOption().description },
    };
    const seen = new Map<string, string[]>();
    for (const verb of verbs)
      for (const o of verb.options) {
        const want = o.long === undefined ? undefined : same[o.long];
        if (!want) continue;
        seen.set(o.long!, [...(seen.get(o.long!) ?? []), verb.name()]);
        expect(o.flags, `${verb.name()} ${o.long}`).toBe(want.flags);
        if (want.description !== undefined)
          expect(o.description, `${verb.name()} ${o.long}`).toBe(want.description);
        if (want.prefix !== undefined)
          expect(o.description.startsWith(want.prefix), `${verb.name()} ${o.long}`).toBe(true);
      }
    expect(seen.get("--workspace")).toEqual(["run", "install", "exec"]);
    expect(seen.get("--ca-file")).toEqual(["run", "install", "exec", "wrap", "heartbeat"]);
    expect(seen.get("--agent-home")).toEqual(["run", "install", "exec", "wrap", "heartbeat"]);
  });
});
