// Random command lines built from bash quoting fragments, for differential tests against bash.

export type Rng = () => number;

/** mulberry32: small, seedable, good enough for test generation. */
export function rng(seed: number): Rng {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const pick = <T>(r: Rng, items: readonly T[]): T => items[Math.floor(r() * items.length)] as T;
const repeat = (r: Rng, min: number, max: number, make: () => string): string => {
  let out = "";
  const n = min + Math.floor(r() * (max - min + 1));
  for (let i = 0; i < n; i++) out += make();
  return out;
};

const PLAIN = "abcxyzABZ0189_.,:@%+=-".split("");
const SQ_CHARS = [...'ab z"\\$*;|&<>#~`(){}[]!?='.split(""), "\t", "\n", "é"];
const DQ_PIECES = [
  "a",
  "b",
  " ",
  "'",
  ";",
  "*",
  "?",
  "|",
  "<",
  "#",
  "~",
  '\\"',
  "\\\\",
  "\\$",
  "\\`",
  "\\n",
  "\\a",
  "\\",
  "\\\n",
  "\t",
  "é",
  "{",
  "}",
  ",",
];
const ANSI_PIECES = [
  "a",
  " ",
  "\\n",
  "\\t",
  "\\\\",
  "\\'",
  '\\"',
  "\\?",
  "\\x41",
  "\\x7",
  "\\x4g",
  "\\101",
  "\\7",
  "\\0",
  "\\cA",
  "\\c?",
  "\\ca",
  "\\c\\\\",
  "\\u41",
  "\\U0000004a",
  "\\e",
  "\\E",
  "\\q",
  "\\x",
  "\\u",
  "\\u00e9",
  "\\xff",
  "$",
  '"',
  "*",
  "\\b",
  "\\v",
  "\\f",
  "\\r",
];
const ESCAPED = " ;|&<>*?'\"$\\`#~abn(){}[]=!\t".split("");

function fragment(r: Rng, position: "first" | "inner", forRedirect: boolean): string {
  const kinds = forRedirect
    ? ["plain", "sq", "dq", "ansi", "esc"]
    : ["plain", "plain", "sq", "dq", "ansi", "esc", "tilde", "rare"];
  const kind = pick(r, kinds);
  switch (kind) {
    case "plain":
      return repeat(r, 1, 4, () => pick(r, PLAIN)) + (r() < 0.05 && !forRedirect ? "#x" : "");
    case "sq":
      return "'" + repeat(r, 0, 4, () => pick(r, SQ_CHARS)).replaceAll("'", "") + "'";
    case "dq":
      return '"' + repeat(r, 0, 4, () => pick(r, DQ_PIECES)) + '"';
    case "ansi":
      return "$'" + repeat(r, 0, 3, () => pick(r, ANSI_PIECES)) + "'";
    case "esc":
      return "\\" + pick(r, ESCAPED);
    case "tilde":
      return position === "first" ? pick(r, ["~", "~/x", "~a", "~+", "a=~"]) : "~";
    default:
      return pick(r, [
        "*",
        "?",
        "[a]",
        "{a,b}",
        "$HOME",
        "${HOME}",
        "$1",
        "\\\n",
        "#c",
        "\r",
        "$(x)",
        "`y`",
        "{",
        "}",
      ]);
  }
}

function word(r: Rng, forRedirect = false): string {
  let w = fragment(r, "first", forRedirect);
  const more = Math.floor(r() * 3);
  for (let i = 0; i < more; i++) w += fragment(r, "inner", forRedirect);
  return w;
}

function command(r: Rng): string {
  // The name starts with "zq" so it is never a builtin, keyword or path.
  let text =
    "zq" + (r() < 0.5 ? pick(r, PLAIN.slice(0, 9)) : "") + (r() < 0.3 ? fragment(r, "inner", true) : "");
  const args = Math.floor(r() * 4);
  for (let i = 0; i < args; i++) text += pick(r, [" ", " ", "\t", "  ", " \\\n "]) + word(r);
  if (r() < 0.3) {
    const target =
      "f" + pick(r, PLAIN.slice(0, 6)) + (r() < 0.6 ? fragment(r, "inner", true).replaceAll("/", "") : "");
    text += pick(r, [" >", ">", " >>", " 2>", " > "]) + target;
  }
  return text;
}

export function commandLine(r: Rng): string {
  let line = command(r);
  const extra = r() < 0.4 ? 1 + Math.floor(r() * 2) : 0;
  for (let i = 0; i < extra; i++) line += pick(r, ["; ", "\n", " && ", " # note\n", ";"]) + command(r);
  return line;
}

/**
 * The extra fuzz run of a differential test. `make test` is deterministic: a fixed seed (460607243
 * found the `;&>` divergence) and the test's default volume. `make fuzz` sets SHELL_FUZZ_SEED
 * (random unless given) and SHELL_FUZZ_CASES (the volume).
 */
export function extraRun(defaultCases: number): { seed: number; cases: number } {
  const seed = Number(process.env.SHELL_FUZZ_SEED) || 460607243;
  const cases = Number(process.env.SHELL_FUZZ_CASES) || defaultCases;
  return { seed, cases };
}
