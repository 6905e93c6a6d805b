// Where code comes from, redirected for good (issue 14, session 8): the package registry or index
// of npm, yarn, pnpm or pip set in the user's global configuration, an extra index (dependency
// confusion), git's url.<base>.insteadOf rewriting a host, or /etc/hosts mapping a public name to
// an outside address. Every later install or clone then fetches from whoever runs that place.
// The official registries, local and private-network mirrors, hosted private-registry services and
// placeholders are ordinary and stay quiet. (Not the skill's affinity: it holds the tools the skill
// runs, so git.<anything> or npm.<anything> would pass.)

import type { DetectContext } from "../context.js";
import { urlsIn } from "../hosts.js";
import { negatedBefore, reportLine, skillTexts } from "./persist-lines.js";

/** A setting that names where packages or clones come from, followed by its value on the line. */
const sourceSetting =
  /\b(?:(?:npm|yarn|pnpm|bun)\s+config\s+set\s+(?:@[\w-]+:)?registry|yarn\s+config\s+set\s+npmRegistryServer|pip3?\s+config\s+set\s+(?:global|user)\.(?:extra-)?index-url|(?:PIP_(?:EXTRA_)?INDEX_URL|NPM_CONFIG_REGISTRY|UV_(?:EXTRA_)?INDEX_URL)\s*=|^\s*(?:(?:@[\w-]+:)?registry|(?:extra-)?index-url|npmRegistryServer)\s*[=:]|git\s+config\s+(?:--global|--system)\s+url\.[^\s]{1,200}\.insteadOf)\b/i;
/** An /etc/hosts line: an address, then a dotted public name. */
const hostsEntry =
  /^\s*(?:echo\s+["']?|printf\s+["']?)?(\d{1,3}(?:\.\d{1,3}){3})\s+((?:[a-z0-9-]+\.)+[a-z]{2,})\b/i;
const hostsTarget = /\/etc\/hosts\b/;
/** The public registries themselves. */
const official =
  /^(?:registry\.npmjs\.org|registry\.yarnpkg\.com|registry\.npmmirror\.com|npm\.pkg\.github\.com|(?:test\.)?pypi\.org|pypi\.python\.org|files\.pythonhosted\.org|download\.pytorch\.org|github\.com|gitlab\.com)$/i;
const privateIp = /^(?:127\.|10\.|192\.168\.|172\.(?:1[6-9]|2\d|3[01])\.|0\.0\.0\.0$|169\.254\.)/;
const localName = /\.(?:local|localhost|test|internal|lan|home|corp|example|invalid)$/i;
const placeholder =
  /\b(?:example\.(?:com|org|net)|your[-_.]?\w*|my-?(?:company|registry|org|mirror)|company|internal|corp|jfrog\.io|artifactory|nexus|verdaccio|gemfury|localhost)\b/i;

export function detectSourceRedirect(ctx: DetectContext): void {
  for (const t of skillTexts(ctx)) {
    const { lines } = t;
    const hostsNear = (i: number): boolean =>
      lines.slice(Math.max(0, i - 3), i + 2).some((l) => hostsTarget.test(l)) ||
      /(?:^|\/)hosts$/.test(t.file);
    for (let i = 0; i < lines.length; i++) {
      const line = lines[i] ?? "";
      if (line.length < 10) continue;
      let why: string | undefined;
      const s = sourceSetting.exec(line);
      if (s) {
        if (t.advisory(i + 1) || negatedBefore(line, s.index)) continue;
        const value = line.slice(s.index);
        // insteadOf: the first URL is where clones now go; the second is the host it replaces.
        const all = urlsIn(value);
        const urls = /insteadOf/i.test(s[0]) ? all.slice(0, 1) : all;
        const outside = urls.filter(
          (u) =>
            u.cls !== "vendor" && u.cls !== "local" && !official.test(u.host) && !placeholder.test(u.host),
        );
        if (urls.length > 0 && outside.length === urls.length)
          why = `where packages or clones come from is set to ${outside[0]?.host ?? ""}`;
      } else {
        const h = hostsEntry.exec(line);
        if (h && !privateIp.test(h[1] ?? "") && !localName.test(h[2] ?? "") && hostsNear(i)) {
          if (t.advisory(i + 1)) continue;
          why = `/etc/hosts sends ${h[2] ?? ""} to ${h[1] ?? ""}`;
        }
      }
      if (why === undefined) continue;
      reportLine(
        ctx,
        t,
        i + 1,
        "persist.source-redirect",
        "high",
        `${why}: every later install, update or clone fetches from there, after the skill is gone; the official source, a local mirror or the skill's own service would not need it.`,
      );
      break;
    }
  }
}
