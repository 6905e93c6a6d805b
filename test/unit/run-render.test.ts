import { execFileSync } from "node:child_process";
import { beforeAll, describe, expect, it } from "vitest";
import { assertRoundTrip, resolvedScript } from "../../src/run/render.js";
import { initShell } from "../../src/shell/index.js";
import { envWord, judged, word } from "../fixtures/run/judged.js";

/** What bash makes of a rendered script whose program is printf '%s\0'. */
function bashArgs(script: string, env: Record<string, string> = {}): string[] {
  return execFileSync("bash", ["--norc", "--noprofile", "-c", script], { env, encoding: "utf8" })
    .split("\0")
    .slice(0, -1);
}

describe("resolvedScript", () => {
  beforeAll(initShell); // the rendering is parsed back before it is handed out
  it("renders the analysed words so bash sees exactly them, hostile characters included", () => {
    const words = ["a b", "$(id)", "`id`", "it's", "*", "~", "x;y", "$HOME", ""];
    const step = judged([["printf", "%s\\0", ...words]]);
    expect(bashArgs(resolvedScript(step.analysis))).toEqual(words);
  });

  it("keeps env parts symbolic, so the value is expanded by bash and never split or globbed", () => {
    const step = judged([["printf", "%s\\0", envWord("token=", "TOKEN")]], { env: ["TOKEN"] });
    const script = resolvedScript(step.analysis);
    expect(script).not.toContain("s3cret");
    expect(bashArgs(script, { TOKEN: "a b * $(id)" })).toEqual(["token=a b * $(id)"]);
  });

  it("refuses a step whose analysis has problems, no script, or a dynamic word", () => {
    const dyn = judged([["echo", "x"]]);
    const w = dyn.analysis.script?.pipelines[0]?.[0]?.argv[1];
    if (w) w.dynamic = "command substitution $(…)";
    expect(() => resolvedScript(dyn.analysis)).toThrow(/not static/);

    const noScript = judged([["echo"]]);
    delete noScript.analysis.script;
    expect(() => resolvedScript(noScript.analysis)).toThrow(/cannot run as checked/);

    const problem = judged([["echo"]]);
    problem.analysis.problems.push({
      code: "dynamic",
      construct: "for loop",
      message: "for loop is not resolved",
      span: word("x").span,
    });
    expect(() => resolvedScript(problem.analysis)).toThrow(/for loop is not resolved/);
  });
});

describe("assertRoundTrip", () => {
  beforeAll(initShell);
  it("accepts the real rendering and refuses one that parses to other commands", () => {
    const step = judged([["echo", "hello"]]);
    const script = step.analysis.script!;
    expect(() => assertRoundTrip(script, resolvedScript(step.analysis))).not.toThrow();
    expect(() => assertRoundTrip(script, "echo hello; rm -rf ~")).toThrow(/does not parse back/);
    expect(() => assertRoundTrip(script, "echo hello >/tmp/x")).toThrow(/does not parse back/);
    expect(() => assertRoundTrip(script, "echo $(hello)")).toThrow(/does not parse back/);
  });
});
