// A typed confirmation for decisions that override a denial: the person types the exact word
// (the skill's name) on a terminal. Without a terminal there is nobody to ask: refused.

import { createInterface } from "node:readline/promises";
import { SkillwallError } from "../errors.js";
import type { CliIO } from "./io.js";

export async function confirmByTyping(io: CliIO, question: string, expected: string): Promise<void> {
  if (io.stdin.isTTY !== true)
    throw new SkillwallError(
      "confirmation-needs-terminal",
      `${question.trim()}: refused, stdin is not a terminal`,
      {
        fix: "run it on a terminal and type the name when asked; an override is never given unattended",
      },
    );
  const rl = createInterface({ input: io.stdin, output: io.stderr as NodeJS.WritableStream });
  let answer: string;
  try {
    answer = await rl.question(`${question}\ntype ${JSON.stringify(expected)} to confirm: `);
  } finally {
    rl.close();
  }
  if (answer.trim() !== expected)
    throw new SkillwallError(
      "confirmation-mismatch",
      `confirmation did not match ${JSON.stringify(expected)}: nothing changed`,
      {
        fix: `type exactly ${expected}`,
      },
    );
}
