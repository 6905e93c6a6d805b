// The decisions of the skillwall OpenClaw plugin, separate from OpenClaw's wiring (index.mjs) so
// they can be tested with any build of the library. `lib` is skillwall's public API (the
// package entry): nothing here reaches into its internals.

import path from "node:path";
import os from "node:os";
import { createHandoff } from "./sandbox-handoff.mjs";
import { serveCall } from "./serve-client.mjs";
import { fileToolPaths, readPathVariants, stripXmlArgValueSuffix } from "./openclaw-paths.mjs";
import fs from "node:fs";
import { classifyTool, parseAllowTools } from "./tool-classes.mjs";
import { parseRecipients } from "./recipients.mjs";
import { operatorModels } from "./operator-models.mjs";
import {
  agentIdOf,
  agentWorkspace,
  defaultAgentId,
  openclawStateDir,
  possibleWorkspaces,
  userPath,
} from "./openclaw-workspaces.mjs";

/**
 * OpenClaw's own tool-name folding (normalizeToolPolicyName: lower case, then aliases), applied
 * before the gate decides: a `Write` or `bash` call must meet the `write` and `exec` checks even
 * where a runtime hands the hook the name as the model spelled it.
 */
const toolNameAliases = new Map([
  ["bash", "exec"],
  ["exec_command", "exec"],
  ["apply-patch", "apply_patch"],
  ["cron", "automations"],
]);
function canonicalToolName(name) {
  const folded = typeof name === "string" ? name.trim().toLowerCase() : "";
  return toolNameAliases.get(folded) ?? folded;
}

/** process-tool actions that send input into a running exec session. */
const inputActions = new Set(["write", "submit", "paste", "send-keys"]);
/** terminal-tool actions that send nothing into the shell. */
const terminalReadOnly = new Set(["list", "read", "resize", "close"]);
/** skill_workshop actions that change nothing: every other one creates, patches or applies a skill. */
const workshopReadOnly = new Set(["read", "list", "inspect", "history"]);
/** Tool Search's call tool: it runs a catalog tool by id or name (`openclaw:core:exec`). */
const toolSearchCall = "tool_call";
/** Fields of tool_call that pick the target, in the order OpenClaw reads them (tool-search-request). */
const toolCallSelectors = ["id", "toolId", "name"];

/**
 * The target's parameters as OpenClaw 2026.9.6 builds them (readToolSearchCallArgs): `args` or
 * `input` when it is not an empty object (its `args.<key>` fields merged under it), else every
 * field but the wrappers and the selector, with `args.<key>` fields as `<key>`.
 */
function toolCallInput(p, selectorKey) {
  const isDotted = (k) => k.startsWith("args.") && k.length > 5;
  const dotted = Object.fromEntries(
    Object.entries(p)
      .filter(([k]) => isDotted(k))
      .map(([k, v]) => [k.slice(5), v]),
  );
  const nested = p.args ?? p.input;
  const emptyRecord =
    typeof nested === "object" &&
    nested !== null &&
    !Array.isArray(nested) &&
    Object.keys(nested).length === 0;
  if (nested !== undefined && nested !== null && !emptyRecord)
    return typeof nested === "object" && !Array.isArray(nested) ? { ...dotted, ...nested } : nested;
  const wrappers = new Set(["args", "input", selectorKey]);
  return {
    ...dotted,
    ...Object.fromEntries(Object.entries(p).filter(([k]) => !wrappers.has(k) && !isDotted(k))),
  };
}
/**
 * A parameter tool_call gives in two places the gate and OpenClaw could read in a different
 * order: both wrappers (`args` and `input`), or an `args.<key>` field beside `<key>` at the top
 * level or inside a wrapper. Refused rather than guessed (rt10).
 */
function toolCallInputTwice(p, selectorKey) {
  const present = (v) => v !== undefined && v !== null;
  if (present(p.args) && present(p.input)) return "args and input";
  const wrappers = [p.args, p.input].filter((v) => typeof v === "object" && v !== null && !Array.isArray(v));
  for (const k of Object.keys(p)) {
    if (!(k.startsWith("args.") && k.length > 5)) continue;
    const key = k.slice(5);
    if (
      (key !== selectorKey && Object.hasOwn(p, key) && key !== "args" && key !== "input") ||
      wrappers.some((w) => Object.hasOwn(w, key))
    )
      return `${k} and ${key}`;
  }
  return undefined;
}

/** plugins-tool actions that change nothing. */
const pluginsReadOnly = new Set(["list", "inspect", "search"]);
/** File tools whose target may be an agent start-up file. */
const fileTools = new Set(["write", "edit", "apply_patch"]);
/** File tools that read: judged by the policy's read rules (as `cat PATH`). */
const readTools = new Set(["read"]);
/** How the read-like tools are judged: a file as `cat` reads it, a folder as `ls` lists it. */
const readerOfFiles = {
  program: "cat",
  noun: "file",
  verb: "reading",
  rootItself: false,
  fix: "read files inside the workspace (the folder itself, not through a symlink that leaves it)",
};
const readerOfFolders = {
  program: "ls",
  noun: "folder",
  verb: "listing",
  rootItself: true,
  fix: "list folders inside the workspace",
};
/** Exec hosts the model may name: absent/auto keep the configured host; others are refused. */
const inheritHost = new Set([undefined, "", "auto"]);
const shellNames = new Set(["sh", "bash", "zsh", "dash", "ksh", "mksh", "ash", "yash"]);
const headless =
  "OpenClaw asks the operator; a headless run (openclaw agent --local, cron, heartbeat) has no one to ask, so there it is denied";

/** OpenClaw 2026.9.6's exec PATH when the gateway has none (bash-tools.exec-runtime DEFAULT_PATH). */
const openclawDefaultPath = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

/** Issued commands remembered until their after_tool_call (oldest dropped first). */
const maxIssued = 4096;

/** One shell word, whatever it holds. */
function shellQuote(word) {
  return `'${String(word).replaceAll("'", "'\\''")}'`;
}

export const defaults = { mode: "judge", timeoutMs: 5000 };

/** A sandboxed run waits for a container and the command: serve ends it at the policy's timeout. */
const sandboxAnswerWaitMs = 30 * 60_000;

/** The policy when none is configured: the agents' everyday policy when shipped, else default. */
export function defaultPolicy(lib) {
  return lib.shippedPolicies().includes("agent") ? "agent" : "default";
}

/**
 * @param {any} lib skillwall's public API
 * @param {{ policy?: string, mode?: string, serveSocket?: string, auditLog?: string, timeoutMs?: number, agentHome?: string }} config
 * @param {{ openclawConfig?: any, env?: Record<string,string|undefined>, logger?: any, pluginDir?: string }} host
 */
export function createGate(lib, config = {}, host = {}) {
  const env = host.env ?? process.env;
  const policyRef = config.policy ?? defaultPolicy(lib);
  const mode = config.mode ?? defaults.mode;
  const timeoutMs = config.timeoutMs ?? defaults.timeoutMs;
  // Invalid config is an error (the plugin then refuses every call), never a fallback.
  const allowTools = parseAllowTools(config.allowTools);
  const recipients = parseRecipients(config.recipients);
  const home = env.HOME || os.homedir();
  // The agent home skillwall installed the skills into: its pins answer fetches of pinned URLs.
  const agentHome = path.resolve(config.agentHome ?? home);
  // OpenClaw's own folders follow its env (OPENCLAW_HOME, OPENCLAW_STATE_DIR, profiles), not HOME.
  const stateDir = openclawStateDir(env);
  const auditFile = config.auditLog ?? path.join(stateDir, "skillwall", "audit.jsonl");
  refuseOwnFilesInWorkspace({ lib, host, env, policyRef, auditFile, agentHome });
  refuseCodeFoldersInWorkspace(host, env);
  if (mode === "sandbox") {
    refuseHandoffInWorkspace(host, env);
    // Whatever answers at the socket's name runs the agent's commands and writes what OpenClaw
    // shows: one a sandboxed command could replace (the workspace is mounted) is not serve (rt13).
    if (typeof config.serveSocket === "string" && config.serveSocket !== "")
      refuseInWorkspaces(allWorkspaces(host, env), [["the serve socket", path.resolve(config.serveSocket)]]);
  }
  // Sandbox mode: a registered job runs, in this process over serve's socket, when OpenClaw runs
  // the stub the gate put in place of the model's command (sandbox-handoff.mjs).
  const handoff =
    mode === "sandbox"
      ? createHandoff({
          run: (job) => serveCall(config.serveSocket, { job }, sandboxAnswerWaitMs),
          quote: shellQuote,
        })
      : undefined;
  const started = performance.now();
  const audit = sharedAudit(lib, auditFile);
  const ready = lib.createJudge({ policy: policyRef, source: "openclaw" }).then((judge) => {
    // Every file the policy was loaded from (its extends chain too): one in a workspace is one
    // the agent could edit for the next start. After loading, so what was read is what is checked.
    refuseInWorkspaces(
      allWorkspaces(host, env),
      (judge.policy.sources ?? []).map((f) => ["a policy file the policy loads", f]),
    );
    audit.record("lifecycle", {
      event: "openclaw-gate-ready",
      policy: judge.policy.name,
      hash: judge.policy.hash,
      mode,
      ms: Math.round(performance.now() - started),
    });
    return judge;
  });
  // An unobserved rejection would crash the gateway; every hook awaits `ready` and blocks on it.
  ready.catch(() => undefined);
  /** toolCallId → the command the gate handed OpenClaw, to check what really ran. */
  const issued = new Map();
  // OpenClaw runs the calls of one model reply side by side, and a call's paths are resolved when
  // it is judged: a host command that may plant symlinks (a clone, an archive, cp -r; lib
  // linkPlanter) runs with no other host call before it ends, or after_tool_call leaves it running
  // as a session (then until a process result says the session ended, or its process group is
  // gone: a session killed or removed, or one that ended unpolled, must not lock the gate for good).
  /** toolCallId → { text, sessionId?, pid? } of each planting command still running. */
  const planting = new Map();
  function plantingRefusal(event, planter) {
    for (const [id, p] of planting) if (p.pid !== undefined && !processGroupAlive(p.pid)) planting.delete(id);
    const running = planting.values().next().value;
    if (running !== undefined)
      return block(
        event,
        `${running.text} may still be creating files, symbolic links included, and this call's paths are resolved before it ends`,
        "make this call again after that command has finished",
      );
    if (planter !== undefined && (!event.toolCallId || issued.size > 0))
      return block(
        event,
        `'${planter}' may create symbolic links while another command of this reply, whose paths were resolved before, is still running`,
        `run '${planter}' again when no other command is running`,
      );
    return undefined;
  }

  const record = (kind, data) => {
    try {
      audit.record(kind, data);
    } catch (err) {
      host.logger?.warn?.(`skillwall: audit record failed: ${String(err)}`);
    }
  };
  const block = (event, reason, fix) => {
    const text = `skillwall blocked this ${event.toolName} call: ${reason}${fix ? ` (fix: ${fix})` : ""}`;
    record("decision", {
      source: "openclaw",
      tool: event.toolName,
      toolCallId: event.toolCallId,
      verdict: "deny",
      reason: text,
    });
    return { block: true, blockReason: text };
  };

  /**
   * The calling agent's workspace: the one OpenClaw names in the hook context when it does, else
   * OpenClaw's own resolver (the plugin API's), else the port of it. A context folder that is not
   * the one the config gives the agent is refused (throws, so the call is blocked): the gate would
   * judge one folder while the tool works in another.
   */
  function workspaceOf(ctx) {
    const cfg = host.openclawConfig ?? {};
    const id =
      typeof ctx?.agentId === "string" && ctx.agentId.trim() !== "" ? ctx.agentId : defaultAgentId(cfg);
    const resolver = host.resolveAgentWorkspaceDir;
    const configured =
      typeof resolver === "function"
        ? path.resolve(String(resolver(cfg, id, env)))
        : agentWorkspace(cfg, id, env);
    const given = ctx?.workspaceDir;
    if (given === undefined || given === null || given === "") return configured;
    const named = typeof given === "string" ? path.resolve(given) : undefined;
    if (named === undefined || (named !== configured && realPathOf(named) !== realPathOf(configured)))
      throw new Error(
        `OpenClaw names the workspace ${JSON.stringify(given)} for agent ${JSON.stringify(id)}, but its config gives ${configured}: the gate does not guess which one the tool uses (fix: make agents.list[].workspace or agents.defaults.workspace name the folder the agent runs in)`,
      );
    return named;
  }

  /** The job id serve gives the checked command; throws (so the call is blocked) on any failure. */
  async function registerWithServe(canonical, ctx) {
    if (typeof config.serveSocket !== "string" || config.serveSocket === "")
      throw new Error(
        'mode "sandbox" needs serveSocket, the socket of a running `skillwall serve` (docs/serve.md)',
      );
    const answer = await withDeadline(
      serveCall(config.serveSocket, { register: canonical }, timeoutMs),
      timeoutMs,
      ctx?.abortSignal,
    );
    if (!answer.ok || typeof answer.job !== "string" || !/^[0-9a-f]{32}$/.test(answer.job)) {
      const e = answer.error ?? { message: "skillwall serve did not register the command" };
      throw new Error(`skillwall serve refused the command: ${e.message}${e.fix ? ` (fix: ${e.fix})` : ""}`);
    }
    return answer.job;
  }

  /**
   * Folders an installer the policy allows writes programs into (`go install` → GOBIN, each
   * GOPATH's bin, ~/go/bin): a module built there under the name `jq` would run in place of the
   * `jq` the policy allows when that folder is on PATH.
   */
  function installerBinDirs(policy) {
    const programs = new Set((policy?.commands ?? []).map((r) => path.basename(String(r.program))));
    const dirs = [];
    if (programs.has("go") || programs.has("*")) {
      if (typeof env.GOBIN === "string" && env.GOBIN !== "") dirs.push(env.GOBIN);
      for (const gp of (typeof env.GOPATH === "string" ? env.GOPATH : "").split(path.delimiter))
        if (gp !== "") dirs.push(path.join(gp, "bin"));
      dirs.push(path.join(home, "go", "bin"));
    }
    return dirs.filter((d) => path.isAbsolute(d));
  }

  /**
   * The PATH an allowed command runs with: the agent's tools.exec.pathPrepend (else the global
   * one), as OpenClaw picks it, then the gateway's PATH (OpenClaw's default when it has none).
   * The host command sets exactly this: OpenClaw would also prepend what a login shell's
   * ~/.profile adds and source its interactive shell's snapshot, a PATH the gate never checked
   * (rt13gate F1).
   */
  function execPathEntries(ctx) {
    const agents = host.openclawConfig?.agents;
    const own = Array.isArray(agents?.list) ? agents.list.find((a) => a?.id === ctx?.agentId) : undefined;
    const list = (x) => (Array.isArray(x) ? x : []);
    const prepend = own?.tools?.exec?.pathPrepend ?? host.openclawConfig?.tools?.exec?.pathPrepend;
    const base = typeof env.PATH === "string" ? env.PATH : openclawDefaultPath;
    return [...list(prepend), ...base.split(path.delimiter)];
  }

  /**
   * The exec host the operator configured for the calling agent, as OpenClaw 2026.9.6 picks it
   * (resolveExecToolConfig: the agent's tools.exec.host, else the global one), lower case; read
   * from the config as it is now (a hot reload may change it).
   */
  function configuredExecHost(ctx) {
    const cfg = currentOpenClawConfig() ?? {};
    const id =
      typeof ctx?.agentId === "string" && ctx.agentId.trim() !== ""
        ? agentIdOf(ctx.agentId)
        : defaultAgentId(cfg);
    const agents = cfg.agents?.list;
    const own = Array.isArray(agents) ? agents.find((a) => agentIdOf(a?.id) === id) : undefined;
    const host = own?.tools?.exec?.host ?? cfg.tools?.exec?.host;
    return typeof host === "string" ? host.trim().toLowerCase() : undefined;
  }

  /** A PATH entry of the exec environment that is relative or inside the workspace, if any. */
  function agentWritablePathEntry(workspace, ctx, policy) {
    const agents = host.openclawConfig?.agents;
    const own = Array.isArray(agents?.list) ? agents.list.find((a) => a?.id === ctx?.agentId) : undefined;
    // Both prepends are checked, whichever OpenClaw applies.
    const prepends = [host.openclawConfig?.tools?.exec?.pathPrepend, own?.tools?.exec?.pathPrepend];
    const entries = [...prepends.flatMap((x) => (Array.isArray(x) ? x : [])), ...execPathEntries(ctx)];
    const roots = [workspace, realPathOf(workspace)];
    for (const dir of installerBinDirs(policy)) roots.push(dir, realPathOf(dir));
    for (const entry of entries) {
      // An empty entry means the working folder, which is the workspace.
      if (typeof entry !== "string" || !path.isAbsolute(entry.trim())) return String(entry);
      for (const dir of [entry.trim(), realPathOf(entry.trim())])
        for (const root of roots) {
          const rel = path.relative(root, dir);
          if (rel === "" || (!rel.startsWith("..") && !path.isAbsolute(rel))) return entry;
        }
    }
    return undefined;
  }

  async function judgeExec(judge, event, ctx) {
    const p = event.params ?? {};
    if (typeof p.command !== "string" || p.command.trim() === "")
      return block(event, "the call has no command text");
    if (p.elevated === true)
      return block(
        event,
        "elevated (host) execution is never granted by a skillwall policy",
        "run without elevated",
      );
    if (!inheritHost.has(p.host))
      return block(
        event,
        `the model asked for exec host ${JSON.stringify(p.host)}; only the configured host is allowed`,
        "omit host",
      );
    if (p.node !== undefined)
      return block(event, "running on another node is not covered by the gate", "omit node");
    // The operator's default host: `node` runs every call on a paired machine whose files
    // (symlinks, git config, PATH) the gate never sees (rt13gate F3).
    const configuredHost = configuredExecHost(ctx);
    if (configuredHost === "node")
      return block(
        event,
        "OpenClaw runs exec on a paired node here (tools.exec.host node), a machine whose files skillwall cannot check",
        "the operator sets tools.exec.host to gateway, sandbox or auto for agents behind skillwall",
      );
    if (mode === "sandbox" && p.env !== undefined && Object.keys(p.env ?? {}).length > 0)
      return block(event, "sandbox mode does not pass environment variables into the container", "omit env");
    const granted = new Set(Object.keys(judge.policy.env ?? {}));
    if (p.env !== undefined && (typeof p.env !== "object" || p.env === null || Array.isArray(p.env)))
      return block(event, "env must be an object of names to values");
    for (const name of Object.keys(p.env ?? {})) {
      if (!granted.has(name))
        return block(
          event,
          `the call sets environment variable ${name}, which policy ${judge.policy.name} does not grant`,
          `declare ${name} under env in the policy, or omit it`,
        );
    }
    const workspace = workspaceOf(ctx);
    const writable = agentWritablePathEntry(workspace, ctx, judge.policy);
    if (writable !== undefined)
      return block(
        event,
        `the exec PATH has ${JSON.stringify(writable)}, a folder the agent can write: a file there would run in place of the program the policy allowed`,
        "keep PATH (and tools.exec.pathPrepend) to absolute folders outside the workspace and the folders the policy's installers write (go install: GOBIN, GOPATH/bin, ~/go/bin)",
      );
    // OpenClaw strips a trailing `</arg_value>>` from workdir after this hook: judge what it keeps.
    const workdir = typeof p.workdir === "string" ? stripXmlArgValueSuffix(p.workdir) : p.workdir;
    // The real folder: relative paths are judged against where the shell really stands, not a symlink's name.
    const cwd = realPathOf(
      typeof workdir === "string" && workdir.trim() !== "" ? path.resolve(workspace, workdir) : workspace,
    );
    // A command without path arguments (git status, ls) works on its folder: keep it in the workspace.
    if (!isInside(realPathOf(workspace), cwd))
      return block(
        event,
        `workdir ${cwd} is outside the agent's workspace ${workspace}`,
        "omit workdir or name a folder inside the workspace",
      );
    const j = judge.judge(p.command, { cwd, env: { HOME: home } });
    if (j.verdict === "deny") return block(event, `${j.rule}: ${j.reason}`, j.fix);
    // The file tools' start-up-file rule holds for what a command writes too, whatever the policy.
    for (const target of execWriteTargets(j.judged, cwd, home))
      for (const t of [target, realPathOf(target)]) {
        const why = lib.agentStartupFile(t);
        if (why) return block(event, why, "agents may not change their own start-up files; ask the operator");
      }
    // Pinned instructions are what the agent reads: a fetch of a pinned URL is answered with the
    // approved copy's path, never the live URL (which may serve anything by now).
    const pinned = await lib.pinnedFetchesIn(j.judged, agentHome);
    if (pinned.length > 0) return block(event, pinned[0].message, `read ${pinned[0].localPath}`);
    const planter = mode === "sandbox" ? undefined : lib.linkPlanter(j.judged);
    const busy = mode === "sandbox" ? undefined : plantingRefusal(event, planter);
    if (busy) return busy;
    let command;
    if (mode === "sandbox") {
      if (cwd !== workspace)
        return block(event, "sandboxed commands run in the workspace folder only", "omit workdir");
      // Register the checked form with serve now (it judges it again); the host only gets an id.
      const job = await registerWithServe(j.canonical, ctx);
      command = await handoff.stub(job, event.toolCallId);
    } else {
      // A repository in the workspace may carry config that makes git run a program (fsmonitor,
      // a diff driver, an alias): git only runs on the host over plain settings.
      const gitRefusal = await lib.gitRepositoryRefusal(
        j.judged.commands.map((c) => ({ argv: c.command.argv.map((w) => w.value), cwd: c.cwd })),
        { cwd, workspace: realPathOf(workspace) },
      );
      if (gitRefusal) return block(event, gitRefusal, "remove that setting, or run git in sandbox mode");
      command = lib.hostCommand(j.canonical, {
        env: [...new Set([...lib.defaultHostEnv, ...granted])],
        set: {
          // The PATH checked above, not one a login shell or OpenClaw's shell snapshot adds to.
          PATH: execPathEntries(ctx)
            .map((e) => e.trim())
            .join(path.delimiter),
          // git must not climb out of the workspace to a repository around it (a dotfiles repo in HOME).
          GIT_CEILING_DIRECTORIES: path.dirname(realPathOf(workspace)),
          // Command-line config wins over the repository's: no hooks, fsmonitor, pager or bare repo.
          ...lib.gitHostConfig,
        },
      });
    }
    // OpenClaw would strip an XML suffix from the command it is handed: it must be run as issued.
    if (stripXmlArgValueSuffix(command) !== command || stripXmlArgValueSuffix(cwd) !== cwd)
      return block(event, "OpenClaw would rewrite the checked command or folder", "name the folder plainly");
    if (event.toolCallId) {
      // A call whose after_tool_call never comes must not grow the map without end.
      if (issued.size >= maxIssued) issued.delete(issued.keys().next().value);
      issued.set(event.toolCallId, command);
      if (planter !== undefined)
        planting.set(event.toolCallId, { text: `'${planter}' (call ${event.toolCallId})` });
    }
    // elevated: false, always: OpenClaw reads a non-boolean (or missing) elevated as the
    // operator's tools.elevated.defaultLevel, which may run the command elevated (red team s11).
    const params = { ...p, command, workdir: cwd, elevated: false };
    if (j.verdict === "review") {
      record("decision", {
        source: "openclaw",
        tool: "exec",
        toolCallId: event.toolCallId,
        verdict: "review",
        rule: j.rule,
      });
      return {
        params,
        requireApproval: {
          title: "skillwall: this command needs review",
          description: `${j.rule}: ${j.reason}. ${headless}.`.slice(0, 1000),
          severity: "warning",
          timeoutMs: 120_000,
        },
      };
    }
    return { params };
  }

  function judgeProcessInput(judge, event, ctx) {
    const p = event.params ?? {};
    if (!inputActions.has(p.action)) return undefined; // list, poll, log, kill, clear, remove
    if (p.action === "send-keys" && (p.keys !== undefined || p.hex !== undefined))
      return block(
        event,
        "key tokens and hex bytes sent into a running session cannot be checked",
        "send text with action write",
      );
    const field = p.action === "paste" ? "text" : p.action === "send-keys" ? "literal" : "data";
    const text = p[field];
    if (text === undefined || text === "")
      return p.action === "write" || p.action === "submit" ? undefined : block(event, "nothing to send");
    if (typeof text !== "string") return block(event, `${field} must be text`);
    const j = judge.judge(text, { cwd: workspaceOf(ctx), env: { HOME: home } });
    if (j.verdict !== "allow")
      return block(event, `input to a running session is judged as a command: ${j.rule}: ${j.reason}`, j.fix);
    // A complete, checked line: the session cannot join it with a later write into something unchecked.
    return { params: { ...p, [field]: j.canonical } };
  }

  /**
   * web_fetch: a pinned URL is refused with the approved copy's path; any other URL is judged
   * like `curl -s URL` by the policy, so web_fetch reaches the hosts exec's curl may reach and no
   * other. The request itself is egress: a secret the model read can leave in its path or query
   * (`https://attacker.example/?k=…`) whatever the reply, in judge and sandbox mode alike (the
   * tool runs in the gateway's process, not in serve's container).
   */
  async function checkWebFetch(event, ctx) {
    const raw = event.params?.url;
    if (typeof raw !== "string") return block(event, "the gate cannot tell which URL this call fetches");
    const refused = await fetchRefusal(event, ctx, webFetchUrl(raw));
    if (refused) return refused;
    // OpenClaw follows redirects from the judged URL to hosts the gate never sees (red team s10, G6):
    // the tool runs only where the effective config turns them off, read at every call (hot reload).
    const redirects = webFetchRedirects(currentOpenClawConfig());
    if (redirects !== 0)
      return block(
        event,
        `OpenClaw's web_fetch follows ${redirects === undefined ? "redirects (the config could not be read)" : `up to ${redirects} redirect(s)`} from the URL skillwall judged to any host, which skillwall never sees`,
        "the operator sets tools.web.fetch.maxRedirects to 0 in OpenClaw's config",
      );
    return undefined;
  }

  /** OpenClaw's config as it is now (api.runtime.config.current), else the one given at register time. */
  function currentOpenClawConfig() {
    if (typeof host.currentConfig !== "function") return host.openclawConfig;
    try {
      return host.currentConfig() ?? host.openclawConfig;
    } catch {
      return undefined; // unknown config: web_fetch is refused
    }
  }

  /** A request OpenClaw makes to `url` for a tool: a pinned URL or one curl may not fetch is refused. */
  async function fetchRefusal(event, ctx, url) {
    const hit = await lib.pinnedAnswerFor(url, agentHome);
    if (hit !== undefined) return block(event, hit.message, `read ${hit.localPath}`);
    const judge = await withDeadline(ready, timeoutMs, ctx?.abortSignal);
    const j = judge.judge(`curl -s ${shellQuote(url)}`, {
      cwd: realPathOf(workspaceOf(ctx)),
      env: { HOME: home },
    });
    if (j.verdict === "allow") return undefined;
    return block(
      event,
      `fetching ${JSON.stringify(url.slice(0, 200))} sends a request out, judged like \`curl -s URL\` by policy ${judge.policy.name}: ${j.rule}: ${j.reason}`,
      `fetch only https URLs of the hosts policy ${judge.policy.name} lets curl reach; the operator adds a host to the policy`,
    );
  }

  /**
   * The paths a file tool may really write for `target`: as named, every path OpenClaw may turn
   * it into (openclaw-paths.mjs), and each through symlinks.
   */
  function writePaths(target, ctx) {
    const { candidates } = fileToolPaths(target, { cwd: workspaceOf(ctx), home });
    return [target, ...candidates.flatMap((c) => [c, realPathOf(c)])];
  }

  /**
   * A `..` step: OpenClaw resolves it by name (`link/../x` is `x`), the kernel through the link
   * when a path is handed on unresolved. Refused rather than judged two ways.
   */
  function hasParentStep(raw) {
    let text = raw;
    try {
      text = `${raw} ${decodeURIComponent(raw)}`; // file:// URLs spell it %2e%2e
    } catch {
      // not percent-encoded: the raw text is all there is
    }
    return text.split(/[\\/\s]/).some((part) => part === "..");
  }
  function parentStepRefusal(event, raw) {
    return block(
      event,
      `the path ${JSON.stringify(raw)} has a '..' step, which a symlink before it would send elsewhere`,
      "name the file by its path from the workspace, without '..'",
    );
  }

  function checkFileWrite(judge, event, ctx) {
    const p = event.params ?? {};
    const targets = new Set(
      Array.isArray(event.derivedPaths) ? event.derivedPaths.filter((x) => typeof x === "string") : [],
    );
    for (const key of ["path", "file_path", "filePath", "file", "target"])
      if (typeof p[key] === "string") targets.add(p[key]);
    if (event.toolName === "apply_patch")
      for (const v of Object.values(p))
        if (typeof v === "string") for (const t of lib.patchTargets(v)) targets.add(t);
    if (targets.size === 0) return block(event, "the gate cannot tell which file this call writes");
    for (const t of targets) if (hasParentStep(t)) return parentStepRefusal(event, t);
    const workspace = workspaceOf(ctx);
    for (const t of targets)
      if (!fileToolPaths(t, { cwd: workspace, home }).stable)
        return block(
          event,
          `OpenClaw would rewrite ${JSON.stringify(t)} more than once`,
          "name the file plainly",
        );
    for (const t of targets)
      for (const p of writePaths(t, ctx)) {
        // The state folder holds config, .env, plugins, managed skills, cron jobs and credentials.
        if (isInside(stateDir, p) && !isInside(workspace, p) && !isInside(realPathOf(workspace), p))
          return block(
            event,
            `${p} is in OpenClaw's state folder ${stateDir} (configuration, plugins, skills, cron jobs), outside the agent's workspace`,
            "agents may not change their own start-up files; ask the operator",
          );
        const why = lib.agentStartupFile(p);
        if (why) return block(event, why, "agents may not change their own start-up files; ask the operator");
      }
    // Where the write really lands (through symlinks, dangling ones too) must be the workspace.
    const realWorkspace = realPathOf(workspace);
    for (const t of targets)
      for (const abs of fileToolPaths(t, { cwd: workspace, home }).candidates) {
        const real = realPathOf(abs);
        if (!isInside(realWorkspace, real))
          return block(
            event,
            `${t} ${real === abs ? "is" : "leads through a symlink to"} ${real}, outside the agent's workspace ${workspace}`,
            "write files inside the workspace",
          );
        // The policy's own write rules (blocked paths such as .npmrc or .envrc, git's files, hook
        // managers' and editors' task files) hold for a file tool as for a shell redirect.
        const j = judge.judge(`printf '' > ${shellQuote(real)}`, { cwd: realWorkspace, env: { HOME: home } });
        if (j.verdict !== "allow" && j.rule !== "default-deny")
          return block(
            event,
            `writing ${t} is judged like a shell redirect by policy ${judge.policy.name}: ${j.rule}: ${j.reason}`,
            "write ordinary files inside the workspace",
          );
      }
    // write and edit: OpenClaw gets the absolute path that was judged, which its own rewriting
    // (a leading @, an XML suffix, an Office extension) leaves as it is.
    if (event.toolName !== "apply_patch" && typeof p.path === "string")
      return { params: { ...p, path: fileToolPaths(p.path, { cwd: workspace, home }).used } };
    return undefined;
  }

  /**
   * Every absolute path OpenClaw's read tool may open for `raw`: each path OpenClaw may turn it
   * into (openclaw-paths.mjs: a leading `@`, `./@name` when that exists, file:// URLs, `~/`, an
   * XML suffix, an Office extension) and the other spellings it tries when a name does not exist.
   */
  function readPaths(raw, workspace) {
    const { candidates } = fileToolPaths(raw, { cwd: workspace, home });
    return [...new Set(candidates.flatMap((c) => [c, ...readPathVariants(c)]))];
  }

  /** Folders the read tool may read besides what the policy grants: the skills the agent loads. */
  function skillRoots() {
    const roots = [path.join(stateDir, "skills")];
    const extra = host.openclawConfig?.skills?.load?.extraDirs;
    if (Array.isArray(extra)) for (const d of extra) if (typeof d === "string") roots.push(d);
    for (const d of config.readRoots ?? []) if (typeof d === "string") roots.push(d);
    // The approved copies of pinned skills: the gate itself tells the agent to read them there.
    roots.push(lib.installedSkillsDir(agentHome));
    // The bundled skills ship next to the CLI entry (openclaw.mjs) in the package.
    const entry = process.argv[1];
    if (typeof entry === "string" && path.basename(entry) === "openclaw.mjs")
      roots.push(path.join(path.dirname(fs.realpathSync(entry)), "skills"));
    return roots.map((d) => realPathOf(path.resolve(d.startsWith("~/") ? path.join(home, d.slice(2)) : d)));
  }

  /**
   * read: a file the policy lets `cat` read (inside the workspace, not a blocked path; where
   * symlinks lead is checked by the judge), or a file of a skill folder the agent loads. Anything
   * else (~/.ssh, the gateway's config and .env, a symlink out of the workspace) is refused.
   */
  function checkFileRead(judge, event, ctx) {
    const p = event.params ?? {};
    const raw = [p.path, p.file_path, p.filePath].find((x) => typeof x === "string" && x !== "");
    if (raw === undefined) return block(event, "the gate cannot tell which file this call reads");
    return judgeLikeReader(judge, event, ctx, raw, readerOfFiles);
  }

  /**
   * ls: OpenClaw's directory listing opens any folder on the host (~/.ssh, the state folder); it
   * is judged like `ls PATH` by the policy, as exec would be. No path means the workspace.
   */
  function checkList(judge, event, ctx) {
    const p = event.params ?? {};
    if (p.path !== undefined && typeof p.path !== "string")
      return block(event, "the gate cannot tell which folder this call lists");
    const raw = typeof p.path === "string" && p.path !== "" ? p.path : ".";
    return judgeLikeReader(judge, event, ctx, raw, readerOfFolders);
  }

  /** A path a read-like tool opens, judged as `reader.program PATH` for every path OpenClaw may open. */
  function judgeLikeReader(judge, event, ctx, raw, reader) {
    if (hasParentStep(raw)) return parentStepRefusal(event, raw);
    const workspace = workspaceOf(ctx);
    if (!fileToolPaths(raw, { cwd: workspace, home }).stable)
      return block(
        event,
        `OpenClaw would rewrite ${JSON.stringify(raw)} more than once`,
        `name the ${reader.noun} plainly`,
      );
    for (const abs of readPaths(raw, workspace)) {
      const real = realPathOf(abs);
      if (skillRoots().some((r) => isInside(r, real) && (reader.rootItself || real !== r))) continue;
      const j = judge.judge(`${reader.program} ${shellQuote(abs)}`, {
        cwd: realPathOf(workspace),
        env: { HOME: home },
      });
      if (j.verdict !== "allow")
        return block(
          event,
          `${reader.verb} ${abs} is judged like \`${reader.program}\` by policy ${judge.policy.name}: ${j.rule}: ${j.reason}`,
          reader.fix,
        );
    }
    return undefined;
  }

  /** A planting command ends with its call, unless OpenClaw left it running as a session. */
  function settlePlanting(event) {
    const details = event.result?.details;
    const session = typeof details?.sessionId === "string" ? details.sessionId : undefined;
    const running = details?.status === "running";
    const own = event.toolCallId ? planting.get(event.toolCallId) : undefined;
    if (own && running && session) {
      own.sessionId = session;
      // OpenClaw starts each exec in its own process group, led by this pid.
      if (Number.isSafeInteger(details.pid) && details.pid > 1) own.pid = details.pid;
    } else if (own) planting.delete(event.toolCallId);
    if (event.toolName === "process" && session && !running)
      for (const [id, p] of planting) if (p.sessionId === session) planting.delete(id);
  }

  /** tool_call: the target tool's call judged as if made directly (blocked when that is blocked). */
  async function checkToolCall(event, ctx) {
    const p = event.params ?? {};
    // OpenClaw reads the target as id ?? toolId ?? name, or (flattened) by whichever of them names
    // a catalog entry, which the gate cannot see: two that differ are refused.
    const named = toolCallSelectors.filter((k) => p[k] !== undefined && p[k] !== null);
    const selector = named.length > 0 ? p[named[0]] : undefined;
    if (typeof selector !== "string" || selector.trim() === "")
      return block(event, "the gate cannot tell which tool this call runs");
    if (named.some((k) => p[k] !== selector))
      return block(
        event,
        `it names its target twice (${named.join(", ")}), and OpenClaw may run either`,
        "name the target once, with id",
      );
    // Catalog ids are source:sourceName:name; OpenClaw folds case and aliases bash → exec.
    const raw = selector.trim().split(":").at(-1).toLowerCase();
    const target = raw === "bash" ? "exec" : raw === "apply-patch" ? "apply_patch" : raw;
    if (target === toolSearchCall) return block(event, "tool_call may not call tool_call");
    const twice = toolCallInputTwice(p, named[0]);
    if (twice)
      return block(
        event,
        `it gives the target's parameters twice (${twice}), and which one OpenClaw runs depends on its reading order`,
        "give the target's parameters once, in args",
      );
    const params = toolCallInput(p, named[0]);
    if (typeof params !== "object" || params === null || Array.isArray(params))
      return block(event, "the target's parameters must be an object");
    // No call id: a planting command is refused here (none would ever settle under this id).
    const inner = await gate.beforeToolCall(
      { ...event, toolCallId: undefined, toolName: target, params },
      ctx,
    );
    if (inner?.block)
      return block(
        event,
        `it calls ${target}, which is refused: ${inner.blockReason}`,
        "call tools directly",
      );
    if (inner?.requireApproval) return { requireApproval: inner.requireApproval };
    return undefined;
  }

  /** Every other tool: its class (tool-classes.mjs) passes it, refuses it, or names files to judge. */
  async function otherTool(event, ctx) {
    const workspace = workspaceOf(ctx);
    const c = classifyTool(event, {
      allowTools,
      cwd: workspace,
      home,
      recipients,
      sessionKey: typeof ctx?.sessionKey === "string" ? ctx.sessionKey : undefined,
      // A sub-agent's or automation's model: only one the operator configured (rt13gate F4).
      models: operatorModels(currentOpenClawConfig() ?? {}),
    });
    if (c.pass) return undefined;
    if (c.refuse) return block(event, c.refuse.reason, c.refuse.fix);
    // Paths are resolved now: no command that may still be planting symlinks may be running.
    const busy = mode === "sandbox" ? undefined : plantingRefusal(event, undefined);
    if (busy) return busy;
    const judge = await withDeadline(ready, timeoutMs, ctx?.abortSignal);
    for (const file of c.read) {
      const refused = checkFileRead(judge, { ...event, params: { path: file } }, ctx);
      if (refused) return refused;
    }
    return undefined;
  }

  const gate = {
    ready,
    auditFile,
    /** before_tool_call: block, rewrite to the checked form, or ask. Never throws. */
    async beforeToolCall(raw, ctx) {
      const event =
        raw && typeof raw === "object" ? { ...raw, toolName: canonicalToolName(raw.toolName) } : raw;
      try {
        const isCodeMode = event?.toolKind === "code_mode_exec" || ctx?.toolKind === "code_mode_exec";
        if (isCodeMode)
          return block(
            event,
            "Code Mode runs JavaScript, which skillwall does not analyse",
            "turn Code Mode off for this agent",
          );
        if (event.toolName === "exec" || event.toolName === "process") {
          const shell = path.basename(env.SHELL ?? "sh");
          if (env.SHELL && !shellNames.has(shell))
            return block(
              event,
              `the host shell ${shell} is not a POSIX shell the gate's command line is written for`,
              "set SHELL=/bin/bash for the gateway",
            );
        }
        // The Control UI's terminal tool types into an operator's interactive shell: no command
        // boundary the gate could judge, so input is refused (reading and closing pass).
        if (event.toolName === "terminal")
          return terminalReadOnly.has(event.params?.action)
            ? undefined
            : block(
                event,
                "input to an interactive terminal runs in a shell the gate cannot check",
                "run the command with exec, where it is judged",
              );
        // Control-plane tools the owner's agent gets: they could disable or replace this plugin.
        if (event.toolName === "plugins")
          return pluginsReadOnly.has(event.params?.action)
            ? undefined
            : block(
                event,
                "installing, enabling, disabling, uninstalling or reloading plugins changes what guards the agent",
                "the operator manages plugins with the openclaw CLI",
              );
        if (event.toolName === "openclaw")
          return block(
            event,
            "the openclaw setup tool changes configuration, plugins and agents, which could switch skillwall off",
            "the operator changes configuration with the openclaw CLI",
          );
        if (mode !== "sandbox" && (fileTools.has(event.toolName) || readTools.has(event.toolName))) {
          const busy = plantingRefusal(event, undefined);
          if (busy) return busy;
        }
        // Skill Workshop writes and applies skills the agent then loads, past skillwall's install gate.
        if (event.toolName === "skill_workshop")
          return workshopReadOnly.has(event.params?.action)
            ? undefined
            : block(
                event,
                "skill_workshop creates, patches and applies skills the agent loads, which skillwall's install gate never sees",
                "the operator installs skills through the install gate (openclaw skills install)",
              );
        // OpenClaw runs tool_call's target through this hook again; judging it here too means a
        // refusal does not depend on that. A target the gate cannot name is refused.
        if (event.toolName === toolSearchCall) return await checkToolCall(event, ctx);
        if (fileTools.has(event.toolName))
          return checkFileWrite(await withDeadline(ready, timeoutMs, ctx?.abortSignal), event, ctx);
        if (readTools.has(event.toolName))
          return checkFileRead(await withDeadline(ready, timeoutMs, ctx?.abortSignal), event, ctx);
        if (event.toolName === "ls")
          return checkList(await withDeadline(ready, timeoutMs, ctx?.abortSignal), event, ctx);
        if (event.toolName === "web_fetch") return await checkWebFetch(event, ctx);
        if (event.toolName !== "exec" && event.toolName !== "process") return await otherTool(event, ctx);
        const judge = await withDeadline(ready, timeoutMs, ctx?.abortSignal);
        if (event.toolName === "exec") return await judgeExec(judge, event, ctx);
        // Only input names paths; poll, log, kill and remove must reach a planting session.
        const busy =
          mode === "sandbox" || !inputActions.has(event.params?.action)
            ? undefined
            : plantingRefusal(event, undefined);
        return busy ?? judgeProcessInput(judge, event, ctx);
      } catch (err) {
        return block(
          event ?? { toolName: "?" },
          `the gate failed, so the call is refused: ${lib.describeError(err)}`,
        );
      }
    },
    /** after_tool_call: one audit record per call, and a check that what ran is what was issued. */
    afterToolCall(raw) {
      const event = { ...raw, toolName: canonicalToolName(raw?.toolName) };
      if (event.toolName !== "exec" && event.toolName !== "process") return;
      const expected = event.toolCallId ? issued.get(event.toolCallId) : undefined;
      if (event.toolCallId) issued.delete(event.toolCallId);
      settlePlanting(event);
      if (event.toolCallId) handoff?.done(event.toolCallId);
      const ran = event.params?.command;
      record("execution", {
        source: "openclaw",
        tool: event.toolName,
        toolCallId: event.toolCallId,
        runId: event.runId,
        outcome: event.error ? "failed" : "ok",
        exitCode: exitCodeOf(event.result),
        durationMs: event.durationMs,
        ...(event.error ? { error: String(event.error).slice(0, 500) } : {}),
        ...(expected !== undefined && ran !== expected
          ? { mismatch: "the command that ran is not the one skillwall issued" }
          : {}),
      });
    },
  };
  return gate;
}

/** Programs whose operands are files they create or change: which operands, and how. */
const writerOperands = new Map([
  ["tee", "all"],
  ["touch", "all"],
  ["truncate", "all"],
  ["cp", "destination"],
  ["install", "destination"],
  ["ln", "destination"],
  // mv also removes its sources: renaming SOUL.md away changes the agent as writing it does.
  ["mv", "all"],
]);
const outputRedirects = new Set([">", ">>", ">|", "<>", "&>", "&>>", ">&"]);

/**
 * The absolute paths a judged command line may create or change: redirect targets, and the
 * operands of the writers above (a destination folder also as DIR/<name of each source>, where
 * cp and mv really write). A superset: a name that is not really written is checked too.
 */
function execWriteTargets(judged, cwd, home) {
  const out = new Set();
  const abs = (word, dir) =>
    path.resolve(dir, word === "~" ? home : word.startsWith("~/") ? path.join(home, word.slice(2)) : word);
  for (const c of judged.commands) {
    const dir = c.cwd ?? cwd;
    for (const r of c.command.redirects ?? []) {
      const target = r.target?.value;
      if (!outputRedirects.has(r.op) || typeof target !== "string" || target === "") continue;
      if (r.op === ">&" && /^(\d+|-)$/.test(target)) continue; // a descriptor copy, not a file
      out.add(abs(target, dir));
    }
    const argv = c.command.argv.map((w) => w.value);
    const how = writerOperands.get(path.basename(argv[0] ?? ""));
    if (how === undefined) continue;
    const operands = [];
    const folders = [];
    let options = true;
    for (let i = 1; i < argv.length; i++) {
      const w = argv[i];
      if (options && w === "--") options = false;
      else if (options && (w === "-t" || w === "--target-directory")) folders.push(argv[++i] ?? "");
      else if (options && w.startsWith("--target-directory=")) folders.push(w.slice(19));
      else if (options && w.startsWith("-") && w !== "-") continue;
      else operands.push(w);
    }
    if (how === "all") for (const w of operands) out.add(abs(w, dir));
    if (how === "destination" || how === "all") {
      if (folders.length === 0 && operands.length > 0) folders.push(operands.at(-1));
      for (const f of folders) {
        out.add(abs(f, dir));
        for (const src of operands) out.add(path.join(abs(f, dir), path.basename(abs(src, dir))));
      }
    }
  }
  return [...out];
}

/** One audit log (one hash chain) per file per process, however often the plugin registers. */
function sharedAudit(lib, file) {
  const key = Symbol.for("skillwall.openclaw.audit");
  const logs = (globalThis[key] ??= new Map());
  let log = logs.get(file);
  if (!log) {
    log = lib.openAuditLog({ file });
    logs.set(file, log);
  }
  return log;
}

/**
 * Whether a process of the group `pid` leads (or `pid` itself) still runs. Unsure (EPERM) is
 * alive: the lock stays.
 */
function processGroupAlive(pid) {
  for (const target of [-pid, pid]) {
    try {
      process.kill(target, 0);
      return true;
    } catch (err) {
      if (err?.code !== "ESRCH") return true;
    }
  }
  return false;
}

/** Whether `file` is `dir` or below it. */
function isInside(dir, file) {
  const rel = path.relative(dir, file);
  // "..sw" is a child named "..sw"; only ".." itself or "../…" leaves `dir`.
  return rel === "" || (rel !== ".." && !rel.startsWith(`..${path.sep}`) && !path.isAbsolute(rel));
}

/**
 * Whether `file` (a real path) is `dir` or lies below it, by name or by identity: its nearest
 * existing folder and every folder above it are compared with `dir` by device and inode, so a
 * bind-mount alias of the workspace (another name, the same inode) is caught too. A folder that
 * cannot be stat'ed on the way up counts as a match (refuse).
 */
function within(file, dir) {
  if (isInside(dir, file)) return true;
  let target;
  try {
    target = fs.statSync(dir);
  } catch {
    return false; // no folder there yet: nothing lies in it
  }
  let p = file;
  for (;;) {
    let st;
    try {
      st = fs.statSync(p);
    } catch {
      st = undefined;
    }
    if (st !== undefined) break;
    if (path.dirname(p) === p) return false;
    p = path.dirname(p);
  }
  for (;;) {
    let st;
    try {
      st = fs.statSync(p);
    } catch {
      return true;
    }
    if (st.dev === target.dev && st.ino === target.ino) return true;
    if (path.dirname(p) === p) return false;
    p = path.dirname(p);
  }
}

/**
 * Why someone other than root or this process's user could rename entries in the real folder
 * `dir` or in a folder above it, or undefined (sudo's safe-path rule; a sticky world-writable
 * folder like /tmp is fine for an entry root or this user owns, as each one here must be).
 */
function renamableByOthers(dir) {
  const me = process.geteuid?.() ?? 0;
  for (let p = dir; ; p = path.dirname(p)) {
    const st = fs.lstatSync(p);
    if (st.uid !== 0 && st.uid !== me) return `${p} is owned by uid ${st.uid}`;
    if ((st.mode & 0o022) !== 0 && (st.mode & 0o1000) === 0) return `others can write ${p}`;
    if (path.dirname(p) === p) return undefined;
  }
}

/** `file` with every symlink in its existing part resolved (a write follows them, dangling too). */
function realPathOf(file, depth = 0) {
  let head = file;
  const rest = [];
  for (;;) {
    try {
      return path.join(fs.realpathSync(head), ...rest);
    } catch {
      let link;
      try {
        link = fs.readlinkSync(head);
      } catch {
        link = undefined;
      }
      // A dangling link: a write creates its target. 40 hops is the kernel's own limit.
      if (link !== undefined && depth < 40)
        return realPathOf(path.join(path.resolve(path.dirname(head), link), ...rest), depth + 1);
      const parent = path.dirname(head);
      if (parent === head) return file;
      rest.unshift(path.basename(head));
      head = parent;
    }
  }
}

/**
 * Every workspace OpenClaw may give an agent (openclaw-workspaces.mjs: configured ones, the env's
 * defaults, `<defaults>/<id>`, `$STATE/workspace-<id>`, profiles) and, when the plugin API gives
 * OpenClaw's own resolver, its answer for each listed agent and the default one; through symlinks.
 */
function allWorkspaces(host, env) {
  const cfg = host.openclawConfig ?? {};
  const dirs = possibleWorkspaces(cfg, env);
  if (typeof host.resolveAgentWorkspaceDir === "function") {
    const ids = new Set([defaultAgentId(cfg), "main"]);
    if (Array.isArray(cfg.agents?.list))
      for (const a of cfg.agents.list) if (typeof a?.id === "string") ids.add(a.id);
    for (const id of ids) dirs.push(path.resolve(String(host.resolveAgentWorkspaceDir(cfg, id, env))));
  }
  return [...new Set(dirs.map((d) => realPathOf(d)))];
}

/**
 * skillwall's own files (the checkout holding this plugin and the library it loads, the policy
 * file, the audit log, the agent home's state folder with the lockfile) inside a workspace are files the agent may write: one allowed edit of
 * gate.mjs or the policy, or one removal of the plugin's manifest, and the next run is unguarded
 * (OpenClaw skips a plugin it cannot load). The plugin refuses to start there (every call is
 * then blocked) rather than guard from a folder the guarded agent can change.
 */
function refuseOwnFilesInWorkspace({ lib, host, env, policyRef, auditFile, agentHome }) {
  const own = [];
  if (typeof host.pluginDir === "string")
    own.push(["the skillwall checkout", path.resolve(host.pluginDir, "../..")]);
  // As the library resolves it: a shipped name, else a path from the gateway's cwd ("rt.yaml" too).
  const policyFile = policyFileOf(lib, policyRef);
  if (policyFile !== undefined) own.push(["the policy file", policyFile]);
  own.push(["the audit log", auditFile]);
  // The pins the gate answers fetches from: whoever rewrites the lockfile unpins a URL (rt12 R1).
  own.push(["skillwall's state folder (lockfile and pinned copies)", lib.stateDirFor(agentHome)]);
  refuseInWorkspaces(allWorkspaces(host, env), own);
}

/**
 * The folders OpenClaw loads code from at start besides its own: each plugins.load.paths entry
 * (a plugin the gateway imports) and each hooks.internal.load.extraDirs entry (hook handlers the
 * gateway runs on its events; a linked hook pack adds one), as OpenClaw's resolveUserPath reads them. One inside a workspace is
 * code the agent may write: the file tools and exec's redirects write ordinary workspace files,
 * and the next start runs what they wrote inside the gateway, where no hook judges it and it can
 * switch skillwall off. The plugin refuses to start there, as for its own files (rt12gate G1).
 */
function refuseCodeFoldersInWorkspace(host, env) {
  const cfg = host.openclawConfig ?? {};
  const sources = [
    ["plugins.load.paths", cfg.plugins?.load?.paths],
    ["hooks.internal.load.extraDirs", cfg.hooks?.internal?.load?.extraDirs],
  ];
  const folders = [];
  for (const [key, list] of sources)
    for (const entry of Array.isArray(list) ? list : []) {
      const dir = userPath(entry, env);
      if (dir !== undefined) folders.push([`a folder the gateway loads code from (${key})`, dir]);
    }
  refuseInWorkspaces(allWorkspaces(host, env), folders);
}

/**
 * Sandbox mode keeps each job's FIFOs and output in a 0700 folder it makes in the gateway's temp
 * folder, and writes the job's output there. A temp folder inside a workspace is one the sandboxed
 * commands see (as the same uid, often): a symlink planted in a job's folder would turn the
 * gate's write of the output into a write of any file the gateway's user owns (rt12 R5).
 */
function refuseHandoffInWorkspace(host, env) {
  const temp = realPathOf(os.tmpdir());
  // And where another user could rename the gate's 0700 folder away (a TMPDIR under their folder,
  // or under a group- or world-writable one that is not sticky like /tmp): their own folder at
  // its name would get the job's output and feed the stub its own (rt13).
  const why = renamableByOthers(temp);
  if (why !== undefined)
    throw new Error(
      `the temp folder ${temp}, where sandbox mode keeps each job's output, is not safe: ${why}, who could swap the gate's folder there (fix: start the gateway with TMPDIR unset or set to a folder only root or its own user can write, e.g. /tmp)`,
    );
  for (const ws of allWorkspaces(host, env))
    if (within(temp, ws))
      throw new Error(
        `the temp folder ${temp}, where sandbox mode keeps each job's output, is inside the agent workspace ${ws}, where sandboxed commands could plant links in it (fix: start the gateway with TMPDIR outside every agent workspace)`,
      );
}

/** The file the library loads for policy `ref` when it is not a shipped policy, else undefined. */
function policyFileOf(lib, ref) {
  if (typeof ref !== "string" || ref.trim() === "") return undefined;
  if (/^[a-z0-9][a-z0-9-]*$/.test(ref) && lib.shippedPolicies().includes(ref)) return undefined;
  return path.resolve(ref);
}

/** Throws when one of `own` ([what, file]) is inside one of `workspaces` (or holds it). */
function refuseInWorkspaces(workspaces, own) {
  for (const ws of workspaces)
    for (const [what, file] of own) {
      const real = realPathOf(file);
      if (within(real, ws) || within(ws, real))
        throw new Error(
          `${what} ${real} is inside the agent workspace ${ws} (or holds it), where the agent could change it (fix: move it outside every agent workspace)`,
        );
    }
}

/**
 * How many redirects OpenClaw 2026.9.6's web_fetch follows under `config`, as its
 * resolveMaxRedirects reads tools.web.fetch.maxRedirects (a finite number, floored, at least 0;
 * anything else is the default 3); undefined when there is no config to read.
 */
export function webFetchRedirects(config) {
  if (typeof config !== "object" || config === null) return undefined;
  const v = config.tools?.web?.fetch?.maxRedirects;
  return Math.max(0, Math.floor(typeof v === "number" && Number.isFinite(v) ? v : 3));
}

/**
 * The URL OpenClaw 2026.9.6's web_fetch requests for `raw` (sanitizeWebFetchUrl): trailing
 * whitespace and control characters dropped, leading whitespace dropped, whitespace after
 * `http(s)://` and after a bare authority dropped.
 */
export function webFetchUrl(raw) {
  let end = raw.length;
  while (end > 0 && raw.charCodeAt(end - 1) <= 32) end -= 1;
  return raw
    .slice(0, end)
    .replace(/^\s+/, "")
    .replace(/^(https?:\/\/)\s+/i, "$1")
    .replace(/^(https?:\/\/[^/?#\s]+)\s+$/i, "$1");
}

function exitCodeOf(result) {
  for (const v of [result?.details?.exitCode, result?.exitCode, result?.details?.status?.exitCode])
    if (typeof v === "number") return v;
  return null;
}

function withDeadline(promise, ms, signal) {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(new Error("the tool call was cancelled"));
    const timer = setTimeout(() => reject(new Error(`no verdict within ${ms} ms (timeoutMs)`)), ms);
    const onAbort = () => reject(new Error("the tool call was cancelled"));
    signal?.addEventListener?.("abort", onAbort, { once: true });
    promise.then(resolve, reject).finally(() => {
      clearTimeout(timer);
      signal?.removeEventListener?.("abort", onAbort);
    });
  });
}
