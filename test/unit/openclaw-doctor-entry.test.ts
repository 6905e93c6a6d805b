// doctor --openclaw and a skillwall plugin folder whose entry would not load: OpenClaw 2026.9.6
// skips such a plugin and the Gateway runs every turn unguarded (no setting makes a plugin
// required), so the doctor reads the entry the way OpenClaw picks it (package.json
// openclaw.extensions) and parses it: a broken, missing or escaping entry is unprotected.

import { copyFileSync, mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { checkOpenClawConfig } from "../../src/doctor/openclaw-config.js";
import { repoRoot } from "../fixtures/openclaw-doctor/materialise.js";

const realPlugin = path.join(repoRoot, "integrations/openclaw");

/** A copy of the real plugin's entry, manifest and package.json, then `change` applied. */
function pluginCopy(change: (dir: string) => void = () => undefined): { home: string; dir: string } {
  const home = mkdtempSync(path.join(tmpdir(), "sw-ocentry-"));
  const dir = path.join(home, "plugin");
  mkdirSync(dir);
  for (const f of ["index.mjs", "openclaw.plugin.json", "package.json"])
    copyFileSync(path.join(realPlugin, f), path.join(dir, f));
  change(dir);
  return { home, dir };
}

function findings(home: string, dir: string) {
  return checkOpenClawConfig(
    { plugins: { load: { paths: [dir] }, entries: { skillwall: { enabled: true } } } },
    {
      configPath: path.join(home, "c.json5"),
      home,
      stateDir: path.join(home, ".openclaw"),
      skillwallRoot: repoRoot,
    },
  ).findings;
}

describe("doctor --openclaw: the plugin's entry module", () => {
  it("the real entry parses: loaded, with the warning that OpenClaw does not enforce it", () => {
    const { home, dir } = pluginCopy();
    const f = findings(home, dir);
    expect(f.find((x) => x.id === "plugin-loaded")?.level).toBe("ok");
    expect(f.find((x) => x.id === "plugin-load-not-enforced")?.level).toBe("warning");
    expect(f.map((x) => x.id)).not.toContain("plugin-entry-broken");
  });

  it("an entry with a syntax error is unprotected, and exec counts as unguarded", () => {
    const { home, dir } = pluginCopy((d) =>
      writeFileSync(path.join(d, "index.mjs"), "export default definePluginEntry({{\n"),
    );
    const f = findings(home, dir);
    const broken = f.find((x) => x.id === "plugin-entry-broken");
    expect(broken?.level).toBe("unprotected");
    expect(broken?.message).toContain("does not parse (SyntaxError");
    expect(broken?.message).toContain("runs every turn, heartbeats included, unguarded");
    expect(f.map((x) => x.id)).not.toContain("plugin-loaded");
    expect(f.map((x) => x.id)).toContain("exec-full-without-plugin");
  });

  it("a missing entry, an entry outside the folder, or no extensions list is unprotected", () => {
    const variants: Array<[string, (d: string) => void, string]> = [
      [
        "missing",
        (d) =>
          writeFileSync(
            path.join(d, "package.json"),
            JSON.stringify({ openclaw: { extensions: ["./gone.mjs"] } }),
          ),
        "is missing",
      ],
      [
        "escaping",
        (d) =>
          writeFileSync(
            path.join(d, "package.json"),
            JSON.stringify({ openclaw: { extensions: ["../index.mjs"] } }),
          ),
        "is not a file inside",
      ],
      [
        "no list",
        (d) => writeFileSync(path.join(d, "package.json"), JSON.stringify({ name: "x" })),
        "no openclaw.extensions list",
      ],
      ["not JSON", (d) => writeFileSync(path.join(d, "package.json"), "{ nope"), "cannot be read as JSON"],
    ];
    for (const [name, change, text] of variants) {
      const { home, dir } = pluginCopy(change);
      const broken = findings(home, dir).find((x) => x.id === "plugin-entry-broken");
      expect(broken?.level, name).toBe("unprotected");
      expect(broken?.message, name).toContain(text);
    }
  });
});
