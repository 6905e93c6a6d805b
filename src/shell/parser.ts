// Loads tree-sitter-bash once per process; parsing is synchronous afterwards.
import { createRequire } from "node:module";
import v8 from "node:v8";
import { Language, Parser, type Tree } from "web-tree-sitter";
import { SkillwallError } from "../errors.js";

let parser: Parser | undefined;
let loading: Promise<void> | undefined;

/** Initialise the bash parser. Idempotent; concurrent callers share one load. */
export function initShell(): Promise<void> {
  if (parser) return Promise.resolve();
  loading ??= (async () => {
    // V8 re-compiles the parser's wasm with TurboFan in the background and the main thread then
    // blocks ~450 ms waiting for it (measured: a one-file scan went from 0.2 s to 0.65 s). Liftoff
    // code parses our short commands as fast, so skip the tier-up. Must precede the compile.
    v8.setFlagsFromString("--liftoff-only");
    const require = createRequire(import.meta.url);
    await Parser.init();
    const language = await Language.load(require.resolve("tree-sitter-bash/tree-sitter-bash.wasm"));
    const instance = new Parser();
    instance.setLanguage(language);
    parser = instance;
  })().catch((err: unknown) => {
    loading = undefined;
    throw new SkillwallError("SHELL_INIT_FAILED", "could not load the tree-sitter-bash parser", {
      fix: "check that web-tree-sitter and tree-sitter-bash are installed (npm ci)",
      cause: err,
    });
  });
  return loading;
}

export function isShellReady(): boolean {
  return parser !== undefined;
}

/** Parse `text` and hand the tree to `use`; the tree is always freed afterwards. */
export function withTree<T>(text: string, use: (tree: Tree) => T): T {
  if (!parser) {
    throw new SkillwallError(
      "SHELL_NOT_INITIALISED",
      "the shell parser is not initialised: await initShell() first",
      {
        fix: "await initShell() once before calling analyseShell/splitStatements",
      },
    );
  }
  const tree = parser.parse(text);
  if (!tree) throw new SkillwallError("SHELL_PARSE_FAILED", "tree-sitter returned no tree");
  try {
    return use(tree);
  } finally {
    tree.delete();
  }
}
