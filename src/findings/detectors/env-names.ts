// Listing which environment variables are set is not reading their values (issue 14 false
// positive: an environment check that prints "API keys set: NCBI_API_KEY, …"). An iteration over
// the environment's names counts as a harvest only when the code also reads a value by a
// computed name (`os.environ[k]`, `os.getenv(name)`, `process.env[k]`): then the names become
// values. Whole-environment copies (`dict(os.environ)`, `.items()`, `JSON.stringify(process.env)`)
// are never names only.

/** Iterating the names only: `for k in os.environ`, `os.environ.keys()`, `Object.keys(process.env)`, `sorted(os.environ)`. */
const namesIteration =
  /\bfor\s+\w+\s+in\s+(?:os\.)?environ(?:\.keys\(\s*\))?(?![\w.[(])|\b(?:os\.)?environ\.keys\(\s*\)|\bObject\.keys\s*\(\s*process\.env\s*\)|\b(?:sorted|list|set|len)\s*\(\s*(?:os\.)?environ\s*\)/;
/** Copies or pairs of values. */
const valuesOut =
  /\b(?:os\.)?environ\.(?:items|values|copy)\s*\(|\bdict\s*\(\s*(?:os\.)?environ\b|\*\*(?:os\.)?environ\b|json\.dumps\s*\(\s*(?:os\.)?environ|JSON\.stringify\s*\(\s*process\.env|Object\.(?:entries|values|assign)\s*\(\s*(?:\{\}\s*,\s*)?process\.env|\.\.\.process\.env\b/;
/** A value read by a computed (non-literal) name. */
const computedRead =
  /\b(?:os\.)?environ\s*(?:\[\s*(?!["'])|\.get\s*\(\s*(?!["']))|\bgetenv\s*\(\s*(?!["'])|\bprocess\.env\s*\[\s*(?!["'`])/;

/**
 * Whether `line`'s environment access lists names only, in a file that never turns them into
 * values (`fileText` is read once per file, on first need).
 */
export function envNamesOnlyReader(fileText: string): (line: string) => boolean {
  let fileClean: boolean | undefined;
  return (line) =>
    namesIteration.test(line) &&
    !valuesOut.test(line) &&
    (fileClean ??= !computedRead.test(fileText) && !valuesOut.test(fileText));
}
