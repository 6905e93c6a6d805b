// The files a skill.md declares next to itself (Moltbook's table: HEARTBEAT.md, MESSAGING.md,
// skill.json): URLs on the skill's own origin whose path ends in .md or .json. Pure.

import path from "node:path";

export interface DeclaredFile {
  url: string;
  /** Name in the workspace: heartbeat.md → HEARTBEAT.md; JSON keeps its name. */
  name: string;
  role: "heartbeat" | "declared";
}

// A constant pattern over the text (not user-built): URLs up to whitespace or markdown punctuation.
const urlPattern = /https?:\/\/[^\s<>()`'"[\]{}|\\^]+/g;

export function workspaceName(urlPath: string): string {
  const base = path.posix.basename(urlPath);
  const ext = path.posix.extname(base).toLowerCase();
  if (ext === ".md") return `${base.slice(0, -3).toUpperCase()}.md`;
  return base;
}

export function declaredFiles(skillText: string, skillUrl: string): DeclaredFile[] {
  const origin = new URL(skillUrl);
  const seen = new Set<string>([origin.toString()]);
  const out: DeclaredFile[] = [];
  for (const m of skillText.matchAll(urlPattern)) {
    let u: URL;
    try {
      u = new URL(m[0].replace(/[.,;:!?*]+$/, ""));
    } catch {
      continue;
    }
    if (u.origin !== origin.origin) continue;
    const ext = path.posix.extname(u.pathname).toLowerCase();
    if (ext !== ".md" && ext !== ".json") continue;
    u.hash = "";
    const key = u.toString();
    if (seen.has(key)) continue;
    seen.add(key);
    const name = workspaceName(u.pathname);
    if (name === "SKILL.md" || out.some((d) => d.name === name)) continue;
    out.push({ url: key, name, role: name === "HEARTBEAT.md" ? "heartbeat" : "declared" });
  }
  return out;
}
