// Prompt injection aimed at the agent: overriding instructions, hiding actions from the user,
// asking for secrets, and granting the agent unrestricted permissions. Quoted text (detection
// tables, "look for …" lists) in security tools is capped at low.

import type { DetectContext } from "../context.js";
import { hasQuotingCue } from "../quoting.js";
import { baseDomain, urlsIn } from "../hosts.js";
import { declaredService, isPlaceholderHost } from "../service.js";
import type { Severity } from "../../model.js";
import type { RuleId } from "../rules.js";

const override =
  /\b(?:ignore|disregard|forget|override|bypass)\s+(?:all\s+|any\s+)?(?:of\s+)?(?:the\s+|your\s+|my\s+)?(?:previous|prior|above|earlier|preceding|original|system|safety|existing)\s+(?:instructions|prompts?|rules|guidelines|directives|guardrails|constraints)|\byou are now (?:in |a |an |DAN)|\bnew system prompt\b|\bsystem override\b|<\/?(?:IMPORTANT|SYSTEM|system-prompt|admin)>|\b(?:developer|god|DAN|jailbreak) mode\b/i;
const conceal =
  /\b(?:do not|don't|never|without)\s+(?:ever\s+)?(?:tell(?:ing)?|inform(?:ing)?|notify(?:ing)?|mention(?:ing)?|alert(?:ing)?|reveal(?:ing)?|disclos(?:e|ing)|report(?:ing)?|show(?:ing)?|warn(?:ing)?)\s+(?:this\s+|it\s+|anything\s+|them\s+)?(?:to\s+)?(?:the\s+)?(?:user|human|operator|owner)|\b(?:hide|conceal|keep)\s+(?:this|it|these|the \w+)\s+(?:hidden\s+)?from\s+the\s+(?:user|human)|\b(?:send|upload|post|install|forward|transmit|exfiltrate|copy)\s+(?:it\s+|this\s+|them\s+|the \w+\s+)?(?:silently|secretly|covertly)\b|\b(?:silently|secretly|covertly|quietly)\s+(?:send|upload|post|exfiltrat\w*|forward|copy|run|execute|install|collect|read|transmit|include|delete|remove|replace|modify|alter|change|overwrite|rewrite|push|commit|append|insert|add)\b|\b(?:do not|don't|never|no need to)\s+(?:mention|report|disclose|reveal|include|list|announce|surface|acknowledge|explain)\s+(?:this|these|that|those|the (?:above|following|previous))\s+(?:\w+\s+)?(?:steps?|instructions?|actions?|changes?|operations?|uploads?|backups?|requests?|modifications?|edits?)\b|\b(?:keep|treat)\s+(?:this|these)\s+(?:steps?|instructions?|actions?|changes?|operations?)\s+(?:\w+\s+)?(?:confidential|private|secret|hidden|internal|invisible)\b|\b(?:so|such)\s+that\s+the\s+(?:user|human|owner)\s+(?:does not|doesn't|will not|won't|cannot|can't|never)\s+(?:notice|see|know|find out|realise|realize|suspect)\b/i;
const secretAsk =
  /\b(?:send|share|post|paste|include|provide|reveal|give|output|print|forward|upload|email|transmit|submit|reply with)\b[^.\n]{0,60}?\b(?:your|the user'?s|all|their|any)\b[^.\n]{0,30}?\b(?:api[ _-]?keys?|tokens?|passwords?|private keys?|seed phrases?|mnemonics?|credentials?|secrets?|ssh keys?|cookies|session)\b/i;
/** Asks the agent to echo a credential back, or to keep going until one turns up. */
const secretEcho =
  /\b(?:echo|print|repeat|reveal|output|include|show|return)\s+(?:back\s+)?(?:the\s+)?(?:value\s+of\s+(?:the\s+)?|full\s+|raw\s+)?(?:authorization header|bearer token|api[ _-]?key|access token|session (?:token|cookie)|auth token|client secret)\b|\b(?:until|till)\b[^.\n]{0,40}\b(?:contains|returns|reveals|shows|includes|leaks)\b[^.\n]{0,30}\b(?:api[ _-]?keys?|tokens?|passwords?|secrets?|credentials?)\b/i;
const negation = /\b(?:never|do not|don't|not|only|avoid|refuse)\b[^.\n]{0,40}$/i;
const permissionGrant =
  /"?Bash\(\*\)"?|"allow"\s*:\s*\[\s*"\*"|"defaultMode"\s*:\s*"bypassPermissions"|\bdangerously-skip-permissions\b|\byolo mode\b/i;

// "Never run `aws s3 rm` without showing the user the prefix" forbids the act unless the user sees
// it first: a transparency rule (a double negative), not concealment. Only when the prohibition
// opens the match's own clause (after the last . , ; : or dash), is no "never forget/skip …" and
// joins no second act ("never wait and upload … without telling the user" orders the upload).
const clauseStart = /[.!?,;:]\s|\s[-–—]\s|\n/g;
const leadingProhibition =
  /^\W{0,4}(?:\*\*|__)?(?:never|do not|don'?t|must not|you must not|you must never|you should never|should not|shouldn'?t|you may not)\s+(?!(?:\w+\s+)?(?:forget|hesitate|fail|neglect|skip|omit|stop|miss|delay|wait|bother)\b)/i;
const joinedAct = /\b(?:and|then|but|also|so|instead)\b|&/i;

/** Whether the `without telling the user` at `index` closes a prohibition of the clause's act. */
function forbiddenUnlessUserSees(text: string, index: number): boolean {
  let start = 0;
  for (const m of text.slice(0, index).matchAll(clauseStart)) start = m.index + m[0].length;
  const clause = text.slice(start, index);
  return leadingProhibition.test(clause) && !joinedAct.test(clause);
}

/** Names the kind of injection in `text`, if any. */
export function injectionKind(text: string): string | undefined {
  if (override.test(text)) return "instruction override";
  if (conceal.test(text)) return "hides actions from the user";
  for (const re of [secretAsk, secretEcho]) {
    const m = re.exec(text);
    if (m && !negation.test(text.slice(Math.max(0, m.index - 60), m.index + 8))) return "asks for secrets";
  }
  return undefined;
}

/** True when the match sits inside quotation marks or parentheses on its line: it is being quoted. */
function insideQuotes(text: string, index: number): boolean {
  const lineStart = text.lastIndexOf("\n", index) + 1;
  const before = text.slice(lineStart, index);
  const straight = (before.match(/"/g) ?? []).length;
  // A string assigned to a parameter or field (hint="…", "retry_hint": "…") is data handed to a
  // model, not a quotation.
  const lastQuote = before.lastIndexOf('"');
  if (straight % 2 === 1 && /[=:]\s*$/.test(before.slice(0, lastQuote))) return false;
  const open = (before.match(/[“«(]/g) ?? []).length;
  const close = (before.match(/[”»)]/g) ?? []).length;
  return straight % 2 === 1 || open > close;
}

/**
 * "Include your API key in the Authorization header": the skill's own credential used against
 * its own API. True when the text speaks of a request header and every host it names is the
 * skill's declared service.
 */
function ownCredentialUse(ctx: DetectContext, text: string): boolean {
  if (!/\b(?:headers?|authorization|bearer|x-api-key|query param\w*)\b/i.test(text)) return false;
  const service = declaredService(ctx);
  return urlsIn(text).every(
    (u) => isPlaceholderHost(u.host) || service.has(baseDomain(u.host.toLowerCase())),
  );
}

// "Upload the files to the user's workspace with their API key": the key is how the request is
// authenticated (an instrument after with/using/via), not what is sent, unless the text puts it
// into the payload ("with their API key included", "… in the body").
const instrumentKey =
  /\b(?:with|using|via|through|by)\s+(?:(?:your|their|the\s+user'?s)\s+)(?:own\s+)?(?:[\w-]+\s+){0,4}?(?:api[ _-]?keys?|tokens?|credentials?|passwords?)$/i;
const keyInPayload =
  /^\W{0,3}(?:included|attached|appended|embedded|pasted|copied|inside|in\s+(?:the\s+|your\s+|a\s+)?(?:request\s+)?(?:body|payload|message|text|file|comment|output|report|note|reply|response|answer)|as\s+(?:an?|the)\s+(?:attachment|field|parameter|value))\b/i;

// "Include your API key in every request", "provide your key and password in config.yaml", "… as
// the NCBI_API_KEY environment variable": the key goes where the skill's own client reads it.
const keyPlacement =
  /^\s*(?:[\w-]+\s+){0,3}?(?:(?:in|into|with)\s+(?:(?:every|each|all|the|your|its|a|an)\s+)?(?:[\w-]+\s+)?(?:requests?|calls?|quer(?:y|ies)|query\s+string|config(?:uration)?(?:\s+file)?|settings(?:\s+file)?|[\w.-]+\.(?:ya?ml|json|toml|ini|env|cfg|conf)|\.env|environment(?:\s+variables?)?|env\s+vars?|keychain)\b|as\s+(?:an?\s+|the\s+)?(?:[A-Z][A-Z0-9_]{2,}\s+)?(?:environment\s+variable|env\s+var|variable|parameter|query\s+param\w*)\b)/i;
// A party the text sends to besides the service ("… to our server", "to the maintainers").
const namedParty =
  /\bto\s+(?:our|my|the|a|an|this|that)\s+(?:[\w-]+\s+){0,2}?(?:server|collector|webhook|backend|team|maintainers?|developers?|authors?|inbox|address|channel|bot)\b|\b[\w.+-]+@(?:[\w-]+\.)+[a-z]{2,}\b/i;

/** No URL outside the skill's declared service, no mail address and no outside party in the text. */
function noThirdParty(ctx: DetectContext, text: string): boolean {
  if (namedParty.test(text)) return false;
  const service = declaredService(ctx);
  return urlsIn(text, true).every(
    (u) => isPlaceholderHost(u.host) || service.has(baseDomain(u.host.toLowerCase())),
  );
}

/** The user's own key ("your", "their", "the user's"), not everyone's ("all tokens", "any keys"). */
const ownKey = (m: RegExpExecArray): boolean =>
  /\b(?:your|their|the\s+user'?s)\b/i.test(m[0]) && !/\b(?:all|any|every)\b/i.test(m[0]);

/** "Send your API key only to api.sendgrid.com": every host the text names is the declared service. */
function toDeclaredServiceOnly(ctx: DetectContext, text: string, m: RegExpExecArray): boolean {
  const hosts = urlsIn(text, true).filter((u) => !isPlaceholderHost(u.host));
  return ownKey(m) && hosts.length > 0 && noThirdParty(ctx, text);
}

/** The user's own key put where the skill's client reads it (a request, its config), to no third party. */
function placedForOwnClient(ctx: DetectContext, text: string, m: RegExpExecArray): boolean {
  if (!/^(?:include|provide|put|add|pass|set|store|give|send|paste)\b/i.test(m[0])) return false;
  if (!ownKey(m)) return false;
  const after = text.slice(m.index + m[0].length);
  return keyPlacement.test(after) && !keyInPayload.test(after) && noThirdParty(ctx, text);
}

/**
 * The user's own key as the means of a request to a place that is not a third party's: no URL
 * outside the skill's declared service and no mail address in the text.
 */
function instrumentCredential(ctx: DetectContext, text: string, m: RegExpExecArray): boolean {
  if (!instrumentKey.test(m[0]) || keyInPayload.test(text.slice(m.index + m[0].length))) return false;
  if (/\b[\w.+-]+@(?:[\w-]+\.)+[a-z]{2,}\b/i.test(text)) return false;
  const service = declaredService(ctx);
  return urlsIn(text, true).every(
    (u) => isPlaceholderHost(u.host) || service.has(baseDomain(u.host.toLowerCase())),
  );
}

export function detectPromptInjection(ctx: DetectContext): void {
  const texts: Array<{
    text: string;
    file: string;
    line: number;
    column: number;
    quoted: boolean;
    kind?: string;
  }> = [...ctx.prose];
  for (const c of ctx.model.code)
    texts.push({
      text: c.text,
      file: ctx.model.file,
      line: c.line,
      column: c.column,
      quoted: ctx.cues.before(c.line, 3),
    });
  const checks: Array<[RegExp, RuleId, string, Severity]> = [
    [override, "pi.override", "Text aimed at the agent tries to override its instructions", "high"],
    [conceal, "pi.conceal", "The agent is told to keep actions from the user", "high"],
    [secretAsk, "pi.secret-request", "The agent is told to send or reveal secrets", "high"],
    [
      secretEcho,
      "pi.secret-request",
      "The agent is told to echo a credential or keep going until one is revealed",
      "high",
    ],
    [
      permissionGrant,
      "pi.permission-grant",
      "The skill grants the agent unrestricted permissions or skips approval",
      "high",
    ],
  ];
  for (const t of texts) {
    for (const [re, id, what, base] of checks) {
      const m = re.exec(t.text);
      if (!m) continue;
      if (id === "pi.secret-request" && negation.test(t.text.slice(Math.max(0, m.index - 60), m.index + 8)))
        continue;
      let severity: Severity =
        id === "pi.permission-grant" && !/Bash\(\*\)|"allow"|bypassPermissions/i.test(m[0]) ? "medium" : base;
      let note = "";
      if (
        re === secretAsk &&
        /^(?:send|include|provide|post|submit)\b/i.test(m[0]) &&
        ownCredentialUse(ctx, t.text)
      ) {
        severity = "low";
        note =
          " (the key is sent in a request header to the skill's own service, which is how its API works)";
      } else if (re === secretAsk && instrumentCredential(ctx, t.text, m)) {
        severity = "low";
        note =
          " (the user's own key is the means of the request, not what is sent, and no third party is named)";
      } else if (re === secretAsk && toDeclaredServiceOnly(ctx, t.text, m)) {
        severity = "low";
        note = " (every host the text names is the skill's declared service)";
      } else if (re === secretAsk && placedForOwnClient(ctx, t.text, m)) {
        severity = "low";
        note = " (the user's own key is put in the request or configuration the skill's own client reads)";
      } else if (re === conceal && /^without\b/i.test(m[0]) && forbiddenUnlessUserSees(t.text, m.index)) {
        severity = "low";
        note = " (the act is forbidden unless the user sees it first: a rule to show the user, not to hide)";
      } else if (t.quoted || insideQuotes(t.text, m.index) || (ctx.securityTool && hasQuotingCue(t.text))) {
        severity = "low";
        note = " (quoted as an example, so severity is capped)";
      } else if (
        ctx.securityTool &&
        (t.kind === "list-item" || t.kind === "table-cell") &&
        severity === "high" &&
        (id === "pi.override" || id === "pi.conceal")
      ) {
        // A scanner's documentation lists the phrases it looks for; a list entry of a security
        // tool is a quoted pattern, while the same phrase as a paragraph is addressed to the agent.
        severity = "medium";
        note = " (the skill describes itself as a security tool, which quotes such phrases)";
      }
      ctx.report({
        id,
        severity,
        file: t.file,
        line: t.line,
        column: t.column,
        message: `${what}${note}.`,
        evidence: m[0],
      });
    }
  }
}
