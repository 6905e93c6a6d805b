// skillwall doctor --openclaw: what each config leaves unprotected, the fixes, the exit codes,
// and the config path OpenClaw itself would read. The fixtures validate against the real
// OpenClaw (test/integration/openclaw-doctor-validate.test.ts).
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import {
  checkOpenClawConfig,
  readOpenClawConfig,
  resolveOpenClawConfigPath,
} from "../../src/doctor/openclaw-config.js";
import { materialise, repoRoot } from "../fixtures/openclaw-doctor/materialise.js";
import { runCli } from "../helpers/cli.js";

function check(name: string): { ids: string[]; unprotected: string[]; fixes: Record<string, string> } {
  const file = materialise(name);
  const { config, missing } = readOpenClawConfig(file);
  const home = mkdtempSync(path.join(tmpdir(), "sw-ochome-"));
  const report = checkOpenClawConfig(config, {
    configPath: file,
    missing,
    home,
    stateDir: path.join(home, ".openclaw"),
    skillwallRoot: repoRoot,
  });
  return {
    ids: report.findings.map((f) => f.id),
    unprotected: report.findings.filter((f) => f.level === "unprotected").map((f) => f.id),
    fixes: Object.fromEntries(report.findings.map((f) => [f.id, f.fix ?? ""])),
  };
}

describe("doctor --openclaw: findings per config", () => {
  it("protected: nothing unprotected; the headless hole is still named", () => {
    const r = check("protected.json5");
    expect(r.unprotected).toEqual([]);
    expect(r.ids).toContain("plugin-loaded");
    expect(r.ids).toContain("agent-exec-no-hooks");
    expect(r.ids).not.toContain("fs-not-workspace-only");
  });

  it("OpenClaw's defaults: no plugin, exec full, no sandbox, no install policy", () => {
    const r = check("defaults.json5");
    expect(r.unprotected).toEqual([
      "plugin-not-loaded",
      "exec-full-without-plugin",
      "sandbox-off",
      "install-policy-off",
    ]);
    expect(r.fixes["fs-not-workspace-only"]).toBe("set tools.fs.workspaceOnly: true");
    expect(r.fixes["plugin-not-loaded"]).toBe(
      `openclaw plugins install --link ${path.join(repoRoot, "integrations/openclaw")} --force --accept-capabilities  (or add ${path.join(repoRoot, "integrations/openclaw")} to plugins.load.paths and set plugins.entries.skillwall.enabled: true)`,
    );
    expect(r.fixes["install-policy-off"]).toContain('"source":"exec"');
    expect(r.fixes["install-policy-off"]).toContain(
      `"${path.join(repoRoot, "bin/skillwall.js")}","openclaw","install-policy"`,
    );
  });

  it("half done: disabled plugin, foreign install policy without skills, non-main sandbox, an agent without sandbox, elevated on", () => {
    const r = check("half-done.json5");
    expect(r.unprotected).toEqual([
      "plugin-disabled",
      "exec-full-without-plugin",
      "sandbox-non-main",
      "sandbox-off-per-agent",
      "apply-patch-anywhere",
      "elevated-on",
      "install-policy-not-skillwall",
      "install-policy-no-skills",
    ]);
    expect(r.fixes["plugin-disabled"]).toContain("openclaw plugins enable skillwall --accept-capabilities");
    expect(r.fixes["elevated-on"]).toBe("set tools.elevated.enabled: false");
    expect(r.fixes["sandbox-off-per-agent"]).toContain("agents.entries.{coder}");
  });

  it("judge mode with OpenClaw's sandbox for all sessions: protected, judge mode named as a warning", () => {
    const r = check("judge-mode.json5");
    expect(r.unprotected).toEqual([]);
    expect(r.ids).toContain("plugin-judge-mode");
  });

  it("web_fetch redirects: named while the plugin is active and OpenClaw follows any (G6); gone at maxRedirects 0", () => {
    const home = mkdtempSync(path.join(tmpdir(), "sw-ochome-"));
    const ids = (tools: object) =>
      checkOpenClawConfig(
        {
          plugins: {
            load: { paths: [path.join(repoRoot, "integrations/openclaw")] },
            entries: { skillwall: { enabled: true } },
          },
          tools,
        },
        {
          configPath: path.join(home, "c.json5"),
          home,
          stateDir: path.join(home, ".openclaw"),
          skillwallRoot: repoRoot,
        },
      ).findings.map((f) => f.id);
    expect(ids({})).toContain("plugin-loaded");
    expect(ids({})).toContain("web-fetch-redirects");
    expect(ids({ web: { fetch: { maxRedirects: 2 } } })).toContain("web-fetch-redirects");
    expect(ids({ web: { fetch: { maxRedirects: 0 } } })).not.toContain("web-fetch-redirects");
    expect(ids({ web: { fetch: { enabled: false } } })).not.toContain("web-fetch-redirects");
    expect(ids({ web: { fetch: { maxRedirects: 0, provider: "firecrawl" } } })).toContain(
      "web-fetch-provider-fallback",
    );
  });

  it("plugins.enabled false: the enabled plugin does not count; exec in ask mode is not reported as full", () => {
    const r = check("plugins-off.json5");
    expect(r.unprotected).toEqual(["plugins-disabled", "sandbox-off", "install-policy-off"]);
  });

  it("a sandbox-mode setting of a plugin that does not load does not count as a sandbox", () => {
    const home = mkdtempSync(path.join(tmpdir(), "sw-ochome-"));
    const report = checkOpenClawConfig(
      { plugins: { entries: { skillwall: { enabled: true, config: { mode: "sandbox" } } } } },
      {
        configPath: path.join(home, "c.json5"),
        home,
        stateDir: path.join(home, ".openclaw"),
        skillwallRoot: repoRoot,
      },
    );
    expect(report.findings.map((f) => f.id)).toContain("sandbox-off");
  });

  it("an installed copy under the state dir's extensions counts as loaded", () => {
    const home = mkdtempSync(path.join(tmpdir(), "sw-ochome-"));
    const ext = path.join(home, ".openclaw", "extensions", "skillwall");
    mkdirSync(ext, { recursive: true });
    writeFileSync(path.join(ext, "openclaw.plugin.json"), JSON.stringify({ id: "skillwall" }));
    writeFileSync(
      path.join(ext, "package.json"),
      JSON.stringify({ openclaw: { extensions: ["./index.mjs"] } }),
    );
    writeFileSync(path.join(ext, "index.mjs"), "export default {};\n");
    const report = checkOpenClawConfig(
      { plugins: { entries: { skillwall: { enabled: true } } } },
      {
        configPath: path.join(home, "c.json5"),
        home,
        stateDir: path.join(home, ".openclaw"),
        skillwallRoot: repoRoot,
      },
    );
    expect(report.findings.find((f) => f.id === "plugin-loaded")?.level).toBe("ok");
  });

  it("a folder that declares another id is not the skillwall plugin", () => {
    const home = mkdtempSync(path.join(tmpdir(), "sw-ochome-"));
    const other = path.join(home, "other");
    mkdirSync(other);
    writeFileSync(path.join(other, "openclaw.plugin.json"), JSON.stringify({ id: "not-skillwall" }));
    const report = checkOpenClawConfig(
      { plugins: { load: { paths: [other] }, entries: { skillwall: { enabled: true } } } },
      {
        configPath: path.join(home, "c.json5"),
        home,
        stateDir: path.join(home, ".openclaw"),
        skillwallRoot: repoRoot,
      },
    );
    expect(report.findings[0]?.id).toBe("plugin-not-loaded");
  });

  it("$include content is not analysed: reported as unprotected", () => {
    const home = mkdtempSync(path.join(tmpdir(), "sw-ochome-"));
    const report = checkOpenClawConfig(
      { plugins: { $include: "./plugins.json5" } },
      {
        configPath: path.join(home, "c.json5"),
        home,
        stateDir: path.join(home, ".openclaw"),
        skillwallRoot: repoRoot,
      },
    );
    expect(report.findings[0]).toMatchObject({ id: "config-include", level: "unprotected" });
  });

  it("exec denied by tool policy: no exec finding and no headless warning", () => {
    const home = mkdtempSync(path.join(tmpdir(), "sw-ochome-"));
    const report = checkOpenClawConfig(
      { tools: { deny: ["exec"] } },
      {
        configPath: path.join(home, "c.json5"),
        home,
        stateDir: path.join(home, ".openclaw"),
        skillwallRoot: repoRoot,
      },
    );
    const ids = report.findings.map((f) => f.id);
    expect(ids).not.toContain("exec-full-without-plugin");
    expect(ids).not.toContain("agent-exec-no-hooks");
  });
});

describe("doctor --openclaw: the config path OpenClaw reads", () => {
  it("OPENCLAW_CONFIG_PATH wins, with ~ expanded against OPENCLAW_HOME", () => {
    expect(
      resolveOpenClawConfigPath(
        { OPENCLAW_CONFIG_PATH: "~/x/oc.json", OPENCLAW_HOME: "/srv/oc", HOME: "/home/u" },
        "/root",
      ),
    ).toBe("/srv/oc/x/oc.json");
  });

  it("then an existing $OPENCLAW_STATE_DIR/openclaw.json, then ~/.openclaw/openclaw.json", () => {
    const home = mkdtempSync(path.join(tmpdir(), "sw-ochome-"));
    const state = path.join(home, "state");
    expect(resolveOpenClawConfigPath({ HOME: home, OPENCLAW_STATE_DIR: state }, "/root")).toBe(
      path.join(state, "openclaw.json"),
    );
    expect(resolveOpenClawConfigPath({ HOME: home }, "/root")).toBe(
      path.join(home, ".openclaw", "openclaw.json"),
    );
    mkdirSync(path.join(home, ".clawdbot"));
    writeFileSync(path.join(home, ".clawdbot", "clawdbot.json"), "{}");
    expect(resolveOpenClawConfigPath({ HOME: home }, "/root")).toBe(
      path.join(home, ".clawdbot", "clawdbot.json"),
    );
  });
});

describe("doctor --openclaw: CLI", () => {
  it("exit 1 and UNPROTECTED lines with fixes when something is open", async () => {
    const file = materialise("half-done.json5");
    const r = await runCli(["doctor", "--openclaw", file]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain("UNPROTECTED  elevated-on:");
    expect(r.stdout).toContain("fix: set tools.elevated.enabled: false");
    expect(r.stdout).toContain("8 unprotected");
  });

  it("exit 0 for the protected config; --format json carries every finding", async () => {
    const file = materialise("protected.json5");
    const r = await runCli(["doctor", "--openclaw", file, "--format", "json"]);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout) as {
      version: number;
      configPath: string;
      findings: Array<{ id: string; level: string }>;
    };
    expect(out.version).toBe(1);
    expect(out.configPath).toBe(file);
    expect(out.findings.filter((f) => f.level === "unprotected")).toEqual([]);
  });

  it("without CONFIG it reads $OPENCLAW_CONFIG_PATH", async () => {
    const file = materialise("defaults.json5");
    const r = await runCli(["doctor", "--openclaw"], {
      env: { OPENCLAW_CONFIG_PATH: file, HOME: path.dirname(file) },
    });
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(`OpenClaw config: ${file}\n`);
  });

  it("a JSON5 syntax error is exit 2 naming file:line:column and the fix", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "sw-ocbad-"));
    const file = path.join(dir, "openclaw.json");
    writeFileSync(file, "{\n  plugins: { enabled: true,, }\n}\n");
    const r = await runCli(["doctor", "--openclaw", file]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${file}:2:`);
    expect(r.stderr).toContain("fix:");
    expect(r.stderr).not.toContain("    at ");
  });
});

describe("doctor --openclaw: per-agent exec mode", () => {
  it("an agent in exec mode full without the plugin is unprotected even when the default asks", () => {
    const home = mkdtempSync(path.join(tmpdir(), "sw-ochome-"));
    const report = checkOpenClawConfig(
      {
        tools: { exec: { mode: "ask" } },
        agents: { entries: { coder: { tools: { exec: { mode: "full" } } } } },
      },
      {
        configPath: path.join(home, "c.json5"),
        home,
        stateDir: path.join(home, ".openclaw"),
        skillwallRoot: repoRoot,
      },
    );
    expect(report.findings.find((f) => f.id === "exec-full-per-agent")?.level).toBe("unprotected");
  });
});
