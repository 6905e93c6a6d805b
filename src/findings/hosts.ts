// Classifies URLs and hosts. Pure lookups over fixed tables: no DNS, no network.

/** Paste and snippet sites: content changes at will and is rarely a vendor's distribution channel. */
const pasteHosts = new Set([
  "glot.io",
  "rentry.co",
  "rentry.org",
  "pastebin.com",
  "hastebin.com",
  "paste.ee",
  "ghostbin.com",
  "ghostbin.co",
  "controlc.com",
  "justpaste.it",
  "privatebin.net",
  "dpaste.org",
  "dpaste.com",
  "termbin.com",
  "ix.io",
  "sprunge.us",
  "0x0.st",
  "transfer.sh",
  "paste.c-net.org",
  "pastes.io",
  "bpa.st",
  "paste.rs",
  "katb.in",
  "telegra.ph",
]);

/** Link shorteners hide the real destination. aka.ms is Microsoft's own and stays out. */
const shortenerHosts = new Set([
  "bit.ly",
  "tinyurl.com",
  "t.co",
  "is.gd",
  "goo.gl",
  "cutt.ly",
  "rb.gy",
  "shorturl.at",
  "ow.ly",
  "buff.ly",
  "tiny.cc",
  "t.ly",
  "rebrand.ly",
  "s.id",
  "v.gd",
  "qrco.de",
  "shorturl.asia",
]);

/** Well-known vendors whose install scripts are commonly piped to a shell. */
const vendorHosts = new Set([
  "astral.sh",
  "brew.sh",
  "raw.githubusercontent.com/homebrew",
  "sh.rustup.rs",
  "rustup.rs",
  "get.docker.com",
  "deno.land",
  "bun.sh",
  "deb.nodesource.com",
  "rpm.nodesource.com",
  "get.pnpm.io",
  "install.python-poetry.org",
  "ollama.com",
  "tailscale.com",
  "fly.io",
  "foundry.paradigm.xyz",
  "aka.ms",
  "cli.github.com",
  "sdk.cloud.google.com",
  "awscli.amazonaws.com",
  "get.helm.sh",
  "pyenv.run",
  "get.sdkman.io",
  "starship.rs",
  "rclone.org",
  "opencode.ai",
  "cursor.com",
  "claude.ai",
  "vercel.com",
  "supabase.com",
  "nixos.org",
  "install.determinate.systems",
  "mise.run",
  "volta.sh",
  "get.k3s.io",
  "raw.githubusercontent.com/nvm-sh",
  // Scientific-computing installers and package indexes (conda, mamba, pixi, Nextflow, Julia,
  // PyTorch's CUDA wheels): the documented way to set up the tools scientific skills use.
  "repo.anaconda.com",
  "github.com/conda-forge",
  "micro.mamba.pm",
  "pixi.sh",
  "get.nextflow.io",
  "install.julialang.org",
  "download.pytorch.org",
]);

/** Hosts serving user-controlled code (vendor-neutral): the owner in the path is what matters. */
const codeHosts = new Set([
  "github.com",
  "raw.githubusercontent.com",
  "gist.github.com",
  "gist.githubusercontent.com",
  "objects.githubusercontent.com",
  "gitlab.com",
  "bitbucket.org",
  "codeberg.org",
]);

/** Package hosts whose path names the project: how many path segments precede owner/repository. */
const packageHostTenant: Readonly<Record<string, number>> = Object.assign(Object.create(null) as object, {
  "dl.cloudsmith.io": 1,
  "packagecloud.io": 0,
  "packages.cloudsmith.io": 1,
});

export type HostClass =
  | "raw-ip"
  | "paste"
  | "shortener"
  | "throwaway-release"
  | "homoglyph"
  | "vendor"
  | "code-host"
  | "other"
  | "local";

export interface UrlInfo {
  url: string;
  host: string;
  path: string;
  cls: HostClass;
}

const urlPattern = /\b(?:https?|ftp):\/\/[^\s"'`<>()[\]{}|\\^]+/gi;
const bareHostPattern =
  /(?<![\w./@-])((?:[a-z0-9-]+\.)+(?:com|net|org|io|sh|dev|co|me|ai|xyz|app|ru|cn|tk|top|site|online|info|biz|cc|ly|gd|st|land|rs|so|to|us))(\/[^\s"'`<>()[\]{}|\\^]*)?/gi;

/** URLs written in a text, including bare `host.tld/path` forms after curl/wget. */
export function urlsIn(text: string, bare = false): UrlInfo[] {
  const out: UrlInfo[] = [];
  // Cheap literal checks first (most texts hold no URL): urlPattern needs "://", and the bare
  // host and IP patterns each need a ".".
  if (text.includes("://"))
    for (const m of text.matchAll(urlPattern)) out.push(classifyUrl(m[0].replace(/[.,;:!?*]+$/, "")));
  if (bare && out.length === 0 && text.includes(".")) {
    for (const m of text.matchAll(bareHostPattern)) out.push(classifyUrl(`https://${m[0]}`));
    const ip = /(?<![\w.])(\d{1,3}(?:\.\d{1,3}){3})(?::\d+)?(\/[^\s"'`]*)?/.exec(text);
    if (ip && out.length === 0) out.push(classifyUrl(`http://${ip[0]}`));
  }
  return out;
}

export function hostOf(url: string): { host: string; path: string } {
  const m = /^[a-z][a-z0-9+.-]*:\/\/(?:[^@/?#]*@)?(\[[^\]]*\]|[^:/?#]*)(?::\d+)?([^?#]*)/i.exec(url);
  if (!m) return { host: "", path: "" };
  return { host: (m[1] ?? "").toLowerCase().replace(/\.$/, ""), path: m[2] ?? "" };
}

export function isIpv4(host: string): boolean {
  return /^\d{1,3}(?:\.\d{1,3}){3}$/.test(host);
}

function isLocalIp(host: string): boolean {
  if (!isIpv4(host)) return host === "localhost" || host.endsWith(".local") || host.startsWith("[");
  const [a = 0, b = 0] = host.split(".").map(Number);
  return (
    a === 10 ||
    a === 127 ||
    a === 0 ||
    (a === 192 && b === 168) ||
    (a === 172 && b >= 16 && b <= 31) ||
    (a === 169 && b === 254)
  );
}

/** Registrable-ish base: the last two labels (three for co.uk-style second levels). */
/** Registrable domains shared by unrelated projects: a homepage there declares no service host. */
export const sharedHosts = new Set([
  "github.com",
  "gitlab.com",
  "npmjs.com",
  "pypi.org",
  "github.io",
  "clawhub.ai",
]);

// Platforms that give every customer a sub-domain of their own: on them the registrable domain
// is the customer's label plus the platform's suffix, so "myapp.onrender.com" declared by a skill
// does not make "collector.onrender.com" its own service. A short list instead of the whole
// public-suffix list (a new dependency for ~20 entries that matter here).
const tenantSuffixes = new Set([
  "github.io",
  "gitlab.io",
  "herokuapp.com",
  "vercel.app",
  "netlify.app",
  "pages.dev",
  "workers.dev",
  "onrender.com",
  "web.app",
  "firebaseapp.com",
  "appspot.com",
  "azurewebsites.net",
  "cloudfront.net",
  "fly.dev",
  "railway.app",
  "deno.dev",
  "replit.app",
  "repl.co",
  "glitch.me",
  "surge.sh",
  "pythonanywhere.com",
  "blogspot.com",
]);

export function baseDomain(host: string): string {
  const labels = host.split(".");
  if (labels.length <= 2) return host;
  const suffix = labels.slice(-2).join(".").toLowerCase();
  if (tenantSuffixes.has(suffix)) return labels.slice(-3).join(".");
  const second = labels[labels.length - 2] ?? "";
  const keep = second.length <= 3 && ["co", "com", "org", "net", "gov", "ac"].includes(second) ? 3 : 2;
  return labels.slice(-keep).join(".");
}

/** `base` is baseDomain(host), passed in so classifyHost computes it once for all its sets. */
function inSet(set: Set<string>, host: string, base: string, path = ""): boolean {
  if (set.has(host)) return true;
  if (set.has(base)) return true;
  const first = path.split("/")[1]?.toLowerCase();
  return first !== undefined && set.has(`${host}/${first}`);
}

export function classifyHost(host: string, path = ""): HostClass {
  if (host === "") return "other";
  if (isLocalIp(host)) return "local";
  if (isIpv4(host)) return "raw-ip";
  // A lookalike needs a non-ASCII letter; "https://…/hook" is a placeholder, not a homoglyph.
  if (/\p{L}/u.test(host.replace(/[\x00-\x7f]/g, "")) || host.split(".").some((l) => l.startsWith("xn--")))
    return "homoglyph";
  const base = baseDomain(host);
  if (inSet(pasteHosts, host, base)) return "paste";
  if (inSet(shortenerHosts, host, base)) return "shortener";
  if (inSet(vendorHosts, host, base, path)) return "vendor";
  if (
    host === "github.com" &&
    /\/releases\/download\/[^/]+\/[^/]+\.(?:zip|rar|7z|exe|dmg|pkg|msi|scr|bat|app|jar)$/i.test(path)
  )
    return "throwaway-release";
  if (codeHosts.has(host)) return "code-host";
  return "other";
}

export function classifyUrl(url: string): UrlInfo {
  const { host, path } = hostOf(url);
  return { url, host, path, cls: classifyHost(host, path) };
}

/** Hosts whose content an attacker fully controls and that no vendor uses for installers. */
export function isHostileClass(cls: HostClass): boolean {
  return (
    cls === "raw-ip" ||
    cls === "paste" ||
    cls === "shortener" ||
    cls === "throwaway-release" ||
    cls === "homoglyph"
  );
}

/** Names a host stands for: its labels (without TLD and generic words) and, on code hosts, the owner and repo. */
export function hostTokens(info: UrlInfo): string[] {
  const generic = new Set([
    "www",
    "get",
    "install",
    "cli",
    "download",
    "downloads",
    "raw",
    "cdn",
    "dl",
    "static",
    "api",
    "docs",
    "app",
    "releases",
  ]);
  const labels = info.host.split(".");
  const out = labels.slice(0, -1).filter((l) => !generic.has(l));
  if (codeHosts.has(info.host)) {
    const parts = info.path.split("/").filter(Boolean);
    out.push(...parts.slice(0, 2));
  }
  // A package host serves many projects, each under its own owner and repository in the path
  // (dl.cloudsmith.io/public/<owner>/<repo>/…): like a code host, the path says whose it is.
  const tenant = packageHostTenant[info.host];
  if (tenant !== undefined) {
    const parts = info.path.split("/").filter(Boolean);
    for (const p of parts.slice(tenant, tenant + 2))
      out.push(p, ...p.split(/[-_.]/).filter((w) => w.length >= 4));
  }
  return out.map(normalizeToken).filter((t) => t.length >= 3);
}

export function normalizeToken(s: string): string {
  return s.toLowerCase().replace(/[^a-z0-9]/g, "");
}

/** Tool names of the well-known vendors above (ollama.com → "ollama"), each with its own domain. */
let vendorNames: Map<string, string> | undefined;

/**
 * The well-known tool a URL is dressed up as: its host or code-host repository is named after a
 * vendor in the table (a token containing the tool's name) while the URL is not on that vendor's
 * own domain or under the vendor's own organisation. A skill named after the tool makes such a
 * release look like the vendor's own.
 */
export function impersonatedVendor(info: UrlInfo, skillNames: ReadonlySet<string>): string | undefined {
  if (info.cls === "vendor" || info.cls === "local") return undefined;
  if (!vendorNames) {
    vendorNames = new Map();
    const generic = /^(?:get|install|cli|sh|raw|dl|rpm|deb|sdk|www)$/;
    for (const entry of vendorHosts) {
      const host = entry.split("/")[0] ?? "";
      if (codeHosts.has(host)) continue;
      const name = baseDomain(host)
        .split(".")[0]
        ?.split("-")
        .find((l) => !generic.test(l));
      if (name && name.length >= 4) vendorNames.set(name, baseDomain(host));
    }
  }
  const base = baseDomain(info.host);
  const code = codeHosts.has(info.host);
  const parts = info.path.split("/").filter(Boolean);
  const owner = code ? normalizeToken(parts[0] ?? "") : "";
  // On a code host only the repository says what it is; elsewhere the host's own label. A label
  // that IS the tool's name under another TLD (opencode.dev for opencode.ai) is the vendor's own.
  const label = base.split(".")[0] ?? "";
  const tokens = code
    ? [normalizeToken(parts[1] ?? "")]
    : vendorNames.has(label)
      ? []
      : [normalizeToken(label)];
  for (const [name, domain] of vendorNames) {
    if (![...skillNames].some((n) => n.includes(name))) continue;
    if (tokens.some((t) => t.includes(name)) && base !== domain && owner !== name) return name;
  }
  return undefined;
}
