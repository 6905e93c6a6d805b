// One secret taken from the environment by name (`os.environ.get("GITHUB_TOKEN")`,
// `process.env.OPENAI_API_KEY`) is a credential read as much as a credential file is. A key the
// skill declares is its own (the user hands it over); one it never declares, sent to a host that
// is not the skill's own service (../service.ts) or the key's vendor, is a stolen key.

import type { DetectContext } from "../context.js";
import { baseDomain, urlsIn, type UrlInfo } from "../hosts.js";
import { codeHosts, declaredKeys, isDeclaredServiceHost } from "../service.js";
import { limits } from "../../limits.js";

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
  // Once per key name and file (a file may read the same key on many lines).
  const vendorBound = new Map<string, boolean>();
  let defined: Set<string> | undefined;
  const names = (): Set<string> => (defined ??= definedNames(code));
  const bound = (name: string): boolean => {
    let b = vendorBound.get(name);
    if (b === undefined) vendorBound.set(name, (b = sentOnlyToVendor(code, name, names)));
    return b;
  };
  return secretEnvRead(code, (name) => declared.has(name) || bound(name));
}

/** The vendor word of a key name (openai of OPENAI_API_KEY), or "" for a generic name. */
function vendorOf(key: string): string {
  const vendor = (key.split("_")[0] ?? "").toLowerCase();
  return vendor.length >= 3 && !genericKeyWord.test(vendor) ? vendor : "";
}

/**
 * Whether every use of key `name` in `code` goes to the key's own vendor: each line reading it
 * inline, or using the variable it is assigned to, sits in a request whose nearest URL above
 * (within vendorKeyWindowLines) is on the vendor's domain, or passes it to a client named after
 * the vendor (`OpenAI(api_key=…)`). The key going back to whoever issued it is not a theft, even
 * when the same script also reads public data from another host. Any other use (sent in a body
 * to another host, stored, printed) keeps the key judged as before.
 */
function sentOnlyToVendor(code: string, name: string, defined: () => Set<string>): boolean {
  const vendor = vendorOf(name);
  if (vendor === "") return false;
  const lines = code.split("\n");
  const reads = new RegExp(`["'\`.]${name}\\b`);
  // Lines that carry the key: each read, and each line naming a variable a read was assigned to
  // (`key = os.environ[…]`, `headers={"x-api-key": os.environ[…]}`), one level deep.
  const uses: number[] = [];
  const assigned = new Set<string>();
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? "";
    if (commentLine.test(line) || !reads.test(line)) continue;
    uses.push(i);
    // A vendor client built with the key carries it to the vendor wherever it is used.
    if (vendorClient(defined, vendor, line)) continue;
    const a = /^\s*(?:(?:const|let|var)\s+)?([A-Za-z_]\w{0,60})\s*=(?!=)/.exec(line);
    if (a?.[1]) assigned.add(a[1]);
  }
  // One pass over each line's identifiers (not one pass per variable: linear in the file).
  if (assigned.size > 0)
    for (let i = 0; i < lines.length; i++) {
      const line = lines[i] ?? "";
      if (commentLine.test(line) || reads.test(line)) continue;
      if ((line.match(/[A-Za-z_]\w{0,60}/g) ?? []).some((w) => assigned.has(w))) uses.push(i);
    }
  if (uses.length === 0) return false;
  return uses.every((i) => {
    if (vendorClient(defined, vendor, lines[i] ?? "")) return true;
    for (let j = i; j >= Math.max(0, i - limits.vendorKeyWindowLines); j--) {
      // Any URL ends the search, a placeholder or local one too: the key goes to that request.
      const hosts = urlsIn(lines[j] ?? "");
      const last = hosts[hosts.length - 1];
      if (last) return baseDomain(last.host.toLowerCase()).split(".")[0] === vendor;
    }
    return false;
  });
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

/**
 * Whether `line` builds the vendor's client (`OpenAI(`, `AsyncOpenAI(`, `anthropic.Anthropic(`,
 * `MistralClient(`) and the code does not define a function or class of that name itself.
 */
function vendorClient(defined: () => Set<string>, vendor: string, line: string): boolean {
  const m = new RegExp(`\\b(?:\\w{1,40}\\.)?((?:Async)?${vendor}(?:Client)?)\\s*\\(`, "i").exec(line);
  if (!m?.[1]) return false;
  return !defined().has(m[1]);
}

/** Names the code defines itself (def/function/class NAME, NAME = …). */
function definedNames(code: string): Set<string> {
  const out = new Set<string>();
  for (const m of code.matchAll(
    /\b(?:def|function|class)\s+([A-Za-z_]\w{0,60})|^\s*([A-Za-z_]\w{0,60})\s*=(?!=)/gm,
  ))
    out.add(m[1] ?? m[2] ?? "");
  return out;
}
