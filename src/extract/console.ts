// Console transcripts (```console, shell-session, terminal): prompt lines are commands, the
// rest is output. Prompts recognised:
// - `$ ` and `% ` (sh/bash and zsh user prompts), optionally after `user@host:dir`;
// - `# ` only as a root prompt: when the block has no `$ `/`% ` prompt at all AND the text after
//   `# ` starts with a plausible program. Otherwise `# ` lines are comments or output, because
//   in transcripts `#` far more often starts a comment than a root shell.
// A block with no prompt at all is treated as a plain script (authors mislabel blocks): every
// line is a command, so nothing hides behind the label.

import { programWord, isPlausibleProgram } from "./commands.js";

export interface ConsoleLine {
  /** Index of the line within the block. */
  index: number;
  /** Characters stripped before the command on that line (the prompt). */
  promptLength: number;
  command: string;
}

const USER_PROMPT = /^(?:[\w.-]+@[\w.-]+(?::[^\s$%#]*)?\s?)?[$%] /;
const ROOT_PROMPT = /^(?:[\w.-]+@[\w.-]+(?::[^\s$%#]*)?\s?)?# /;

/** The command lines of a transcript, continuation lines (after a trailing `\`) included. */
export function consoleCommands(lines: readonly string[]): ConsoleLine[] {
  const userPrompts = lines.some((l) => USER_PROMPT.test(l));
  const rootPrompt = (l: string): RegExpExecArray | null => {
    if (userPrompts) return null;
    const m = ROOT_PROMPT.exec(l);
    if (m === null) return null;
    const pw = programWord(l.slice(m[0].length));
    return pw !== undefined && isPlausibleProgram(pw.word) ? m : null;
  };
  const anyPrompt = userPrompts || lines.some((l) => rootPrompt(l) !== null);
  const out: ConsoleLine[] = [];
  let continuing = false;
  for (let index = 0; index < lines.length; index += 1) {
    const line = lines[index] ?? "";
    if (!anyPrompt) {
      out.push({ index, promptLength: 0, command: line });
      continue;
    }
    if (continuing) {
      out.push({ index, promptLength: 0, command: line });
      continuing = line.endsWith("\\");
      continue;
    }
    const m = USER_PROMPT.exec(line) ?? rootPrompt(line);
    if (m === null) continue;
    const command = line.slice(m[0].length);
    out.push({ index, promptLength: m[0].length, command });
    continuing = command.endsWith("\\");
  }
  if (!anyPrompt) {
    // Drop trailing empty lines so the step text ends with the last command.
    while (out.length > 0 && (out[out.length - 1]?.command.trim() ?? "") === "") out.pop();
  }
  return out;
}
