// The skill's own credential store (issue 14 false positive: "a skill reading its own credential
// file and calling its own declared API"). A client's login writes its token under a folder named
// after the service (`~/.config/notebox/credentials.json`, `~/.notebox/token`); a skill for that
// service reads it from there. Judged by structure: the folder's name is the first label of the
// skill's declared service domain (notebox of notebox.app). Stores of the agent platform and of
// other programs (ssh, cloud CLIs, git, package managers) never count, whatever the skill calls
// itself: naming a skill after them must not turn their secrets into "its own".

import type { DetectContext } from "./context.js";
import { declaredService } from "./service.js";

/** Folder names of stores that belong to the platform or another program, never to a skill. */
const foreignStore =
  /^(?:openclaw|clawdbot|moltbot|claude|cursor|codex|local|ssh|aws|azure|gcloud|gnupg|gpg|kube|docker|gh|git|npm|pip|pypi|cargo|gem|netrc|password-store|pass|keyrings?|mozilla|google-chrome|chromium|bravesoftware|electrum|bitcoin|ethereum|solana|exodus|metamask|phantom)$/i;

/** A folder under the home directory: `~/.name/`, `~/.config/name/`, `".config/name/`, `/ ".name" /`. */
const homeFolder =
  /(?:\.config\/|["'`/~]\.(?!config\/)|["'`]\s*,\s*["'`]\.?)([A-Za-z0-9][\w-]{1,40})(?=["'`]?\s*[/,)]|\/)/g;

// A store the skill's own text tells the user to fill ("Keep the pair in
// `~/.config/cdse/credentials.json`:", "save the token to ~/.bindlab/token"): the folder holds the
// key the skill asked for, like a key name it tells the user to export (service.ts declaredKeys).
// The verb and the path stand in one sentence of the main file, where a reviewer reads them.
const storeOrder =
  /\b(?:keep|store|save|put|write|place|create)\b[^.\n]{0,80}?(?:~|\$HOME|\$\{HOME\})\/(?:\.config\/|\.)([A-Za-z0-9][\w-]{1,40})\//gi;

const documentedCache = new WeakMap<DetectContext, Set<string>>();

/** Home folders the skill's main text tells the user to keep its credentials in. */
function documentedStores(ctx: DetectContext): Set<string> {
  const cached = documentedCache.get(ctx);
  if (cached) return cached;
  const out = new Set<string>();
  for (const m of ctx.model.text.matchAll(storeOrder)) {
    const name = (m[1] ?? "").toLowerCase();
    if (!foreignStore.test(name)) out.add(name);
  }
  documentedCache.set(ctx, out);
  return out;
}

/**
 * Whether `line` reads from a home folder named after the skill's declared service, or one its
 * main text tells the user to keep its credentials in, and from no home folder of another program.
 */
export function readsOwnStore(ctx: DetectContext, line: string): boolean {
  const labels = new Set(
    [...declaredService(ctx)].map((d) => (d.split(".")[0] ?? "").toLowerCase()).filter((l) => l.length >= 3),
  );
  for (const name of documentedStores(ctx)) labels.add(name);
  if (labels.size === 0) return false;
  let own = false;
  for (const m of line.matchAll(homeFolder)) {
    const name = (m[1] ?? "").toLowerCase();
    if (foreignStore.test(name)) return false;
    if (labels.has(name)) own = true;
  }
  return own;
}
