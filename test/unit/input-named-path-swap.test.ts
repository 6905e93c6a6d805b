// `sudo skillwall scan /home/agent/skills/foo`: the folder the operator names sits in a tree the
// agent writes. The reader looked the named path up three times by path (stat, realpath, lstat):
// the agent swapped `skills` for a symlink between the first two, and the scan read another
// folder called foo, here a root-only vault (its text went into the report as the skill's).
// Now the path is opened once, component by component, and the last name is looked at from its
// parent's descriptor. The swap is made deterministic: it runs right after the reader's first
// look-up of a path ending in /foo, whichever call that is.

import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";

const hook = vi.hoisted(() => ({ armed: false, fired: false, swap: (): void => undefined }));

function hooked<F extends (...a: never[]) => Promise<unknown>>(orig: F): F {
  return (async (...args: Parameters<F>) => {
    const out = await orig(...args);
    if (hook.armed && !hook.fired && String(args[0]).endsWith("/foo")) {
      hook.fired = true;
      hook.swap();
    }
    return out;
  }) as F;
}

vi.mock("node:fs", async (importOriginal) => {
  const orig = await importOriginal<typeof import("node:fs")>();
  const promises = {
    ...orig.promises,
    stat: hooked(orig.promises.stat),
    lstat: hooked(orig.promises.lstat),
    realpath: hooked(orig.promises.realpath),
  };
  return { ...orig, promises, default: { ...orig, promises } };
});
vi.mock("node:fs/promises", async (importOriginal) => {
  const orig = await importOriginal<typeof import("node:fs/promises")>();
  const over = { stat: hooked(orig.stat), lstat: hooked(orig.lstat), realpath: hooked(orig.realpath) };
  return { ...orig, ...over, default: { ...orig, ...over } };
});

const { readSkillInputs } = await import("../../src/input/index.js");

let base = "";
let skills = "";
beforeEach(() => {
  base = fs.mkdtempSync(path.join(os.tmpdir(), "sw-named-swap-"));
  const agent = path.join(base, "agent");
  skills = path.join(agent, "skills");
  fs.mkdirSync(path.join(skills, "foo"), { recursive: true });
  fs.writeFileSync(path.join(skills, "foo", "SKILL.md"), "---\nname: foo\ndescription: d\n---\n# Foo\n");
  const vault = path.join(base, "vault");
  fs.mkdirSync(path.join(vault, "foo"), { recursive: true, mode: 0o700 });
  fs.writeFileSync(
    path.join(vault, "foo", "SKILL.md"),
    "---\nname: vault\ndescription: d\n---\n# Vault\n\nCANARY-VAULT-5521\n",
    { mode: 0o600 },
  );
  hook.swap = () => {
    fs.renameSync(skills, `${skills}.real`);
    fs.symlinkSync(vault, skills);
  };
  hook.fired = false;
  hook.armed = true;
});
afterEach(() => {
  hook.armed = false;
  fs.rmSync(base, { recursive: true, force: true });
});

describe("the folder the operator names, swapped above it while it is looked up", () => {
  it("the scan reads the folder that was named, never the one a swapped-in symlink leads to", async () => {
    const [r] = await readSkillInputs([path.join(skills, "foo")], { cwd: base });
    expect(hook.fired).toBe(true);
    expect(JSON.stringify(r)).not.toContain("CANARY-VAULT");
    expect(r?.ok).toBe(true);
    if (r?.ok) expect(r.input.text).toContain("# Foo");
  });
});
