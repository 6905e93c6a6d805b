// Throughput of analyseShell on the real Moltbook skill's commands (printed for the report).
import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { beforeAll, expect, it } from "vitest";
import { analyseShell, initShell, splitStatements } from "../../src/shell/index.js";

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const skill = path.resolve(repoRoot, "../shared/corpus/benign/moltbook/c2d8e44c_SKILL.md");

beforeAll(async () => {
  await initShell();
});

it("analyses the Moltbook skill's commands fast", () => {
  const md = readFileSync(skill, "utf8");
  const blocks = [...md.matchAll(/```(?:bash|sh)\n([\s\S]*?)```/g)].map((m) => m[1] ?? "");
  const commands = blocks.flatMap((b) => splitStatements(b).map((s) => s.text));
  expect(commands.length).toBeGreaterThan(20);
  for (const c of commands) expect(analyseShell(c).commands.length).toBeGreaterThan(0);
  for (let r = 0; r < 50; r++) for (const c of commands) analyseShell(c); // warm up the JIT
  const rounds = 200;
  const start = performance.now();
  for (let r = 0; r < rounds; r++) for (const c of commands) analyseShell(c);
  const seconds = (performance.now() - start) / 1000;
  const perSecond = Math.round((rounds * commands.length) / seconds);
  console.log(`analyseShell: ${perSecond} commands/s over ${commands.length} Moltbook commands x ${rounds}`);
  expect(perSecond).toBeGreaterThan(1000);
});
