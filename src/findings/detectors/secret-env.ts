// One secret taken from the environment by name (`os.environ.get("GITHUB_TOKEN")`,
// `process.env.OPENAI_API_KEY`) is a credential read as much as a credential file is. A key the
// skill declares is its own (the user hands it over); one it never declares, sent to a host that
// is not the skill's own service (../service.ts) or the key's vendor, is a stolen key.

import type { DetectContext } from "../context.js";
import { baseDomain, type UrlInfo } from "../hosts.js";
import { codeHosts, declaredKeys, isDeclaredServiceHost } from "../service.js";

/**
 * A read of one environment variable by a literal name: Python os.environ.get / os.getenv /
 * environ[...], JavaScript process.env.NAME / process.env["NAME"], Deno.env.get. Each branch
 * starts with a literal and its name is bounded: linear time.
 */
const envRead =
  /\b(?:os\.)?(?:environ\s*(?:\.get\s*\(|\[)|getenv\s*\()\s*["']([A-Za-z_][A-Za-z0-9_]{0,80})["']|\bprocess\.env\s*(?:\.\s*([A-Za-z_][A-Za-z0-9_]{0,80})|\[\s*["'`]([A-Za-z_][A-Za-z0-9_]{0,80})["'`]\s*\])|\bDeno\.env\.get\s*\(\s*["']([A-Za-z_][A-Za-z0-9_]{0,80})["']/g;

/** A word of a variable name that says it holds a secret (GITHUB_TOKEN, DB_PASSWORD, OPENAI_APIKEY). */
const secretWord = /(?:KEY|TOKEN|SECRET|PASSWORD|PASSWD|PWD|CREDENTIALS?|COOKIE)$|^(?:PAT|AUTH)$/;
/** Names that say the value is public (STRIPE_PUBLISHABLE_KEY, SSH_PUBLIC_KEY). */
const publicWord = /^(?:PUBLIC|PUBLISHABLE|PUB)$/;

/** Whether an environment variable name reads as a secret. */
export function isSecretName(name: string): boolean {
  const words = name.toUpperCase().split("_");
  return words.some((w) => secretWord.test(w)) && !words.some((w) => publicWord.test(w));
}

const commentLine = /^\s*(?:#|\/\/|\/?\*)/;

/**
 * The first secret-looking key the code reads from the environment by name (comment lines
 * aside) that `skip` does not pass over.
 */
export function secretEnvRead(
  code: string,
  skip: (name: string) => boolean = () => false,
): { name: string; offset: number; line: string } | undefined {
  let offset = 0;
  for (const line of code.split("\n")) {
    if (!commentLine.test(line))
      for (const m of line.matchAll(envRead)) {
        const name = m[1] ?? m[2] ?? m[3] ?? m[4] ?? "";
        if (isSecretName(name) && !skip(name)) return { name, offset: offset + (m.index ?? 0), line };
      }
    offset += line.length + 1;
  }
  return undefined;
}

/**
 * A key the skill never declares (metadata requires.env, or named in its main text), read from
 * the environment and sent somewhere: the code takes a secret the user keeps for something else.
 * A declared key is the skill's own, handed to it by the user: its use is not judged here.
 */
export function undeclaredSecretEnvRead(
  ctx: DetectContext,
  code: string,
): { name: string; offset: number; line: string } | undefined {
  const declared = declaredKeys(ctx);
  return secretEnvRead(code, (name) => declared.has(name));
}

/**
 * The first host the code names that is not the skill's own service: not declared (../service.ts:
 * affine, documented on several lines, called throughout the code and vouched for) and not named
 * after the key's vendor (GITHUB_TOKEN to api.github.com, not to github.drop.net: the key goes
 * back to whoever issued it).
 */
export function thirdPartyHost(ctx: DetectContext, code: string, key: string): UrlInfo | undefined {
  const vendor = (key.split("_")[0] ?? "").toLowerCase();
  const namedFor = (u: UrlInfo): boolean =>
    vendor.length >= 3 &&
    !genericKeyWord.test(vendor) &&
    baseDomain(u.host.toLowerCase()).split(".")[0] === vendor;
  return codeHosts(code).find((u) => !isDeclaredServiceHost(ctx, code, u) && !namedFor(u));
}

/** Leading words of key names that name no vendor (API_KEY, APP_TOKEN, MY_SECRET). */
const genericKeyWord =
  /^(?:api|app|access|auth|bot|client|secret|private|user|my|default|admin|session|bearer|refresh|service|master|personal|token|key|password|db|database)$/;
