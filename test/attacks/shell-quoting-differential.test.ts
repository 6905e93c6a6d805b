// Differential test of word decoding: every `$'…'` escape (each printable ASCII character after
// the backslash, each followed by the tails that change how bash reads it: digits, hex digits,
// braces, a backslash …) and random words mixing every quoting form, under the real bash. Each
// word the analyser calls static must be exactly the argument bash passes, and so must its
// canonical rendering. Found: bash 5.2 decodes `\x{2f}` (any number of hex digits, mod 256).
import { spawnSync } from "node:child_process";
import { beforeAll, describe, expect, it } from "vitest";
import type { ShellAnalysis } from "../../src/model.js";
import { analyseShell, initShell, renderScript } from "../../src/shell/index.js";
import { BASH, ORACLE_HOME } from "./shell-bash-oracle.js";
import { extraRun, rng, type Rng } from "./shell-fuzz-gen.js";

beforeAll(async () => {
  await initShell();
});

const TAILS = [
  ...["", "0", "1", "7", "8", "00", "101", "0101", "377", "400", "41", "4g", "7f", "ff", "0041"],
  ...["00000041", "0000004a", "{2f}", "{", "}", "{}", "{41", "{g}", "{0041}", "{141}", "{fffffffff41}"],
  ...["a", "A", "?", "@", "[", "\\\\", "\\a", "\\", "\\'", '"', "$", " ", "é", "\\x41"],
];

/** `\` + each printable ASCII character + each tail: every escape bash's ansicstr can see. */
function everyEscape(): string[] {
  const words: string[] = [];
  for (let c = 0x20; c < 0x7f; c++) {
    const ch = String.fromCharCode(c);
    for (const tail of TAILS) words.push(`$'\\${ch}${tail}'`);
  }
  return words;
}

const pick = <T>(r: Rng, items: readonly T[]): T => items[Math.floor(r() * items.length)] as T;
const ANSI = [
  "a",
  " ",
  "\\n",
  "\\\\",
  "\\'",
  "\\x{2f}",
  "\\x2f",
  "\\u41",
  "\\U41",
  "\\c[",
  "\\101",
  "\\q",
  '"',
  "é",
];
const DQ = ["a", " ", "'", "\\\\", '\\"', "\\$", "\\`", "\\n", "\\", "\\\n", "é", "~", "#"];
const SQ = ["a", " ", '"', "\\", "\\n", "$", "`", "#", "~", "\n"];
const PLAIN = ["a", "b", "0", "-", "=", ":", "%", ",", ".", "@", "+", "é"];
const ESCAPED = [..." ;|&<>*?'\"$\\`#~abn(){}[]=!\t"];

function fragment(r: Rng): string {
  const many = (from: readonly string[]): string => {
    let out = "";
    for (let n = Math.floor(r() * 4); n > 0; n--) out += pick(r, from);
    return out;
  };
  switch (pick(r, ["ansi", "ansi", "dq", "sq", "plain", "esc", "locale"])) {
    case "ansi":
      return `$'${many(ANSI)}${r() < 0.5 ? pick(r, everyEscapeCache).slice(2, -1) : ""}'`;
    case "dq":
      return `"${many(DQ)}"`;
    case "sq":
      return `'${many(SQ)}'`;
    case "plain":
      return pick(r, PLAIN) + many(PLAIN);
    case "esc":
      return "\\" + pick(r, ESCAPED);
    default:
      return `$"${many(PLAIN)}"`;
  }
}

const everyEscapeCache = everyEscape();

function randomWords(seed: number, count: number): string[] {
  const r = rng(seed);
  const words: string[] = [];
  for (let i = 0; i < count; i++) {
    let w = fragment(r);
    for (let n = Math.floor(r() * 3); n > 0; n--) w += fragment(r);
    words.push(w);
  }
  return words;
}

function isStatic(a: ShellAnalysis): boolean {
  return (
    a.problems.length === 0 &&
    a.script !== undefined &&
    a.commands.length === 1 &&
    a.commands.every((c) => c.argv.every((w) => w.parts.every((p) => p.kind === "literal")))
  );
}

/**
 * Runs `lines` (each `zq <i> …`) in one bash, where zq is a function that prints its argv
 * (NUL-separated): no fork per command, so thousands of words take a second. The argv bash
 * gave each line, by its index.
 */
function bashArgvs(lines: string[]): Map<string, string[]> {
  const run = spawnSync(
    BASH,
    ["--norc", "--noprofile", "-c", `zq() { printf '%s\\0' "$#" "$@"; }\n${lines.join("\n")}`],
    {
      env: { PATH: "/nonexistent", HOME: ORACLE_HOME, LC_ALL: "C.UTF-8" },
      encoding: "utf8",
      timeout: 120_000,
    },
  );
  expect(run.stderr, "bash must read every generated line").toBe("");
  expect(run.status, "bash must run to the end").toBe(0);
  const fields = run.stdout.split("\0");
  fields.pop();
  const out = new Map<string, string[]>();
  for (let i = 0; i < fields.length;) {
    const count = Number(fields[i]);
    const argv = fields.slice(i + 1, i + 1 + count);
    out.set(argv[0] as string, argv.slice(1));
    i += 1 + count;
  }
  return out;
}

/** Compares each static word with bash; returns how many were static. */
function compare(words: string[], label: string): number {
  const lines: string[] = [];
  const rendered: string[] = [];
  const want = new Map<string, { word: string; argv: string[] }>();
  words.forEach((word, i) => {
    const line = `zq ${i} ${word}`;
    const analysis = analyseShell(line, { home: ORACLE_HOME });
    if (!isStatic(analysis) || !analysis.script) return;
    lines.push(line);
    rendered.push(renderScript(analysis.script));
    want.set(String(i), { word, argv: analysis.commands[0]!.argv.slice(2).map((w) => w.value) });
  });
  const got = bashArgvs(lines);
  const again = bashArgvs(rendered);
  for (const [i, { word, argv }] of want) {
    expect(got.get(i), `${label}: ${JSON.stringify(word)}`).toEqual(argv);
    expect(again.get(i), `${label}: ${JSON.stringify(word)} rendered`).toEqual(argv);
  }
  return want.size;
}

describe("word decoding against /usr/bin/bash", () => {
  it("every $'…' escape decodes as bash 5.2 decodes it (or the word is not static)", () => {
    const words = everyEscape();
    const statics = compare(words, "escape");
    // Most escapes are static; if none were, this test could not fail.
    expect(statics).toBeGreaterThan(words.length * 0.8);
  });
  it("the example of the issue: $'\\x{2f}…' is a path under /", () => {
    const analysis = analyseShell("cat $'\\x{2f}home\\x{2f}agent\\x{2f}.ssh\\x{2f}id_rsa'");
    expect(analysis.commands[0]?.argv[1]?.value).toBe("/home/agent/.ssh/id_rsa");
  });
  for (const seed of [1, 2]) {
    it(`fixed seed ${seed}: random words of every quoting form`, () => {
      expect(compare(randomWords(seed, 1500), `seed ${seed}`)).toBeGreaterThan(600);
    });
  }
  const extra = extraRun(1000);
  it(`seed ${extra.seed}, ${extra.cases} cases (make fuzz: SHELL_FUZZ_SEED, SHELL_FUZZ_CASES)`, () => {
    expect(compare(randomWords(extra.seed, extra.cases), `seed ${extra.seed}`)).toBeGreaterThan(
      extra.cases * 0.3,
    );
  });
});
