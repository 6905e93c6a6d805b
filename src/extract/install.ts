// Which blocks are install steps: the ones `run`/`install` will execute later.
//
// A fenced block is an install step when
//  1. the paragraph right before it (same parent) is a lead-in that ends with ":" and names
//     installing ("**Install locally:**", "Install the CLI:"), or
//  2. its nearest heading names installing: install/installation/installing, getting started,
//     quick start, prerequisites, or setup.
// "Setup" is ambiguous: "Setup", "macOS Setup", "Setup & Installation" and "Set up the CLI"
// are about installing the skill, but "Set Up Your Heartbeat" or "Set up a webhook" are about
// configuring how the skill is used afterwards — commands the agent runs while using the
// skill, not install steps. So "set up"/"setup" counts only when nothing follows it, or what
// follows names the skill itself or its tooling (skill, cli, tool, environment, dependencies,
// requirements, project, workspace, installation, instructions, guide, steps, the skill's
// name). Only the nearest heading counts: a document title ("# Quick Start for X") must not
// turn every block of the file into an install step.

const INSTALL_WORDS =
  /\binstall(?:ation|ing|s|ed)?\b|\bgetting[ -]started\b|\bquick[ -]?start\b|\bprerequisites?\b/;

const SETUP_OBJECTS = new Set([
  "skill",
  "cli",
  "tool",
  "tools",
  "tooling",
  "environment",
  "env",
  "dependencies",
  "deps",
  "requirements",
  "prerequisites",
  "project",
  "workspace",
  "installation",
  "install",
  "instructions",
  "guide",
  "steps",
  "and",
]);

const FILLER = new Set(["the", "your", "a", "an", "this", "our", "local", "locally"]);

function words(text: string): string[] {
  return text
    .toLowerCase()
    .replace(/[^a-z0-9&-]+/g, " ")
    .trim()
    .split(" ")
    .filter((w) => w !== "");
}

/** Does this heading or lead-in text announce installation? */
export function mentionsInstall(text: string, skillName?: string): boolean {
  const lower = text.toLowerCase();
  if (INSTALL_WORDS.test(lower)) return true;
  const ws = words(lower);
  for (let i = 0; i < ws.length; i += 1) {
    let after: number;
    if (ws[i] === "setup" || ws[i] === "set-up") after = i + 1;
    else if (ws[i] === "set" && ws[i + 1] === "up") after = i + 2;
    else continue;
    let j = after;
    while (j < ws.length && FILLER.has(ws[j] ?? "")) j += 1;
    const next = ws[j];
    if (next === undefined || next === "&") return true;
    if (SETUP_OBJECTS.has(next)) return true;
    if (skillName !== undefined && skillName !== "" && words(skillName)[0] === next) return true;
  }
  return false;
}

/** A lead-in paragraph: short text ending with ":" (emphasis markers aside) that mentions installing. */
export function isInstallLeadIn(paragraphText: string, skillName?: string): boolean {
  const text = paragraphText.trim().replace(/[*_\s]+$/, "");
  if (!text.endsWith(":") || text.length > 300) return false;
  return mentionsInstall(text, skillName);
}
