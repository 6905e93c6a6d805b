// Shell analysis: shell text -> resolved simple commands, problems, and a canonical rendering.
export { initShell, isShellReady } from "./parser.js";
export { analyseShell, DEFAULT_HOME, type AnalyseOptions } from "./analyse.js";
export { splitStatements, splitAndAnalyse, type Statement, type AnalysedStatement } from "./split.js";
export { renderScript, renderWord, quoteWord, wordText } from "./render.js";
export { decodeAnsiC } from "./ansi-c.js";
