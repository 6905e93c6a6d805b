// The agent policy against every public hostile list in ../shared/corpus/shell: none of them may
// be allowed. GTFOBins is checked entry by entry (every binary, not only the ones agent allows),
// the intruder lists line by line, the README blocks and Bashfuscator samples whole, and Progent's
// malicious tool calls as the shell command they stand for (run_command as is; read_file and
// list_directory as cat/ls of the path). The only lines let through are listed in inertProbes
// below (bare recon commands such as `ls` or `uname -a`, and echo of XSS text), each checked to
// still be in the corpus so the list cannot hide anything new.
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { loadPolicy } from "../../src/policy/index.js";
import type { Policy } from "../../src/policy/types.js";
import { corpusRoot, judge, repoRoot, shellReady } from "../unit/policy-helpers.js";

// ../shared beside the main checkout, or two levels up from a worktree under /work/wt/.
const shellDir =
  [corpusRoot, path.resolve(repoRoot, "../../shared/corpus")]
    .map((d) => path.join(d, "shell"))
    .find((d) => existsSync(d)) ?? path.join(corpusRoot, "shell");
const read = (f: string): string => readFileSync(path.join(shellDir, f), "utf8");
const jsonl = <T>(f: string): T[] =>
  read(f)
    .split("\n")
    .filter((l) => l.trim() !== "")
    .map((l) => JSON.parse(l) as T);

let policy: Policy;
beforeAll(async () => {
  await shellReady();
  policy = await loadPolicy("agent");
});

/** Commands of a list that the policy allows (the test wants none). */
function allowed(commands: Array<{ label: string; text: string }>): string[] {
  return commands
    .map((c) => ({ c, j: judge(c.text, policy) }))
    .filter(({ j }) => j.verdict === "allow")
    .map(({ c, j }) => `${c.label}: ${c.text.slice(0, 120)} → allow (${j.rule})`);
}

/** Progent's kwargs column; a few rows escape the quotes inside a command twice: read them as one escape. */
function parseKwargs(text: string): Record<string, string> {
  try {
    return JSON.parse(text) as Record<string, string>;
  } catch {
    return JSON.parse(text.replace(/\\\\"/g, '\\"')) as Record<string, string>;
  }
}

// Lines of the intruder list that are not attacks on their own: the probes an attacker runs after
// an injection (ls, pwd, uname, which, sleep for timing) and XSS strings that echo only prints.
// They are everyday commands; the injections around them (; | && ` $( …) are what is refused.
const inertProbes = new Set([
  "echo '<img src=https://crowdshield.com/.testing/xss.js onload=prompt(2) onerror=alert(3)></img>'// XXXXXXXXXXX",
  "echo '<script>alert(1)</script>'// XXXXXXXXXXX",
  "echo '<script src=https://crowdshield.com/.testing/xss.js></script>'// XXXXXXXXXXX",
  "ls",
  "pwd",
  "sleep 1",
  "sleep 10",
  "sleep 5",
  "uname",
  "uname -a",
  "which curl",
  "which gcc",
  "which nc",
  "which netcat",
  "which perl",
  "which python",
  "which wget",
]);

describe("agent policy: hostile lists", () => {
  it("GTFOBins: every snippet of every binary is denied", () => {
    const entries = jsonl<{ binary: string; function: string; snippet: string }>("gtfobins.jsonl");
    expect(entries.length).toBeGreaterThan(900);
    const notDenied = entries
      .map((e) => ({ e, j: judge(e.snippet, policy) }))
      .filter(({ j }) => j.verdict !== "deny")
      .map(({ e, j }) => `${e.binary} ${e.function}: ${e.snippet} → ${j.verdict} (${j.rule})`);
    expect(notDenied).toEqual([]);
  });

  it("GTFOBins covers the binaries agent allows that have entries", () => {
    const entries = jsonl<{ binary: string }>("gtfobins.jsonl");
    const programs = new Set(policy.commands.map((r) => r.program));
    for (const b of [
      "git",
      "sed",
      "jq",
      "node",
      "npm",
      "find",
      "curl",
      "cp",
      "mv",
      "tee",
      "diff",
      "sort",
      "uniq",
      "cut",
      "nl",
      "file",
    ]) {
      expect(programs.has(b), b).toBe(true);
      expect(
        entries.some((e) => e.binary === b),
        b,
      ).toBe(true);
    }
  });

  it("Bashfuscator: no obfuscated command is allowed", () => {
    const samples = jsonl<{ mutator: string; obfuscated: string }>("bashfuscator_samples.jsonl");
    expect(samples.length).toBeGreaterThanOrEqual(70);
    expect(allowed(samples.map((s) => ({ label: s.mutator, text: s.obfuscated })))).toEqual([]);
  });

  for (const file of ["patt_command_exec.txt", "patt_command-execution-unix.txt"]) {
    it(`PayloadsAllTheThings ${file}: no payload line is allowed`, () => {
      const lines = read(file)
        .split("\n")
        .filter((l) => l.trim() !== "");
      expect(lines.length).toBeGreaterThan(50);
      const attacks = lines.filter((l) => !inertProbes.has(l.trim()));
      expect(allowed(attacks.map((l, i) => ({ label: `${file}:${i + 1}`, text: l })))).toEqual([]);
    });
  }

  it("the inert probes are real lines of the intruder list and are exactly the ones allowed", () => {
    const lines = new Set(
      read("patt_command_exec.txt")
        .split("\n")
        .map((l) => l.trim()),
    );
    for (const p of inertProbes) expect(lines.has(p), p).toBe(true);
    const allowedLines = [...lines].filter((l) => l !== "" && judge(l, policy).verdict === "allow");
    expect(new Set(allowedLines)).toEqual(inertProbes);
  });

  it("PayloadsAllTheThings README blocks: no block is allowed", () => {
    const blocks = jsonl<{ section: string; code: string }>("patt_command_injection_readme_blocks.jsonl");
    expect(blocks.length).toBeGreaterThan(30);
    expect(allowed(blocks.map((b) => ({ label: b.section, text: b.code })))).toEqual([]);
  });

  it("Progent skill-injection payloads: no malicious command, secret read or listing is allowed", () => {
    const rows = read("progent_skill_injection_payloads.tsv")
      .split("\n")
      .slice(1)
      .filter((l) => l.trim() !== "")
      .map((l) => l.split("\t"))
      .filter((c) => c[1] === "malicious");
    const commands: Array<{ label: string; text: string }> = [];
    for (const c of rows) {
      const kwargs = parseKwargs(c[4] ?? "{}");
      const label = `${c[0]}/${c[2]}`;
      if (c[3] === "run_command" && kwargs.command) commands.push({ label, text: kwargs.command });
      if (c[3] === "read_file" && kwargs.file_path)
        commands.push({ label, text: `cat '${kwargs.file_path}'` });
      if (c[3] === "list_directory" && kwargs.path) commands.push({ label, text: `ls '${kwargs.path}'` });
    }
    expect(commands.length).toBeGreaterThan(40);
    expect(allowed(commands)).toEqual([]);
  });
});
