// skillwall's OpenClaw plugin: every exec call is judged in-process and, when allowed, rewritten
// to the canonical form that was checked; process input, Code Mode, file reads (by the policy's
// path rules) and writes (the workspace only, never the agent's start-up files) are gated too;
// every other tool is classed (tool-classes.mjs) and unknown ones are refused; every call is
// recorded in one hash-chained audit log.
//
// It uses skillwall's public API only: the package entry dist/index.js of the checkout this
// folder lives in (run `npm run build` there first). It is loaded with require() from the
// plugin's real folder (api.rootDir) rather than a static import: OpenClaw copies a plugin's
// statically imported modules into a private build directory, without the library's data
// files (shipped policies, the shell parser's wasm).
//
// The gate's own modules are imported the same way, inside register(), and nothing but OpenClaw's
// entry helper is imported statically: a plugin whose module fails to load is skipped, and the
// Gateway then starts without it and runs every turn unguarded (it fails only `agent --local`).
// A gate that cannot load is a gate that refuses every call.

import { createRequire } from "node:module";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { definePluginEntry } from "openclaw/plugin-sdk/plugin-entry";

/**
 * Last among before_tool_call handlers: OpenClaw keeps the last returned params, so ours run.
 * No matcher: every tool call reaches the gate, which refuses tools it does not know
 * (tool-classes.mjs); omitting the matcher is OpenClaw's only match-all form.
 */
const PRIORITY = -10_000;

function pluginRoot(rootDir) {
  if (typeof rootDir !== "string")
    throw new Error("OpenClaw did not say where the plugin folder is (api.rootDir)");
  return rootDir;
}

function loadLibrary(rootDir) {
  const entry = path.resolve(rootDir, "../../dist/index.js");
  return createRequire(path.join(rootDir, "index.mjs"))(entry);
}

/** Every gated call is blocked with `reason` (kept here: gate.mjs may be what failed to load). */
function refusing(reason) {
  return {
    async beforeToolCall(event) {
      return {
        block: true,
        blockReason: `skillwall blocked this ${event?.toolName ?? "tool"} call: ${reason}`,
      };
    },
    afterToolCall() {},
  };
}

const messageOf = (err) => (err instanceof Error ? err.message : String(err));

/** The gate, or a refusing one when the library, the gate's modules or the config fail. */
async function loadGate(api) {
  let root;
  let gateModule;
  let lib;
  try {
    root = pluginRoot(api.rootDir);
    gateModule = await import(pathToFileURL(path.join(root, "gate.mjs")).href);
    lib = loadLibrary(root);
  } catch (err) {
    // No library or no gate, no verdicts: every gated call is refused.
    api.logger?.error?.(`skillwall: ${String(err)}`);
    return refusing(
      `skillwall could not load (${messageOf(err)}); run npm run build in the skillwall checkout`,
    );
  }
  try {
    return gateModule.createGate(lib, api.pluginConfig ?? {}, {
      openclawConfig: api.config,
      // The config as it is at each call (a hot reload can turn web_fetch redirects back on).
      currentConfig: () => api.runtime?.config?.current?.(),
      env: process.env,
      logger: api.logger,
      pluginDir: root,
      // OpenClaw's own workspace resolver, so the gate judges the folder the tools work in.
      resolveAgentWorkspaceDir: api.runtime?.agent?.resolveAgentWorkspaceDir,
    });
  } catch (err) {
    // Invalid config, or skillwall's own files where the agent can change them: every call is refused.
    api.logger?.error?.(`skillwall: ${String(err)}`);
    return refusing(`skillwall refuses to start: ${messageOf(err)}`);
  }
}

export default definePluginEntry({
  id: "skillwall",
  name: "skillwall",
  description: "Judge every exec call against a skillwall policy and run only the checked form.",
  register(api) {
    // Any failure inside becomes a refusing gate; the promise itself never rejects.
    const gate = loadGate(api).catch((err) => refusing(`skillwall failed to start: ${messageOf(err)}`));
    api.on("before_tool_call", async (event, ctx) => (await gate).beforeToolCall(event, ctx), {
      priority: PRIORITY,
    });
    api.on("after_tool_call", async (event) => (await gate).afterToolCall(event), {
      matcher: ["exec", "process"],
    });
  },
});
