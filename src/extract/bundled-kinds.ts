// What a bundled text file that no analyser claims by type ("other") is read as (issue 14, fail
// closed). Three answers, chosen by what the file is to whoever uses it:
// - data: values a program reads (JSON, YAML, CSV, XML, lock files, licences). Secrets and hosts
//   in it are still scanned by the findings; nothing in it runs by itself;
// - instructions: plain text an agent would read as prose (no extension, .txt-like, templates,
//   unknown extensions): extracted like markdown, so its command lines are judged or reported;
// - not analysed: code in a language nothing here parses (Ruby, PowerShell, Go …) and files
//   whose lines are commands an OS, a build tool, a CI runner or an agent host runs (Makefile,
//   Dockerfile, systemd units, .desktop, crontabs, launchd plists, workflows, a config key named
//   `command`/`run`/`postinstall`). What they run is not judged, so the skill is never `allow`.
// Every test here is on the name or on one line at a time with bounded patterns: linear.

export type OtherText =
  { as: "data" } | { as: "instructions" } | { as: "not-analysed"; why: string; line: number; text: string };

/** Languages that can act on the system when run, by extension: skillwall has no parser for them. */
const CODE_LANGS: Readonly<Record<string, string>> = {
  ps1: "PowerShell",
  psm1: "PowerShell",
  psd1: "PowerShell",
  bat: "Windows batch",
  cmd: "Windows batch",
  vbs: "VBScript",
  vbe: "VBScript",
  wsf: "Windows Script Host",
  jsx: "JavaScript (JSX)",
  tsx: "TypeScript (TSX)",
  applescript: "AppleScript",
  scpt: "AppleScript",
  ahk: "AutoHotkey",
  fish: "fish",
  csh: "csh",
  tcsh: "csh",
  nu: "Nushell",
  xsh: "xonsh",
  rb: "Ruby",
  rake: "Ruby",
  gemspec: "Ruby",
  pl: "Perl",
  pm: "Perl",
  cgi: "a CGI script",
  php: "PHP",
  lua: "Lua",
  go: "Go",
  rs: "Rust",
  c: "C",
  h: "C",
  cc: "C++",
  cpp: "C++",
  cxx: "C++",
  hpp: "C++",
  cs: "C#",
  csx: "C#",
  fsx: "F#",
  java: "Java",
  kt: "Kotlin",
  kts: "Kotlin",
  swift: "Swift",
  scala: "Scala",
  groovy: "Groovy",
  gradle: "Groovy (Gradle)",
  r: "R",
  jl: "Julia",
  ex: "Elixir",
  exs: "Elixir",
  erl: "Erlang",
  hs: "Haskell",
  ml: "OCaml",
  clj: "Clojure",
  dart: "Dart",
  zig: "Zig",
  nim: "Nim",
  tcl: "Tcl",
  awk: "awk",
  sql: "SQL",
  ipynb: "a Jupyter notebook (its code cells)",
  reg: "a Windows registry import",
  scr: "a Windows screen saver",
  vim: "Vim script",
  el: "Emacs Lisp",
};

/** Files whose lines a build tool, container builder, CI runner or the OS runs as commands. */
const RECIPES: ReadonlyArray<readonly [RegExp, string]> = [
  [/(?:^|\/)(?:gnu)?makefile$|\.mk$/i, "a Makefile: its recipes are shell commands make runs"],
  [
    /(?:^|\/)(?:dockerfile|containerfile)(?:\.[\w.-]+)?$|\.dockerfile$/i,
    "a Dockerfile: its RUN lines are shell commands",
  ],
  [
    /(?:^|\/)(?:justfile|rakefile|procfile|vagrantfile|jenkinsfile|earthfile|tiltfile|brewfile)$/i,
    "a build or run recipe: its lines are commands a tool runs",
  ],
  [/(?:^|\/)\.github\/workflows\/[^/]+\.ya?ml$/i, "a CI workflow: its run steps are shell commands"],
  [
    /(?:^|\/)(?:\.gitlab-ci|\.travis|azure-pipelines|bitbucket-pipelines|\.drone|appveyor)\.ya?ml$/i,
    "a CI pipeline: its scripts are shell commands",
  ],
  [/(?:^|\/)\.circleci\/config\.ya?ml$/i, "a CI pipeline: its scripts are shell commands"],
  [
    /\.(?:service|timer|socket|path|mount|target)$/i,
    "a systemd unit: its Exec lines are commands the system runs",
  ],
  [/\.desktop$/i, "a desktop entry: its Exec line is a command the desktop runs"],
  [/(?:^|\/)(?:crontab|cron\.d\/[^/]+)$|\.(?:cron|crontab)$/i, "a crontab: its lines are commands cron runs"],
  [/(?:^|\/)\.git\/hooks\/|(?:^|\/)\.husky\//i, "a git hook: git runs it"],
];

/** Data formats: values a program reads. */
const DATA_EXT = new Set(
  (
    "json json5 jsonc jsonl ndjson geojson yaml yml toml ini cfg conf config properties env csv tsv psv " +
    "xml xsd xsl xslt svg plist html htm xhtml css scss sass less lock sarif sum mod " +
    "pem crt cer csr pub key asc sig gpg " +
    "gitignore gitattributes gitmodules dockerignore npmignore prettierignore eslintignore editorconfig " +
    "npmrc nvmrc python-version tool-versions bib ris sha256 sha512 md5 map vtt srt ics vcf " +
    "graphql gql proto avsc thrift ql qll pv pml tla smt2 dot gv mermaid mmd puml plantuml"
  ).split(" "),
);
/** Names of data or notice files with no extension (a licence is read by nobody as orders). */
const DATA_NAMES =
  /(?:^|\/)(?:license|licence|copying|notice|authors|contributors|codeowners|version|changelog|changes|history|owners|maintainers|\.env(?:\.[\w-]+)?)$/i;

/** A launchd job: the plist names a program the OS runs at load or on a schedule. */
const LAUNCHD = /<key>\s*(?:ProgramArguments|Program)\s*<\/key>/;

/**
 * A data-file key whose value is a command something runs: an MCP server's `command`, a compose
 * service's `entrypoint`, a workflow's `run`, npm's install hooks, a supervisor `command=`. The
 * value must be present and not a plain boolean/number. A key may follow `{` or `,` (minified JSON,
 * YAML flow style).
 */
const COMMAND_KEY =
  /(?:^|[{,])[ \t]*-?[ \t]*["']?(command|commands|cmd|exec|exec_?start\w*|exec_?stop\w*|entrypoint|run|shell|script|preinstall|install|postinstall|prepare|prepublish|postuninstall)["']?[ \t]*[:=](?![ \t]*(?:true|false|null|yes|no|on|off|\d+(?:\.\d+)?|\{\}|\[\])[ \t]*(?:[,}\]]|$))[ \t]*(?:[|>][-+]?[ \t]*$|["'[]?[ \t]*["']?[\w./~$-])/i;

function extOf(relPath: string): string {
  const base = relPath.slice(relPath.lastIndexOf("/") + 1);
  const dot = base.lastIndexOf(".");
  return dot <= 0 ? "" : base.slice(dot + 1).toLowerCase();
}

function firstLine(text: string): string {
  return (text.split("\n", 1)[0] ?? "").trim().slice(0, 200);
}

/**
 * What a bundled file of type "other" is read as. `text` is its content when it was read (a file
 * over the size cap has none: then only its name decides, and data files stay data).
 */
export function classifyOtherText(relPath: string, text: string | undefined): OtherText {
  const ext = extOf(relPath);
  const body = text ?? "";
  const notAnalysed = (why: string, line = 1, at = firstLine(body)): OtherText => ({
    as: "not-analysed",
    why: `${why}; not judged${text === undefined ? " (too large to read)" : ""}`,
    line,
    text: at,
  });
  for (const [re, why] of RECIPES) if (re.test(relPath)) return notAnalysed(why);
  const lang = CODE_LANGS[ext];
  if (lang !== undefined) return notAnalysed(`${lang} code: skillwall does not parse ${lang}`);
  if (ext === "plist" && LAUNCHD.test(body))
    return notAnalysed("a launchd property list: it names a program the OS runs");
  if (DATA_EXT.has(ext) || DATA_NAMES.test(relPath)) {
    if (ext === "csv" || ext === "tsv" || ext === "svg" || ext === "lock") return { as: "data" };
    const lines = body.split("\n");
    for (let i = 0; i < lines.length; i++) {
      const m = COMMAND_KEY.exec(lines[i] ?? "");
      if (m)
        return notAnalysed(
          `a \`${m[1]}\` value in a data file is a command some tool runs`,
          i + 1,
          (lines[i] ?? "").trim().slice(0, 200),
        );
    }
    return { as: "data" };
  }
  // Too large to read: a name with no extension may be a program (executables have none).
  if (text === undefined)
    return ext === "" ? notAnalysed("a file with no extension (it may be a program)") : { as: "data" };
  return { as: "instructions" };
}
