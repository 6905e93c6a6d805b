// Loads tree-sitter-bash once per process; parsing is synchronous afterwards.
import { Language, Parser, type Tree } from "web-tree-sitter";
import { SkillwallError } from "../errors.js";
import { limits } from "../limits.js";
import { compileShellWasm } from "./wasm.js";

/** The error code of a parse cancelled past limits.maxShellParseMs. */
export const PARSE_BUDGET = "SHELL_PARSE_BUDGET";

let parser: Parser | undefined;
let loading: Promise<void> | undefined;

/** Initialise the bash parser. Idempotent; concurrent callers share one load. */
export function initShell(): Promise<void> {
  if (parser) return Promise.resolve();
  loading ??= (async () => {
    const wasm = await compileShellWasm();
    // Instantiate the runtime already compiled (src/shell/wasm.ts) instead of letting the
    // Emscripten glue find, read and compile web-tree-sitter.wasm itself. Synchronously: a failure
    // throws inside the glue's promise executor, so Parser.init rejects (never hangs).
    await Parser.init({
      instantiateWasm(
        imports: WebAssembly.Imports,
        receive: (instance: WebAssembly.Instance, module: WebAssembly.Module) => void,
      ) {
        receive(new WebAssembly.Instance(wasm.runtime, imports), wasm.runtime);
        return {};
      },
    });
    const language = Language.loadSync(wasm.bash);
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
  // Cancelled past the budget: the caller refuses the block as not analysed. process.hrtime is
  // monotonic like performance.now(), whose first use loads Node's perf_hooks modules (~4 ms of
  // a one-file scan's start, test/unit/cli-bundle.test.ts).
  const deadline = process.hrtime.bigint() + BigInt(Math.ceil(limits.maxShellParseMs * 1e6));
  const tree = parser.parse(text, null, { progressCallback: () => process.hrtime.bigint() > deadline });
  if (!tree) {
    parser.reset(); // a cancelled parse would otherwise resume on the next text
    throw new SkillwallError(
      PARSE_BUDGET,
      `the bash parser took longer than ${limits.maxShellParseMs} ms (the limit) on this text`,
      { fix: "split the block or remove the malformed text" },
    );
  }
  try {
    return use(tree);
  } finally {
    tree.delete();
  }
}
