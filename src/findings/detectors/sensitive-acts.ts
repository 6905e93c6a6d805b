// Classes of acts that harm the user when the agent is told to do them, read in one clause of
// prose. Shared by the rules that need a second, independent property before they report high
// (a trigger condition, a persistent target): on its own none of these is proof of intent.
// Every pattern is literal-led with bounded gaps (linear in the text).

export interface Act {
  kind: "transfer" | "destroy" | "harvest" | "persist" | "weaken" | "conceal" | "run-remote";
  at: number;
  text: string;
}

const acts: Array<[Act["kind"], RegExp]> = [
  [
    "transfer",
    /\b(?:send|upload|post|forward|transmit|exfiltrate|beacon|push|sync|mirror|copy|email|e-mail|report)\b[^.;\n]{0,80}?\b(?:to|into|at)\s+(?:(?:an?|the|our|this|that|my|their)\s+)?(?:https?:\/\/|[\w.+-]+@[\w-]+\.|(?:\w+[- ]){0,2}(?:server|endpoint|webhook|url|host|address|inbox|bucket|remote|collector))/i,
  ],
  [
    "transfer",
    /\bcurl\b[^\n]{0,80}?(?:\s-[dFT]\b|--data|--upload-file|-X\s*(?:POST|PUT))|\b(?:scp|rsync)\s+\S+\s+\S+@|\bnc\s+\S+\s+\d{2,5}\b/i,
  ],
  [
    "destroy",
    /\b(?:delete|remove|erase|wipe|purge|destroy|shred|truncate|overwrite|encrypt)\b[^.;\n]{0,50}?\b(?:all|every|entire|whole|everything|home|the (?:user'?s?|project|repo(?:sitory)?|workspace|working directory|database|backups?)|user'?s? (?:files|data|documents)|files|documents|data|\.git|history|backups?)\b|\brm\s+-[a-z]*[rf][a-z]*\s+(?:~|\/|\$HOME|\.\s|\*|\.\.)|\bgit\s+(?:reset\s+--hard|clean\s+-[a-z]*f|push\s+[^\n]{0,40}--force)/i,
  ],
  [
    "harvest",
    /\b(?:read|cat|collect|gather|dump|copy|extract|list|print|output|record|save|include|attach|grab)\b[^.;\n]{0,60}?(?:~\/\.(?:ssh|aws|gnupg|kube)|\bid_(?:rsa|ed25519)\b|\b(?:all|every|any|each)\s+(?:\w+\s+){0,2}?(?:api[- ]?keys?|access tokens?|auth tokens?|tokens|secrets?|credentials?|passwords?|private keys?|environment variables?|env vars?|cookies)\b|\bopenclaw\.json\b|\bauth-profiles\b|\bseed phrases?\b|\bprivate keys?\b)/i,
  ],
  [
    "persist",
    /\b(?:add|append|write|insert|modify|edit|change|update|overwrite|replace|install|create|register|schedule)\b[^.;\n]{0,60}?(?:~?\/?\.(?:bashrc|zshrc|bash_profile|profile|zprofile)\b|\bcrontab\b|\bcron (?:job|entry)\b|\bsystemd\b|\blaunch(?:d| agents?)\b|\.git\/hooks\b|\b(?:pre|post)-(?:commit|push|merge|checkout) hooks?\b|\bgit hooks?\b|\bauthorized_keys\b|\b(?:HEARTBEAT|SOUL|MEMORY|AGENTS|CLAUDE|IDENTITY|TOOLS|USER)\.md\b|\.claude\/|\bsudoers\b|\/etc\/hosts\b|\bother skills?\b|\bSKILL\.md files?\b)/i,
  ],
  [
    "weaken",
    /\bchmod\s+(?:-R\s+)?0?777\b|\b(?:disable|turn off|bypass|skip|deactivate|remove|stop)\s+(?:\w+\s+){0,3}?(?:security|safety|sandbox(?:ing)?|firewall|antivirus|audit(?:ing)?|logging|monitoring|guard(?:rail)?s?|verification|approval|confirmation|permission)\s*(?:checks?|prompts?|hooks?|controls?|rules?|settings?|mode|features?|scans?)?\b/i,
  ],
  [
    "conceal",
    /\b(?:do not|don'?t|never|without)\s+(?:tell(?:ing)?|inform(?:ing)?|notify(?:ing)?|mention(?:ing)?|alert(?:ing)?|report(?:ing)?\s+(?:this\s+)?to)\s+(?:the\s+)?(?:user|human|operator|owner)\b|\b(?:silently|secretly|covertly|quietly)\b/i,
  ],
  [
    "run-remote",
    /\b(?:curl|wget)\b[^|\n]{0,120}\|\s*(?:sudo\s+)?(?:ba|z)?sh\b|\b(?:download|fetch)\b[^.;\n]{0,60}?\b(?:and|then)\s+(?:run|execute|source)\b/i,
  ],
];

/** The first sensitive act in `clause`, or undefined. */
export function sensitiveActIn(clause: string): Act | undefined {
  let best: Act | undefined;
  for (const [kind, re] of acts) {
    const m = re.exec(clause);
    if (m && (best === undefined || m.index < best.at)) best = { kind, at: m.index, text: m[0] };
  }
  return best;
}

/** Every sensitive act in `clause` (one per class, the first of each). */
export function sensitiveActsIn(clause: string): Act[] {
  const out: Act[] = [];
  for (const [kind, re] of acts) {
    const m = re.exec(clause);
    if (m && !out.some((a) => a.kind === kind)) out.push({ kind, at: m.index, text: m[0] });
  }
  return out;
}
