// The kinds of thing an order can act on that matter when they move, leak or vanish (issue 14,
// session 11): secrets, the environment, the user's key and cloud stores, git configuration, the
// agent's own memory and configuration, other skills, the user's wider files, mail and messages,
// personal data. One pattern per kind, read the same way in prose ("forward every e-mail"), in
// commands (`cat ~/.ssh/id_rsa`) and in code (`os.environ`), so what an order names can be looked
// up in what the rest of the skill handles (footprint.ts). Bounded alternations only (linear).

export type ObjectKind =
  | "secrets"
  | "environment"
  | "ssh-keys"
  | "cloud-credentials"
  | "git-config"
  | "agent-memory"
  | "other-skills"
  | "user-files"
  | "mail"
  | "conversations"
  | "personal-data"
  | "browser-data"
  | "startup";

export const objectKinds: ReadonlyArray<readonly [ObjectKind, RegExp, string]> = [
  [
    "secrets",
    /\b(?:api[ _-]?keys?|access[ _-]tokens?|auth(?:entication)?[ _-]tokens?|bearer[ _-]tokens?|credentials?|passwords?|passphrases?|secrets?|private[ _-]keys?|seed[ _-]phrases?|recovery[ _-]phrases?|mnemonics?|session[ _-]cookies?|[A-Z][A-Z0-9]*(?:_[A-Z0-9]+){0,6}_(?:API_KEY|TOKEN|SECRET|PASSWORD))\b|(?:^|[\s`'"/(])\.env\b/i,
    "secrets (keys, tokens, passwords)",
  ],
  [
    "environment",
    /\b(?:environment\s+variables?|env\s+vars?|os\.environ|process\.env|printenv|getenv)\b/i,
    "the environment variables",
  ],
  [
    "ssh-keys",
    /\.ssh\b|\bssh[ _-]keys?\b|\bid_(?:rsa|ed25519|ecdsa|dsa)\b|\bauthorized_keys\b|\bknown_hosts\b/i,
    "SSH keys",
  ],
  [
    "cloud-credentials",
    /\.aws\/|\baws\s+credentials\b|\.kube\/|\bkubeconfig\b|\.azure\/|\.config\/gcloud\b|\.docker\/config|\.netrc\b|\.npmrc\b|\.pypirc\b|\.git-credentials\b|\bkeychain\b/i,
    "cloud and package-registry credentials",
  ],
  [
    "git-config",
    /\.gitconfig\b|\.git\/(?:config|hooks)\b|\bgit\s+config\b|\bgit\s+hooks?\b|\bgit\s+remote\b/i,
    "git configuration",
  ],
  [
    "agent-memory",
    /\b(?:MEMORY|AGENTS|CLAUDE|SOUL|GEMINI|HEARTBEAT|IDENTITY|USER|TOOLS)\.md\b|\bsystem\s+prompt\b|\.(?:openclaw|clawdbot|moltbot|claude|cursor|codex)\/|\b(?:your|its|the\s+agent'?s)\s+(?:own\s+)?(?:memory|instructions|persona|rules)\b|\bmemory\s+files?\b/,
    "the agent's memory and configuration",
  ],
  [
    "other-skills",
    /\b(?:other|another|all|installed)\s+(?:installed\s+)?skills?\b|(?:^|[\s`'"])(?:~\/)?\.?(?:openclaw\/|claude\/)?skills\/(?![\w-]*\/?SKILL\.md)/i,
    "other skills",
  ],
  [
    "user-files",
    /\b(?:home\s+director(?:y|ies)|(?:the\s+)?user'?s\s+(?:files|documents|folders|home)|all\s+(?:the\s+)?(?:user'?s\s+)?(?:files|documents)\s+(?:in|on|under)|(?:entire|whole)\s+(?:codebase|repository|repo|project|disk|drive|file\s?system|home)|working\s+directory)\b|~\/(?:Documents|Desktop|Downloads|Pictures|Library)\b|\$HOME\b/i,
    "the user's files beyond the task",
  ],
  ["mail", /\b(?:inbox|mailbox|e-?mails?|email\s+threads?)\b/i, "e-mail"],
  [
    "conversations",
    /\b(?:conversation|chat|message)\s+(?:history|logs?|transcripts?)\b|\b(?:conversations|transcripts|dms|direct\s+messages)\b/i,
    "conversations and messages",
  ],
  [
    "personal-data",
    /\b(?:contacts|address\s+book|(?:precise|exact|current|gps)\s+(?:location|coordinates)|latitude|longitude|geolocation|clipboard|phone\s+numbers?|social\s+security|credit\s+card\s+numbers?|bank\s+account)\b|\.(?:bash|zsh)_history\b|\bshell\s+history\b/i,
    "personal data (contacts, location, clipboard, history)",
  ],
  [
    "browser-data",
    /\b(?:cookies|browser\s+(?:history|profiles?|data|storage)|browsing\s+history|saved\s+passwords|local\s?storage|localStorage)\b/i,
    "browser data",
  ],
  [
    "startup",
    /(?:^|[\s`'"/])\.(?:bashrc|zshrc|bash_profile|zprofile|profile|zshenv)\b|\bcrontab\b|\bcron\s+jobs?\b|\bLaunch(?:Agents|Daemons)\b|\bsystemd\s+(?:units?|services?|timers?)\b|\bstartup\s+(?:scripts?|items?)\b|\blogin\s+items?\b/i,
    "login scripts and scheduled jobs",
  ],
];

/** The object kinds a text names. */
export function kindsIn(text: string): ObjectKind[] {
  return objectKinds.filter(([, re]) => re.test(text)).map(([k]) => k);
}

export function kindName(kind: ObjectKind): string {
  return objectKinds.find(([k]) => k === kind)?.[2] ?? kind;
}
