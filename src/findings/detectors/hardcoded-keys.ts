// Secret API keys written into the skill (markdown or bundled files). A live payment secret key
// means charges the skill makes land in the key owner's account, not the user's (the scam the
// issue names: a skill that bills through a key it ships); any other provider secret means the
// usage, and the data sent with it, goes to whoever owns that account. Documentation keys
// (EXAMPLE, xxxx, your-key) are placeholders and are not reported. One linear pass per file.

import type { DetectContext } from "../context.js";
import { lineIndex, positionAt } from "../context.js";

/** Live secret keys of payment providers: [provider, pattern]. */
const paymentKey =
  /\b(?:sk|rk)_live_[A-Za-z0-9]{20,}\b|\bsq0csp-[A-Za-z0-9_-]{30,}\b|\baccess_token\$production\$[a-z0-9$]{20,}/g;
/** Other provider secrets with a fixed, recognisable prefix. */
const providerKey =
  /\bsk-(?:proj-|ant-(?:api\d\d-)?)?[A-Za-z0-9_-]{32,}\b|\bAKIA[0-9A-Z]{16}\b|\bgh[pousr]_[A-Za-z0-9]{36}\b|\bxox[bpas]-[0-9A-Za-z-]{20,}\b|\bAIza[0-9A-Za-z_-]{35}\b/g;
/** Placeholder keys from documentation. */
const placeholder =
  /EXAMPLE|x{4,}|X{4,}|\*{3,}|your|dummy|fake|test|sample|placeholder|0{8,}|1234567|abcdef/i;

export function detectHardcodedKeys(ctx: DetectContext): void {
  const files: Array<{ path: string; text: string }> = [{ path: ctx.model.file, text: ctx.model.text }];
  for (const b of ctx.model.bundled) if (b.text !== undefined) files.push({ path: b.path, text: b.text });
  for (const f of files) {
    // Cheap pre-check on the prefixes every pattern starts with.
    if (!/_live_|sq0csp-|\$production\$|sk-|AKIA|gh[pousr]_|xox[bpas]-|AIza/.test(f.text)) continue;
    let starts: number[] | undefined;
    for (const [re, payment] of [
      [paymentKey, true],
      [providerKey, false],
    ] as const) {
      for (const m of f.text.matchAll(re)) {
        const key = m[0];
        if (placeholder.test(key) || !/\d/.test(key) || !/[A-Za-z]/.test(key.slice(4))) continue;
        starts ??= lineIndex(f.text);
        const pos = positionAt(starts, m.index);
        const shown = `${key.slice(0, 10)}…`;
        ctx.report({
          id: payment ? "secret.hardcoded-payment-key" : "secret.hardcoded-api-key",
          severity: payment ? "high" : "medium",
          file: f.path,
          line: pos.line,
          column: pos.column,
          message: payment
            ? `The skill ships a live payment secret key (${shown}): charges it makes are paid into the key owner's account.`
            : `The skill ships a provider secret key (${shown}): calls made with it, and the data they carry, go to the key owner's account.`,
          evidence: shown,
        });
        break;
      }
    }
  }
}
