// Found by the render round-trip property: tree-sitter-bash reads `a | b | c<newline>d >x` as one
// command `c d >x`, while bash runs `d >x` as its own command. The analyser must not judge the
// parser's version: it is a divergence, denied.
import { spawnSync } from "node:child_process";
import { beforeAll, describe, expect, it } from "vitest";
import { analyseShell, initShell, renderScript } from "../../src/shell/index.js";

beforeAll(initShell);

/** The argv of each command bash would run (nothing runs: PATH is empty, a handler prints). */
function bashCommands(text: string): string[][] {
  // Printed on stderr: pipeline stages' stdout is the next stage's input. One write per command
  // (pipeline stages run concurrently: two writes could interleave with another stage's).
  const handler = "command_not_found_handle() { local IFS=$'\\037'; printf '%s\\036' \"$*\" >&2; }";
  const out = spawnSync("/bin/bash", ["--norc", "--noprofile", "-c", `${handler}\n${text}`], {
    env: { PATH: "/nonexistent" },
    cwd: "/tmp",
    encoding: "utf8",
  }).stderr;
  return out
    .split("\x1e")
    .filter((c) => c !== "")
    .map((c) => c.split("\x1f").filter((a) => a !== ""));
}

describe("newline inside a pipeline's last command", () => {
  const text = "zq1 | zq2 | zq3\nzq4 >/dev/null\n";

  it("bash runs four commands", () => {
    // Pipeline stages run concurrently: compare as a set.
    expect(
      bashCommands(text)
        .map((c) => c.join(" "))
        .sort(),
    ).toEqual(["zq1", "zq2", "zq3", "zq4"]);
  });

  it("is reported as a divergence, never judged as `zq3 zq4 >/dev/null`", () => {
    const a = analyseShell(text);
    expect(a.script).toBeUndefined();
    expect(a.problems.map((p) => p.construct)).toContain("newline inside a command");
  });

  it("the canonical rendering of `a | b | c; d >x` keeps the commands apart", () => {
    const a = analyseShell("zq1 | zq2 | zq3; zq4 >/dev/null");
    const again = analyseShell(renderScript(a.script!));
    expect(again.problems).toEqual([]);
    expect(again.commands.map((c) => c.argv.map((w) => w.value))).toEqual([
      ["zq1"],
      ["zq2"],
      ["zq3"],
      ["zq4"],
    ]);
  });
});
