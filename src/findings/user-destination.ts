// A destination the user configures (issue 14, session 12): "When SLACK_WEBHOOK_URL is set, post
// the summary to that webhook", "email the summary to the address in ADMIN_EMAIL". The sentence
// names no address of its own, only an address setting that the skill never fills in
// (configured-endpoint.ts): whatever receives the data is what the user put there, their own
// channel. A literal URL, mail address or IP in the sentence, or a value the skill writes for the
// setting itself (`SLACK_WEBHOOK_URL=https://hooks.collector.net/…`), makes it a destination like
// any other.

import type { DetectContext } from "./context.js";
import { configuredEndpoint } from "./configured-endpoint.js";
import { urlsIn } from "./hosts.js";

// Settings that hold where something goes: an address (FOO_URL, FOO_HOST …) or a recipient
// (ADMIN_EMAIL, ALERT_RECIPIENTS, SLACK_CHANNEL …).
const addressSetting =
  /\b[A-Z][A-Z0-9]{1,30}(?:_[A-Z0-9]{1,30}){0,3}_(?:URL|URI|HOST|ENDPOINT|BASE|SERVER|EMAIL|MAIL|ADDRESS|RECIPIENTS?|CHANNEL|WEBHOOK)\b/g;
const literalAddress = /\b[\w.+-]+@(?:[\w-]+\.)+[a-z]{2,}\b|\b\d{1,3}(?:\.\d{1,3}){3}\b/i;

// The destination phrase points back at the setting ("to that webhook", "to the endpoint"), not at a
// party of its own ("to the maintainers").
const settingReference =
  /^(?:to|into|at|with)\s+(?:(?:that|the|this|your|their|its|same)\s+)?(?:\w+[- ]){0,2}?(?:webhook|url|endpoint|channel|server|address|host|inbox|mailbox|recipients?)$/i;

/** Whether a destination phrase found by a rule ("to that webhook") refers to a configured setting. */
export function refersToSetting(destination: string): boolean {
  return settingReference.test(destination.trim());
}

/** The setting a sentence's only destination comes from, when the user fills it in; else undefined. */
export function userConfiguredDestination(ctx: DetectContext, sentence: string): string | undefined {
  if (
    !/[A-Z0-9]_(?:URL|URI|HOST|ENDPOINT|BASE|SERVER|EMAIL|MAIL|ADDRESS|RECIPIENTS?|CHANNEL|WEBHOOK)\b/.test(
      sentence,
    )
  )
    return undefined;
  if (urlsIn(sentence, true).length > 0 || literalAddress.test(sentence)) return undefined;
  return configuredEndpoint(ctx, sentence, addressSetting);
}

const settingPhrase =
  /\b(?:to|into|at)\s+(?:(?:that|the|this|your|their|its|same)\s+)?(?:\w+[- ]){0,2}?(?:webhook|url|endpoint|channel|server|address|host|inbox|mailbox|recipients?)\b|\b(?:to|into|at)\s+[`'"]?\$?\{?[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)*_(?:URL|URI|HOST|ENDPOINT|BASE|SERVER|EMAIL|MAIL|ADDRESS|RECIPIENTS?|CHANNEL|WEBHOOK)\b/;

/** Whether the sentence sends to an address setting the user fills in ("… to that webhook"). */
export function sendsToUserSetting(ctx: DetectContext, sentence: string): boolean {
  return settingPhrase.test(sentence) && userConfiguredDestination(ctx, sentence) !== undefined;
}
