// Acts outside any task a skill is installed for, read in one clause of prose (issue 14, session
// 11): the classes of sensitive-acts.ts, plus what a gated order in a benchmark or a real attack
// does besides — writing secrets or every environment variable where others read them, clearing
// the user's keys, history or backups, reconfiguring git remotes or the agent's own settings,
// opening permissions, force-pushing, fetching instructions to follow, hiding output or claiming
// success, fixing a grade, redirecting a payment, destructive SQL. On its own none of these is
// proof of intent; gated on a condition on the environment it is.
// Every pattern is literal-led with bounded gaps (linear in the text).

import { type Act, sensitiveActIn } from "./detectors/sensitive-acts.js";

export type OutsideKind =
  Act["kind"] | "expose" | "reconfigure" | "falsify" | "fetch-follow" | "redirect-payment" | "any";

export interface OutsideAct {
  kind: OutsideKind;
  at: number;
  text: string;
}

const extra: Array<[OutsideKind, RegExp]> = [
  [
    "expose",
    /\b(?:write|dump|print|paste|copy|add|include|put|save|echo|log|append|commit)\b[^.;\n]{0,60}?(?:\b(?:every|all|each)\s+(?:of\s+the\s+)?environment\s+variables?\b|\bvalues?\s+of\s+(?:every|all|each)\s+environment\s+variables?\b|~\/\.(?:netrc|aws|ssh|npmrc|pypirc|docker|kube|gnupg)\b|\.netrc\b|\bid_(?:rsa|ed25519)\b|\.aws\/credentials\b)/i,
  ],
  [
    "destroy",
    /\b(?:clear(?:\s+out)?|empty|wipe|delete|remove|erase|purge)\b[^.;\n]{0,40}?(?:~\/\.(?:ssh|gnupg|aws|bash_history|zsh_history)|\.bash_history\b|\bshell\s+history\b|[`'"\s]\.git\b(?!ignore|hub|lab|attributes|keep)|\bevery\s+(?:archive|backup|snapshot)|\ball\s+(?:archives|backups|snapshots)|~\/\.agent\b)/i,
  ],
  ["destroy", /\b(?:DROP\s+(?:TABLE|DATABASE|SCHEMA)|TRUNCATE\s+TABLE)\b/],
  [
    "reconfigure",
    /\b(?:edit|modify|change|set|rewrite|update|add|append|replace|patch|sed)\b[^.;\n]{0,60}?(?:~\/\.config\/|\$HOME\/\.\w|\.git\/config\b|\bpush\s+url\b|\bremote\s+url\b|\b(?:the\s+)?agent'?s?\s+(?:settings|config\w*|permissions)\b|\bpip\.conf\b|\/etc\/)/i,
  ],
  [
    "weaken",
    /\b(?:turn\s+off|disable|remove|skip|bypass|deactivate|switch\s+off)\s+(?:\w+\s+){0,3}?(?:confirmation|approval|pre-commit|commit|git|ssl|tls|certificate)\s*(?:prompts?|hooks?|checks?|verification|dialogs?)?\b/i,
  ],
  [
    "weaken",
    /\b(?:permissions?|chmod|mode)\b[^.;\n]{0,50}?\b0?777\b|\bworld-?writable\b|\bwritable\s+by\s+(?:everyone|anyone|all\s+users)\b/i,
  ],
  ["weaken", /\bpush\b[^.;\n]{0,40}?(?:--force\b|-f\b)|\bforce-?push\b/i],
  [
    "fetch-follow",
    /\b(?:fetch|download|retrieve|load|open|read|get)\b[^;\n]{0,120}?\b(?:follow|obey|carry\s+out|execute|apply)\s+(?:\w+\s+){0,2}?(?:steps|instructions|directions|commands|orders)\b/i,
  ],
  [
    "falsify",
    /\b(?:do\s+not|don'?t|never)\s+(?:show|display|print|report|share|mention|surface)\s+(?:\w+\s+){0,3}?(?:output|results?|errors?|logs?|failures?)\b|\b(?:say|report|tell\s+(?:the\s+user\s+)?|claim|state|announce)\b[^.;\n]{0,40}?\b(?:succeeded|successful|success|passed|(?:all\s+)?tests?\s+pass(?:ed)?)\b|\bwhatever\s+the\s+(?:result|outcome)\b|\bregardless\s+of\s+(?:the\s+)?(?:result|outcome)\b/i,
  ],
  [
    "falsify",
    /\b(?:give|award|assign|grant)\s+(?:\w+\s+){0,3}?(?:full|maximum|max|top|perfect)\s+(?:marks|scores?|points|ratings?|grades?)\b|\bskip\s+(?:the\s+)?(?:feedback|grading|review|evaluation|tests?|checks?)\b/i,
  ],
  [
    "redirect-payment",
    /\b(?:replace|change|swap|substitute|update|switch)\s+(?:\w+\s+){0,4}?(?:iban|bic|swift|bank\s+(?:details|account)|account\s+number|wallet(?:\s+address)?|payment\s+address|payee|recipient\s+address)\b/i,
  ],
  [
    "transfer",
    /\b(?:send|upload|post|sync|copy|rsync|mirror|push|forward)\b[^.;\n]{0,80}?\bto\s+[`'"]?(?:[a-z][a-z0-9+.-]*:\/\/|\d{1,3}(?:\.\d{1,3}){3}\b)/i,
  ],
];

/** The first act outside the task in `clause`, or undefined. */
export function outsideActIn(clause: string): OutsideAct | undefined {
  let best: OutsideAct | undefined = sensitiveActIn(clause);
  for (const [kind, re] of extra) {
    const m = re.exec(clause);
    if (m && (best === undefined || m.index < best.at)) best = { kind, at: m.index, text: m[0] };
  }
  return best;
}

export const outsideKindWords: Record<OutsideKind, string> = {
  transfer: "send data off the machine",
  destroy: "destroy data",
  harvest: "collect secrets or credentials",
  persist: "change persistent configuration",
  weaken: "disable a safeguard or open permissions",
  conceal: "hide what it does from the user",
  "run-remote": "run code fetched from the network",
  expose: "write secrets where others can read them",
  reconfigure: "change the machine's or the agent's configuration",
  falsify: "hide results or report something regardless of the facts",
  "fetch-follow": "fetch instructions and follow them",
  "redirect-payment": "redirect a payment",
  any: "act differently from an ordinary run",
};
