// skillwall doctor --openclaw: read an OpenClaw config (JSON5) and list what it leaves unprotected,
// each with the exact fix. Field names follow OpenClaw 2026.9.6 (docs under node_modules/openclaw/
// docs: gateway/config-extensions.md, tools/skills-config.md, gateway/config-agents/sandbox.md,
// gateway/config-tools/tool-policy.md, tools/exec.md). Anything this module cannot read is reported
// as not analysed (an "unprotected" finding), never as fine.

import { closeSync, constants, existsSync, fstatSync, openSync, readSync } from "node:fs";
import path from "node:path";
import JSON5 from "json5";
import { InputError } from "../errors.js";
import { limits } from "../limits.js";
import { pluginEntryProblem } from "./plugin-entry.js";

/** unprotected: a way around skillwall (non-zero exit); warning: a known limit to act on; ok: checked and fine. */
export type OpenClawFindingLevel = "unprotected" | "warning" | "ok";

export interface OpenClawFinding {
  id: string;
  level: OpenClawFindingLevel;
  message: string;
  /** The exact change that closes it (a config snippet or a command). */
  fix?: string;
  /** The config key it is about. */
  key?: string;
}

export interface OpenClawReport {
  configPath: string;
  /** The config file was missing: OpenClaw then runs on its defaults, which this report checks. */
  missing: boolean;
  findings: OpenClawFinding[];
}

/** The plugin id skillwall's OpenClaw plugin declares (integrations/openclaw/openclaw.plugin.json). */
export const skillwallPluginId = "skillwall";

type Json = Record<string, unknown>;

/** Where OpenClaw reads its config, the way OpenClaw resolves it (src/config/paths.ts there). */
export function resolveOpenClawConfigPath(env: NodeJS.ProcessEnv, osHome: string): string {
  const home = path.resolve(expandHome(nonBlank(env.OPENCLAW_HOME) ?? nonBlank(env.HOME) ?? osHome, osHome));
  const explicit = nonBlank(env.OPENCLAW_CONFIG_PATH);
  if (explicit) return path.resolve(expandHome(explicit, home));
  const candidates: string[] = [];
  const stateDir = nonBlank(env.OPENCLAW_STATE_DIR);
  if (stateDir) {
    const dir = path.resolve(expandHome(stateDir, home));
    candidates.push(path.join(dir, "openclaw.json"), path.join(dir, "clawdbot.json"));
  }
  for (const dir of [".openclaw", ".clawdbot"]) {
    candidates.push(path.join(home, dir, "openclaw.json"), path.join(home, dir, "clawdbot.json"));
  }
  const existing = candidates.find((c) => existsSync(c));
  if (existing) return existing;
  return path.join(
    stateDir ? path.resolve(expandHome(stateDir, home)) : path.join(home, ".openclaw"),
    "openclaw.json",
  );
}

function nonBlank(v: string | undefined): string | undefined {
  const t = v?.trim();
  return t === undefined || t === "" || t === "undefined" || t === "null" ? undefined : t;
}

function expandHome(p: string, home: string): string {
  if (p === "~") return home;
  if (p.startsWith("~/")) return path.join(home, p.slice(2));
  return p;
}

/** Read and parse a config file; a missing file is OpenClaw's defaults (an empty object). */
export function readOpenClawConfig(file: string): { config: Json; missing: boolean } {
  if (!existsSync(file)) return { config: {}, missing: true };
  const text = readRegularFileSync(file, limits.maxOpenClawConfigBytes);
  let data: unknown;
  try {
    data = JSON5.parse(text);
  } catch (e) {
    const err = e as Error & { lineNumber?: number; columnNumber?: number };
    const where = err.lineNumber === undefined ? "" : `:${err.lineNumber}:${err.columnNumber ?? 1}`;
    throw new InputError(
      "OPENCLAW_CONFIG_SYNTAX",
      `${file}${where}: ${err.message.replace(/^JSON5: /, "")}`,
      {
        fix: "fix the JSON5 syntax there (openclaw config validate shows the same error)",
      },
    );
  }
  if (!isObject(data)) {
    throw new InputError("OPENCLAW_CONFIG_NOT_OBJECT", `${file}: the config is not an object`, {
      fix: "an OpenClaw config is one JSON5 object: { plugins: { … }, … }",
    });
  }
  return { config: data, missing: false };
}

function isObject(v: unknown): v is Json {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function get(obj: unknown, keys: string[]): unknown {
  let cur: unknown = obj;
  for (const k of keys) {
    if (!isObject(cur)) return undefined;
    cur = cur[k];
  }
  return cur;
}

function strings(v: unknown): string[] {
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === "string") : [];
}

/** Does any object in the tree carry an `$include` key (content this check cannot see)? */
function hasInclude(v: unknown, depth = 0): boolean {
  if (depth > 64) return true;
  if (Array.isArray(v)) return v.some((x) => hasInclude(x, depth + 1));
  if (!isObject(v)) return false;
  return Object.entries(v).some(([k, x]) => k === "$include" || hasInclude(x, depth + 1));
}

/** Linux O_PATH (not exported by node:fs): a descriptor that names a file without opening it. */
const O_PATH = 0o10000000;

/**
 * A config or manifest the agent may have written (~/.openclaw is its own): only a regular file is
 * read, at most maxBytes, counted while reading too. It is first opened O_PATH and fstat'ed, and
 * only a regular file is opened for reading, through that descriptor (same inode): opening a
 * device the agent linked there (a watchdog, a tape, a modem line) or a FIFO has effects of its
 * own before any fstat could refuse it, and as root that is the host's device.
 */
function readRegularFileSync(file: string, maxBytes: number): string {
  const probe = openSync(file, O_PATH);
  let fd: number;
  try {
    const kind = fstatSync(probe);
    if (!kind.isFile()) {
      throw new InputError("OPENCLAW_CONFIG_NOT_FILE", `${file} is not a regular file`, {
        fix: "point skillwall doctor --openclaw at the real openclaw.json",
      });
    }
    fd = openSync(`/proc/self/fd/${probe}`, constants.O_RDONLY | constants.O_NONBLOCK | constants.O_NOCTTY);
    const again = fstatSync(fd);
    if (again.dev !== kind.dev || again.ino !== kind.ino) {
      closeSync(fd);
      throw new InputError("OPENCLAW_CONFIG_NOT_FILE", `${file} changed while it was opened`, {
        fix: "run skillwall doctor again",
      });
    }
  } finally {
    closeSync(probe);
  }
  try {
    const st = fstatSync(fd);
    const tooLarge = (size: number) =>
      new InputError("OPENCLAW_CONFIG_TOO_LARGE", `${file}: ${size} bytes is more than ${maxBytes}`, {
        fix: "point skillwall doctor --openclaw at the real openclaw.json",
      });
    if (st.size > maxBytes) throw tooLarge(st.size);
    const buf = Buffer.alloc(maxBytes + 1);
    let got = 0;
    for (;;) {
      const n = readSync(fd, buf, got, buf.length - got, null);
      if (n === 0) break;
      got += n;
      if (got > maxBytes) throw tooLarge(got);
    }
    return buf.subarray(0, got).toString("utf8");
  } finally {
    closeSync(fd);
  }
}

/** A plugin folder (or its package) that declares the skillwall id. */
function declaresSkillwall(dir: string): boolean {
  try {
    const manifest = path.join(dir, "openclaw.plugin.json");
    if (!existsSync(manifest)) return false;
    const m = JSON5.parse(readRegularFileSync(manifest, limits.maxOpenClawConfigBytes)) as unknown;
    return isObject(m) && m.id === skillwallPluginId;
  } catch {
    return false;
  }
}

export interface CheckOptions {
  configPath: string;
  missing?: boolean;
  /** The OpenClaw state directory (extensions are discovered under it). */
  stateDir: string;
  home: string;
  /** This skillwall's package root: the fixes name its plugin folder and bin/skillwall.js. */
  skillwallRoot: string;
  /** The node binary the install policy command should run (default: this process's). */
  nodePath?: string;
}

/** Every finding for one config, unprotected first. */
export function checkOpenClawConfig(config: Json, opts: CheckOptions): OpenClawReport {
  const out: OpenClawFinding[] = [];
  const add = (f: OpenClawFinding): void => {
    out.push(f);
  };
  const configDir = path.dirname(opts.configPath);
  const pluginDir = path.join(opts.skillwallRoot, "integrations", "openclaw");
  const installFix = installPolicySnippet(
    opts.nodePath ?? process.execPath,
    path.join(opts.skillwallRoot, "bin", "skillwall.js"),
  );

  if (hasInclude(config)) {
    add({
      id: "config-include",
      level: "unprotected",
      key: "$include",
      message:
        "the config pulls parts from other files ($include); this check did not read them, so nothing below is certain",
      fix: "inline the included parts, or run skillwall doctor --openclaw on a config without $include",
    });
  }

  // --- the exec gate: is the skillwall plugin loaded and enabled? ------------------------------
  const execDenied = strings(get(config, ["tools", "deny"])).some(
    (t) => t === "exec" || t === "group:runtime",
  );
  const pluginsOn = get(config, ["plugins", "enabled"]) !== false;
  const allow = get(config, ["plugins", "allow"]);
  const denied = strings(get(config, ["plugins", "deny"])).includes(skillwallPluginId);
  const notAllowed = Array.isArray(allow) && !strings(allow).includes(skillwallPluginId);
  const entry = get(config, ["plugins", "entries", skillwallPluginId]);
  const enabled = get(entry, ["enabled"]) === true;
  const loadPaths = strings(get(config, ["plugins", "load", "paths"])).map((p) =>
    path.resolve(configDir, expandHome(p, opts.home)),
  );
  const discovered = [...loadPaths, path.join(opts.stateDir, "extensions", skillwallPluginId)].find((d) =>
    declaresSkillwall(d),
  );
  const missingPaths = loadPaths.filter((p) => !existsSync(p));
  let pluginActive = false;
  let entryProblem: string | undefined;

  if (!pluginsOn) {
    add({
      id: "plugins-disabled",
      level: "unprotected",
      key: "plugins.enabled",
      message: "plugins.enabled is false: no plugin runs, so no exec call is judged",
      fix: "set plugins.enabled: true (or remove the key)",
    });
  } else if (denied || notAllowed) {
    add({
      id: "plugin-not-allowed",
      level: "unprotected",
      key: denied ? "plugins.deny" : "plugins.allow",
      message: denied
        ? "plugins.deny lists skillwall: the plugin never loads"
        : "plugins.allow is set and does not list skillwall: the plugin never loads",
      fix: denied ? 'remove "skillwall" from plugins.deny' : 'add "skillwall" to plugins.allow',
    });
  } else if (discovered === undefined) {
    add({
      id: "plugin-not-loaded",
      level: "unprotected",
      key: "plugins.load.paths",
      message:
        missingPaths.length > 0
          ? `the skillwall plugin is not found: plugins.load.paths names missing ${missingPaths.join(", ")}`
          : "the skillwall plugin is not installed: no plugins.load.paths entry or extensions folder declares id skillwall",
      fix: `openclaw plugins install --link ${pluginDir} --force --accept-capabilities  (or add ${pluginDir} to plugins.load.paths and set plugins.entries.skillwall.enabled: true)`,
    });
  } else if (!enabled) {
    add({
      id: "plugin-disabled",
      level: "unprotected",
      key: `plugins.entries.${skillwallPluginId}.enabled`,
      message: `the skillwall plugin is installed (${discovered}) but not enabled: OpenClaw loads third-party plugins only when enabled`,
      fix: "openclaw plugins enable skillwall --accept-capabilities  (or set plugins.entries.skillwall.enabled: true)",
    });
  } else if (
    (entryProblem = pluginEntryProblem(
      discovered,
      (f) => readRegularFileSync(f, limits.maxOpenClawConfigBytes),
      opts.nodePath,
    )) !== undefined
  ) {
    add({
      id: "plugin-entry-broken",
      level: "unprotected",
      key: `plugins.entries.${skillwallPluginId}`,
      message: `the skillwall plugin in ${discovered} cannot load: ${entryProblem}. OpenClaw 2026.9.6 skips a plugin whose module fails to load and has no setting that makes a plugin required: the Gateway starts without skillwall and runs every turn, heartbeats included, unguarded`,
      fix: `restore the plugin's entry (git checkout -- integrations/openclaw in ${opts.skillwallRoot}, then npm run build), run skillwall doctor --openclaw again, then restart the Gateway`,
    });
  } else {
    pluginActive = true;
    add({
      id: "plugin-loaded",
      level: "ok",
      key: `plugins.entries.${skillwallPluginId}`,
      message: `the skillwall plugin is enabled from ${discovered}`,
    });
  }
  // A sandbox-mode setting counts only when the plugin that reads it is active.
  const pluginMode = pluginActive && get(entry, ["config", "mode"]) === "sandbox" ? "sandbox" : "judge";

  // --- exec without approvals --------------------------------------------------------------
  const execMode = get(config, ["tools", "exec", "mode"]);
  const agentsFull = Object.entries(
    isObject(get(config, ["agents", "entries"])) ? (get(config, ["agents", "entries"]) as Json) : {},
  )
    .filter(([, a]) => get(a, ["tools", "exec", "mode"]) === "full")
    .map(([id]) => id);
  if (
    !execDenied &&
    !pluginActive &&
    execMode !== undefined &&
    execMode !== "full" &&
    agentsFull.length > 0
  ) {
    add({
      id: "exec-full-per-agent",
      level: "unprotected",
      key: "agents.entries.*.tools.exec.mode",
      message: `these agents run exec in mode full without the skillwall plugin: ${agentsFull.join(", ")}`,
      fix: `activate the skillwall plugin, or remove tools.exec.mode: "full" from agents.entries.{${agentsFull.join(",")}}`,
    });
  }
  if (!execDenied && !pluginActive && (execMode === undefined || execMode === "full")) {
    add({
      id: "exec-full-without-plugin",
      level: "unprotected",
      key: "tools.exec.mode",
      message: `tools.exec.mode is ${execMode === undefined ? "unset (OpenClaw's default is full)" : "full"} and the skillwall plugin is not active: every exec call the model makes runs on the host with no check and no approval`,
      fix: 'activate the skillwall plugin (see above), or set tools.exec.mode: "ask" until it is',
    });
  }

  // --- sandbox: where allowed commands run ----------------------------------------------------
  const sandboxMode = get(config, ["agents", "defaults", "sandbox", "mode"]);
  const perAgentOff = Object.entries(
    isObject(get(config, ["agents", "entries"])) ? (get(config, ["agents", "entries"]) as Json) : {},
  )
    .filter(([, a]) => get(a, ["sandbox", "mode"]) === "off")
    .map(([id]) => id);
  if (pluginMode !== "sandbox") {
    if (sandboxMode === undefined || sandboxMode === "off") {
      add({
        id: "sandbox-off",
        level: "unprotected",
        key: "agents.defaults.sandbox.mode",
        message: `no sandbox: agents.defaults.sandbox.mode is ${sandboxMode === undefined ? "unset (default off)" : "off"} and the skillwall plugin runs in judge mode, so every allowed command runs on the host as the gateway's user`,
        fix: 'set plugins.entries.skillwall.config.mode: "sandbox" (with skillwall serve running), or agents.defaults.sandbox: { mode: "all" }',
      });
    } else if (sandboxMode === "non-main") {
      add({
        id: "sandbox-non-main",
        level: "unprotected",
        key: "agents.defaults.sandbox.mode",
        message:
          'agents.defaults.sandbox.mode is "non-main": the main session (your direct chats and the heartbeat turn) runs exec on the host',
        fix: 'set agents.defaults.sandbox.mode: "all", or plugins.entries.skillwall.config.mode: "sandbox"',
      });
    }
    if (perAgentOff.length > 0) {
      add({
        id: "sandbox-off-per-agent",
        level: "unprotected",
        key: "agents.entries.*.sandbox.mode",
        message: `these agents turn the sandbox off: ${perAgentOff.join(", ")}`,
        fix: `remove sandbox: { mode: "off" } from agents.entries.{${perAgentOff.join(",")}}, or set plugins.entries.skillwall.config.mode: "sandbox"`,
      });
    }
  }

  // --- file tools: read/write/edit reach the whole host unless restricted ------------------------
  // The plugin gates file tools by path too; OpenClaw's own restriction is the second wall.
  if (get(config, ["tools", "fs", "workspaceOnly"]) !== true) {
    add({
      id: "fs-not-workspace-only",
      level: "warning",
      key: "tools.fs.workspaceOnly",
      message:
        "tools.fs.workspaceOnly is not true: read/write/edit take any path the gateway's user can reach (~/.ssh, ~/.curlrc, other agents' homes); only the skillwall plugin's path checks stand in the way",
      fix: "set tools.fs.workspaceOnly: true",
    });
  }
  if (get(config, ["tools", "exec", "applyPatch", "workspaceOnly"]) === false) {
    add({
      id: "apply-patch-anywhere",
      level: "unprotected",
      key: "tools.exec.applyPatch.workspaceOnly",
      message:
        "tools.exec.applyPatch.workspaceOnly is false: apply_patch writes and deletes files outside the workspace",
      fix: "remove tools.exec.applyPatch.workspaceOnly (default true)",
    });
  }

  // --- elevated exec: the sandbox escape --------------------------------------------------------
  if (get(config, ["tools", "elevated", "enabled"]) === true) {
    add({
      id: "elevated-on",
      level: "unprotected",
      key: "tools.elevated.enabled",
      message:
        "tools.elevated.enabled is true: elevated exec (and the ! chat shell) runs outside any sandbox on the gateway host",
      fix: "set tools.elevated.enabled: false",
    });
  }

  // --- install gate -------------------------------------------------------------------------
  const ip = get(config, ["security", "installPolicy"]);
  if (get(ip, ["enabled"]) !== true) {
    add({
      id: "install-policy-off",
      level: "unprotected",
      key: "security.installPolicy.enabled",
      message:
        "security.installPolicy is off: skills and plugins install from ClawHub, git or local folders without a skillwall scan",
      fix: installFix,
    });
  } else {
    const command = get(ip, ["exec", "command"]);
    const args = strings(get(ip, ["exec", "args"]));
    const argv = [typeof command === "string" ? command : "", ...args];
    const namesSkillwall = argv.some((a) => /(^|\/)skillwall(\.js)?$/.test(a));
    const speaksProtocol = args.some((a, i) => a === "openclaw" && args[i + 1] === "install-policy");
    if (!namesSkillwall || !speaksProtocol) {
      add({
        id: "install-policy-not-skillwall",
        level: "unprotected",
        key: "security.installPolicy.exec",
        message: `security.installPolicy runs ${argv.filter((a) => a !== "").join(" ") || "no command"}, not skillwall openclaw install-policy`,
        fix: installFix,
      });
    }
    const targets = get(ip, ["targets"]);
    if (Array.isArray(targets) && !strings(targets).includes("skill")) {
      add({
        id: "install-policy-no-skills",
        level: "unprotected",
        key: "security.installPolicy.targets",
        message: `security.installPolicy.targets is [${strings(targets).join(", ")}]: skill installs are not checked`,
        fix: 'set security.installPolicy.targets: ["skill", "plugin"] (or remove targets to cover everything)',
      });
    }
  }

  // --- holes no config closes ---------------------------------------------------------------
  if (!execDenied) {
    add({
      id: "agent-exec-no-hooks",
      level: "warning",
      key: "(openclaw agent exec)",
      message:
        "`openclaw agent exec` (headless/CI runs) starts no plugin hook runner: its exec calls are not judged by skillwall whatever this config says",
      fix: 'run headless turns with `openclaw agent --local …` or through the gateway, or give those runs a config with tools.deny: ["exec"]',
    });
  }
  if (pluginActive) {
    add({
      id: "plugin-load-not-enforced",
      level: "warning",
      key: `plugins.entries.${skillwallPluginId}`,
      message:
        "OpenClaw 2026.9.6 has no setting that makes a plugin required: if the skillwall plugin stops loading after this check (its folder moved, its index.mjs changed), the Gateway warns once in its log and runs every turn unguarded",
      fix: "run skillwall doctor --openclaw after every change to the skillwall checkout or the OpenClaw config, and alert on the Gateway log lines `[plugins] skillwall failed` and `plugin path not found`",
    });
  }
  if (pluginActive && pluginMode === "judge") {
    add({
      id: "plugin-judge-mode",
      level: "warning",
      key: `plugins.entries.${skillwallPluginId}.config.mode`,
      message:
        "the plugin runs in judge mode: allowed commands (rewritten to their checked form) run where OpenClaw runs them, and reviewed ones (npm test, node FILE) run project code there",
      fix: 'set plugins.entries.skillwall.config.mode: "sandbox" with skillwall serve running',
    });
  }

  // --- web_fetch redirects (red team s10, G6) ---------------------------------------------------
  // OpenClaw follows redirects from the URL the plugin judged; the plugin then refuses web_fetch.
  const fetchCfg = get(config, ["tools", "web", "fetch"]);
  const redirectsValue = get(fetchCfg, ["maxRedirects"]);
  const redirects = Math.max(
    0,
    Math.floor(typeof redirectsValue === "number" && Number.isFinite(redirectsValue) ? redirectsValue : 3),
  );
  if (pluginActive && get(fetchCfg, ["enabled"]) !== false && redirects !== 0) {
    add({
      id: "web-fetch-redirects",
      level: "warning",
      key: "tools.web.fetch.maxRedirects",
      message: `tools.web.fetch.maxRedirects is ${redirectsValue === undefined ? "unset (OpenClaw follows 3 redirects)" : String(redirects)}: web_fetch would follow redirects from the URL skillwall judged to hosts it never sees, so the plugin refuses every web_fetch call`,
      fix: "set tools.web.fetch.maxRedirects: 0",
    });
  }
  if (pluginActive && typeof get(fetchCfg, ["provider"]) === "string") {
    add({
      id: "web-fetch-provider-fallback",
      level: "warning",
      key: "tools.web.fetch.provider",
      message: `tools.web.fetch.provider is ${JSON.stringify(get(fetchCfg, ["provider"]))}: when OpenClaw's own fetch fails (a redirect it may not follow included), the provider fetches the same URL from its servers and follows redirects there`,
      fix: "remove tools.web.fetch.provider and the provider's API key from the Gateway's environment, or accept that an allowed host's redirects reach any host through the provider",
    });
  }

  const rank: Record<OpenClawFindingLevel, number> = { unprotected: 0, warning: 1, ok: 2 };
  out.sort((a, b) => rank[a.level] - rank[b.level]);
  return { configPath: opts.configPath, missing: opts.missing === true, findings: out };
}

function installPolicySnippet(node: string, bin: string): string {
  const exec = {
    source: "exec",
    command: node,
    args: [bin, "openclaw", "install-policy", "--policy", "agent"],
  };
  return `set security.installPolicy to ${JSON.stringify({ enabled: true, targets: ["skill", "plugin"], exec })}`;
}
