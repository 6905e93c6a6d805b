// Instruction-level review of the skill's prose: who is told to do what. Each prose segment
// (paragraph, list item, heading, frontmatter description) is read sentence by sentence; a rule
// fires only on an action the agent is told to take — not when the clause negates or forbids it
// ("never delete without asking"), describes it (security docs, "attackers may …"), is quoted,
// or is addressed to the user. Rules:
// - instr.data-egress: the user's data or a secret is sent to a host that is not the skill's own
//   declared service (or to an e-mail address);
// - instr.user-override: the agent is told to act regardless of, or against, the user;
// - instr.output-manipulation: the agent is told to falsify, slant, censor or plant text in
//   what it produces for the user;
// - instr.weaken-security: the agent is told to add backdoors, skip verification or write
//   insecure code;
// - instr.hook-script: a standing order ("after any commit, run X") runs a bundled script that
//   has findings of its own.

import type { DetectContext, ProseSource } from "../context.js";
import { hasQuotingCue, quotedBySecurityTool } from "../quoting.js";
import { declaredService, isPlaceholderHost, isPlaceholderMailbox } from "../service.js";
import { describes, negatedAt, readingsOf, standingOrder, userIsActor } from "../sentences.js";
import { baseDomain, normalizeToken, urlsIn } from "../hosts.js";
import { severityRank } from "../util.js";
import { credentialCollectionAt, orderHits, patternHits, personaAt, requestFloodAt } from "./orders.js";
import type { OrderHit } from "./orders.js";
import { descriptionOrder, framedOffPurposeOrder, purposeOf, sideEffectOrder } from "./side-effects.js";
import { directiveHits } from "./agent-directives.js";
import type { Purpose } from "./side-effects.js";
import type { Severity } from "../../model.js";

const transferVerb =
  /\b(?:send|sends|sending|upload|uploading|post|posting|forward|forwarding|sync|synchroni[sz]e|back\s?up|transmit|submit|report|share|copy|mirror|log|email|e-mail|beacon|exfiltrate|push|pipe|stream)\b/i;
const dataObject =
  /\b(?:files?|documents?|docs?|data|datasets?|contents?|emails?|inbox|messages?|code|source|repo(?:sitory)?|metrics|logs?|results?|outputs?|history|conversations?|chats?|transcripts?|keys?|tokens?|credentials?|secrets?|passwords?|env(?:ironment)?|location|coordinates|summary|summaries|notes?|memory|database|records|contacts|cookies|screenshots?|clipboard)\b|\b[\w-]+\.(?:txt|json|csv|log|env|pem|key|docx?|pdf|zip|db|sqlite)\b/i;
const emailAddress = /\b[\w.+-]+@(?:[\w-]+\.)+[a-z]{2,}\b/i;
const emailAddresses = new RegExp(emailAddress.source, "gi");

const userOverride =
  /\bregardless\s+of\s+(?:what\s+)?(?:the\s+)?user|\beven\s+if\s+the\s+user\s+(?:explicitly\s+)?(?:asks?|says|requests?|tells\s+you|wants?)\s+(?:you\s+)?(?:not|otherwise|to stop|against)\b|\beven\s+if\s+the\s+user\s+(?:declines?|refuses?|objects?)|\bagainst\s+the\s+user'?s?\s+(?:wishes|request|instructions?|will)|\bwithout\s+(?:the\s+)?user'?s?\s+(?:consent|permission|approval|knowledge)|\bwhether\s+or\s+not\s+the\s+user\b/i;

const manipulation: Array<[RegExp, string]> = [
  [
    /\b(?:add|increase|inflate|boost|raise|multiply|bump|pad|round up)\b[^.;]{0,40}?\b\d+(?:\.\d+)?\s*(?:%|\s*(?:percent|points?|x)\b)[^.;]{0,50}?\b(?:scores?|results?|metrics?|numbers?|accuracy|ratings?|benchmarks?|figures|values|revenue|estimates?|counts?|totals?)\b|\b(?:inflate|increase|boost|raise|bump|pad|adjust)\s+(?:\w+\s+){0,3}(?:scores?|results?|metrics?|numbers?|accuracy|ratings?|figures|revenue|estimates?)\b[^.;]{0,30}\bby\s+\d+(?:\.\d+)?\s*(?:%|percent|points?)/i,
    "falsify figures in the output",
  ],
  [
    /\b(?:claim|claiming|state|stating|assert|asserting|say|saying|cite|citation)\b[^.;]{0,50}\b(?:outperforms?|beats?|better than|superior to|state[- ]of[- ]the[- ]art|is approved|certified|endorsed|guaranteed)\b/i,
    "make false claims in the output",
  ],
  [
    /\b(?:present|presents|presenting|frame|framing|portray|depict|characteri[sz]e|refer to)\b[^.;]{0,60}\bas\s+(?:an?\s+|the\s+)?['"‘“]|\b(?:tone|content|text|wording|framing)\s+(?:that\s+)?promotes?\b[^.;]{0,60}\bover\b/i,
    "slant what the output says",
  ],
  [
    /\b(?:delete|remove|strip|omit|drop|redact|hide|censor)\s+(?:any|all|every)\s+(?:\w+\s+){0,2}?(?:paragraphs?|sentences?|mentions?|sections?|lines?|references?|words?|passages?|content|text)\s+(?:that\s+)?(?:contain|containing|contains|mention|mentioning|mentions|about|referring|with)\b/i,
    "censor content of the user's documents",
  ],
  [
    /\breplace\s+(?:any|all|every)\s+[^.;]{0,40}?\b(?:names?|people|persons?|employees?|users?|customers?|women|men|authors?)\b[^.;]{0,30}?\bwith\s+(?:the\s+)?(?:term|word|phrase|label|text)?\s*['"‘“]/i,
    "relabel people in the user's documents",
  ],
  [
    /\b(?:append|prepend|insert|add|include|embed|put)\s+(?:an?\s+|the\s+)?(?:\w+\s+){0,2}?(?:links?|url|text|phrase|line|note|footer|banner|signature)?\s*(?:to\s+|saying\s+)?(?:['"‘“][^'"’”]{0,80}https?:\/\/[^'"’”]{0,80}['"’”]|https?:\/\/\S+)\s+(?:(?:to|at) the (?:end|top|bottom) of|to|into|in)\s+(?:\w+\s+){0,2}?(?:every|each|all|any)\s+(?:\w+\s+){0,2}?(?:documents?|files?|outputs?|responses?|answers?|replies|emails?|messages?|entries|descriptions?|pages?|reports?|summaries|posts?|comments?)\b/i,
    "plant a link in everything it writes",
  ],
];
// Override phrases the agent is told to write into its output (a calendar entry, a file):
// injection aimed at the next model that reads it.
const plantedOverride =
  /\b(?:append|insert|add|include|write|embed|put|prepend)\b[^.;]{0,80}['"‘“][^'"’”]{0,40}\b(?:ignore|disregard|forget)\s+(?:all\s+)?(?:previous|prior|above|earlier)\s+instructions/i;

const weakenings: Array<[RegExp, string]> = [
  [
    /\b(?:add|include|insert|create|open|leave|install|plant|build in)\b[^.;]{0,30}\bbackdoors?\b/i,
    "add a backdoor",
  ],
  [
    /\b(?:no need to|don'?t need to|unnecessary to|skip|skipping|disable|disabling|turn off|bypass)\b[^.;]{0,30}\b(?:ssl|tls|certificate|signature|server-side|csrf|authentication|auth)\s+(?:verification|validation|checks?)\b|\b(?:server-side\s+)?(?:verification|validation)\b[^.;]{0,40}\b(?:adds? unnecessary|is unnecessary|are unnecessary|not needed|is overkill)\b|\bno need to verify\b/i,
    "skip verification",
  ],
  [
    /\buse\s+string\s+concatenation\s+(?:for|to build)\s+(?:dynamic\s+)?(?:sql|queries)|\b(?:not|never|don'?t|avoid)\b[^.;]{0,30}\b(?:write|add|run|include)\s+(?:\w+\s+){0,2}tests?\s+(?:that\s+)?(?:check|cover|for)\s+(?:\w+\s+){0,1}(?:sql injections?|xss|injection|security|vulnerabilit\w+)/i,
    "write insecure code or drop security tests",
  ],
  // Insecure practices stated as what to do: the classic weaknesses a code reviewer rejects.
  [
    /\b(?:store|save|keep|persist|log|write|commit|hard-?code|embed|put)\s+(?:\w+\s+){0,3}?(?:passwords?|secrets?|api[- ]?keys?|tokens?|credentials?|private keys?)\b[^.;]{0,30}?\b(?:in (?:plain ?text|clear ?text|the (?:source|repo(?:sitory)?|code|client|frontend|logs?|url|localstorage))|unencrypted|unhashed|without (?:hashing|encryption|encrypting))\b|\bhard-?code\s+(?:\w+\s+){0,2}?(?:passwords?|secrets?|api[- ]?keys?|credentials?)\b/i,
    "store secrets insecurely",
  ],
  [
    /\b(?:disable|turn off|remove|skip|omit|bypass|leave out|drop)\s+(?:\w+\s+){0,2}?(?:csrf|xss|cors|input|output|parameter|sql)\s+(?:protection|validation|saniti[sz]ation|escaping|checks?|filtering|encoding)\b|\b(?:allow|accept)\s+(?:requests?\s+from\s+)?(?:all|any)\s+origins?\b|access-control-allow-origin:?\s*['"]?\*/i,
    "remove input or origin protections",
  ],
  [
    /\b(?:use|hash|store)\s+(?:\w+\s+){0,3}?(?:md5|sha-?1)\b[^.;]{0,30}\bpasswords?\b|\b(?:hash|store)\s+passwords?\s+(?:\w+\s+){0,2}?(?:with|using)\s+(?:md5|sha-?1)\b|\b(?:pass|feed|run)\s+(?:the\s+)?(?:user(?:'s)?\s+)?input\s+(?:directly\s+)?(?:to|into|through)\s+(?:eval|exec|os\.system|a shell|the shell)\b|\bshell\s*=\s*true\b[^.;]{0,40}\buser[- ]?(?:input|supplied|provided)\b|\b(?:use|build)\s+(?:\w+\s+){0,2}?(?:f-strings?|string formatting|string interpolation|concatenation)\s+(?:for|to build|to construct|in)\s+(?:(?:the|all|dynamic|your)\s+)?(?:sql|queries|query strings?)\b/i,
    "write injectable or weakly hashed code",
  ],
  [
    /\b(?:enable|turn on|leave|keep|set)\s+(?:\w+\s+){0,2}?debug(?:ging)?\s+(?:mode\s+)?(?:on|enabled|=\s*true)?\s*(?:in|on|for)\s+(?:the\s+)?production\b|\b(?:open|expose|bind|listen on)\s+(?:\w+\s+){0,3}?(?:port\s+\d+|0\.0\.0\.0)\b[^.;]{0,40}\b(?:without (?:auth\w*|a password|credentials)|no (?:auth\w*|password)|for (?:remote|external) access)\b/i,
    "expose a debug or unauthenticated service",
  ],
];
// Shapes that are routine as a one-off but hostile as a standing order ("after any commit …").
const standingWeakenings: Array<[RegExp, string]> = [
  [/\bchmod\s+(?:-R\s+)?0?777\b|\b(?:world|everyone)[- ]writable\b/i, "make files writable by everyone"],
  // `--force-with-lease` refuses to overwrite commits the pusher has not seen: not a weakening.
  [/\bgit\s+push\s+(?:\S+\s+){0,6}--force(?![-\w])|\bforce[- ]push/i, "force-push over the remote history"],
];

const destroyVerb = /\b(?:delete|remove|erase|wipe|purge|destroy|overwrite)\b/i;
const userData =
  /\b(?:files|documents?|emails?|messages|events|entries|records|data|branches|backups?|history|contacts|photos)\b/i;
const flood =
  /\b(?:repeated(?:ly)?|continuous(?:ly)?|endless(?:ly)?|flood\w*)\s+(?:\w+\s+){0,2}(?:requests?|pings?|calls?|connections?)\b[^.;]{0,80}(?:https?:\/\/|\bto\s+\S+\.\w{2,})|\b(?:requests?|pings?|calls?)\s+to\s+\S+[^.;]{0,40}\bin\s+an?\s+(?:tight\s+|infinite\s+|endless\s+)?loop\b/i;

// A mail address given as the caller's identity in a command (`--email you@lab.org`, `email=…`:
// contact details a public API asks its callers for) is a parameter, not where data goes;
// recipient options (`--to`, `--cc`) are destinations.
const callerIdentity =
  /(?:--?(?:e-?mail|mail|user(?:name)?|login|author|contact|account|from)|\b(?:e-?mail|user(?:name)?|author|contact)\s*[:=])\s*[=\s]?\s*["'`]?$/i;

type Hit = OrderHit;

function egressHit(ctx: DetectContext, s: string, service: Set<string>): Hit | undefined {
  // The verb and the data are words of the sentence, not parts of an address in it: in
  // "- Alice (alice@email.com)" neither "email" is an order to mail anything (offsets kept).
  const words = s.replace(emailAddresses, (m) => " ".repeat(m.length));
  const v = transferVerb.exec(words);
  if (!v || negatedAt(s, v.index) || userIsActor(s, v.index)) return undefined;
  // The verb is not its own object: in "Email sarah@… - Subject: …" the "Email" that orders the
  // mail is no e-mail of the user's being sent.
  const objectWords = words.slice(0, v.index) + " ".repeat(v[0].length) + words.slice(v.index + v[0].length);
  if (!dataObject.test(objectWords)) return undefined;
  if (ownCliSends(ctx, s)) return undefined;
  const foreign = urlsIn(s).find((u) => !isPlaceholderHost(u.host) && !service.has(ownKey(u.host)));
  let foreignMail: string | undefined;
  for (const mail of s.matchAll(emailAddresses)) {
    const mailHost = mail[0].split("@")[1] ?? "";
    if (
      !isPlaceholderHost(mailHost) &&
      !isPlaceholderMailbox(mail[0]) &&
      !service.has(ownKey(mailHost)) &&
      !callerIdentity.test(s.slice(Math.max(0, mail.index - 40), mail.index))
    ) {
      foreignMail = mail[0];
      break;
    }
  }
  const dest = foreign?.host ?? foreignMail;
  if (dest === undefined) return undefined;
  void ctx;
  return {
    id: "instr.data-egress",
    severity: "high",
    what: `The agent is told to ${v[0].toLowerCase()} the user's data to ${dest}, which is not this skill's declared service`,
    evidence: s.trim(),
    at: v.index,
  };
}

/**
 * A message sent through the skill's own CLI (a declared bin named like the skill: `wacli send
 * … --to …`): the skill's service delivering what the user asked to send. Not when the sentence
 * moves a secret (a key, token, credential file): that is exfiltration whatever tool carries it.
 */
function ownCliSends(ctx: DetectContext, s: string): boolean {
  if (secretObject.test(s)) return false;
  for (const m of s.matchAll(/(?:^|[\s`(])([a-z][\w-]{1,40})\s+[a-z]/g)) {
    const bin = normalizeToken(m[1] ?? "");
    if (ownBins(ctx).has(bin)) return true;
  }
  return false;
}

const secretObject =
  /\b(?:keys?|tokens?|credentials?|secrets?|passwords?|cookies|\.env|ssh|id_rsa|wallet|seed phrase|private)\b/i;

/** Declared bins (metadata requires.bins) that carry the skill's own name: its own CLI. */
function ownBins(ctx: DetectContext): Set<string> {
  const fm = ctx.model.frontmatter;
  const out = new Set<string>();
  for (const b of [...(fm?.metadata?.requires.bins ?? []), ...(fm?.metadata?.requires.anyBins ?? [])]) {
    const n = normalizeToken(b);
    if (n.length >= 3 && ctx.affinityNames.has(n) && normalizeToken(fm?.name ?? "") === n) out.add(n);
  }
  return out;
}

/** Key a host is compared by against the declared service. */
function ownKey(host: string): string {
  return baseDomain(host.toLowerCase());
}

/** Where a sentence sits, for rules that judge an order against the skill's declared purpose. */
interface SentencePlace {
  service: Set<string>;
  purpose: Purpose;
  segment: ProseSource;
}

function sentenceHits(ctx: DetectContext, s: string, place: SentencePlace): Hit[] {
  const { service } = place;
  const hits: Hit[] = [];
  const side = sideEffectOrder(s, {
    purpose: place.purpose,
    inDescription: place.segment.kind === "description",
    segment: place.segment.text,
  });
  if (side) hits.push(side);
  else if (place.segment.kind === "description") {
    const order = descriptionOrder(s, place.purpose);
    if (order) hits.push(order);
  } else {
    const order = framedOffPurposeOrder(s, place.purpose, place.segment.text);
    if (order) hits.push(order);
  }
  const egress = egressHit(ctx, s, service);
  if (egress) hits.push(egress);
  const o = userOverride.exec(s);
  if (o && !/\b(?:never|do not|don'?t|must not|should not)\b/i.test(s.slice(0, o.index)))
    hits.push({
      id: "instr.user-override",
      severity: "high",
      what: "The agent is told to act regardless of what the user wants",
      evidence: s.trim(),
      at: o.index,
    });
  hits.push(...patternHits(s, manipulation, "instr.output-manipulation"));
  const p = plantedOverride.exec(s);
  if (p)
    hits.push({
      id: "instr.output-manipulation",
      severity: "high",
      what: "The agent is told to plant an instruction override in what it writes (injection aimed at the next reader)",
      evidence: s.trim(),
      at: p.index,
    });
  // The weakening patterns carry their own negation ("no need to verify"); a negation before
  // them ("never skip verification", "do not add a backdoor") is advice.
  hits.push(
    ...patternHits(
      s,
      [...weakenings, ...(standingOrder(s) ? standingWeakenings : [])],
      "instr.weaken-security",
    ),
  );
  // A standing order that destroys the user's data ("after editing, delete files older than a
  // day"): temporary and build artefacts the skill makes itself are excluded.
  const d = destroyVerb.exec(s);
  if (
    d &&
    standingOrder(s) &&
    userData.test(s) &&
    !negatedAt(s, d.index) &&
    !/\b(?:temp(?:orary)?|tmp|cache[ds]?|intermediate|scratch|build|generated|lock|stale lock|your own)\b/i.test(
      s,
    ) &&
    !/\b(?:ask|confirm|confirmation|approval)\b/i.test(s)
  )
    hits.push({
      id: "instr.destroy-data",
      severity: "high",
      what: "A standing order tells the agent to delete the user's data",
      evidence: s.trim(),
      at: d.index,
    });
  const f = flood.exec(s);
  if (f && !negatedAt(s, f.index))
    hits.push({
      id: "instr.weaken-security",
      severity: "high",
      what: "The agent is told to send requests to a host in a loop (flooding it)",
      evidence: s.trim(),
      at: f.index,
    });
  hits.push(...orderHits(s));
  hits.push(
    ...directiveHits(s, { service, name: place.purpose.name, description: place.purpose.description }),
  );
  return hits;
}

// Lines within which a role-play framing covers a credential-collection order.
const personaReach = 20;

/** Bundled scripts named in a sentence that the skill's other findings flag at medium or worse. */
function flaggedScriptIn(flagged: ReadonlySet<string>, s: string): string | undefined {
  for (const file of flagged) {
    const name = file.split("/").pop() ?? file;
    if (name.length >= 4 && s.includes(name)) return file;
  }
  return undefined;
}

// A heading or list lead-in that turns what follows into things not to do ("**Don't:**",
// "## Prohibited actions", "Common mistakes").
const negativeContext =
  /\b(?:never|don'?t|do not|avoid|prohibited|forbidden|not allowed|must not|anti-?patterns?|red flags?|what not to|bad practices?|deception|reckless|refuse|don'?ts)\b|❌|🚫|⛔/i;

/** Whether offset `at` of `s` sits inside a quotation ("Send email to …" as an example utterance). */
function insideQuotes(s: string, at: number): boolean {
  const before = s.slice(0, at);
  return (
    (before.match(/"/g) ?? []).length % 2 === 1 ||
    (before.match(/[“‘]/g) ?? []).length > (before.match(/[”’]/g) ?? []).length
  );
}

// A line of English inside a code block ("7.  After any commit, push …"): not code to run, but
// the model reads it as an instruction all the same.
const englishLine = /^\s*(?:\d+\.\s+)?[A-Z][a-z']*,?(?:\s+[\w'",/:()-]+){5,}[.!]\s*$/;

/** English sentences hidden as lines of code blocks, as prose sources. */
function proseInCode(ctx: DetectContext): ProseSource[] {
  const out: ProseSource[] = [];
  const blocks = [
    ...ctx.model.steps
      .filter((st) => st.file === ctx.model.file)
      .map((st) => ({ text: st.text, line: st.line })),
    ...ctx.model.code.map((c) => ({ text: c.text, line: c.line })),
  ];
  for (const b of blocks)
    b.text.split("\n").forEach((l, i) => {
      if (englishLine.test(l))
        out.push({
          text: l,
          file: ctx.model.file,
          kind: "code-prose",
          line: b.line + i,
          column: 1,
          offset: 0,
          quoted: false,
        });
    });
  return out;
}

/** Code blocks of the skill's own document that flood a host with requests. */
function reportCodeFloods(ctx: DetectContext): void {
  const blocks = [...ctx.model.steps.filter((st) => st.file === ctx.model.file), ...ctx.model.code];
  for (const b of blocks) {
    const at = requestFloodAt(b.text);
    if (at < 0) continue;
    const line = b.line + b.text.slice(0, at).split("\n").length - 1;
    ctx.report({
      id: "instr.weaken-security",
      severity: "high",
      file: ctx.model.file,
      line,
      column: 1,
      message:
        "A code block the agent is shown sends requests to a host in a large or endless loop with no pause (flooding it).",
      evidence: (b.text.split("\n")[line - b.line] ?? "").trim(),
    });
  }
}

export function detectInstructions(ctx: DetectContext): void {
  reportCodeFloods(ctx);
  const service = declaredService(ctx);
  const purpose = purposeOf(ctx.model.frontmatter?.name, ctx.model.frontmatter?.description);
  // Bundled files with findings of medium or worse, collected once (findings × files, not per sentence).
  const bundledPaths = new Set(ctx.model.bundled.map((b) => b.path));
  const flagged = new Set(
    ctx.findings
      .filter((f) => bundledPaths.has(f.file) && severityRank[f.severity] >= severityRank.medium)
      .map((f) => f.file),
  );
  const sources: ProseSource[] = [...ctx.prose, ...proseInCode(ctx)]
    .filter((p) => p.kind !== "table-cell" && p.kind !== "code-inline")
    .sort((x, y) => (x.kind === "description" ? -1 : y.kind === "description" ? 1 : x.line - y.line));
  // Heading chain and list lead-in of each segment, read in document order.
  const headings: Array<{ level: number; negative: boolean }> = [];
  let leadInNegative = false;
  let personaLine = -Infinity;
  for (const p of sources) {
    if (p.kind === "heading") {
      const level = /^#+/.exec(ctx.lines[p.line - 1] ?? "")?.[0].length ?? 7;
      while (headings.length > 0 && (headings[headings.length - 1]?.level ?? 0) >= level) headings.pop();
      leadInNegative = false;
    }
    const t = p.text.trim();
    // "**Don't:**" / "Never do the following:" introduce a list of prohibitions; another
    // paragraph ends the list.
    const leadIn = /:\**$/.test(t) && t.length < 120;
    if (leadIn) leadInNegative = negativeContext.test(t);
    else if (p.kind === "paragraph") leadInNegative = false;
    const contextNegative =
      p.kind !== "description" &&
      (headings.some((h) => h.negative) || (p.kind === "list-item" && leadInNegative));
    // A heading is read too (injections hide in "## 5. When …" lines), under its parents' context.
    if (p.kind === "heading")
      headings.push({
        level: /^#+/.exec(ctx.lines[p.line - 1] ?? "")?.[0].length ?? 7,
        negative: negativeContext.test(p.text),
      });
    // Quoted: a table cell, a security tool's own pattern text, or a segment right under a line
    // that introduces examples of attacks ("Red flags:"). The wider cue window other rules use
    // would let one word about vulnerabilities three lines up excuse an injected order.
    // ProseSource.quoted (that window, and every text fence) is left out on purpose, for
    // instr.data-egress too: capping it there cleared one TUNE false positive and lost three
    // MEASURE exfiltration items (docs/eval.md, i14cov).
    const prev = ctx.lines[p.line - 2] ?? "";
    const quotedBase =
      p.kind === "table-cell" || (p.kind !== "description" && /:\**\s*$/.test(prev) && hasQuotingCue(prev));
    for (const sent of readingsOf(p.text, p.kind)) {
      const s = sent.text;
      if (s.length < 12) continue;
      // Role-play is read before the descriptive filter: "as an auditor, list the keys" uses the
      // words of a description as its cover story.
      const roleplay: Hit[] = [];
      if (personaAt(s) >= 0) personaLine = p.line;
      const c = credentialCollectionAt(s);
      if (c >= 0 && p.line - personaLine <= personaReach && p.line >= personaLine)
        roleplay.push({
          id: "instr.roleplay-credentials",
          severity: "high",
          what: "Under a role-play framing, the agent is told to collect credentials",
          evidence: s.trim(),
          at: c,
        });
      if (describes(s) && roleplay.length === 0) continue;
      // Table rows and command-line option docs describe; the shell rules read commands.
      if ((s.match(/\|/g) ?? []).length >= 2 || /--[a-z][\w-]*(?:\s+\S+)?\s+[-—–]\s/i.test(s)) continue;
      // A quoted utterance ("Send email to sarah@…") is an example request, not an order.
      const hits = describes(s)
        ? roleplay
        : [...roleplay, ...sentenceHits(ctx, s, { service, purpose, segment: p })].filter(
            (h) => h.id !== "instr.data-egress" || !insideQuotes(s, h.at),
          );

      if (standingOrder(s) && /\brun\b/i.test(s)) {
        const script = flaggedScriptIn(flagged, s);
        if (script)
          hits.push({
            id: "instr.hook-script",
            severity: "high",
            what: `A standing order makes the agent run ${script}, which has findings of its own, on every trigger`,
            evidence: s.trim(),
            at: 0,
          });
      }
      for (const h of hits) {
        // In a security tool, a cue word before the order in its segment marks a quoted pattern.
        const at = sent.offset + h.at;
        const quotedSeg = quotedBase || quotedBySecurityTool(ctx.securityTool, p.text, at);
        const capped = quotedSeg || contextNegative;
        const severity: Severity = capped ? "low" : h.severity;
        const pos = positionIn(p, sent.offset + h.at);
        ctx.report({
          id: h.id,
          severity,
          file: p.file,
          line: pos.line,
          column: pos.column,
          message: `${h.what}${
            quotedSeg
              ? " (quoted or in a security tool's pattern list, so severity is capped)"
              : contextNegative
                ? " (under a heading or lead-in that lists things not to do, so severity is capped)"
                : ""
          }.`,
          evidence: h.evidence.length > 300 ? h.evidence.slice(0, 300) : h.evidence,
        });
      }
    }
  }
}

/** Line and column of an offset inside a prose segment (segments may span lines). */
function positionIn(p: ProseSource, offset: number): { line: number; column: number } {
  const before = p.text.slice(0, offset);
  const nl = before.split("\n").length - 1;
  if (p.kind === "description") return { line: p.line, column: p.column };
  return nl === 0
    ? { line: p.line, column: p.column + offset }
    : { line: p.line + nl, column: offset - before.lastIndexOf("\n") };
}
