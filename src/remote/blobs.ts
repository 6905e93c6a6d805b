// Content-addressed copies of pinned and held files (blobs/<sha256>) in the home's state
// directory. A blob is checked against its name on every read, so a tampered or half-written
// copy is refused, never used. Copies out of a workspace are streamed and hashed on the way
// (hostfs), never read whole into memory.

import { createHash } from "node:crypto";
import { SkillwallError } from "../errors.js";
import { HostDir, HostFsError, withHostDir } from "../hostfs/host-dir.js";
import { hostfsLimits } from "../limits.js";
import { sha256Hex } from "./fetch.js";
import { agentHomePaths } from "./paths.js";

const shaPattern = /^[0-9a-f]{64}$/;

function checkSha(sha256: string): string {
  if (!shaPattern.test(sha256)) throw new SkillwallError("blob-bad-hash", `not a sha256: ${sha256}`);
  return sha256;
}

async function withBlobs<T>(home: string, use: (dir: HostDir) => Promise<T>): Promise<T> {
  return withHostDir(agentHomePaths(home).blobs, { create: true, mode: 0o700 }, use);
}

/**
 * The blobs folder for reading, or undefined when there is none: a read never creates it (nor
 * the state folder above it). The OpenClaw gate reads pinned copies as the gateway's user,
 * without the state folder's checks; it must not leave folders of its own in root's state.
 */
async function openBlobsToRead(home: string): Promise<HostDir | undefined> {
  const paths = agentHomePaths(home);
  const state = await HostDir.open(paths.dir).catch((err: unknown) => {
    if (err instanceof HostFsError && err.message.endsWith("does not exist")) return undefined;
    throw err;
  });
  if (state === undefined) return undefined;
  try {
    return (await state.entry("blobs")) === undefined ? undefined : await state.dir("blobs");
  } finally {
    await state.close();
  }
}

async function readBlobs<T>(
  home: string,
  use: (dir: HostDir) => Promise<T | undefined>,
): Promise<T | undefined> {
  const dir = await openBlobsToRead(home);
  if (dir === undefined) return undefined;
  try {
    return await use(dir);
  } finally {
    await dir.close();
  }
}

/** Whether a blob exists and matches its name. */
async function intact(dir: HostDir, sha256: string): Promise<boolean> {
  const got = await dir.hashFile(sha256, hostfsLimits.maxFileBytes).catch(() => undefined);
  return got?.sha256 === sha256;
}

export async function putBlob(home: string, bytes: Uint8Array): Promise<string> {
  const sha = sha256Hex(bytes);
  await withBlobs(home, async (dir) => {
    if (!(await intact(dir, sha))) await dir.writeFile(sha, bytes, { mode: 0o600 });
  });
  return sha;
}

/**
 * Copies a regular file out of an attacker-writable tree into the blob store: streamed, hashed
 * while copied, at most `maxBytes`; symlinks, FIFOs and devices are refused (hostfs).
 */
export async function putBlobFrom(
  home: string,
  src: HostDir,
  name: string,
  maxBytes: number = hostfsLimits.maxFileBytes,
): Promise<{ sha256: string; size: number }> {
  return withBlobs(home, async (dir) => {
    const temp = await dir.createTemp("copy", { mode: 0o600 });
    const hash = createHash("sha256");
    let size = 0;
    try {
      for await (const chunk of src.chunks(name, maxBytes)) {
        hash.update(chunk);
        size += chunk.length;
        await temp.handle.write(chunk);
      }
      await temp.handle.sync();
    } catch (err) {
      await temp.handle.close();
      await dir.unlink(temp.name).catch(() => undefined);
      throw err;
    }
    await temp.handle.close();
    const sha256 = hash.digest("hex");
    if (await intact(dir, sha256)) await dir.unlink(temp.name);
    else await dir.commitTemp(temp.name, sha256);
    return { sha256, size };
  });
}

function missing(home: string, sha256: string): SkillwallError {
  return new SkillwallError(
    "blob-missing",
    `the pinned copy ${sha256.slice(0, 12)}… is missing from ${agentHomePaths(home).blobs}`,
    { fix: "re-run skillwall install for this skill" },
  );
}

function corrupt(home: string, sha256: string): SkillwallError {
  return new SkillwallError(
    "blob-corrupt",
    `the pinned copy ${agentHomePaths(home).blobs}/${sha256} does not match its sha256`,
    { fix: "delete it and re-run skillwall install for this skill" },
  );
}

export async function getBlob(
  home: string,
  sha256: string,
  maxBytes = hostfsLimits.maxFileBytes,
): Promise<Buffer> {
  checkSha(sha256);
  const bytes = await readBlobs(home, (dir) => dir.readFile(sha256, maxBytes));
  if (bytes === undefined) throw missing(home, sha256);
  if (sha256Hex(bytes) !== sha256) throw corrupt(home, sha256);
  return bytes;
}

/**
 * Streams a blob's bytes; the hash is checked at the end, so a consumer must commit what it
 * wrote only after the stream ended without error (hostfs writeFile does).
 */
export async function* blobChunks(home: string, sha256: string): AsyncGenerator<Buffer, void, undefined> {
  checkSha(sha256);
  const dir = await openBlobsToRead(home);
  if (dir === undefined) throw missing(home, sha256);
  try {
    if ((await dir.entry(sha256)) === undefined) throw missing(home, sha256);
    const hash = createHash("sha256");
    for await (const chunk of dir.chunks(sha256, hostfsLimits.maxFileBytes)) {
      hash.update(chunk);
      yield chunk;
    }
    if (hash.digest("hex") !== sha256) throw corrupt(home, sha256);
  } finally {
    await dir.close();
  }
}

export async function getBlobText(home: string, sha256: string, maxBytes?: number): Promise<string> {
  return new TextDecoder("utf-8", { fatal: true }).decode(await getBlob(home, sha256, maxBytes));
}

export async function hasBlob(home: string, sha256: string): Promise<boolean> {
  checkSha(sha256);
  return (await readBlobs(home, async (dir) => (await dir.entry(sha256)) !== undefined)) ?? false;
}
