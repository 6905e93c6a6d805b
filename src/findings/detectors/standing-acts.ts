// Session 6 (issue 14): acts beyond the task's output, shared by the standing-order and
// detached-order rules. Every pattern is anchored to one sentence with bounded gaps.
// Acts on the user's systems, money and accounts that a standing order must not carry out on its
// own (read by instr.standing-side-effect next to its first list): each is a routine one-off
// command, and an injected order when it runs on every trigger of the agent's work.
export const standingActs: Array<[RegExp, string]> = [
  [
    /\bgit\s+reset\s+--hard\b|\bgit\s+clean\s+-[a-z]*f|\bgit\s+branch\s+-D\b|\brm\s+-[a-z]*r[a-z]*f?\s+\S|\bdrop\s+(?:the\s+)?(?:table|database|schema|collection)s?\b|\b(?:kill|terminate|stop)\s+(?:all\s+)?(?:\w+\s+){0,2}?(?:processes|containers|services|instances|servers?)\b|\b(?:shut\s*down|reboot|power\s+off)\s+(?:the\s+)?(?:machine|server|system|host|computer)\b|\bformat\s+(?:the\s+)?(?:disk|drive|volume|partition)\b/i,
    "destroy work or stop the user's systems",
  ],
  [
    /\b(?:transfer|wire|pay|send)\s+(?:\$\s?\d|\d[\d.,]*\s*(?:usd|eur|dollars?|btc|eth|sol|usdc|usdt|tokens?)\b|(?:the\s+)?(?:funds|money|payments?|crypto\w*|bitcoin|ether(?:eum)?|tokens|balance)\b)|\b(?:purchase|buy|order)\s+(?:\w+\s+){0,3}?(?:subscriptions?|credits?|licen[cs]es?|gift\s+cards?|plans?|upgrades?)\b/i,
    "spend or move the user's money",
  ],
  [
    /\b(?:post|tweet|publish|share|announce)\s+(?:\S+\s+){0,6}?(?:on|to)\s+(?:the\s+user'?s\s+)?(?:twitter|x\.com|social\s+media|linkedin|facebook|mastodon|reddit|hacker\s+news|a\s+public\s+(?:channel|forum|gist|paste))\b|\b(?:star|fork|watch|follow|upvote|like)\s+(?:the\s+|our\s+|this\s+)?(?:\S+\s+){0,2}?(?:repo(?:sitory)?|project|account|page|profile)\b/i,
    "act publicly under the user's accounts",
  ],
  [
    /\b(?:download|fetch|curl|wget|pull)\s+(?:\S+\s+){0,8}?(?:and|then)\s+(?:run|execute|install|source|eval)\b|\b(?:open|start|create|run)\s+(?:an?\s+)?(?:reverse\s+shell|tunnel|port\s+forward(?:ing)?|ngrok|remote\s+(?:shell|desktop|access))\b/i,
    "run remote code or open the machine to outside access",
  ],
];
