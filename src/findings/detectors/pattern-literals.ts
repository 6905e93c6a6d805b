// String literals handed to a regular-expression constructor are detection patterns, not
// commands or paths: a scanner that compiles `re.compile(r"/dev/tcp/")` or
// `new RegExp("\\.ssh/id_rsa")` is looking for the payload, not running it (issue 14 false
// positives on security tools). The literal itself is blanked; the rest of the line is read as
// before, so a payload string elsewhere on the line (or passed to os.system) still counts.

/** The first string argument of a regex constructor or matcher (Python re.*, JS RegExp). */
const patternArgument =
  /\b(?:re\.(?:compile|search|match|fullmatch|findall|finditer|sub|subn|split)|regex\.(?:compile|search|match)|RegExp)\s*\(\s*(?:[rbuRBU]{1,2})?(["'`])(?:(?!\1)[^\\\n]|\\.){0,400}\1/g;

/**
 * Whether the file reads a compiled pattern's source back (`p.pattern`, `rx.source`): then the
 * literal may be the payload in disguise, and nothing is blanked.
 */
const patternReadBack = /\.(?:pattern|source)\b(?!\s*\()/;

/**
 * A function blanking the string arguments of regex constructors to `""` in lines of `fileText`
 * (the read-back check runs once per file, not once per line).
 */
export function patternBlanker(fileText: string): (code: string) => string {
  if (patternReadBack.test(fileText)) return (code) => code;
  return (code) => code.replace(patternArgument, (m, quote: string) => m.slice(0, m.indexOf(quote)) + '""');
}
