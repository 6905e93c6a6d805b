// Every skillwall command line written in README.md and docs/*.md names commands and options
// the CLI really has: the commands and options come from the program definition itself
// (cliProgram()), so a command added later is checked without touching this test. It would have
// failed on the README's `run --ca-file` before run had that option.
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import type { Command, Option } from "commander";
import { beforeAll, describe, expect, it } from "vitest";
import { cliProgram } from "../../src/cli.js";
import { repoRoot } from "../helpers/cli.js";

const docFiles = [
  "README.md",
  ...readdirSync(path.join(repoRoot, "docs"))
    .filter((f) => f.endsWith(".md"))
    .map((f) => `docs/${f}`),
];

/** Code a reader would copy: fenced block lines (continuations joined) and inline code spans. */
export function codeSnippets(markdown: string): string[] {
  const out: string[] = [];
  let fenced = false;
  let pending = "";
  for (const line of markdown.split("\n")) {
    if (/^\s*(```|~~~)/.test(line)) {
      fenced = !fenced;
      continue;
    }
    if (fenced) {
      const joined = pending + line;
      if (/\\\s*$/.test(line)) pending = joined.replace(/\\\s*$/, " ");
      else {
        out.push(joined);
        pending = "";
      }
      continue;
    }
    for (const m of line.matchAll(/`([^`]+)`/g)) out.push(m[1] ?? "");
  }
  return out;
}

/** The words after `skillwall` / `bin/skillwall.js` in a snippet, up to a comment or shell operator. */
export function invocations(snippet: string): string[][] {
  const out: string[][] = [];
  for (const m of snippet.matchAll(
    // Only where a command starts (not `openclaw plugins enable skillwall …`, where it is an argument).
    /(?:^\s*|[;&|(]\s*)(?:(?:exec|sudo|time)\s+)?(?:npx\s+)?(?:node\s+)?(?:\S*\/)?(?:skillwall|skillwall\.js)\s+([^\n]*)/g,
  )) {
    const rest = (m[1] ?? "").split(/\s#|\s\|\s|&&|;|\s>\s?/)[0] ?? "";
    const words = (rest.match(/"[^"]*"|'[^']*'|\S+/g) ?? []).map((w) => w.replace(/^\[|\]$/g, ""));
    out.push(words);
  }
  return out;
}

function findOption(cmd: Command | undefined, flag: string): Option | undefined {
  for (let c = cmd; c !== undefined && c !== null; c = c.parent ?? undefined) {
    const hit = c.options.find((o) => o.long === flag || o.short === flag);
    if (hit) return hit;
  }
  return undefined;
}

/** Problems with one documented command line, checked against the program definition. */
export function checkInvocation(program: Command, words: readonly string[]): string[] {
  const problems: string[] = [];
  let cmd: Command = program;
  let i = 0;
  // Root options, then the (possibly nested) command names.
  for (; i < words.length; i++) {
    const w = words[i] as string;
    if (w === "--") break;
    if (w.startsWith("-") && w !== "-") {
      const flag = w.split("=")[0] as string;
      const opt = findOption(cmd, flag);
      if (flag === "--help" || flag === "-h" || flag === "--version") continue;
      if (!opt) problems.push(`${cmd.name()}: unknown option ${flag}`);
      else if (opt.required && !w.includes("=")) i++;
      continue;
    }
    const sub = cmd.commands.find((c) => c.name() === w || c.aliases().includes(w));
    if (sub) {
      cmd = sub;
      continue;
    }
    if (cmd === program) {
      // Prose such as `skillwall is …` is not an invocation; a lower-case word is a command name.
      if (/^[a-z][a-z-]*$/.test(w)) problems.push(`unknown command ${w}`);
      return problems;
    }
    // A positional argument of cmd (or a placeholder); options may follow.
  }
  return problems;
}

let program: Command;
beforeAll(async () => {
  program = await cliProgram();
});

describe("the docs' command lines match the CLI", () => {
  it("finds the command lines (the extraction works)", () => {
    const all = docFiles.flatMap((f) =>
      codeSnippets(readFileSync(path.join(repoRoot, f), "utf8")).flatMap(invocations),
    );
    expect(all.length).toBeGreaterThan(15);
    expect(all.some((w) => w[0] === "scan")).toBe(true);
  });

  for (const file of docFiles) {
    it(`${file}: every command and option exists`, () => {
      const text = readFileSync(path.join(repoRoot, file), "utf8");
      const problems = codeSnippets(text)
        .flatMap(invocations)
        .flatMap((words) => checkInvocation(program, words).map((p) => `${p}  (in: ${words.join(" ")})`));
      expect(problems).toEqual([]);
    });

    it(`${file}: "\`--option\` (on \`a\`, \`b\`)" lists only commands that have that option`, () => {
      const text = readFileSync(path.join(repoRoot, file), "utf8").replace(/\s+/g, " ");
      const problems: string[] = [];
      for (const m of text.matchAll(/`(--[a-z-]+)[^`]*` \(on ((?:`[a-z -]+`(?:, | and | or )?)+)\)/g)) {
        for (const name of (m[2] ?? "").match(/`([^`]+)`/g) ?? []) {
          const words = name.replace(/`/g, "").split(" ");
          problems.push(...checkInvocation(program, [...words, m[1] as string]));
        }
      }
      expect(problems).toEqual([]);
    });
  }

  it("catches what it is for: an option a command lacks, a command that does not exist", () => {
    expect(checkInvocation(program, ["run", "x", "--no-such-option"])).toEqual([
      "run: unknown option --no-such-option",
    ]);
    expect(checkInvocation(program, ["frobnicate", "x"])).toEqual(["unknown command frobnicate"]);
    expect(
      checkInvocation(program, ["--audit-log", "f", "scan", "x", "--policy", "p", "-f", "json"]),
    ).toEqual([]);
  });
});

describe("help text", () => {
  it("every option of every command says what it does", () => {
    const missing: string[] = [];
    const walk = (c: Command, at: string): void => {
      for (const o of c.options) if ((o.description ?? "").trim() === "") missing.push(`${at} ${o.flags}`);
      for (const s of c.commands) walk(s, `${at} ${s.name()}`);
    };
    walk(program, "skillwall");
    expect(missing).toEqual([]);
  });

  it("shows no default as raw JSON", () => {
    const raw: string[] = [];
    const walk = (c: Command): void => {
      for (const o of c.options)
        if (
          o.defaultValue !== null &&
          typeof o.defaultValue === "object" &&
          !(Array.isArray(o.defaultValue) && o.defaultValue.length === 0) && // repeatable: starts empty
          o.defaultValueDescription === undefined
        )
          raw.push(`${c.name()} ${o.flags}`);
      for (const s of c.commands) walk(s);
    };
    walk(program);
    expect(raw).toEqual([]);
  });

  it("run says the truth about the network", () => {
    const run = program.commands.find((c) => c.name() === "run");
    expect(run?.description()).not.toMatch(/network-less/);
    expect(run?.description()).toMatch(/no network, except the hosts the policy grants/);
  });
});

describe("exec without --", () => {
  it("reads everything from the first word that is not one of exec's options as the command", async () => {
    const { separateExecCommand } = await import("../../src/cli/exec.js");
    expect(separateExecCommand(["exec", "ls", "-la"])).toEqual(["exec", "--", "ls", "-la"]);
    // The command's own -p is not taken as skillwall's --policy.
    expect(separateExecCommand(["exec", "-p", "common-tools", "grep", "-p", "x"])).toEqual([
      "exec",
      "-p",
      "common-tools",
      "--",
      "grep",
      "-p",
      "x",
    ]);
    expect(separateExecCommand(["exec", "--", "ls", "-la"])).toEqual(["exec", "--", "ls", "-la"]);
    expect(separateExecCommand(["--audit-log", "f", "exec", "ls"])).toEqual([
      "--audit-log",
      "f",
      "exec",
      "--",
      "ls",
    ]);
  });
});
