// Heuristics that decide whether text an author did not label as shell is a command anyway.
// They err toward "command": a false positive is a step the policy denies (a reviewer sees
// it), a false negative is a payload nobody judges.

/** Programs that commonly start a command line in skills (and in droppers). */
const KNOWN_PROGRAMS = new Set(
  (
    "apt apt-get apk aria2c awk base32 base64 bash brew bun bunx cargo cat cd chmod chown clawhub cp crontab " +
    "curl cut dd deno dig docker docker-compose doas dpkg echo env eval exec export fetch find gem gh git go gpg " +
    "grep gunzip gzip head helm install java jq kill killall kubectl launchctl ln ls make mkdir mv nc ncat " +
    "netcat node nohup npm npx nslookup open openclaw openssl osascript perl php pip pip3 pipx pkill pnpm " +
    "powershell printf ps pwsh python python3 rm rsync ruby scp sed set sh shasum sha256sum socat source " +
    "ssh sudo systemctl tail tar tee touch tr uv uvx unzip wget which xargs xattr xcrun yarn zsh ksh dash " +
    "fish csh tcsh iex irm invoke-webrequest invoke-expression start-process cmd certutil bitsadmin " +
    "mshta rundll32 regsvr32 schtasks reg defaults security codesign spctl hdiutil installer sqlite3 " +
    "id whoami uname hostname date df du free uptime psql mysql redis-cli ffmpeg yt-dlp claude codex ollama hf huggingface-cli conda mamba poetry rustup " +
    "nvm corepack snap flatpak dnf yum pacman zypper port choco winget scoop clawdbot moltbot"
  ).split(" "),
);

/** Commands that interpret their input as code: `… | bash` makes any line a command. */
const INTERPRETERS =
  /\|\s*(?:sudo\s+)?(?:ba|z|da|k)?sh\b|\|\s*(?:python3?|perl|ruby|node|iex|pwsh|powershell)\b/;

const ASSIGNMENT = /^[A-Za-z_][A-Za-z0-9_]*=\S*$/;

/** Shell syntax that may open a command line before its program word. */
const LEADING_SYNTAX =
  /^(?:[({!]\s*|(?:if|then|else|elif|do|while|until|for\s+\w+\s+in\s+[^;]*;\s*do|time|exec|command|builtin|true\s*(?:;|&&|\|\|)|false\s*\|\|)\s+)+/;

/** The program word of a command line: skips `NAME=value` prefixes. */
export function programWord(line: string): { word: string; rest: string } | undefined {
  const words = line.trim().split(/[ \t]+/);
  let i = 0;
  while (i < words.length && ASSIGNMENT.test(words[i] ?? "")) i += 1;
  const word = words[i];
  if (word === undefined || word === "") return undefined;
  return { word, rest: words.slice(i + 1).join(" ") };
}

/** A known program name, or an explicit path to an executable (./x, ../x, /x, ~/x). */
export function isPlausibleProgram(word: string): boolean {
  if (KNOWN_PROGRAMS.has(word.toLowerCase())) return true;
  return (
    /^(?:\.{1,2}\/|\/|~\/)[^\s]*[^/\s]$/.test(word) && !/\.(?:md|json|ya?ml|txt|toml|png|jpe?g)$/i.test(word)
  );
}

/**
 * Prose starts sentences with capitalised words that are also program names ("Open …",
 * "Find …", "Source records:"); commands are lower-case, PowerShell cmdlets are Verb-Noun.
 */
function commandCase(word: string): boolean {
  return word === word.toLowerCase() || /^[A-Z][a-z]+-[A-Z][A-Za-z]+$/.test(word);
}

/** Shell operators that only make sense in a command line. */
const SHELL_OPERATOR = /\s(?:\||&&|\|\||;|>>?|<)\s|\$\(|`|\|\s*\w/;

/** Inline code: a known program or path followed by an argument or a shell operator. */
export function looksLikeInlineCommand(code: string): boolean {
  const text = code.trim();
  if (text.length === 0 || text.includes("\n")) return INTERPRETERS.test(text);
  if (INTERPRETERS.test(text)) return true;
  const pw = programWord(text.replace(LEADING_SYNTAX, ""));
  if (pw === undefined || !isPlausibleProgram(pw.word)) return false;
  return pw.rest.length > 0;
}

/**
 * A line of plain prose (a blockquote paragraph) that is a command. Prose starts with
 * program names too ("echo chambers …"), so it needs stronger evidence: an option, a shell
 * operator, a URL or a path argument.
 */
export function looksLikeProseCommand(line: string): boolean {
  const text = line.trim();
  if (text.length === 0) return false;
  if (INTERPRETERS.test(text)) return true;
  const pw = programWord(text.replace(LEADING_SYNTAX, ""));
  if (pw === undefined || !commandCase(pw.word) || !isPlausibleProgram(pw.word)) return false;
  const rest = ` ${pw.rest}`;
  return (
    /\s--?[A-Za-z]/.test(rest) ||
    SHELL_OPERATOR.test(rest) ||
    /\s[a-z][a-z0-9+.-]*:\/\//i.test(rest) ||
    /\s(?:\.{0,2}\/|~\/)\S/.test(rest) ||
    /\s['"]/.test(rest)
  );
}

/** An unlabeled fence is shell when its first non-comment line starts with a plausible program. */
export function looksLikeShellBlock(text: string): boolean {
  for (const raw of text.split("\n")) {
    const line = raw.trim();
    if (line === "" || line.startsWith("#")) continue;
    const pw = programWord(line.replace(/^\$\s+/, ""));
    return pw !== undefined && isPlausibleProgram(pw.word);
  }
  return false;
}

const SHELL_LANGS = new Set(["bash", "sh", "shell", "zsh", "shell-script", "shellscript", "ksh", "dash"]);
const CONSOLE_LANGS = new Set([
  "console",
  "shell-session",
  "shellsession",
  "sh-session",
  "bash-session",
  "terminal",
]);

/** Programming and data languages: their blocks are embedded code (read by the findings), not steps. */
const CODE_LANGS = new Set(
  (
    "json json5 jsonc jsonl yaml yml toml xml html htm css scss less js javascript mjs cjs jsx ts typescript tsx " +
    "python py python3 go golang rust rs java kotlin kt swift c h cpp c++ cc cxx hpp csharp cs fsharp ruby rb php " +
    "sql graphql gql diff patch markdown md mdx mermaid dot proto protobuf ini cfg conf csv tsv svg scala lua r " +
    "dart elixir ex erlang haskell hs ocaml clojure perl pl vue svelte hcl terraform tf nix dockerfile makefile " +
    "cmake groovy gradle properties env dotenv latex tex regex jinja jinja2 handlebars liquid twig"
  ).split(" "),
);

export type FenceKind = "shell" | "console" | "unlabeled" | "code" | "other";

/** The language word of a fence's info string, lower-cased ("" when it has none). */
function fenceLangWord(lang: string): string {
  const info = lang
    .trim()
    .toLowerCase()
    .replace(/^\{\s*\.?/, "")
    .replace(/^language-/, "");
  return /^[a-z0-9_+-]+/.exec(info)?.[0] ?? "";
}

/**
 * Classify a fence by its info string's language word (case-insensitive). Pandoc and
 * highlighter spellings count: `{.bash}`, `{.sh .numberLines}`, `language-bash`.
 */
export function fenceKind(lang: string | null | undefined): FenceKind {
  if (lang === null || lang === undefined || lang.trim() === "") return "unlabeled";
  const word = fenceLangWord(lang);
  if (word === "") return "other";
  if (SHELL_LANGS.has(word)) return "shell";
  if (CONSOLE_LANGS.has(word)) return "console";
  if (CODE_LANGS.has(word)) return "code";
  return "other";
}

/**
 * A line of a block that is not labelled shell and still holds a command: a prompt, shell
 * syntax or `NAME=value` prefixes, then a plausible program; or anything piped into an
 * interpreter.
 */
export function looksLikeCommandLine(raw: string): boolean {
  let line = raw.trim();
  if (line === "" || line.startsWith("#")) return false;
  if (INTERPRETERS.test(line)) return true;
  line = line.replace(/^(?:\$|>|PS[^>]*>|%|❯)\s+/, "");
  line = line.replace(LEADING_SYNTAX, "");
  const pw = programWord(line);
  if (pw === undefined) return false;
  const word = pw.word.replace(/[;&|]+$/, "");
  return commandCase(word) && isPlausibleProgram(word);
}

/** Shells and script hosts skillwall does not parse: their lines are reported unanalysed. */
const UNPARSED_SHELL_LANGS = new Set(
  (
    "powershell pwsh ps1 psm1 cmd bat batch winbatch fish nu nushell csh tcsh elvish xonsh " +
    "applescript osascript vbscript vbs autohotkey ahk"
  ).split(" "),
);

/** The language word of a fence when it names a shell skillwall does not parse. */
export function unparsedShellLang(lang: string | null | undefined): string | undefined {
  if (lang === null || lang === undefined) return undefined;
  const word = fenceLangWord(lang);
  return UNPARSED_SHELL_LANGS.has(word) ? word : undefined;
}

/**
 * A line of a block nobody labelled as shell that still reads like a command to an agent,
 * though the stricter test above said no: a lower-case word or path followed by an option or
 * a URL, or joined to more by a shell operator. Such a line is reported unanalysed, not judged.
 */
export function looksExecutable(raw: string): boolean {
  const line = raw.trim().replace(/^(?:\$|>|PS[^>]*>|%|❯)\s+/, "");
  if (line === "" || /^(?:#|\/\/|--|<!--|\*)/.test(line)) return false;
  if (INTERPRETERS.test(line)) return true;
  const pw = programWord(line.replace(LEADING_SYNTAX, ""));
  if (pw === undefined || !/^(?:[a-z][a-z0-9._+-]*|(?:\.{1,2}\/|\/|~\/)\S+)$/.test(pw.word)) return false;
  const rest = ` ${pw.rest}`;
  return (
    /\s--?[A-Za-z][\w-]*(?:[=\s]|$)/.test(rest) ||
    /\s[a-z][a-z0-9+.-]*:\/\/\S/i.test(rest) ||
    /\s(?:\||&&|\|\||;)\s*[a-z./~]/.test(rest) ||
    /\$\(|`/.test(rest)
  );
}

/** Program names that are also everyday English words ("make sure", "install the app"). */
const ENGLISH_WORDS = new Set(
  (
    "install make open find set source cat date id free port kill tail head cut touch which security " +
    "defaults fetch exec env export reg snap du df ps tr tee ln ls cd go gem dig echo printf sort " +
    "installer hostname uptime time test true false"
  ).split(" "),
);

/**
 * A command line that starts after a lead-in inside a prose line ("Step 1: curl … | sh",
 * "To reset, run rm -rf ~/.ssh now."): a tool's name, then something only a command line
 * carries (an option, a pipe or list operator, a substitution, a URL or a home path). Reported
 * as not analysed, never judged from half a sentence.
 */
export function proseCommandInside(line: string): boolean {
  const text = line.trim();
  for (const m of text.matchAll(/(?:^|[\s:(,;])([A-Za-z][\w.+-]*)(?=\s)/g)) {
    const word = m[1]!;
    if (!KNOWN_PROGRAMS.has(word) || ENGLISH_WORDS.has(word)) continue;
    const rest = text.slice((m.index ?? 0) + m[0].length);
    if (/^\s+(?:-{1,2}[A-Za-z]|\S*(?:https?:\/\/|~\/|\$\())|\s(?:\||&&|;|\$\(|>>?\s*[~/])/.test(rest))
      return true;
  }
  return false;
}

/**
 * A prose line (paragraph, list item, heading) that starts with a tool's name and an argument
 * but is not judged as a command: `npm install left-pad` written without code formatting. Only
 * tool names that are not English words count, so prose does not flood reviewers.
 */
export function looksLikeUnjudgedProseCommand(line: string): boolean {
  const text = line.trim();
  const pw = programWord(text.replace(LEADING_SYNTAX, ""));
  if (pw === undefined || pw.rest === "" || ENGLISH_WORDS.has(pw.word)) return false;
  if (!KNOWN_PROGRAMS.has(pw.word)) return false;
  // A sentence that mentions a tool ("curl is a tool", "git: the basics") is not a command line.
  const next = pw.rest.split(/\s+/)[0] ?? "";
  return (
    !/^(?:is|are|was|and|or|to|the|a|an|can|will|for|with|of|in|on|as|by|if|may|must|should|does|has)$/i.test(
      next,
    ) && !/[:,]$/.test(pw.word)
  );
}
