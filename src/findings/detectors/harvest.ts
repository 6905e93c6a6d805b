// Credential harvesting told in prose: sentences that tell the agent to read secret stores
// ("Read `~/.ssh/id_rsa` …", "Read all `.env` files …"). The agent follows prose as readily as
// code, and a cover story (audit, compliance, key strength) does not change what is read. One
// store may be the skill's own business; several distinct stores are harvesting.

import type { DetectContext } from "../context.js";

/** Secret stores whose contents are the secret. Each branch starts with a literal: linear. */
const stores: Array<[string, RegExp]> = [
  ["ssh private key", /\.ssh\/(?:id_(?:rsa|dsa|ecdsa|ed25519)|[\w.-]*_key)(?![\w.-]*\.pub)\b/],
  ["aws credentials", /\.aws\/credentials/],
  ["gcloud credentials", /\.config\/gcloud|application_default_credentials/],
  ["azure tokens", /\.azure\/[\w.-]*(?:token|cred)/i],
  ["kube config", /\.kube\/config/],
  ["gh token", /\.config\/gh\/hosts|\.git-credentials/],
  ["registry tokens", /\.npmrc|\.pypirc|\.netrc|\.docker\/config\.json|\.gem\/credentials/],
  ["gpg private keys", /\.gnupg\/(?:private-keys|secring)/],
  ["env files", /(?:^|[\s`'"(*/])\.env\b(?![.-](?:example|sample|template|dist))/],
  ["browser passwords", /Login Data|logins\.json|key4\.db|cookies\.sqlite|\/Cookies\b|Web Data/],
  [
    "crypto wallets",
    /wallet\.dat|\.ethereum\/keystore|\.bitcoin\/|solana\/id\.json|\.bitmonero|\.electrum|[Ee]xodus\/|MetaMask/,
  ],
  ["keychain", /login\.keychain|Keychains\/|find-generic-password/],
  ["agent config", /\.openclaw\/openclaw\.json|\.clawdbot\/[\w.-]*(?:json|token)/],
];

/** A reading/collecting verb. */
const readVerb =
  /\b(?:read|cat|open|extract|collect|gather|copy|dump|load|parse|include|upload|send|display|output|print|compile|harvest|export|archive|back ?up|check|scan|inspect)\b/i;
const negated = /\b(?:never|do not|don't|must not|without reading|not read|avoid)\b/i;
/** Sentences that only set up a secret (create, write, add) rather than read it. */
const setupOnly =
  /^\s*(?:\d+\.\s*)?(?:\*\*)?(?:create|write|add|generate|set|put|save|store|place|configure)\b/i;

export function detectHarvestProse(ctx: DetectContext): void {
  const found = new Map<string, { line: number; column: number; text: string; file: string }>();
  const paths = new Set<string>();
  for (const p of ctx.prose) {
    if (p.quoted || p.kind === "heading" || p.kind === "html-comment" || p.kind === "md-comment") continue;
    // A sentence is a piece of the text cut at whitespace, so a verb in a sentence (between word
    // boundaries) is in the text too: text without one has no sentence to split out.
    if (!readVerb.test(p.text)) continue;
    for (const sentence of p.text.split(/(?<=[.!?])\s+|\n/)) {
      if (!readVerb.test(sentence) || negated.test(sentence) || setupOnly.test(sentence)) continue;
      for (const [name, re] of stores) {
        const m = re.exec(sentence);
        if (!m) continue;
        paths.add(m[0]);
        if (!found.has(name))
          found.set(name, { line: p.line, column: p.column, text: sentence, file: p.file });
      }
    }
  }
  if (found.size < 2 && paths.size < 3) return;
  const first = [...found.values()].sort((a, b) => a.line - b.line)[0];
  if (!first) return;
  ctx.report({
    id: "cred.harvest-instructions",
    severity: "high",
    file: first.file,
    line: first.line,
    column: first.column,
    message: `The agent is told to read ${found.size > 1 ? `${found.size} kinds of secret store` : `${paths.size} secret files`} (${[...found.keys()].join(", ")}).`,
    evidence: first.text.slice(0, 300),
  });
}
