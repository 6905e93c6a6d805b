// --ca-file is read by the supervisor's fetcher (install, heartbeat) and for every egress step's
// CA bundle. It was read by name with readFile: a FIFO there hung the supervisor until someone
// wrote into it (whatever they wrote was then the CA checked), /dev/zero filled its memory, and
// a symlink planted in someone else's folder was followed (red team s12, R6). It is now opened
// once through hostfs, a regular file only, capped at limits.maxCaFileBytes.

import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { beforeEach, describe, expect, it } from "vitest";
import { fetcherCa } from "../../src/heartbeat/real-deps.js";
import { prepareCaBundle } from "../../src/run/egress-step.js";

const asRoot = process.getuid?.() === 0;
let tmp: string;
beforeEach(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), "sw-ca-planted-"));
});

/** The reader's outcome: "read" or the error; a FIFO is fed "not a CA" if a reader waits on it. */
async function outcome(read: () => Promise<unknown>, fifo?: string): Promise<string> {
  const feeder =
    fifo === undefined
      ? undefined
      : setTimeout(() => {
          try {
            const fd = fs.openSync(fifo, fs.constants.O_WRONLY | fs.constants.O_NONBLOCK);
            fs.writeSync(fd, "not a CA\n");
            fs.closeSync(fd);
          } catch {
            // ENXIO: nobody reads it
          }
        }, 500);
  try {
    await read();
    return "read";
  } catch (err) {
    return String(err);
  } finally {
    clearTimeout(feeder);
  }
}

describe("the --ca-file", () => {
  it("a FIFO is refused at once by both readers, never waited on", async () => {
    const fifo = path.join(tmp, "ca.pem");
    execFileSync("mkfifo", [fifo]);
    expect(await outcome(() => fetcherCa(fifo), fifo)).toMatch(
      /cannot read the CA file .*ca\.pem \(.*ca\.pem is a fifo, not a regular file\)/,
    );
    expect(await outcome(() => prepareCaBundle(fifo), fifo)).toMatch(
      /cannot read the extra CA file .*ca\.pem \(.*ca\.pem is a fifo, not a regular file\)/,
    );
  });

  it("a device is refused, not read without end", async () => {
    const link = path.join(tmp, "ca.pem");
    fs.symlinkSync("/dev/zero", link);
    expect(await outcome(() => fetcherCa(link))).toMatch(
      /cannot read the CA file .*device, not a regular file/,
    );
  });

  it.runIf(asRoot)("a symlink planted in another user's folder is refused, not followed", async () => {
    const theirs = path.join(tmp, "theirs");
    fs.mkdirSync(theirs);
    fs.chownSync(theirs, 1000, 1000);
    const real = path.join(tmp, "root-ca.pem");
    fs.writeFileSync(real, "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n");
    const link = path.join(theirs, "ca.pem");
    fs.symlinkSync(real, link);
    fs.lchownSync(link, 1000, 1000);
    expect(await outcome(() => fetcherCa(link))).toMatch(/ca\.pem is a symbolic link .*owned by uid 1000/);
  });

  it("control: a PEM file is read", async () => {
    const pem = path.join(tmp, "ca.pem");
    fs.writeFileSync(pem, "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n");
    expect(await outcome(() => fetcherCa(pem))).toBe("read");
  });
});
