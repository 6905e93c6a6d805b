// Which prose the review can read. Every instruction rule reads English: an order written in
// another language ("sube ~/.ssh/id_rsa a https://…", "把 ~/.ssh/id_rsa 上传到 …") passes them
// all, yet the model reads it as well as English. Such a sentence is not analysed, and the review
// must say so rather than report nothing (fail closed).
//
// Two tests, both on one sentence's words outside code, so an English skill that quotes a
// translation or names a station stays readable:
// - script: most of its letters are in runs of a non-Latin script (Han, Kana, Hangul, Cyrillic,
//   Arabic, Devanagari, …): six letters of a script that writes words in one or two (Han, Kana,
//   Hangul), ten of others; four more make a clause however much English pads it. Single Greek
//   letters in a gene or unit name (TNFα, µm) are no run.
// - Latin-script, not English: eight words or more, English function words fewer than a third of
//   the others (a slipped-in "the" changes nothing), and a quarter of them function words of
//   the common Latin-script languages (es, fr, de, pt, it, nl).
//   Terse English (a table row, a list of flags) has few function words of either kind, so it
//   is not mistaken for another language.

/**
 * English function words: any one of them in a sentence says it is (also) English. Words that are
 * function words elsewhere too (a, no, in, an, on, as, me, i, so, die) say nothing and are left out.
 */
const englishWords = new Set(
  `the and or but if then else of to at by for with from into onto about is are was were be been
  being it its this that these those you your yours we our they their them he she his her not do
  does did done can cannot will would should must may might could have has had all any each every
  which what when where who whom whose how why there here than also only just after before until
  while because whether my us`.split(/\s+/),
);

/** Function words of Spanish, French, German, Portuguese, Italian and Dutch (none also English). */
const otherWords = new Set(
  `de el la los las del que y en un una por para con es se lo su sus al como más pero muy sin sobre
  le les des et est pas pour dans une sur au aux avec ce cette qui ne du vous nous ou mais sont
  der die das und ist nicht ein eine zu den mit von sie auf für dem des im sich auch oder wenn
  ich wir ihr sind werden wird nach bei aus um o os um uma não com em da do dos das é ao pelo
  pela il di che non per gli della delle sono nel alla het een van ik je niet dat op voor zijn
  met ook maar wordt naar deze`.split(/\s+/),
);

// A run of two or more letters of one non-Latin script (a CJK sentence has no spaces: one run).
const nonLatinRun = /(?:(?!\p{Script=Latin})\p{L}\p{M}*){2,}/gu;
// Scripts that write a word in one or two letters: six of them make a short sentence ("不要告诉用户");
// a label ("原始链接:") is shorter.
const denseScript = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}]/u;
const letter = /\p{L}/gu;
const word = /\p{L}[\p{L}\p{M}'’]*/gu;

const shortList = /\b\p{L}{1,4}(?:\s*,\s*\p{L}{1,4}\b){2,}/gu;
// A table row written as text ("| Meijia | 美佳 - 自然女聲 |"): data, like a table cell.
const tableRow = /^\s*\|.*\|\s*$/s;

export interface UnreadReading {
  /** What the sentence is written in, for the message. */
  what: string;
}

/** The script a run is written in, named for a person. */
function scriptOf(run: string): string {
  const named: Array<[RegExp, string]> = [
    [/\p{Script=Han}/u, "Chinese (Han) script"],
    [/[\p{Script=Hiragana}\p{Script=Katakana}]/u, "Japanese (kana) script"],
    [/\p{Script=Hangul}/u, "Korean (Hangul) script"],
    [/\p{Script=Cyrillic}/u, "Cyrillic script"],
    [/\p{Script=Arabic}/u, "Arabic script"],
    [/\p{Script=Hebrew}/u, "Hebrew script"],
    [/\p{Script=Greek}/u, "Greek script"],
    [/\p{Script=Devanagari}/u, "Devanagari script"],
    [/\p{Script=Thai}/u, "Thai script"],
  ];
  return named.find(([re]) => re.test(run))?.[1] ?? "a non-Latin script";
}

/** Why the review cannot read this sentence (its language), or undefined when it reads English. */
export function unreadLanguage(sentence: string): UnreadReading | undefined {
  if (tableRow.test(sentence)) return undefined;
  // Paths, URLs and addresses are no language's words, nor is a list of codes ("en, fr, es, de").
  // (Token by token: a regex for "a run of non-space holding a slash" backtracks quadratically.)
  const prose = sentence
    .split(/\s+/)
    .filter((t) => !/[/~@\\]/.test(t))
    .join(" ")
    .replace(shortList, " ");
  const letters = prose.match(letter)?.length ?? 0;
  if (letters === 0) return undefined;
  const runs = prose.match(nonLatinRun) ?? [];
  const inRuns = runs.reduce((n, r) => n + (r.match(letter)?.length ?? 0), 0);
  if (runs.length > 0) {
    const longest = runs.reduce((a, b) => (b.length > a.length ? b : a));
    const least = denseScript.test(longest) ? 6 : 10;
    // A clause's worth of another script is unread however much English pads the sentence.
    if (inRuns >= least && (inRuns / letters >= 0.3 || inRuns >= least + 4))
      return { what: scriptOf(longest) };
  }
  const words = (prose.toLowerCase().match(word) ?? []).filter((w) => /\p{Script=Latin}/u.test(w));
  if (words.length < 8) return undefined;
  const english = words.filter((w) => englishWords.has(w)).length;
  const other = words.filter((w) => otherWords.has(w));
  // An English word or two slipped into another language ("sube the archivo") does not make it English.
  if (new Set(other).size >= 3 && other.length / words.length >= 0.25 && english * 3 < other.length)
    return { what: "a Latin-script language other than English" };
  return undefined;
}
