// Pinned instructions are what the agent reads. When the agent tries to fetch a URL skillwall
// has pinned (exec curl/wget, OpenClaw web_fetch), a gate asks here: the answer is the approved
// copy (its text from skillwall's store, and the path of the agent's copy to read instead), so
// the live URL, which may serve anything by now, is never what the agent follows.
//
// A URL is matched on host and path, whatever the scheme (http/https), port default, query or
// fragment: `heartbeat.md?v=2` is still the pinned heartbeat.md.

import type { JudgedStep } from "../model.js";
import { basename } from "../policy/programs.js";
import { getBlobText } from "../remote/blobs.js";
import { readLockfileIfPresent } from "../remote/lockfile.js";
import { skillWorkspace } from "../remote/paths.js";

export interface PinnedAnswer {
  skill: string;
  /** The pinned file's name in the skill workspace (HEARTBEAT.md …). */
  file: string;
  /** The URL the file was pinned from. */
  pinnedUrl: string;
  /** The agent's copy of the approved version: what to read instead of the URL. */
  localPath: string;
  sha256: string;
  /** The approved text, from skillwall's store (not the agent-writable copy). */
  text: string;
  /** What a gate tells the agent when it refuses the fetch. */
  message: string;
}

/** host + path of an http(s) URL, the identity pins are matched on; undefined for anything else. */
export function pinKey(url: string): string | undefined {
  let u: URL;
  try {
    u = new URL(url.trim());
  } catch {
    return undefined;
  }
  if (u.protocol !== "https:" && u.protocol !== "http:") return undefined;
  const p = decodeURIComponent(u.pathname).replace(/\/{2,}/g, "/");
  return `${u.hostname.toLowerCase().replace(/\.$/, "")}${p}`;
}

/** The approved copy for `url` when an installed skill of `agentHome` pinned it; else undefined. */
export async function pinnedAnswerFor(url: string, agentHome: string): Promise<PinnedAnswer | undefined> {
  const key = pinKey(url);
  if (key === undefined) return undefined;
  // Read-only: nothing installed (no lockfile) means nothing pinned; an unreadable or invalid
  // lockfile throws, and a gate then refuses the call.
  const lock = await readLockfileIfPresent(agentHome);
  for (const skill of Object.values(lock?.skills ?? {})) {
    for (const f of skill.files) {
      if (f.origin !== "fetched" || f.url === undefined || pinKey(f.url) !== key) continue;
      const localPath = `${skillWorkspace(agentHome, skill.name)}/${f.path}`;
      return {
        skill: skill.name,
        file: f.path,
        pinnedUrl: f.url,
        localPath,
        sha256: f.sha256,
        text: await getBlobText(agentHome, f.sha256),
        message: `${url} is pinned by skillwall (skill ${skill.name}): read the approved copy at ${localPath} instead; changes to it wait for a person's review`,
      };
    }
  }
  return undefined;
}

const fetchers = new Set(["curl", "wget"]);
const schemeless = /^[a-z0-9-]+(?:\.[a-z0-9-]+)+(?::\d+)?\//i;

/** The pinned URLs a judged command fetches with curl or wget (every command, nested ones too). */
export async function pinnedFetchesIn(step: JudgedStep, agentHome: string): Promise<PinnedAnswer[]> {
  const out: PinnedAnswer[] = [];
  for (const c of step.commands) {
    const argv = c.command.argv.map((w) => w.value);
    if (!fetchers.has(basename(argv[0] ?? ""))) continue;
    for (const a of argv.slice(1)) {
      const url = /^[a-z][a-z0-9+.-]*:\/\//i.test(a)
        ? a
        : a.startsWith("--url=")
          ? a.slice(6)
          : schemeless.test(a)
            ? `http://${a}` // curl and wget take "host/path" as http
            : undefined;
      if (url === undefined) continue;
      const hit = await pinnedAnswerFor(url, agentHome);
      if (hit !== undefined) out.push(hit);
    }
  }
  return out;
}
