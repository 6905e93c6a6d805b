// The install gate's snapshot reads a skill folder the agent controls, as whoever runs the gate
// (root on a supervisor host). It listed a folder and then opened each entry by its path: a
// folder swapped for a symlink between the listing and the open led the open anywhere (a FIFO
// or a device outside the folder is opened: a watchdog arms, a tape rewinds, a FIFO writer
// wakes). The swap is made deterministic by running it inside the gate's own open(2) of the
// entry (a spy on fs.promises.open), i.e. after the listing and just before the open.
// Real files, a real symlink, a real FIFO and a real writer process.

import { spawn, execFileSync, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it, vi } from "vitest";
import { snapshotTree } from "../../src/gate/snapshot.js";

const cleanups: Array<() => void> = [];
afterEach(() => {
  vi.restoreAllMocks();
  for (const c of cleanups.splice(0)) c();
});

/** A skill folder with scripts/pipe (a regular file) and, outside it, a FIFO also named pipe. */
function layout(): { skill: string; outside: string; fifo: string } {
  const base = fs.mkdtempSync(path.join(os.tmpdir(), "sw-snapswap-"));
  cleanups.push(() => fs.rmSync(base, { recursive: true, force: true }));
  const skill = path.join(base, "skill");
  fs.mkdirSync(path.join(skill, "scripts"), { recursive: true });
  fs.writeFileSync(path.join(skill, "SKILL.md"), "---\nname: s\ndescription: d\n---\n# s\n");
  fs.writeFileSync(path.join(skill, "scripts", "pipe"), "echo checked\n");
  const outside = path.join(base, "outside");
  fs.mkdirSync(outside);
  const fifo = path.join(outside, "pipe");
  execFileSync("mkfifo", [fifo]);
  return { skill, outside, fifo };
}

/** A process that blocks opening the FIFO for writing until someone opens it for reading. */
function fifoWriter(fifo: string): { child: ChildProcess; woken: () => boolean } {
  let done = false;
  const child = spawn("sh", ["-c", 'exec 3>"$1"; echo woken', "sh", fifo], {
    stdio: ["ignore", "pipe", "ignore"],
  });
  child.stdout.on("data", () => (done = true));
  cleanups.push(() => {
    // Release the writer if nobody opened the FIFO (an O_NONBLOCK reader is enough).
    try {
      fs.closeSync(fs.openSync(fifo, fs.constants.O_RDONLY | fs.constants.O_NONBLOCK));
    } catch {
      /* already gone */
    }
    child.kill();
  });
  return { child, woken: () => done };
}

/** Swaps `dir` for a symlink to `to` the first time the gate opens a path ending in `/leaf`. */
function swapOnOpen(leaf: string, dir: string, to: string): () => boolean {
  const real = fs.promises.open.bind(fs.promises);
  let swapped = false;
  vi.spyOn(fs.promises, "open").mockImplementation(((p: fs.PathLike, ...rest: unknown[]) => {
    if (!swapped && String(p).endsWith(`/${leaf}`)) {
      swapped = true;
      fs.renameSync(dir, `${dir}.moved`);
      fs.symlinkSync(to, dir);
    }
    return (real as (...a: unknown[]) => Promise<fs.promises.FileHandle>)(p, ...rest);
  }) as typeof fs.promises.open);
  return () => swapped;
}

const settle = () => new Promise((r) => setTimeout(r, 300));

describe("install snapshot: a folder swapped for a symlink after it was listed", () => {
  it("never opens what the symlink leads to (a FIFO outside the folder stays unopened)", async () => {
    const { skill, outside, fifo } = layout();
    const writer = fifoWriter(fifo);
    await settle();
    const swapped = swapOnOpen("pipe", path.join(skill, "scripts"), outside);
    let copied: string | undefined;
    let refusal: unknown;
    try {
      await using snap = await snapshotTree(skill);
      copied = fs.readFileSync(path.join(snap.dir, "scripts", "pipe"), "utf8");
    } catch (err) {
      refusal = err;
    }
    expect(swapped()).toBe(true);
    await settle();
    expect(writer.woken()).toBe(false);
    // Either the folder that was listed is copied (held by its descriptor), or it is refused.
    if (refusal === undefined) expect(copied).toBe("echo checked\n");
    else expect(String(refusal)).toMatch(/changed|symbolic link|not a plain directory/);
  });
});
