// Inflected forms of a verb back to its base form, for the clause reading: an order framed as a
// passive ("should be sent"), a gerund ("Sending … is required") or a third-person present ("the
// agent posts …") carries its act verb inflected. Suffix rules plus the few irregular forms of the
// act lexicon; a form counts only when its base is a known verb (`isVerb`), so nouns that happen
// to end in -s or -ed are left alone unless their stem is an act verb.

const irregular = new Map<string, string>([
  ["sent", "send"],
  ["wrote", "write"],
  ["written", "write"],
  ["made", "make"],
  ["gave", "give"],
  ["given", "give"],
  ["told", "tell"],
  ["said", "say"],
  ["hid", "hide"],
  ["hidden", "hide"],
  ["shown", "show"],
  ["ran", "run"],
]);

/** The base form of `word` when it is an inflection (or the base) of a verb `isVerb` knows. */
export function baseVerb(word: string, isVerb: (w: string) => boolean): string | undefined {
  const w = word.toLowerCase();
  if (isVerb(w)) return w;
  const irr = irregular.get(w);
  if (irr !== undefined) return isVerb(irr) ? irr : undefined;
  const candidates: string[] = [];
  const stem = (suffix: string): string | undefined =>
    w.endsWith(suffix) && w.length > suffix.length + 1 ? w.slice(0, -suffix.length) : undefined;
  for (const [suffix, add] of [
    ["ies", "y"],
    ["ied", "y"],
    ["es", ""],
    ["s", ""],
    ["ed", ""],
    ["ed", "e"],
    ["ing", ""],
    ["ing", "e"],
  ] as const) {
    const s = stem(suffix);
    if (s === undefined) continue;
    candidates.push(s + add);
    // A doubled final consonant: "submitted", "dropping".
    if ((suffix === "ed" || suffix === "ing") && add === "" && /([b-df-hj-np-tv-z])\1$/.test(s))
      candidates.push(s.slice(0, -1));
  }
  return candidates.find((c) => isVerb(c));
}
