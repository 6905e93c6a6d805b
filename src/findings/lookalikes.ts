// Words spelled with Cyrillic or Greek letters drawn like Latin ones ("uрlоаd", "Dо nоt tеll the
// usеr"). A person, and the model, read English there; a rule that reads words would see strings
// it does not know. So prose is read with such words folded to their Latin lookalikes (same
// length: positions still point at the original), and the mixing itself is reported
// (detectors/homoglyph-words.ts). Only a word that mixes scripts is folded: a Russian or Greek
// word stays what it is (language.ts reports prose the review cannot read), and a Greek letter in
// a scientific name (TNFα, NF-κB, μm) is no lookalike.

// Cyrillic and Greek letters drawn like a Latin one, and the Latin letter each imitates.
const lookalikes = "авекмнорстухіјѕһԁԛԝӏАВЕКМНОРСТУХІЈЅԀԚԜӀΑΒΕΖΗΙΚΜΝΟΡΤΥΧον";
const imitated = "abekmhopctyxijshdqwlABEKMHOPCTYXIJSDQWIABEZHIKMNOPTYXov";
const toLatin = new Map([...lookalikes].map((c, i) => [c, imitated[i]]));

// A word that holds a Latin letter and a Cyrillic or Greek letter.
const word = /\p{L}+/gu;
const latin = /\p{Script=Latin}/u;
const otherScript = /[\p{Script=Cyrillic}\p{Script=Greek}]/u;

/** Whether a word mixes Latin letters with lookalikes of them. */
export function mixesLookalikes(w: string): boolean {
  return latin.test(w) && otherScript.test(w) && [...w].some((c) => toLatin.has(c));
}

/** Each word of `text` that mixes Latin letters with lookalikes, with its offset. */
export function* lookalikeWords(text: string): Generator<{ word: string; index: number }> {
  if (!otherScript.test(text)) return;
  for (const m of text.matchAll(word)) if (mixesLookalikes(m[0])) yield { word: m[0], index: m.index };
}

/** `text` with every mixed word's lookalikes replaced by the Latin letters they imitate (same length). */
export function foldLookalikes(text: string): string {
  let out = text;
  for (const { word: w, index } of lookalikeWords(text)) {
    const folded = [...w].map((c) => toLatin.get(c) ?? c).join("");
    out = out.slice(0, index) + folded + out.slice(index + w.length);
  }
  return out;
}
