// One sentence for a shell problem. Most messages already start with the construct's name
// ("subshell ( … ) is not allowed in a skill step"); prefixing the construct again would read
// "subshell ( … ): subshell ( … ) is not allowed …", so the prefix is added only when missing.

import type { ShellProblem } from "../model.js";

export function describeProblem(problem: Pick<ShellProblem, "construct" | "message">): string {
  const { construct, message } = problem;
  if (construct === "" || message.startsWith(construct)) return message;
  if (construct.startsWith(message)) return construct;
  return `${construct}: ${message}`;
}
