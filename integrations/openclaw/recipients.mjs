// Who the agent may address through the operator's own channels (red team s10, G5). The message
// tool, conversations_send/turn, sessions_send and an automation's announce delivery carry
// whatever the model writes: a prompt-injected model sends a secret it read to `@attacker` as
// easily as to the operator. The plugin config's `recipients` lists who may be addressed; any
// other explicit recipient is refused. A reply to the current conversation (no target) passes:
// OpenClaw 2026.9.6 fills a missing target only from the turn's own conversation
// (resolveImplicitMessageActionTarget) and fails the call when there is none.

/**
 * Message actions that deliver into one conversation (OpenClaw's MESSAGE_ACTION_TARGET_MODE "to"):
 * without a recipient they act on the current conversation; with one it must be listed.
 */
const deliveryActions = new Set([
  "send",
  "reply",
  "thread-reply",
  "thread-create",
  "sendWithEffect",
  "sendAttachment",
  "sticker",
  "poll",
  "poll-vote",
  "react",
  "edit",
  "unsend",
  "delete",
  "pin",
  "unpin",
  "topic-create",
  "topic-edit",
]);
/** Message actions that only read from the operator's channels: nothing the model writes leaves. */
const readActions = new Set([
  "read",
  "reactions",
  "list-pins",
  "permissions",
  "thread-list",
  "search",
  "sticker-search",
  "member-info",
  "role-info",
  "emoji-list",
  "channel-info",
  "channel-list",
  "event-list",
  "voice-status",
]);
/** Parameters that name the conversation a message goes to (OpenClaw's target, its legacy fields and core aliases). */
const destinationKeys = [
  "target",
  "targets",
  "to",
  "channelId",
  "channelIds",
  "chatId",
  "chatGuid",
  "chatIdentifier",
];
/** Parameters that name a person or a group rather than a conversation: not a recipient the list can name. */
const memberKeys = ["userId", "guildId", "groupId", "memberId", "participant", "openId", "unionId"];
/**
 * Parameters of a delivery action that pick no recipient: OpenClaw's standard message-action
 * keys (STANDARD_MESSAGE_ACTION_PARAM_KEYS) and the core message tool's own. Any other key with a
 * value may be a channel plugin's delivery alias (resolveActionDeliveryTargetAlias reads
 * non-standard keys as the recipient), so it is refused.
 */
const neutralKeys = new Set([
  ...["action", "channel", "accountId", "asDocument", "attachments", "base64", "bestEffort", "buffer"],
  ...["caption", "contentType", "delivery", "dryRun", "filePath", "fileUrl", "filename", "forceDocument"],
  ...["gifPlayback", "image", "idempotencyKey", "interactive", "json", "media", "mediaUrl", "mediaUrls"],
  ...["media_urls", "message", "mimeType", "path", "pollAnonymous", "pollDurationHours", "pollMulti"],
  ...["pollOption", "pollPublic", "pollQuestion", "pin", "presentation", "replyTo", "silent", "text"],
  ...["threadId", "timeoutMs", "topLevel", "content", "final", "quoteText", "quote_text", "effectId"],
  ...["effect", "asVoice", "voiceText", "voiceProvider", "voiceId", "messageId", "message_id", "emoji"],
  ...["remove", "targetAuthor", "targetAuthorUuid", "threadName", "autoArchiveMin", "appliedTags"],
  ...["pollId", "pollOptionId", "pollOptionIds", "pollOptionIndex", "pollOptionIndexes", "topic"],
  ...["messageThreadId", "poll_question", "poll_option", "SendMessage", "name"],
  ...destinationKeys,
]);

const conversationRefPattern = /^conv_[a-f0-9]{32}$/;

/**
 * The plugin config's `recipients`: a list of `{ channel, to, accountId? }`, `{ conversationRef }`
 * or `{ sessionKey }`. Anything else is an error naming the entry (the plugin then refuses every
 * call), never a smaller or an empty list.
 */
export function parseRecipients(value) {
  const out = { channels: [], conversations: new Set(), sessions: new Set() };
  if (value === undefined) return out;
  if (!Array.isArray(value))
    throw new Error(
      'plugin config recipients must be a list (fix: e.g. [{ "channel": "telegram", "to": "123456" }])',
    );
  value.forEach((entry, i) => {
    const where = `plugin config recipients[${i}]`;
    if (typeof entry !== "object" || entry === null || Array.isArray(entry))
      throw new Error(`${where} must be an object (fix: { "channel": …, "to": … })`);
    const keys = Object.keys(entry).sort().join(",");
    const text = (k) => {
      if (typeof entry[k] !== "string" || entry[k].trim() === "")
        throw new Error(`${where}.${k} must be a non-empty string`);
      return entry[k].trim();
    };
    if (keys === "channel,to" || keys === "accountId,channel,to")
      out.channels.push({
        channel: text("channel").toLowerCase(),
        to: text("to"),
        accountId: entry.accountId === undefined ? undefined : text("accountId"),
      });
    else if (keys === "conversationRef") {
      const ref = text("conversationRef").toLowerCase();
      if (!conversationRefPattern.test(ref))
        throw new Error(
          `${where}.conversationRef must look like conv_<32 hex digits> (from conversations_list)`,
        );
      out.conversations.add(ref);
    } else if (keys === "sessionKey") out.sessions.add(text("sessionKey"));
    else
      throw new Error(
        `${where} has keys ${JSON.stringify(keys)} (fix: { "channel", "to", "accountId"? }, { "conversationRef" } or { "sessionKey" })`,
      );
  });
  return out;
}

const present = (v) => v !== undefined && v !== null && !(typeof v === "string" && v.trim() === "");
const words = (v) => (Array.isArray(v) ? v : [v]).filter(present).map((x) => String(x).trim());
const listFix =
  'reply in the current conversation (no target); or the operator lists the recipient in the skillwall plugin\'s recipients ({ "channel", "to" })';

/** Whether `{channel, to, accountId}` of a call is a listed recipient. */
function listed(recipients, channel, to, accountId) {
  return recipients.channels.some((r) => r.channel === channel && r.to === to && r.accountId === accountId);
}

/**
 * Every explicit recipient of one delivery (a message call, an announce): each must be listed
 * with the same channel and account. A channel or account without a recipient is refused too:
 * OpenClaw would then send the current conversation's id over another channel or account.
 */
function deliveryRefusal(recipients, { what, channel, accountId, to }) {
  const ch = present(channel) ? String(channel).trim().toLowerCase() : undefined;
  const account = present(accountId) ? String(accountId).trim() : undefined;
  if (to.length === 0) {
    if (ch === undefined && account === undefined) return undefined;
    return {
      reason: `${what} names ${ch !== undefined ? `channel ${JSON.stringify(ch)}` : `account ${JSON.stringify(account)}`} without a recipient, so OpenClaw picks one skillwall cannot see`,
      fix: "omit channel and accountId to answer in the current conversation; or name a recipient the skillwall plugin's recipients list",
    };
  }
  for (const t of to) {
    if (ch === undefined)
      return {
        reason: `${what} names recipient ${JSON.stringify(t)} without its channel, which OpenClaw takes from the current conversation`,
        fix: "name the channel too (channel: telegram, slack, …)",
      };
    if (!listed(recipients, ch, t, account))
      return {
        reason: `${what} goes to ${JSON.stringify(t)} on ${ch}${account ? ` (account ${account})` : ""}, which is not in the skillwall plugin's recipients: a prompt-injected model could send what it read to anyone the channel reaches`,
        fix: listFix,
      };
  }
  return undefined;
}

/** The message tool: read actions pass, delivery actions go to the current conversation or a listed recipient, the rest is refused. */
export function messageRecipientRefusal(p, recipients) {
  const action = typeof p.action === "string" ? p.action.trim() : p.action;
  if (readActions.has(action)) return undefined;
  if (!deliveryActions.has(action))
    return {
      reason: `message action ${JSON.stringify(action ?? null)} reaches people outside one conversation (broadcast, a new channel or DM, members, the bot's profile) or is not one skillwall has classed`,
      fix: "send, reply or react in the current conversation",
    };
  const member = memberKeys.find((k) => present(p[k]));
  if (member !== undefined)
    return {
      reason: `message ${action} with ${member} names a person or group, not a recipient skillwall can check`,
      fix: listFix,
    };
  const unknown = Object.keys(p).find((k) => !neutralKeys.has(k) && !memberKeys.includes(k) && present(p[k]));
  if (unknown !== undefined)
    return {
      reason: `message ${action} sets ${JSON.stringify(unknown)}, a field skillwall has not classed (a channel may read it as the recipient)`,
      fix: "send with target, channel and the message text only",
    };
  const to = destinationKeys.flatMap((k) => words(p[k]));
  return deliveryRefusal(recipients, {
    what: `this message`,
    channel: p.channel,
    accountId: p.accountId,
    to,
  });
}

/** conversations_send / conversations_turn: the conversationRef must be listed. */
export function conversationRefusal(name, p, recipients) {
  const ref = typeof p.conversationRef === "string" ? p.conversationRef.trim().toLowerCase() : undefined;
  if (ref !== undefined && recipients.conversations.has(ref)) return undefined;
  return {
    reason: `${name} delivers to conversation ${JSON.stringify(p.conversationRef ?? null)} on the operator's channels, which is not in the skillwall plugin's recipients`,
    fix: 'reply in the current conversation; or the operator lists it in recipients ({ "conversationRef" })',
  };
}

/** A sub-agent's own session (agent:<id>:subagent:…): its replies come back to this turn, not to a channel. */
const subagentSession = /^agent:[^:\s]+:subagent:[^\s]+$/i;

/**
 * sessions_send: the text starts a turn in another session, whose reply OpenClaw may announce to
 * that session's channel. Only a sub-agent's session or a listed session key passes; a label or
 * agent id names a session the gate cannot see.
 */
export function sessionSendRefusal(p, recipients) {
  const key = typeof p.sessionKey === "string" ? p.sessionKey.trim() : undefined;
  if (key !== undefined && key !== "" && (subagentSession.test(key) || recipients.sessions.has(key)))
    return undefined;
  return {
    reason: `sessions_send to ${key ? `session ${JSON.stringify(key)}` : "a session named by label or agent id"} starts a turn whose reply may be delivered to that session's channel, which is not in the skillwall plugin's recipients`,
    fix: 'send to a sub-agent by its sessionKey; or the operator lists the session in recipients ({ "sessionKey" })',
  };
}

/** Keys of an automation's delivery objects, compared lowercased (OpenClaw trims padded keys). */
const key = (k) => k.trim().toLowerCase();

/**
 * automations add: every object at any depth that names a delivery recipient (`to`, `channel`,
 * `accountId`: delivery, failureAlert, failureDestination …) must name a listed one; the job's
 * session may be main, isolated, current or this turn's own (`sessionKey`), or a listed session:
 * a run in another session announces its answer to that session's chat.
 */
export function automationRecipientRefusal(value, recipients, ownSessionKey) {
  let refusal;
  const visit = (v, depth) => {
    if (refusal !== undefined || depth > 12) return;
    if (typeof v === "string") {
      const t = v.trim();
      if (t.startsWith("{") || t.startsWith("["))
        try {
          visit(JSON.parse(t), depth + 1);
        } catch {
          // checkAutomationWrite refuses text that opens like JSON but does not parse
        }
      return;
    }
    if (Array.isArray(v)) return v.forEach((x) => visit(x, depth + 1));
    if (typeof v !== "object" || v === null) return;
    const field = (name) => Object.entries(v).find(([k]) => key(k) === name)?.[1];
    const sessionTarget = field("sessiontarget");
    if (typeof sessionTarget === "string") {
      const t = sessionTarget.trim();
      const named = t.toLowerCase().startsWith("session:") ? t.slice(8).trim() : undefined;
      if (
        named === undefined
          ? !["main", "isolated", "current", ""].includes(t.toLowerCase())
          : !recipients.sessions.has(named) && named !== ownSessionKey
      )
        refusal = {
          reason: `this automation runs in ${JSON.stringify(t)}, whose answer is delivered to that session's chat, which is not in the skillwall plugin's recipients`,
          fix: 'use sessionTarget isolated, main or current; or the operator lists the session in recipients ({ "sessionKey" })',
        };
    }
    const sessionKey = field("sessionkey");
    if (
      refusal === undefined &&
      present(sessionKey) &&
      String(sessionKey).trim() !== ownSessionKey &&
      !recipients.sessions.has(String(sessionKey).trim())
    )
      refusal = {
        reason: `this automation names session ${JSON.stringify(sessionKey)}, whose answer is delivered to that session's chat, which is not in the skillwall plugin's recipients`,
        fix: 'omit sessionKey; or the operator lists the session in recipients ({ "sessionKey" })',
      };
    const mode = field("mode");
    const isWebhook = typeof mode === "string" && mode.trim().toLowerCase() === "webhook";
    if (refusal === undefined && !isWebhook)
      refusal = deliveryRefusal(recipients, {
        what: "this automation's delivery",
        channel: field("channel"),
        accountId: field("accountid"),
        to: words(field("to")),
      });
    for (const x of Object.values(v)) visit(x, depth + 1);
  };
  visit(value, 0);
  return refusal;
}
