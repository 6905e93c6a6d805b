// A step runs or sources a script the skill says it ships ("the bundled setup script", "the
// companion script") but the script is not among the skill's files. Its commands cannot be
// reviewed, and a trojan script is exactly how a clean-looking SKILL.md delivers its payload.
// Fail closed. A script the skill does not claim as its own (`./configure`, `./gradlew`) is
// the user's project and is left alone.

import type { DetectContext } from "../context.js";
import { baseName, unwrap } from "../util.js";

const scriptExt = /\.(?:sh|bash|zsh|py|js|mjs|cjs|ts|rb|pl|ps1)$/i;
const runners = new Set([
  "bash",
  "sh",
  "zsh",
  "source",
  ".",
  "python",
  "python3",
  "node",
  "deno",
  "bun",
  "ruby",
  "perl",
  "pwsh",
]);
/** The skill claims the script as part of itself. */
const claimsBundled =
  /\b(?:bundled|companion|accompanying|included|shipped|provided)\s+(?:[\w-]+\s+){0,2}scripts?\b|\bscripts?\s+(?:[\w`.-]+\s+){0,3}(?:ships?|bundled|included)\s+(?:with|alongside|in)\b|\bships? alongside this skill\b|\bthis skill'?s (?:directory|folder)\b/i;
/** Every claimsBundled alternative names a script or "this skill": the cheap test comes first. */
const claimsBundledNeeds = /script|this skill/i;

function claimsScripts(text: string): boolean {
  return claimsBundledNeeds.test(text) && claimsBundled.test(text);
}

/** The skill itself says the unshipped script talks to the network: code nobody can review, with an undisclosed endpoint. */
const scriptSubject = /\b(?:scripts?|provisioner|migrator|installer)\b/i;
const networkBehaviour =
  /\b(?:downloads?|downloading|downloaded|fetch(?:es|ed|ing)?|phones? home|report(?:s|ed)? (?:\w+ ){0,6}to|push(?:es|ed)? (?:\w+ ){0,6}to|uploads?|sends? (?:\w+ ){0,6}to|notif(?:y|ies)|telemetry|(?:package|template|toolchain|internal) (?:registry|mirror)|dashboard)\b/i;

/** Data said to leave the machine for an endpoint the skill never names ("pushed to the team's dashboard"). */
const unnamedSink =
  /\b(?:push(?:es|ed)?|submit(?:s|ted)?|report(?:s|ed)?|post(?:s|ed)?|sen[dt]s?|upload(?:s|ed)?|sync(?:s|ed)?)\s+to\s+(?:the\s+|an?\s+)?(?:team'?s|company'?s|organi[sz]ation'?s|internal|private)\b/i;
/** The skill says the script installs system software or needs root. */
const privileged =
  /\binstall(?:s|ed|ing)?\b[^.;]{0,60}\b(?:system package manager|apt(?:-get)?|yum|dnf|brew|pacman|apk)\b|\b(?:sudo|root (?:access|privileges?)|as root|administrator privileges)\b/i;
/** Flags that pre-answer the script's own prompts. */
const autoConfirm = /^(?:-y|--yes|--assume-yes|--non-interactive|--noninteractive)$/;

function sentences(prose: string): string[] {
  return prose.split(/(?<=[.!?])\s+|\n/);
}

/** Why the unshipped script is more than unreviewable, from what the skill says about it. */
function proseRisk(prose: string): string | undefined {
  for (const sentence of sentences(prose)) {
    if (scriptSubject.test(sentence) && networkBehaviour.test(sentence))
      return "the skill says it downloads, reports or phones home";
    // With the script the only code the skill runs, an unnamed destination can only be its doing.
    if (unnamedSink.test(sentence)) return "the skill says data is sent to an endpoint it does not name";
    if (scriptSubject.test(sentence) && privileged.test(sentence))
      return "the skill says it installs system software or needs root";
  }
  return undefined;
}

export function detectMissingScript(ctx: DetectContext): void {
  const prose = ctx.prose.map((p) => p.text).join("\n");
  if (!claimsScripts(prose) && !claimsScripts(ctx.model.frontmatter?.description ?? "")) return;
  const shipped = new Set(ctx.model.bundled.map((b) => b.path.replace(/^\.\//, "")));
  const shippedBase = new Set(ctx.model.bundled.map((b) => baseName(b.path)));
  const reported = new Set<string>();
  const risk = proseRisk(prose);
  for (const src of ctx.shell) {
    if (src.depth > 0 || src.file !== ctx.model.file || src.quoted) continue;
    for (const cmd of src.commands) {
      const { argv, sudo } = unwrap(cmd.argv);
      const name = argv[0] ?? "";
      let script: string | undefined;
      if (name.startsWith("./") && !name.includes("$")) script = name;
      else if (runners.has(baseName(name))) {
        const arg = argv.slice(1).find((a) => !a.startsWith("-"));
        if (arg !== undefined && scriptExt.test(arg)) script = arg;
      }
      if (script === undefined || /^[~/$]/.test(script) || script.includes("$")) continue;
      if (!scriptExt.test(script) && !script.startsWith("./")) continue;
      const rel = script.replace(/^\.\//, "");
      if (shipped.has(rel) || shippedBase.has(baseName(rel)) || reported.has(rel)) continue;
      reported.add(rel);
      const pos = src.at(cmd.start);
      const why = sudo
        ? "it is run with root privileges"
        : name === "source" || name === "."
          ? "it is sourced into the agent's own shell, where it can redefine the commands later steps run"
          : argv.slice(1).some((a) => autoConfirm.test(a))
            ? "its prompts are pre-answered"
            : risk;
      ctx.report({
        id: "bundled.missing-script",
        // A lone markdown file (no other files at all) may simply have been scanned without its
        // folder; a folder that ships other files but not this one is missing it for real.
        // Unreviewable code that also holds authority (the network, root, the agent's own shell,
        // pre-answered prompts) is high either way.
        severity: ctx.model.bundled.length > 0 || why !== undefined ? "high" : "medium",
        file: src.file,
        line: pos.line,
        column: pos.column,
        message: `${rel} is run as the skill's own script, but it is not among the skill's files, so what it does cannot be reviewed${why !== undefined ? `; ${why}` : ""}.`,
        evidence: src.text.slice(cmd.start, cmd.end).trim().slice(0, 300),
      });
    }
  }
}
