// A one-file scan builds ~270 large case-insensitive regexes (the findings rules) and runs each a
// few times on a short text: building them was a quarter of its main thread (profiled: irregexp's
// code generation, none of it matching). V8's --no-regexp-optimization builds them faster (~14 ms
// less CPU on examples/notes) into code that matches the same strings more slowly: on a large
// scan (a folder of skills, the eval corpus) the same flag cost 15-30% more CPU. So it is on only
// while the CLI scans one file, and the default is back before anything else runs.
//
// Two things make that safe to switch at run time. Only code generation changes: a regex built
// either way gives the same matches (checked: bench/eval.js's findings dump of the whole corpus
// and bench/scan-identity.js's reports are byte-identical with and without it).
// And the flag is off again before the CLI loads another bundle chunk or the build takes the
// code cache (scripts/build-code-cache.mjs): V8 refuses a cache made under other flags.
import v8 from "node:v8";

/** Runs `work` with regexes built by V8's plain (unoptimised) regex compiler. */
export async function withPlainRegexBuild<T>(work: () => Promise<T>): Promise<T> {
  v8.setFlagsFromString("--no-regexp-optimization");
  try {
    return await work();
  } finally {
    v8.setFlagsFromString("--regexp-optimization");
  }
}
