// What the gate does with every tool it does not judge itself (exec, process, the file tools,
// terminal, plugins, openclaw, skill_workshop, tool_call, web_fetch: gate.mjs). A firewall
// that lets a tool it never looked at through is not one: each tool OpenClaw 2026.9.6 can give
// the agent (the core list in dist/core-tool-factory-descriptors-*.mjs and the bundled plugins'
// contracts.tools) is put in one class here, from its source:
//   pass     no effect on the host and no local file named by the model
//   read     opens local files the model names: each path is judged like the read tool's
//   actions  the tool's read-only (or otherwise harmless) actions pass, the rest are refused
//   refuse   runs code, changes the host, or changes the agent's guards or schedules
// Any other name (another plugin's tool, an MCP tool) is refused until the operator lists it in
// the plugin's allowTools. docs/openclaw.md has the table with the reasons.

import path from "node:path";
import { fileURLToPath } from "node:url";
import {
  automationRecipientRefusal,
  conversationRefusal,
  messageRecipientRefusal,
  parseRecipients,
  sessionSendRefusal,
} from "./recipients.mjs";
import { unchosenModel } from "./operator-models.mjs";

/** Names gate.mjs judges itself: they never reach this module, and allowTools may not name them. */
export const gatedByGate = new Set([
  "exec",
  "process",
  "terminal",
  "plugins",
  "openclaw",
  "read",
  "ls",
  "write",
  "edit",
  "apply_patch",
  "web_fetch",
  "skill_workshop",
  "tool_call",
]);

/** Tools with no host effect and no local file access: why each is harmless. */
const passTools = new Map([
  ["ask_user", "asks the human a question"],
  ["agents_list", "lists configured agents"],
  ["agents_wait", "waits for other agents' runs"],
  ["conversations_list", "lists conversations"],
  ["sessions_history", "reads session transcripts from OpenClaw's store"],
  ["sessions_list", "lists sessions"],
  ["sessions_search", "searches session transcripts"],
  ["sessions_yield", "ends the turn until a sub-agent answers"],
  ["subagents", "lists, waits for or cancels sub-agent runs"],
  ["get_goal", "reads the session goal"],
  ["create_goal", "sets the session goal (text)"],
  ["update_goal", "updates the session goal (text)"],
  ["suggest_task", "suggests a task in the UI"],
  ["dismiss_task", "dismisses a suggested task"],
  ["structured_output", "returns the turn's structured result"],
  ["progress_card", "shows progress in the UI"],
  ["web_search", "searches the web through the configured provider"],
  ["tts", "speaks text through the configured provider"],
  ["github_identity_status", "reports which GitHub identity is linked"],
  ["memory_search", "searches the agent's memory index"],
  ["memory_get", "reads an excerpt of the memory files OpenClaw indexes (its own corpus only)"],
  ["tool_search", "searches the Tool Search catalog's names and descriptions (lexical, in memory)"],
  ["tool_describe", "returns a catalog tool's input schema; tool_call, which runs it, is judged"],
]);

/** Tools whose named `action` values pass; every other action (and none) is refused. */
const actionTools = new Map([
  [
    "automations",
    {
      pass: ["status", "list", "get", "runs", "remove", "wake", "next_check"],
      judged: ["add", "update"],
      reason:
        "running an automation now (run) starts whatever job it names, shell commands and scripts included",
    },
  ],
  [
    "secrets",
    { pass: ["list", "request"], reason: "deleting a stored secret changes the agent's credentials" },
  ],
  [
    "gateway",
    {
      pass: ["config.schema.lookup"],
      reason:
        "update.run replaces and restarts OpenClaw, the code that loads skillwall; config.get returns the Gateway's config, whose secrets OpenClaw redacts only by key name (an env var GH_PAT, AWS_ACCESS_KEY_ID or a DATABASE_URL with a password is returned as written), and the read tool refuses that file",
    },
  ],
  [
    "nodes",
    {
      pass: [
        "status",
        "describe",
        "pending",
        "device_status",
        "device_info",
        "device_permissions",
        "device_health",
      ],
      reason:
        "node actions other than status queries run commands, approve pairings or drive devices outside the gate",
    },
  ],
  ["mobile_ui", { pass: ["observe"], reason: "act taps and types on a paired device" }],
  ["dashboard", { pass: ["read", "focus_tab"], reason: "it changes the operator's dashboard" }],
  ["theme", { pass: ["list", "get", "set"], reason: "import loads a theme the gate cannot see" }],
  [
    "transcripts",
    {
      pass: ["list", "show", "status", "summarize"],
      reason: "start, stop and import capture or load recordings outside the gate",
    },
  ],
  [
    "sessions",
    {
      pass: ["group_list", "cloud_profiles"],
      reason: "it changes, resets, moves or deletes sessions",
    },
  ],
]);

/** Tools refused whatever their parameters. */
const refuseTools = new Map([
  ["computer", "it moves the mouse and types on the host's desktop, into any terminal there"],
  ["screen", "it opens and drives terminal and browser panes of the desktop app"],
  ["browser", "a browser opens file:// URLs, uploads local files and runs page scripts"],
  ["canvas", "a canvas runs the agent's HTML and JavaScript on a node"],
  ["portal", "it exposes a local HTTP server through a public route"],
  ["github_publish", "it publishes workspace files to GitHub"],
  ["file_fetch", "it copies files from a node by path"],
  ["dir_list", "it lists folders of a node by path"],
  ["dir_fetch", "it copies folders from a node by path"],
  ["file_write", "it writes files on a node by path"],
  ["onepassword", "it reads the operator's 1Password vaults"],
]);

/** Media tools: the parameters holding local references (path or file:// URL), one or a list. */
const mediaTools = new Map([
  ["view_image", ["path", "paths"]],
  ["image", ["image", "images"]],
  ["pdf", ["pdf", "pdfs"]],
  ["image_generate", ["image", "images"]],
  ["music_generate", ["image", "images"]],
  ["video_generate", ["image", "images", "video", "videos", "audioRef", "audioRefs"]],
]);

/** Legacy names OpenClaw still accepts for a tool (automations-tool-name: cron). */
const aliases = new Map([["cron", "automations"]]);

/** Schedule and payload kinds an automation the agent adds may have: a time, and a turn or event. */
const safeKinds = new Set(["at", "every", "cron", "agentturn", "systemevent"]);
/**
 * Automation fields that start a host process or run JavaScript (a stream or on-exit schedule's
 * command and its cwd/mode/match/batching, a command payload's argv, a script payload or trigger,
 * the script's tool budget). Compared trimmed and lowercased: OpenClaw trims padded keys.
 */
const forbiddenAutomationKeys = new Set([
  "command",
  "argv",
  "script",
  "trigger",
  "triggers",
  "cwd",
  "match",
  "batchms",
  "maxbatchbytes",
  "toolbudget",
  "env",
]);
/**
 * Every other field an automation's add/update may carry, at any depth (lowercased): the call's
 * own (id, job, data …), a job's, a time schedule's, a turn/event payload's, delivery,
 * failure alerts and pacing, as OpenClaw 2026.9.6's cron tool schema and normaliser read them.
 * A field outside this list is refused: the gate has not classed what it does.
 */
const knownAutomationKeys = new Set([
  ...["action", "id", "jobid", "job", "data", "contextmessages", "timeoutms", "runmode"],
  ...["name", "declarationkey", "displayname", "owner", "schedule", "pacing", "trigger"],
  ...["sessiontarget", "wakemode", "payload", "delivery", "enabled", "description"],
  ...["deleteafterrun", "agentid", "sessionkey", "failurealert", "namepayload", "sessiontargetname"],
  ...["kind", "schedulekind", "at", "atms", "every", "everyms", "anchorms", "cron", "expr", "tz"],
  ...["stagger", "staggerms", "exact", "message", "text", "model", "fallbacks", "toolsallow"],
  ...["thinking", "timeoutseconds", "lightcontext", "allowunsafeexternalcontent"],
  ...["mode", "channel", "to", "threadid", "accountid", "besteffort", "failuredestination"],
  ...["completiondestination", "cooldownms", "after", "min", "max"],
]);
/** Parameters that send a tool's request to another gateway, where skillwall may not be loaded (compared as paramName). */
const otherGatewayKeys = new Set(["gatewayurl", "gatewaytoken"]);
/** Keys of a schedule or payload kind (namePayload/scheduleKind are repaired into them). */
const kindKeys = new Set(["kind", "schedulekind", "payloadkind"]);
/** How deep a call's parameters are read (automations, message); deeper is refused rather than half read. */
const maxDepth = 12;

/** sessions_spawn parameters that keep the child an ordinary sub-agent whose tools pass this gate. */
const spawnSafeKeys = new Set([
  "task",
  "taskname",
  "label",
  "runtime",
  "agentid",
  "model",
  "runtimeoutseconds",
  "timeoutseconds",
  "thinking",
  "mode",
  "cleanup",
  "expectscompletionmessage",
  "completiontarget",
  "sandbox",
  "context",
  "lightcontext",
  "collect",
  "outputschema",
  "fastmode",
  "groupid",
  "visible",
  "group",
  "description",
  "thread",
]);

/** message parameters that carry attachments, which may be local files. */
const attachmentKey =
  /^(media|mediaurls?|path|paths|filepath|fileurl|filename|file|files|buffer|attachments?|attachas|image|images|video|videos|audio|voice|document|documents|sticker|avatar|icon|photo|thumbnail)$/i;
/**
 * A parameter name as OpenClaw's readers match it: they also take the snake_case spelling of a
 * key (`file_url` for `fileUrl`), so names are compared without `_`, case or padding.
 */
const paramName = (key) => key.trim().replace(/_/g, "").toLowerCase();
/** A string that names a local file (OpenClaw's media loaders take these). */
const localReference = /^\s*(@\s*)?(MEDIA\s*:|file:|~\/|\.{1,2}[\\/]|\/[^\s/]+\/|[a-zA-Z]:[\\/])/i;

/**
 * The class decision for one call of a tool gate.mjs does not judge itself.
 * @returns {{ pass: true } | { refuse: { reason: string, fix: string } } | { read: string[] }}
 *   read: absolute local paths the call opens, each to be judged like the read tool's path;
 */
export function classifyTool(
  event,
  { allowTools, cwd, home, recipients = parseRecipients(undefined), sessionKey, models = new Set() },
) {
  const raw = typeof event.toolName === "string" ? event.toolName : "";
  const lower = raw.trim().toLowerCase();
  const name = aliases.get(lower) ?? lower;
  const p = isRecord(event.params) ? event.params : {};
  // OpenClaw folds tool names to lower case before the hook (gate.mjs does too), and so does allowTools.
  // show_widget stays judged when listed: allowTools lets plain widgets run, never capabilities.
  if (allowTools.has(name) && name !== "show_widget") return { pass: true };
  // A gated or classed tool under another spelling (EXEC, " read"): OpenClaw may still run it.
  if (gatedByGate.has(name) || (lower !== raw && knownTool(name)))
    return refuse(
      `${JSON.stringify(raw)} is not spelled as OpenClaw names its tool ${JSON.stringify(name)}`,
      `call it as ${name}`,
    );
  // OpenClaw reads these with readToolStringParam, which also takes gateway_url / gateway_token.
  const elsewhere = Object.keys(p).find((k) => otherGatewayKeys.has(paramName(k)));
  if (elsewhere !== undefined)
    return refuse(
      `${name} with ${elsewhere} talks to another gateway, where skillwall may not be loaded`,
      `omit ${elsewhere}`,
    );
  if (passTools.has(name)) return { pass: true };
  if (refuseTools.has(name))
    return refuse(
      refuseTools.get(name),
      `the operator may list ${name} in the skillwall plugin's allowTools`,
    );
  if (mediaTools.has(name)) return mediaPaths(name, p, cwd, home);
  if (name === "sessions_spawn") return checkSpawn(p, models);
  if (name === "show_widget") return checkShowWidget(p, allowTools.has(name));
  if (name === "message") return checkMessage(p, recipients);
  // Text delivered through the operator's channels: only to the recipients the operator listed.
  if (name === "conversations_send" || name === "conversations_turn")
    return refused(conversationRefusal(name, p, recipients));
  if (name === "sessions_send") return refused(sessionSendRefusal(p, recipients));
  if (name === "heartbeat_respond") return checkHeartbeatRespond(p);
  if (name === "session_status") return checkSessionStatus(p);
  if (name === "secrets" && typeof p.action === "string" && p.action.trim().toLowerCase() === "request") {
    const hosts = Object.keys(p).find((k) => paramName(k) === "allowedhosts" && present(p[k]));
    if (hosts !== undefined)
      return refuse(
        `secrets request with ${hosts} asks the human for a credential OpenClaw then substitutes into requests to hosts the model chose`,
        "request the secret without allowedHosts; the operator sets where a credential may go",
      );
  }
  const spec = actionTools.get(name);
  if (spec !== undefined) {
    const action = typeof p.action === "string" ? p.action.trim().toLowerCase() : p.action;
    if (spec.pass.includes(action)) return { pass: true };
    if (spec.judged?.includes(action))
      return action === "update"
        ? checkAutomationUpdate(p)
        : checkAutomationWrite(p, recipients, sessionKey, models);
    return refuse(
      `${name} action ${JSON.stringify(action ?? null)}: ${spec.reason}`,
      `use ${spec.pass.join(", ")}; or the operator lists ${name} in the skillwall plugin's allowTools`,
    );
  }
  return refuse(
    `skillwall does not know what tool ${JSON.stringify(raw)} does`,
    "list it in the plugin's allowTools config if it has no host effect",
  );
}

/** Whether the classes above name `name` (any class). */
function knownTool(name) {
  return (
    passTools.has(name) ||
    refuseTools.has(name) ||
    mediaTools.has(name) ||
    actionTools.has(name) ||
    name === "sessions_spawn" ||
    name === "message" ||
    recipientTools.has(name) ||
    name === "show_widget" ||
    name === "heartbeat_respond" ||
    name === "session_status"
  );
}

/** A parameter with a value (an empty list or text counts as none). */
function present(v) {
  if (v === undefined || v === null) return false;
  if (typeof v === "string") return v.trim() !== "";
  return !Array.isArray(v) || v.length > 0;
}

/**
 * session_status reports a session's status (passes), but its `model` patches the model of this
 * session or, with `sessionKey`, of another one (the main or heartbeat session): a prompt-injected
 * turn would choose the model every later turn there runs on (red team s11).
 */
function checkSessionStatus(p) {
  const key = Object.keys(p).find((k) => paramName(k) === "model" && p[k] !== undefined && p[k] !== null);
  if (key === undefined) return { pass: true };
  return refuse(
    `session_status with ${key} changes the model a session runs on from now on, this one or another (sessionKey)`,
    "ask for the status without model; the operator changes a session's model",
  );
}

/**
 * heartbeat_respond answers a heartbeat turn (passes), but its `scratch` replaces the heartbeat
 * monitor's scratch: in OpenClaw 2026.9.6 the instructions every later heartbeat turn follows
 * (they replaced HEARTBEAT.md, which the gate refuses to write), so one injected turn would
 * persist its instructions into every unattended turn after it.
 */
function checkHeartbeatRespond(p) {
  const key = Object.keys(p).find((k) => paramName(k) === "scratch" && p[k] !== undefined);
  if (key === undefined) return { pass: true };
  return refuse(
    `heartbeat_respond with ${key} replaces the heartbeat monitor's scratch, the instructions every later heartbeat turn follows (as HEARTBEAT.md was)`,
    "answer without scratch; the operator edits the scratch with openclaw cron scratch",
  );
}

/**
 * The local files a media tool opens, resolved as OpenClaw does (resolveMediaToolReferenceAccess):
 * trimmed, a leading `@` and `MEDIA:` dropped; data: and http(s) URLs are no local file; file://
 * URLs become their path, `~` the home folder, anything else relative to the working folder;
 * http(s) URLs are refused: OpenClaw fetches them and follows redirects the gate cannot see.
 */
function mediaPaths(name, p, cwd, home) {
  const refs = [];
  const wanted = new Set(mediaTools.get(name).map(paramName));
  for (const [key, v] of Object.entries(p)) {
    if (!wanted.has(paramName(key))) continue;
    if (v === undefined || v === null) continue;
    const list = Array.isArray(v) ? v : [v];
    for (const item of list) {
      if (typeof item !== "string")
        return refuse(`${key} must be text or a list of text`, "name each file as a path");
      refs.push(item);
    }
  }
  const out = [];
  for (const ref of refs) {
    if (hasParentStep(ref))
      return refuse(
        `the path ${JSON.stringify(ref)} has a '..' step, which a symlink before it would send elsewhere`,
        "name the file by its path from the workspace, without '..'",
      );
    let s = ref.trim();
    if (s.startsWith("@")) s = s.slice(1).trim();
    if (!/^media:\/\//i.test(s)) s = s.replace(/^\s*MEDIA\s*:\s*/i, "").trim();
    if (s === "") continue;
    if (/^data:/i.test(s)) continue;
    // OpenClaw fetches a remote reference and follows up to 3 redirects from it (its media
    // loader's fixed default, no setting): the gate would judge only the first host.
    if (/^https?:\/\//i.test(s))
      return refuse(
        `${name} fetches ${JSON.stringify(s.slice(0, 200))} and OpenClaw follows up to 3 redirects from it to any host, which skillwall never sees`,
        "fetch the file with web_fetch (judged, redirects off) or curl into the workspace, then name the local file",
      );
    if (/^file:/i.test(s)) {
      try {
        out.push(fileURLToPath(s));
      } catch {
        return refuse(
          `${JSON.stringify(ref)} is not a local file URL the gate can read`,
          "name the file as a path",
        );
      }
      continue;
    }
    if (/^[a-z][a-z0-9+.-]*:/i.test(s))
      return refuse(
        `the gate cannot tell which local file ${JSON.stringify(ref)} is`,
        "name the file as a path inside the workspace",
      );
    if (s.startsWith("~")) {
      if (s !== "~" && !s.startsWith("~/"))
        return refuse(
          `${JSON.stringify(ref)} names another user's home`,
          "name the file as a path inside the workspace",
        );
      out.push(path.join(home, s.slice(1)));
      continue;
    }
    out.push(path.resolve(cwd, s));
  }
  return { read: out, raw: refs };
}

function checkSpawn(p, models) {
  for (const [key, value] of Object.entries(p)) {
    const k = key.trim().toLowerCase();
    const unchosen = k === "model" ? unchosenModel(key, value, models) : undefined;
    if (unchosen) return refuse(`sessions_spawn with ${unchosen.reason}`, unchosen.fix);
    if (!spawnSafeKeys.has(k))
      return refuse(
        `sessions_spawn with ${JSON.stringify(key)}: a working folder, attachments, a project clone, a worktree or another runtime are outside what the gate checks`,
        "spawn a plain sub-agent (runtime subagent) with a task",
      );
    if (k === "runtime" && value !== "subagent")
      return refuse(
        `sessions_spawn runtime ${JSON.stringify(value)} runs an external coding agent whose tools never reach this gate`,
        "use runtime subagent",
      );
  }
  return { pass: true };
}

/**
 * show_widget: a widget shown in the chat (its HTML runs in the Control UI's sandboxed frame)
 * passes. A widget that declares capabilities asks the operator, with one click, to let it call
 * tools or trigger an automation (`cron.trigger:<job>` runs the job, an operator's command job
 * too); one sent to a node panel runs the agent's HTML and JavaScript on a paired device, as
 * canvas does.
 */
function checkShowWidget(p, listed) {
  for (const [key, value] of Object.entries(p)) {
    const k = paramName(key);
    if (k === "capabilities" && value !== undefined && value !== null)
      return refuse(
        "a widget with capabilities may call tools or trigger automations once the operator grants them, outside this gate",
        "show the widget without capabilities",
      );
    if (k === "presentation" && value !== undefined && value !== null) {
      const target = isRecord(value) ? value.target : value;
      if (target !== undefined && target !== "assistant_message")
        return refuse(
          `a widget presented to ${JSON.stringify(target)} runs the agent's HTML and JavaScript on a device, as canvas does`,
          "show the widget in the chat (presentation.target assistant_message)",
        );
    }
  }
  // The widget's HTML and JavaScript run in the operator's browser: a meta refresh or script
  // navigation of its frame, WebRTC and script loads from the CDNs its CSP lists (jsdelivr, esm.sh
  // and unpkg serve any author's code) reach hosts the frame's connect-src does not govern, with
  // whatever the model put in the page (red team s11). skillwall does not analyse it.
  if (!listed)
    return refuse(
      "a widget is HTML and JavaScript the model wrote, run in the operator's browser, where navigation, WebRTC and scripts from public CDNs can send what the page holds to any host; skillwall does not analyse it",
      "answer in text; or the operator lists show_widget in the skillwall plugin's allowTools (capabilities and device panels stay refused)",
    );
  return { pass: true };
}

/** Tools that deliver text to another session or conversation: judged by recipients.mjs. */
const recipientTools = new Set(["conversations_send", "conversations_turn", "sessions_send"]);

/** A recipients.mjs answer as a class decision. */
function refused(refusal) {
  return refusal === undefined ? { pass: true } : refuse(refusal.reason, refusal.fix);
}

function checkMessage(p, recipients) {
  let found;
  const whole = walk(p, (key, value) => {
    if (found) return;
    if (
      key !== undefined &&
      attachmentKey.test(paramName(key)) &&
      value !== null &&
      value !== undefined &&
      value !== ""
    )
      found = `${key} (an attachment)`;
    else if (typeof value === "string" && localReference.test(value) && value.trim().length < 4096)
      found = JSON.stringify(value.slice(0, 80));
  });
  if (!whole) return refuse("the message is nested too deeply to be read", "send plain text");
  if (found !== undefined)
    return refuse(
      `a message with ${found} may send a local file, which the gate does not judge here`,
      "send text only",
    );
  return refused(messageRecipientRefusal(p, recipients));
}

/**
 * automations add/update: only a time schedule (at, every, cron) with an agent turn or a system
 * event passes. Every field is read wherever OpenClaw's normaliser may take it from (job, data,
 * flat beside the action, padded keys, JSON text), so a command, script or trigger anywhere is
 * refused, and so is any kind that is not a time or a turn/event.
 */
function checkAutomationWrite(p, recipients, sessionKey, models) {
  let problem;
  let unchosen;
  const whole = walk(p, (key, value) => {
    if (problem !== undefined || unchosen !== undefined) return;
    if (key === undefined) return;
    const k = key.trim().toLowerCase();
    // The agent turn's model and fallbacks: only models the operator chose (operator-models.mjs).
    if (k === "model" || k === "fallbacks") unchosen = unchosenModel(key, value, models);
    if (forbiddenAutomationKeys.has(k) && !(k === "trigger" && value === null))
      problem = `sets ${JSON.stringify(key)}, a field of a command, stream or script job`;
    else if (!knownAutomationKeys.has(k))
      problem = `sets ${JSON.stringify(key)}, a field skillwall has not classed`;
    else if (kindKeys.has(k) && !isRecord(value)) {
      const kind = typeof value === "string" ? value.trim().toLowerCase() : value;
      if (!safeKinds.has(kind))
        problem = `has kind ${JSON.stringify(value)}, which is not a time schedule (at, every, cron) or an agentTurn/systemEvent payload`;
    } else if (
      k === "mode" &&
      typeof value === "string" &&
      ["line", "match"].includes(value.trim().toLowerCase())
    )
      problem = `has mode ${JSON.stringify(value)}, which belongs to a stream schedule`;
    else if (k === "mode" && typeof value === "string" && value.trim().toLowerCase() === "webhook")
      problem = `has a webhook delivery (mode ${JSON.stringify(value)}), which POSTs each run's output to a URL the model chose`;
  });
  if (!whole) problem = "has parameters nested too deeply to be read, or JSON text that does not parse";
  if (problem === undefined && unchosen !== undefined)
    return refuse(`this automation's agent turn has ${unchosen.reason}`, unchosen.fix);
  if (problem === undefined) return refused(automationRecipientRefusal(p, recipients, sessionKey));
  return refuse(
    `this automation ${problem}: a stream or on-exit schedule runs a host process, a script payload or trigger runs JavaScript, and a webhook delivery sends data out, none of which skillwall checks`,
    "schedule an agentTurn or systemEvent at a time (at, every or cron), delivered by announce or none; the turn's commands are then judged as usual",
  );
}

/**
 * Fields an automations `update` may carry: the call's own (action, id, job/data wrappers) and
 * labels. OpenClaw merges a patch into the stored job (applyJobPatch), which the gate cannot see:
 * an operator's stream or command job re-enabled, re-timed, re-delivered or freed of its trigger
 * by a patch the gate judged alone would run its host program. Lowercased, as OpenClaw trims keys.
 */
const updateSafeKeys = new Set(["action", "id", "jobid", "job", "data", "timeoutms"]);
const updateLabelKeys = new Set(["name", "description", "displayname"]);

/**
 * automations update: only labels change, and `enabled: false` (switching a job off); anything
 * else (schedule, payload, delivery, trigger, enabled: true …) is refused, since it would apply
 * to whatever job the id names, an operator's command job included. Removing the job and adding
 * a new one is judged whole, as `add`.
 */
function checkAutomationUpdate(p) {
  let problem;
  const whole = walk(p, (key, value) => {
    if (problem !== undefined || key === undefined) return;
    const k = key.trim().toLowerCase();
    if (updateSafeKeys.has(k)) return;
    if (updateLabelKeys.has(k) && (typeof value === "string" || value === null)) return;
    if (k === "enabled" && value === false) return;
    problem = k === "enabled" ? `sets enabled to ${JSON.stringify(value)}` : `changes ${JSON.stringify(key)}`;
  });
  if (!whole) problem = "has parameters nested too deeply to be read, or JSON text that does not parse";
  return problem === undefined
    ? { pass: true }
    : refuse(
        `this automation update ${problem}: OpenClaw merges it into the stored job, which the gate cannot see (an operator's stream or command job would run its host program)`,
        "update only name, description or displayName, or enabled: false; to change a job, remove it and add a new one (add is judged whole)",
      );
}

/**
 * Visits every key and value below `value`, JSON text included (a model may pass the job as a
 * string). False when the value is nested deeper than it is read, or is text that opens like
 * JSON but does not parse: the caller refuses it.
 */
function walk(value, visit, depth = 0, key = undefined) {
  if (depth > maxDepth) return false;
  visit(key, value);
  if (typeof value === "string") {
    const t = value.trim();
    if (!t.startsWith("{") && !t.startsWith("[")) return true;
    let parsed;
    try {
      parsed = JSON.parse(t);
    } catch {
      // Text that opens like JSON but does not parse: a lenient reader might still see fields in it.
      return false;
    }
    return walk(parsed, visit, depth + 1);
  }
  if (Array.isArray(value)) return value.every((item) => walk(item, visit, depth + 1));
  if (isRecord(value)) return Object.entries(value).every(([k, v]) => walk(v, visit, depth + 1, k));
  return true;
}

/** A `..` step, plain or percent-encoded (file:// URLs): judged paths are resolved by name. */
function hasParentStep(raw) {
  let text = raw;
  try {
    text = `${raw} ${decodeURIComponent(raw)}`;
  } catch {
    // not percent-encoded: the raw text is all there is
  }
  return text.split(/[\\/\s]/).some((part) => part === "..");
}

function isRecord(v) {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function refuse(reason, fix) {
  return { refuse: { reason, fix } };
}

/** allowTools from the plugin config: a list of tool names, each one this module does not judge by parameters. */
export function parseAllowTools(value) {
  if (value === undefined) return new Set();
  if (!Array.isArray(value))
    throw new Error('plugin config allowTools must be a list of tool names (fix: e.g. ["my_tool"])');
  const out = new Set();
  value.forEach((entry, i) => {
    if (typeof entry !== "string" || entry.trim() === "")
      throw new Error(`plugin config allowTools[${i}] must be a tool name (fix: a non-empty string)`);
    const name = entry.trim().toLowerCase();
    const judged =
      gatedByGate.has(name) ||
      mediaTools.has(name) ||
      actionTools.has(name) ||
      aliases.has(name) ||
      recipientTools.has(name) ||
      ["sessions_spawn", "message", "heartbeat_respond", "session_status"].includes(name);
    if (judged)
      throw new Error(
        `plugin config allowTools[${i}] names ${entry}, whose calls skillwall judges by their parameters (fix: remove it from allowTools)`,
      );
    out.add(name);
  });
  return out;
}
