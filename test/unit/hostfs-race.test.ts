// Property test of src/hostfs against a tree that a concurrent process keeps mutating (a
// directory and a file swapped for symlinks to a root-only directory outside, in a loop): random
// sequences of writes, reads, chown walks and directory re-creation never read, write or chown
// anything outside the root. Fixed seed.

import { type ChildProcess, spawn } from "node:child_process";
import {
  chmodSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  writeFileSync,
} from "node:fs";
import os from "node:os";
import path from "node:path";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { withHostDir, type HostDir } from "../../src/hostfs/host-dir.js";
import { walkTree } from "../../src/hostfs/walk.js";
import { repoRoot } from "../helpers/cli.js";

const asRoot = process.getuid?.() === 0;
const canary = "CANARY-outside-the-root";
let root: string;
let outside: string;
let swapper: ChildProcess;

function outsideState(): string {
  return readdirSync(outside)
    .sort()
    .map((n) => {
      const st = lstatSync(path.join(outside, n));
      return `${n}:${st.uid}:${st.mode.toString(8)}:${st.isFile() ? readFileSync(path.join(outside, n), "utf8") : "dir"}`;
    })
    .join("\n");
}

beforeAll(() => {
  root = mkdtempSync(path.join(os.tmpdir(), "sw-race-"));
  outside = mkdtempSync(path.join(os.tmpdir(), "sw-race-out-"));
  chmodSync(outside, 0o700);
  writeFileSync(path.join(outside, "f"), canary, { mode: 0o600 });
  mkdirSync(path.join(outside, "sub"), { mode: 0o700 });
  mkdirSync(path.join(root, "d"));
  writeFileSync(path.join(root, "d", "f"), "inside");
  swapper = spawn(
    process.execPath,
    [path.join(repoRoot, "test/fixtures/hostfs/swapper.mjs"), root, outside],
    {
      stdio: "ignore",
    },
  );
});

afterAll(() => {
  swapper.kill("SIGKILL");
});

type Op = "write" | "read" | "chown" | "recreate" | "hash";

async function apply(top: HostDir, op: Op, n: number): Promise<void> {
  switch (op) {
    case "write": {
      const d = await top.dirPath("d");
      try {
        await d.writeFile(n % 2 === 0 ? "f" : `w${n % 5}`, `written ${n}`);
      } finally {
        await d.close();
      }
      return;
    }
    case "recreate": {
      const d = await top.dirPath("d", { create: true, replaceNonDir: true });
      try {
        await d.writeFile("f", `recreated ${n}`);
      } finally {
        await d.close();
      }
      return;
    }
    case "read":
    case "hash": {
      const d = await top.dirPath("d");
      try {
        if (op === "read") {
          const got = await d.readFile("f", 1 << 20);
          expect(got?.toString() ?? "").not.toContain(canary);
        } else {
          await d.hashFile("f", 1 << 20);
        }
      } finally {
        await d.close();
      }
      return;
    }
    case "chown":
      await walkTree(top, async ({ dir, name, st }) => {
        if (st.isFile() || st.isDirectory()) await dir.chownEntry(name, 1000, 1000);
      });
      return;
  }
}

describe("hostfs under a concurrent symlink-swapping process", () => {
  it("never reads, writes or chowns outside the root", async () => {
    const before = outsideState();
    const ops: Op[] = ["write", "read", "hash", "recreate", ...(asRoot ? (["chown"] as const) : [])];
    let refused = 0;
    let done = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(fc.constantFrom(...ops), fc.nat(100)), { minLength: 5, maxLength: 25 }),
        async (seq) => {
          await withHostDir(root, {}, async (top) => {
            for (const [op, n] of seq) {
              try {
                await apply(top, op, n);
                done++;
              } catch (err) {
                if ((err as Error).name === "AssertionError") throw err;
                refused++; // refused or raced (ENOENT, not a plain directory …): never outside
              }
            }
          });
          expect(outsideState()).toBe(before);
        },
      ),
      { seed: 20261206, numRuns: 40 },
    );
    expect(outsideState()).toBe(before);
    // The race was real: some operations were refused, and some went through.
    expect(refused).toBeGreaterThan(0);
    expect(done).toBeGreaterThan(0);
  });
});
