// Credential access and exfiltration in shell text and prose: reads of secret files, environment
// dumps, uploads of files/env/secret variables, DNS exfiltration, and prose that tells the agent to
// collect credentials from several stores.

import type { DetectContext, ShellSource } from "../context.js";
import { declaredKeyHost, genericSecretName } from "../documented-service.js";
import { baseDomain, hostTokens, isHostileClass, normalizeToken, urlsIn } from "../hosts.js";
import { declaredService, isPlaceholderHost } from "../service.js";
import { expansion, literalVariables, substitute } from "../shell-vars.js";
import { readsOwnStore } from "../own-store.js";
import type { LiteCommand } from "../shell-lite.js";
import {
  cmdText,
  credentialPath,
  fetchers,
  nameOf,
  pipelineOf,
  pipelineText,
  reportAt,
  secretVar,
  unwrap,
} from "../util.js";
import type { Severity } from "../../model.js";

/** Commands that only name a path without reading its secret (create keys, set modes, connect). */
const nonReaders = new Set([
  "ssh-keygen",
  "chmod",
  "chown",
  "mkdir",
  "touch",
  "ssh",
  "ssh-add",
  "ls",
  "echo",
  "printf",
  "test",
  "[",
  "rm",
  "git",
  "export",
  "gh",
  "aws",
  "gcloud",
  "az",
  "kubectl",
  "docker",
  "cd",
  "which",
  "stat",
  "code",
  "vim",
  "nano",
]);
const envDumpers = new Set(["env", "printenv"]);
const dataFlags =
  /^(?:-d|--data|--data-binary|--data-raw|--data-urlencode|--data-ascii|-F|--form|-T|--upload-file|--post-data|--post-file|--body-file|--json|-InFile|-Body)$/i;
const encoders = new Set(["base64", "gzip", "xxd", "openssl", "tar", "zip", "od", "gpg"]);

function isEnvDump(cmd: LiteCommand): boolean {
  const { argv } = unwrap(cmd.argv);
  const name = nameOf(cmd);
  if (envDumpers.has(name) && argv.length === 1) return true;
  if ((name === "set" || name === "export" || name === "declare") && (argv.length === 1 || argv[1] === "-p"))
    return true;
  return argv.some((a) => /\/proc\/(?:self|\d+|\*)\/environ/.test(a));
}

function readsCredential(cmd: LiteCommand): string | undefined {
  const name = nameOf(cmd);
  if (nonReaders.has(name) && cmd.pipeLen === 1) return undefined;
  const { argv } = unwrap(cmd.argv);
  if (
    name === "security" &&
    argv.some((a) => /^(?:find-generic-password|find-internet-password|dump-keychain|export)$/.test(a))
  )
    return "the macOS keychain";
  if (name === "cp" && argv.length >= 3 && /(?:^|\/)\.env$/.test(argv[argv.length - 1] ?? ""))
    return undefined; // cp .env.example .env writes, not reads
  for (const a of argv.slice(1)) {
    const m = credentialPath.exec(a.startsWith("@") ? a.slice(1) : a);
    if (m && !/\.env\.(?:example|sample|template|dist)/.test(a)) return a;
  }
  for (const r of cmd.redirects) if (r.op === "<" && credentialPath.test(r.target)) return r.target;
  return undefined;
}

interface Upload {
  data: string[];
  fromStdin: boolean;
  host: string;
  hostile: boolean;
  tokens: string[];
}

/** The upload payload of a network command, when it sends one. */
function uploadOf(cmd: LiteCommand): Upload | undefined {
  const { argv } = unwrap(cmd.argv);
  const name = nameOf(cmd);
  if (fetchers.has(name)) return fetcherUpload(argv);
  const data: string[] = [];
  if (name === "nc" || name === "ncat" || name === "netcat" || name === "socat" || name === "telnet") {
    for (const r of cmd.redirects) if (r.op === "<") data.push(`@${r.target}`);
    const host = argv.slice(1).find((a) => !a.startsWith("-") && /[a-z.]/i.test(a));
    if (host === undefined) return undefined;
    return {
      data,
      fromStdin: cmd.pipeIndex > 0,
      host,
      hostile: /^\d+\.\d+\.\d+\.\d+$/.test(host),
      tokens: [normalizeToken(host)],
    };
  }
  if (name === "scp" || name === "rsync") {
    const dest = argv[argv.length - 1] ?? "";
    if (!/^[\w.-]+@[\w.-]+:|^[\w-]+\.[\w.-]+:/.test(dest)) return undefined;
    data.push(
      ...argv
        .slice(1, -1)
        .filter((a) => !a.startsWith("-"))
        .map((a) => `@${a}`),
    );
    const host = dest.replace(/^.*@/, "").replace(/:.*$/, "");
    return {
      data,
      fromStdin: false,
      host,
      hostile: /^\d+\.\d+\.\d+\.\d+$/.test(host),
      tokens: [normalizeToken(host)],
    };
  }
  return undefined;
}

const keyVariable = /\$\{?([A-Z][A-Z0-9]*)(?:_[A-Z0-9]+){0,6}_(?:API_KEY|KEY|TOKEN|SECRET|PAT|AUTH)\b/g;

/**
 * A file upload whose URL is a variable (`"$UPLOAD_URL/1"`, an address the service's own API
 * hands out) that the skill either never fills in or fills with its declared service, sent with
 * the key of that declared service (`$FIGSHARE_TOKEN` in a skill whose service is figshare.com):
 * the key only opens its issuer, so the upload goes to the skill's own service, not away from it.
 */
function uploadToOwnService(ctx: DetectContext, cmd: LiteCommand, raw: string): boolean {
  const own = declaredService(ctx);
  if (own.size === 0) return false;
  const { argv } = unwrap(cmd.argv);
  const urlWords = argv.slice(1).filter((a) => /^["']?\$\{?[A-Za-z_]/.test(a) && !/^-/.test(a));
  if (urlWords.length === 0 || argv.slice(1).some((a) => urlsIn(a, true).length > 0)) return false;
  const vars = literalVariables(ctx);
  for (const w of urlWords) {
    const resolved = substitute(w, vars);
    const [u] = urlsIn(resolved, true);
    // A variable the skill fills with a host elsewhere than its declared service is no own URL.
    if (u !== undefined ? !own.has(baseDomain(u.host.toLowerCase())) : /:\/\//.test(resolved)) return false;
    if (u === undefined && [...resolved.matchAll(expansion)].length === 0) return false;
  }
  const vendors = [...raw.matchAll(keyVariable)].map((m) => (m[1] ?? "").toLowerCase());
  return vendors.some(
    (v) => v.length >= 3 && !genericSecretName(v) && [...own].some((d) => d.split(".")[0] === v),
  );
}

// A URL given only as a variable named for a vendor ("$REDCAP_API_URL", "$ELAB_URL"): the address of
// the user's own instance of a self-hosted service (REDCap, GitLab, eLabFTW), which the user sets.
const endpointVariable =
  /^["']?\$\{?([A-Z][A-Z0-9]*)_(?:[A-Z0-9]+_){0,3}(?:URL|HOST|ENDPOINT|BASE|SERVER|INSTANCE|DOMAIN)\}?(?:["'/]|$)/;

/**
 * The vendor words of a fetcher's variable-only URL: the key of that vendor ($REDCAP_API_TOKEN)
 * goes to the instance the user configured for it. None when the skill itself fills the variable
 * with a host that is no placeholder, not its declared service and not named after the vendor
 * (REDCAP_API_URL=https://drop.net/x): then the destination is that host, not the user's instance.
 */
function variableEndpointTokens(ctx: DetectContext, cmd: LiteCommand): string[] {
  const { argv } = unwrap(cmd.argv);
  const vars = literalVariables(ctx);
  const own = declaredService(ctx);
  const out: string[] = [];
  for (const a of argv.slice(1)) {
    const m = endpointVariable.exec(a);
    const vendor = (m?.[1] ?? "").toLowerCase();
    if (!m || genericSecretName(vendor)) continue;
    const [u] = urlsIn(substitute(a, vars), true);
    const host = u?.host.toLowerCase() ?? "";
    if (u !== undefined && !isPlaceholderHost(host) && !own.has(baseDomain(host)) && !host.includes(vendor))
      return [];
    out.push(vendor);
  }
  return out;
}

/**
 * Whether the command authenticates to its own host with that host's key: a key variable whose
 * vendor word is the host's (`$MATHPIX_APP_KEY` to api.mathpix.com). A file sent with it goes to
 * the service the user holds the key for, as the service's API asks, after a `source .env` too.
 */
function uploadWithHostsOwnKey(raw: string, tokens: readonly string[]): boolean {
  return [...raw.matchAll(keyVariable)].some((m) => {
    const vendor = (m[1] ?? "").toLowerCase();
    return (
      vendor.length >= 3 &&
      !genericSecretName(vendor) &&
      tokens.some((t) => t.includes(vendor) || vendor.includes(t))
    );
  });
}

/** uploadOf for curl/wget-like fetchers: data flags, stdin bodies and query strings. */
function fetcherUpload(argv: readonly string[]): Upload | undefined {
  // Only fetchers read their URLs, so other commands never pay for the URL scan.
  const urls = argv.slice(1).flatMap((a) => urlsIn(a, true));
  const u = urls[0];
  const data: string[] = [];
  let fromStdin = false;
  for (let i = 1; i < argv.length; i++) {
    const a = argv[i] ?? "";
    const m = /^(--[\w-]+)=(.*)$/.exec(a);
    if (m && dataFlags.test(m[1] ?? "")) data.push(m[2] ?? "");
    if (dataFlags.test(a)) data.push(argv[i + 1] ?? "");
    if (/^-[a-zA-Z]*d$/.test(a) && !dataFlags.test(a)) data.push(argv[i + 1] ?? "");
  }
  if (data.some((d) => /@-|^-$/.test(d))) fromStdin = true;
  // Query strings carry data too.
  for (const x of urls) if (/[?&][^=]+=.*\$\{?\w|\$\(/.test(x.url)) data.push(x.url);
  if (data.length === 0 && !fromStdin) return undefined;
  if (!u) return { data, fromStdin, host: "", hostile: false, tokens: [] };
  return { data, fromStdin, host: u.host, hostile: isHostileClass(u.cls), tokens: hostTokens(u) };
}

/**
 * A secret variable whose vendor prefix matches the host is being used as intended; so is one
 * whose name names no vendor ($KEY, $API_TOKEN) sent to the host of the skill's declared key
 * (`ownHost`, documented-service.ts declaredKeyHost).
 */
function secretMismatch(data: string, tokens: readonly string[], ownHost = false): string | undefined {
  const m = secretVar.exec(data);
  if (!m)
    return /\b(?:credential|password|passwd|secret|private[_ ]key|api[_-]?key|token)s?\s*[=:]/i.test(data)
      ? "a credential"
      : undefined;
  const name = (m[1] ?? "").toLowerCase();
  const vendor = name.split("_")[0] ?? "";
  if (vendor.length >= 3 && tokens.some((t) => t.includes(vendor) || vendor.includes(t))) return undefined;
  if (ownHost && genericSecretName(m[1] ?? "")) return undefined;
  return `$${m[1] ?? ""}`;
}

/** Whether `cmd`'s output goes to the network: piped into a sender, or substituted into one. */
function sentOnward(src: ShellSource, cmd: LiteCommand, pipe: readonly LiteCommand[]): boolean {
  const sink = pipe
    .slice(cmd.pipeIndex + 1)
    .find(
      (c) =>
        uploadOf(c) !== undefined ||
        fetchers.has(nameOf(c)) ||
        ["nc", "ncat", "netcat", "socat"].includes(nameOf(c)),
    );
  if (sink !== undefined) return true;
  return (
    cmd.context === "command-substitution" &&
    src.commands.some(
      (c) =>
        c !== cmd &&
        (fetchers.has(nameOf(c)) || ["dig", "nslookup", "host"].includes(nameOf(c))) &&
        c.start <= cmd.start &&
        c.end >= cmd.end,
    )
  );
}

/** The network commands that receive `cmd`'s output: later in its pipe, or the one it is substituted into. */
function sinksOf(src: ShellSource, cmd: LiteCommand, pipe: readonly LiteCommand[]): LiteCommand[] {
  const piped = pipe
    .slice(cmd.pipeIndex + 1)
    .filter((c) => fetchers.has(nameOf(c)) || uploadOf(c) !== undefined);
  const around =
    cmd.context === "command-substitution"
      ? src.commands.filter(
          (c) => c !== cmd && fetchers.has(nameOf(c)) && c.start <= cmd.start && c.end >= cmd.end,
        )
      : [];
  return [...piped, ...around];
}

/**
 * Whether a secret read from the skill's own store (a folder named after its service, or one its
 * text tells the user to keep the key in: own-store.ts) goes only to fetchers whose every URL is
 * the declared service: an OAuth client posting its client secret to its identity host.
 */
function ownStoreToOwnService(
  ctx: DetectContext,
  src: ShellSource,
  cmd: LiteCommand,
  pipe: readonly LiteCommand[],
  cred: string,
): string | undefined {
  if (!readsOwnStore(ctx, cred)) return undefined;
  const own = declaredService(ctx);
  const sinks = sinksOf(src, cmd, pipe);
  const urls = sinks.flatMap((c) => unwrap(c.argv).argv.flatMap((a) => urlsIn(a, true)));
  if (sinks.length === 0 || urls.length === 0) return undefined;
  return urls.every((u) => own.has(baseDomain(u.host.toLowerCase()))) ? urls[0]?.host : undefined;
}

export function detectCredentials(ctx: DetectContext): void {
  const sensitiveFiles = new Set<string>();
  let readSeen = false;
  for (const src of ctx.shell) {
    for (const cmd of src.commands) {
      const cred = readsCredential(cmd);
      const dump = isEnvDump(cmd);
      const pipe = pipelineOf(src, cmd);
      // Only a secret read or an environment dump asks where its output goes.
      const sent = (cred !== undefined || dump) && sentOnward(src, cmd, pipe);
      if (cred !== undefined) {
        readSeen = true;
        sensitiveFiles.add(cred);
        const { argv } = unwrap(cmd.argv);
        const target = argv[argv.length - 1];
        if (target !== undefined && ["cp", "tar", "zip", "7z", "rsync"].includes(nameOf(cmd)))
          for (const a of argv.slice(1)) if (!a.startsWith("-")) sensitiveFiles.add(a);
        for (const r of cmd.redirects) if (r.op === ">" || r.op === ">>") sensitiveFiles.add(r.target);
        const ownHost = sent ? ownStoreToOwnService(ctx, src, cmd, pipe, cred) : undefined;
        if (ownHost !== undefined) {
          reportAt(
            ctx,
            src,
            cmd.start,
            "cred.sensitive-file",
            "low",
            `${cred} is the skill's own credential store and is sent only to its declared service (${ownHost}).`,
            pipelineText(src, pipe),
          );
        } else
          reportAt(
            ctx,
            src,
            cmd.start,
            sent ? "exfil.send-data" : "cred.sensitive-file",
            sent ? "critical" : "medium",
            sent
              ? `Secrets from ${cred} are read and sent over the network.`
              : `${cred} holds secrets and is read or copied here.`,
            sent ? pipelineText(src, pipe) : cmdText(src, cmd),
          );
      }
      if (dump) {
        reportAt(
          ctx,
          src,
          cmd.start,
          sent ? "exfil.send-data" : "cred.env-dump",
          sent ? "critical" : "medium",
          sent
            ? "The whole environment, with every API key in it, is sent over the network."
            : "The whole environment, with every API key in it, is dumped.",
          sent ? pipelineText(src, pipe) : cmdText(src, cmd),
        );
      }
      const name = nameOf(cmd);
      if (
        (name === "dig" || name === "nslookup" || name === "host") &&
        /[)}`]\.[a-z0-9-]+\.[a-z]|\$[A-Za-z_]\w*\.[a-z0-9-]+\.[a-z]/i.test(src.text.slice(cmd.start, cmd.end))
      ) {
        reportAt(
          ctx,
          src,
          cmd.start,
          "exfil.dns",
          "high",
          "A DNS lookup of a name built from command output or variables leaks that data to the zone's owner.",
          cmdText(src, cmd),
        );
      }
      const up = uploadOf(cmd);
      if (!up) continue;
      const dataText = up.data.join(" ");
      const raw = src.text.slice(cmd.start, cmd.end);
      const upstream = pipe.slice(0, cmd.pipeIndex);
      const encodedUpstream = upstream.some((c) => encoders.has(nameOf(c)));
      const secretUpstream = upstream.some(
        (c) => secretMismatch(cmdText(src, c), up.tokens) !== undefined || readsCredential(c) !== undefined,
      );
      // `@-` is standard input, not a file: what flows into it is judged upstream (fromStdin).
      const filesSent = up.data
        .filter((d) => d.startsWith("@") || /=@/.test(d))
        .map((d) => d.replace(/^[^@]*@/, ""))
        .filter((f) => f !== "-");
      const sentSensitive = filesSent.find(
        (f) =>
          credentialPath.test(f) ||
          [...sensitiveFiles].some((s) => f === s || f.includes(s.replace(/^\$\w+\//, ""))),
      );
      const secret =
        secretMismatch(
          dataText,
          up.host === "" ? variableEndpointTokens(ctx, cmd) : up.tokens,
          declaredKeyHost(ctx, up.host),
        ) ??
        (/\$\(\s*(?:whoami|hostname|id|uname)/.test(raw) && /\$\((?:env|printenv|cat)/.test(raw)
          ? "system identity"
          : undefined);
      let why: string | undefined;
      let severity: Severity = "high";
      if (sentSensitive !== undefined) why = `${sentSensitive}, which holds collected secrets,`;
      else if (secret !== undefined) why = `${secret}`;
      else if (up.fromStdin && (secretUpstream || encodedUpstream))
        why = encodedUpstream ? "encoded data" : "secrets";
      else if (
        filesSent.length > 0 &&
        readSeen &&
        !uploadToOwnService(ctx, cmd, raw) &&
        !uploadWithHostsOwnKey(raw, up.tokens)
      )
        why = `${filesSent[0] ?? "a file"} (after credential files were collected)`;
      if (why === undefined) continue;
      if (up.hostile) severity = "critical";
      reportAt(
        ctx,
        src,
        cmd.start,
        "exfil.send-data",
        severity,
        `${why} is sent to ${up.host || "a remote host"}, which is not the service it belongs to.`,
        cmdText(src, cmd),
      );
    }
  }
  credentialProse(ctx);
}

const credentialStores: Array<[string, RegExp]> = [
  ["ssh", /~\/\.ssh|\bid_rsa\b|\bid_ed25519\b|ssh (?:private )?keys?/i],
  ["aws", /\.aws\/credentials|aws (?:access|secret) keys?/i],
  ["gcloud", /\.config\/gcloud|application_default_credentials/i],
  ["azure", /\.azure\//i],
  ["gh", /\.config\/gh|\.git-credentials/i],
  ["kube", /\.kube\/config/i],
  ["npm", /\.npmrc|\.pypirc|\.netrc|\.gem\/credentials/i],
  ["gpg", /\.gnupg|private-keys-v1/i],
  ["env", /(?:^|[\s`'"(])\.env\b|environment variables/i],
  ["browser", /Login Data|browser (?:cookies|passwords|profiles?)|saved passwords/i],
  ["wallet", /wallet\.dat|seed phrase|mnemonic|keystore|metamask|exodus|phantom wallet/i],
  ["keychain", /keychain/i],
  ["docker", /\.docker\/config\.json/i],
];
const collectVerb =
  /\b(?:read|collect|extract|copy|gather|include|upload|send|dump|harvest|cat|export|archive|back ?up|sync|inventor(?:y|ies)|catalog|scan|enumerate)\b/i;

function credentialProse(ctx: DetectContext): void {
  if (ctx.securityTool) return;
  const found = new Map<string, { line: number; column: number; text: string; file: string }>();
  for (const p of ctx.prose) {
    if (p.quoted || !collectVerb.test(p.text)) continue;
    for (const [name, re] of credentialStores)
      if (re.test(p.text) && !found.has(name))
        found.set(name, { line: p.line, column: p.column, text: p.text, file: p.file });
  }
  if (found.size < 3) return;
  const first = [...found.values()].sort((a, b) => a.line - b.line)[0];
  if (!first) return;
  ctx.report({
    id: "cred.sensitive-file",
    severity: "high",
    file: first.file,
    line: first.line,
    column: first.column,
    message: `The agent is told to collect secrets from ${found.size} credential stores (${[...found.keys()].join(", ")}).`,
    evidence: first.text.slice(0, 300),
  });
}

export type { ShellSource };
