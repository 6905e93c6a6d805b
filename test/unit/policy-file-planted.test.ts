// A policy file the operator names may sit in a folder someone else writes (a user's home, a
// shared folder). The loader looked it up by name twice (stat, then readFile): whatever was put
// at the name in between was read, a FIFO waited on (the supervisor or the gateway hung until
// someone wrote a policy into it), and a symlink was followed wherever it led. It now opens the
// file once through hostfs and reads that descriptor; a symlink at its name is followed only where
// nobody but root (or this user) could have placed it (red team s12, R3). As root, the attacker is
// uid 1000, the owner of the folder. The swap is deterministic: a hook runs right after the
// loader's first look at the name.

import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";

const hook = vi.hoisted(() => ({ armed: false, swap: (): void => undefined }));

/** After the first stat/lstat of a name ending in /policy.yaml, runs the swap (once). */
function hooked<F extends (...a: never[]) => Promise<unknown>>(orig: F): F {
  return (async (...args: Parameters<F>) => {
    const out = await orig(...args);
    if (hook.armed && String(args[0]).endsWith("/policy.yaml")) {
      hook.armed = false;
      hook.swap();
    }
    return out;
  }) as F;
}

vi.mock("node:fs", async (importOriginal) => {
  const orig = await importOriginal<typeof import("node:fs")>();
  const promises = { ...orig.promises, stat: hooked(orig.promises.stat), lstat: hooked(orig.promises.lstat) };
  return { ...orig, promises, default: { ...orig, promises } };
});
vi.mock("node:fs/promises", async (importOriginal) => {
  const orig = await importOriginal<typeof import("node:fs/promises")>();
  const stat = hooked(orig.stat);
  const lstat = hooked(orig.lstat);
  return { ...orig, stat, lstat, default: { ...orig, stat, lstat } };
});

const { loadPolicy } = await import("../../src/policy/load.js");

const asRoot = process.getuid?.() === 0;
const swappedPolicy = "name: swapped-in\n";

let tmp: string;
let shared: string;
let policy: string;
beforeEach(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), "sw-policy-planted-"));
  // The folder the policy sits in belongs to the attacker (uid 1000 as root; else this user).
  shared = path.join(tmp, "shared");
  fs.mkdirSync(shared);
  if (asRoot) fs.chownSync(shared, 1000, 1000);
  policy = path.join(shared, "policy.yaml");
  fs.writeFileSync(policy, "name: operators-policy\n");
  hook.armed = false;
});
afterEach(() => {
  hook.armed = false;
});

/** The loaded policy's name, or the error's code and message. */
async function outcome(): Promise<string> {
  try {
    return `loaded ${(await loadPolicy(policy, { checkExamples: false })).name}`;
  } catch (err) {
    return `${(err as { code?: string }).code ?? "?"} ${String(err)}`;
  }
}

describe("a policy file in a folder someone else writes", () => {
  it("swapped for a FIFO right after the first look: refused at once, never waited on or read", async () => {
    hook.swap = () => {
      fs.unlinkSync(policy);
      execFileSync("mkfifo", [policy]);
    };
    hook.armed = true;
    // Feeds the FIFO if a reader waits on it (the old loader did, and then loaded this policy).
    const feeder = setTimeout(() => {
      try {
        const fd = fs.openSync(policy, fs.constants.O_WRONLY | fs.constants.O_NONBLOCK);
        fs.writeSync(fd, swappedPolicy);
        fs.closeSync(fd);
      } catch {
        // ENXIO: nobody reads it
      }
    }, 500);
    try {
      const got = await outcome();
      expect(got).not.toContain("swapped-in");
      expect(got).toMatch(/^POLICY_UNREADABLE .*policy\.yaml is a fifo, not a regular file/);
    } finally {
      clearTimeout(feeder);
    }
  });

  it.runIf(asRoot)(
    "a symlink the folder's owner planted at the name is refused, not followed into root's files",
    async () => {
      // A root-only policy file the attacker can neither read nor write.
      const vault = path.join(tmp, "vault");
      fs.mkdirSync(vault, { mode: 0o700 });
      fs.writeFileSync(path.join(vault, "root-only.yaml"), "name: root-only-canary\n", { mode: 0o600 });
      fs.unlinkSync(policy);
      fs.symlinkSync(path.join(vault, "root-only.yaml"), policy);
      fs.lchownSync(policy, 1000, 1000);
      const got = await outcome();
      expect(got).not.toContain("root-only-canary");
      expect(got).toMatch(
        /^POLICY_UNREADABLE .*policy\.yaml is a symbolic link .*owned by uid 1000: someone other than root may have planted it/,
      );
    },
  );

  it("control: a symlink in a folder only root (or this user) writes is followed", async () => {
    const own = path.join(tmp, "etc");
    fs.mkdirSync(own, { mode: 0o755 });
    fs.symlinkSync(policy, path.join(own, "policy.yaml"));
    policy = path.join(own, "policy.yaml");
    expect(await outcome()).toBe("loaded operators-policy");
  });
});
