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

import { createRequire } from "node:module";
import path from "node:path";
import { definePluginEntry } from "openclaw/plugin-sdk/plugin-entry";
import { createGate, refusingGate } from "./gate.mjs";

/**
 * Last among before_tool_call handlers: OpenClaw keeps the last returned params, so ours run.
 * No matcher: every tool call reaches the gate, which refuses tools it does not know
 * (tool-classes.mjs); omitting the matcher is OpenClaw's only match-all form.
 */
const PRIORITY = -10_000;

function loadLibrary(rootDir) {
  if (typeof rootDir !== "string")
    throw new Error("OpenClaw did not say where the plugin folder is (api.rootDir)");
  const entry = path.resolve(rootDir, "../../dist/index.js");
  return createRequire(path.join(rootDir, "index.mjs"))(entry);
}

export default definePluginEntry({
  id: "skillwall",
  name: "skillwall",
  description: "Judge every exec call against a skillwall policy and run only the checked form.",
  register(api) {
    let gate;
    let lib;
    try {
      lib = loadLibrary(api.rootDir);
    } catch (err) {
      // No library, no verdicts: every gated call is refused.
      gate = refusingGate(
        `skillwall could not load (${err instanceof Error ? err.message : String(err)}); run npm run build in the skillwall checkout`,
      );
      api.logger?.error?.(`skillwall: ${String(err)}`);
    }
    if (lib !== undefined)
      try {
        gate = createGate(lib, api.pluginConfig ?? {}, {
          openclawConfig: api.config,
          env: process.env,
          logger: api.logger,
          pluginDir: api.rootDir,
          // OpenClaw's own workspace resolver, so the gate judges the folder the tools work in.
          resolveAgentWorkspaceDir: api.runtime?.agent?.resolveAgentWorkspaceDir,
        });
      } catch (err) {
        // Invalid config, or skillwall's own files where the agent can change them: every call is refused.
        gate = refusingGate(
          `skillwall refuses to start: ${err instanceof Error ? err.message : String(err)}`,
        );
        api.logger?.error?.(`skillwall: ${String(err)}`);
      }
    api.on("before_tool_call", (event, ctx) => gate.beforeToolCall(event, ctx), { priority: PRIORITY });
    api.on("after_tool_call", (event) => gate.afterToolCall(event), { matcher: ["exec", "process"] });
  },
});
