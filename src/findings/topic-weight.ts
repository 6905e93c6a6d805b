// How much a shared word says about a subject: the rarer a stem is among benign skills, the more
// two texts that both use it are about the same thing (inverse document frequency). The table is
// derived from the TUNE benign skills by bench/topic-weights.js (docs/eval.md, section i14coh);
// a stem no benign skill uses weighs the most.

import { benignDocFrequency, benignSkills } from "./topic-weights.js";

let table: Map<string, number> | undefined;

function frequencies(): Map<string, number> {
  if (table) return table;
  table = new Map();
  for (const entry of benignDocFrequency.split(" ")) {
    const [stem, n] = entry.split(":");
    if (stem && n) table.set(stem, Number(n));
  }
  return table;
}

/** Weight of a stem: ln((N + 1) / (df + 1)), N benign skills, df of them using the stem. */
export function weightOf(stem: string): number {
  return Math.log((benignSkills + 1) / ((frequencies().get(stem) ?? 0) + 1));
}
