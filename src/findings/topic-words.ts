// The content words of a text, as crude stems, for judging what a passage is about (issue 14,
// topical coherence). Function words and the verbs and nouns of any agent's work ("create",
// "file", "output", "ensure") are left out: they say nothing about a skill's subject. Stems are
// cut so that inflections meet ("deleting", "deleted", "delete" → "delet"); the cut is crude on
// purpose, the same for every text, and shared with bench/topic-weights.js so the weight table is
// keyed by the same stems.

// Function words, the words of any agent's work, and quantities and time spans ("at most once
// every thirty minutes" is a limit, not a subject).
const stop = new Set(
  `a about above after again against all also always am an and another any anything are as at be
  because been before being below between both but by can cannot could did do does doing done down
  during each either else even ever every few first for from further get gets got had has have
  having he her here hers him his how however i if in into is it its itself just keep kept least
  less let like made make makes making many may me might mine more most much must my need needed
  needs never next no none nor not now of off on once one only onto or other others our ours out
  over own per please same she should since so some something such sure than that the their theirs
  them themselves then there these they thing things this those though through thus to too two
  under until up upon us use used uses using very via want was way we well were what whatever when
  whenever where whether which while who whom whose why will with within without would yes yet you
  your yours yourself etc okay also instead already still rather quite really
  ensure ensuring create creating created creates update updating updated updates change changes
  changing changed edit editing edited edits write writing written writes add adding added adds
  run running runs ran do go going follow following follows provide provides providing give gives
  given take takes taking set sets setting get getting see check checks checking checked include
  includes including included work works working worked task tasks step steps file files folder
  user users agent agents assistant model time times new old item items thing output outputs
  result results response responses answer answers request requests action actions operation
  operations process processing data content contents document documents text information info
  skill skills example examples note notes important always whenever each every any all default
  available specific specified following based able appropriate relevant necessary correct
  properly proper clear clearly simple simply just good best better first last next end start
  finish finished finishing complete completed completing done ready type types value values name
  names list lists number numbers part parts way ways case cases point points line lines section
  sections format formats option options call calls called calling return returns returned
  help helps make sure need want try tries tried look looks looking find finds found show shows
  shown read reads reading call via line http https www com org io
  second seconds minute minutes hour hours day days daily week weeks weekly month months monthly
  year years once twice three four five six seven eight nine ten twenty thirty forty fifty sixty
  hundred thousand least most`.split(/\s+/),
);

// Suffixes cut from a word of more than five letters, longest first.
const suffixes = [
  "izations",
  "ization",
  "ations",
  "ation",
  "ments",
  "ment",
  "ities",
  "ness",
  "ings",
  "ing",
  "ies",
  "ied",
  "ers",
  "er",
  "ed",
  "es",
  "ly",
  "s",
  "e",
];

/** The stem of one lower-case word: inflection cut, at most seven letters. */
export function stemOf(word: string): string {
  let w = word;
  for (const s of suffixes)
    if (w.length - s.length >= 4 && w.endsWith(s) && !(s === "s" && /[siu]s$/.test(w))) {
      w = w.slice(0, -s.length);
      break;
    }
  if (w.length > 4 && w.endsWith("e")) w = w.slice(0, -1);
  return w.slice(0, 7);
}

/** Content stems of a text, each with its count (words of three letters or more, stop words left out). */
export function stemCounts(text: string, into: Map<string, number> = new Map()): Map<string, number> {
  for (const m of text.toLowerCase().matchAll(/[a-z]{3,}/g)) {
    const w = m[0];
    if (stop.has(w)) continue;
    const s = stemOf(w);
    into.set(s, (into.get(s) ?? 0) + 1);
  }
  return into;
}

/** The distinct content stems of a text, in order of first appearance. */
export function stemsIn(text: string): string[] {
  return [...stemCounts(text).keys()];
}
