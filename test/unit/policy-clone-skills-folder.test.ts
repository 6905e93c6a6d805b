// Red-team session 7 (G4): common-tools' git clone wrote into any folder its write paths name,
// `~/.openclaw/skills/**` included, and that glob reaches the skills folder itself: `git clone URL
// ~/.openclaw/skills` (the folder missing or empty) made every folder of the repository a managed
// skill the next session loads. The clone's destination may not be a skills folder itself.

import { mkdirSync, mkdtempSync, realpathSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { createJudge, type Judge } from "../../src/index.js";

let common: Judge;
let at: { cwd: string; env: { HOME: string } };

beforeAll(async () => {
  common = await createJudge({ policy: "common-tools", publish: false });
  const home = path.join(realpathSync(mkdtempSync(path.join(tmpdir(), "sw-clonedir-"))), "home");
  const ws = path.join(home, ".openclaw/workspace");
  mkdirSync(ws, { recursive: true });
  mkdirSync(path.join(home, ".openclaw/skills"), { recursive: true });
  symlinkSync(path.join(home, ".openclaw/skills"), path.join(ws, "sk"));
  at = { cwd: ws, env: { HOME: home } };
});

describe("common-tools: git clone into a skills folder itself", () => {
  it("is refused, however the folder is spelled", () => {
    for (const dest of [
      "~/.openclaw/skills",
      "~/.openclaw/skills/",
      "~/.openclaw/skills/.",
      "~/.openclaw//skills",
      "~/.moltbot/skills",
      "sk", // a workspace symlink to it
    ])
      expect(common.judge(`git clone https://github.com/owner/repo ${dest}`, at).verdict, dest).toBe("deny");
  });

  it("a clone into a workspace folder or one skill's folder name is judged as before", () => {
    expect(common.judge("git clone https://github.com/owner/repo proj", at).verdict).toBe("allow");
  });
});
