// Packages fetched from a public registry and run. Two supply-chain attacks need no payload in
// the skill at all, only a package name:
// - dependency confusion: the skill says the package comes from an internal or private
//   registry, but the command names no registry, so the public one serves whoever registered
//   that name there;
// - typosquatting: a package name with a misspelled common tool word ("validater"), the name an
//   attacker registers next to the real one.
// An unpinned `npx`/`bunx`/`uvx` run is reported low on its own: the registry serves whatever is
// newest the day the agent runs it.

import type { LiteCommand } from "../shell-lite.js";
import type { DetectContext, ShellSource } from "../context.js";
import { unwrap } from "../util.js";

/** Runners that fetch a package and execute it in one go; the value is how many words name the runner. */
function runnerLength(argv: readonly string[]): number {
  const [a = "", b = ""] = argv;
  if (a === "npx" || a === "bunx" || a === "uvx") return 1;
  if ((a === "pnpm" || a === "yarn") && b === "dlx") return 2;
  if (a === "npm" && b === "exec") return 2;
  if (a === "pipx" && b === "run") return 2;
  return 0;
}

/** Installers whose install hooks run the package's code. */
function installerLength(argv: readonly string[]): number {
  const [a = "", b = "", c = ""] = argv;
  if ((a === "npm" || a === "pnpm") && /^(?:i|install|add)$/.test(b)) return 2;
  if ((a === "yarn" || a === "bun") && b === "add") return 2;
  if (/^pip3?(?:\.\d+)?$/.test(a) && b === "install") return 2;
  if (a === "uv" && b === "pip" && c === "install") return 3;
  if (a === "uv" && b === "add") return 2;
  return 0;
}

/** Options of those commands that take a value (so the value is not the package). */
const valueOptions =
  /^(?:-p|--package|-r|--requirement|-c|--constraint|-e|--editable|-i|--index-url|--extra-index-url|--registry|--call|--from|--with|-t|--target|--prefix|--python|--cache)$/;
const registryOption = /^(?:-i|--index-url|--extra-index-url|--registry|--index|--default-index)(?:=|$)/;

interface PackageRun {
  names: string[];
  runs: boolean;
  registry: boolean;
  pinned: boolean[];
}

function packagesOf(cmd: LiteCommand): PackageRun | undefined {
  const { argv } = unwrap(cmd.argv);
  const run = runnerLength(argv);
  const install = run === 0 ? installerLength(argv) : 0;
  const start = run || install;
  if (start === 0) return undefined;
  const names: string[] = [];
  let registry = cmd.assignments.some((a) =>
    /^(?:npm_config_registry|PIP_INDEX_URL|UV_INDEX_URL)$/i.test(a.name),
  );
  for (let i = start; i < argv.length; i++) {
    const a = argv[i] ?? "";
    if (registryOption.test(a)) registry = true;
    if (a === "--") break;
    if (a.startsWith("-")) {
      if ((a === "-p" || a === "--package") && argv[i + 1] !== undefined) names.push(argv[i + 1] ?? "");
      if (valueOptions.test(a)) i++;
      continue;
    }
    names.push(a);
    // A runner's first positional word is the package; the rest are its arguments.
    if (run > 0) break;
  }
  const pkgs = names.filter((n) =>
    /^@?[a-z0-9][\w.-]*(?:\/[\w.-]+)?(?:@[\w.^~<>=*-]+|[=<>~!]=?[\w.*]+)?$/i.test(n),
  );
  if (pkgs.length === 0) return undefined;
  return {
    names: pkgs.map(bareName),
    runs: run > 0,
    registry,
    pinned: pkgs.map((n) => /^@?[^@]+@\d|[=~]=\s*\d/.test(n)),
  };
}

function bareName(spec: string): string {
  const scoped = spec.startsWith("@");
  const body = scoped ? spec.slice(1) : spec;
  const name = body.split(/[@=<>~![]/)[0] ?? body;
  return (scoped ? "@" : "") + name.toLowerCase();
}

/** The skill says its packages come from a registry of its own. */
const privateRegistry =
  /\b(?:internal|private|company|corporate|in-house|self-hosted)\s+(?:npm\s+|pypi\s+|package\s+|artifact\s+)?(?:registry|registries|index|feed|mirror|artifactory|repository)\b/i;
/** ... and says how the client is pointed at it, which a command line need not repeat. */
const registryConfigured = /\.npmrc|\bpip\.conf\b|npm config set registry|PIP_INDEX_URL|npm_config_registry/i;

/** Well-known public packages: a skill that also uses its own registry still gets these from the public one. */
const wellKnown = new Set(
  (
    "prettier eslint typescript tsx ts-node playwright puppeteer vite vitest jest mocha webpack " +
    "rollup esbuild parcel turbo nx lerna serve http-server nodemon pm2 npm-check-updates degit " +
    "rimraf cross-env concurrently wrangler vercel netlify-cli firebase-tools create-react-app " +
    "create-next-app create-vite next nuxt astro svelte react react-dom vue express tailwindcss " +
    "requests numpy pandas pytest black ruff mypy flake8 isort poetry httpx pydantic fastapi " +
    "flask django uvicorn pip setuptools wheel virtualenv pre-commit yt-dlp"
  ).split(" "),
);

/**
 * Words that tool packages are commonly named with. A name word one edit away from one of them
 * (and not itself a word here) is a misspelling, the typosquatter's favourite name.
 */
const toolWords = new Set(
  (
    "analyzer analyser assistant auditor authenticator backup bootstrap browser builder bundler " +
    "calculator checker cleaner client compiler compressor config configuration connector " +
    "converter crawler credentials dashboard debugger decoder deployer deploy diagnostics " +
    "downloader encoder explorer exporter extractor fetcher formatter generator helper " +
    "importer inspector installer launcher linter loader logger manager migrator monitor " +
    "notifier optimizer optimiser organizer parser planner profiler provisioner publisher " +
    "reporter resolver renderer runner scanner scheduler scraper security server " +
    "summarizer summariser syncer tracker translator transpiler updater uploader utilities " +
    "validator verifier viewer watcher wrapper toolkit toolchain template scaffold " +
    "playwright puppeteer typescript prettier eslint webpack"
  ).split(" "),
);

function oneEditApart(a: string, b: string): boolean {
  if (a === b || Math.abs(a.length - b.length) > 1) return false;
  if (a.length === b.length) {
    const diff: number[] = [];
    for (let i = 0; i < a.length && diff.length <= 2; i++) if (a[i] !== b[i]) diff.push(i);
    if (diff.length === 1) return true;
    const [i = 0, j = 0] = diff;
    // One transposition of neighbouring letters.
    return diff.length === 2 && j === i + 1 && a[i] === b[j] && a[j] === b[i];
  }
  const [long, short] = a.length > b.length ? [a, b] : [b, a];
  let i = 0;
  while (i < short.length && long[i] === short[i]) i++;
  return long.slice(i + 1) === short.slice(i);
}

/** The misspelled tool word in a package name, with the word it imitates. */
export function misspelledWord(name: string): [string, string] | undefined {
  if (wellKnown.has(name)) return undefined;
  for (const part of name.replace(/^@/, "").split(/[/_.-]+/)) {
    if (part.length < 7 || toolWords.has(part)) continue;
    // A plural or a verb form of a listed word is a word, not a typo.
    if (toolWords.has(part.replace(/e?s$/, "")) || toolWords.has(part.replace(/(?:ing|ed)$/, ""))) continue;
    for (const w of toolWords) if (oneEditApart(part, w)) return [part, w];
  }
  return undefined;
}

function commandText(src: ShellSource, cmd: LiteCommand): string {
  return src.text.slice(cmd.start, cmd.end).trim().slice(0, 300);
}

export function detectPackages(ctx: DetectContext): void {
  let claimsPrivate: boolean | undefined;
  const prose = (): boolean => {
    if (claimsPrivate === undefined) {
      const text = `${ctx.model.frontmatter?.description ?? ""}\n${ctx.prose.map((p) => p.text).join("\n")}`;
      claimsPrivate = privateRegistry.test(text) && !registryConfigured.test(ctx.model.text);
    }
    return claimsPrivate;
  };
  for (const src of ctx.shell) {
    if (src.quoted) continue;
    for (const cmd of src.commands) {
      const name = unwrap(cmd.argv).argv[0] ?? "";
      if (!/^(?:npx|bunx|uvx|pnpm|yarn|npm|pipx|pip3?(?:\.\d+)?|uv|bun)$/.test(name)) continue;
      const run = packagesOf(cmd);
      if (run === undefined) continue;
      const pos = src.at(cmd.start);
      const at = { file: src.file, line: pos.line, column: pos.column, evidence: commandText(src, cmd) };
      const typo = run.names.map((n) => [n, misspelledWord(n)] as const).find(([, m]) => m !== undefined);
      if (typo?.[1] !== undefined) {
        ctx.report({
          id: "supply.typosquat",
          severity: "high",
          ...at,
          message: `${typo[0]} is fetched from the public registry and run, and its name misspells "${typo[1][1]}" as "${typo[1][0]}", the way typosquatted packages are named.`,
        });
        continue;
      }
      // Scoped names belong to their scope's owner; well-known names are taken on the public registry.
      const unscoped = run.names.filter((n) => !n.startsWith("@") && !wellKnown.has(n));
      if (!run.registry && unscoped.length > 0 && prose()) {
        ctx.report({
          id: "supply.dependency-confusion",
          severity: "high",
          ...at,
          message: `The skill says its packages come from an internal registry, but ${unscoped[0] ?? ""} is fetched without naming one, so the public registry serves whoever registered that name.`,
        });
        continue;
      }
      if (run.runs && run.pinned.some((p) => !p))
        ctx.report({
          id: "supply.unpinned-run",
          severity: "low",
          ...at,
          message: `${run.names[0] ?? ""} is fetched and run at whatever version the registry serves that day; pin a version.`,
        });
    }
  }
}
