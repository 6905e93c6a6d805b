// Content-addressed copies of pinned and held files (blobs/<sha256>). A blob is checked against
// its name on every read, so a tampered or half-written copy is refused, never used.

import { promises as fs } from "node:fs";
import path from "node:path";
import { SkillwallError } from "../errors.js";
import { readIfExists, writeFileAtomic } from "./atomic-file.js";
import { sha256Hex } from "./fetch.js";
import { agentHomePaths } from "./paths.js";

const shaPattern = /^[0-9a-f]{64}$/;

function blobPath(home: string, sha256: string): string {
  if (!shaPattern.test(sha256)) throw new SkillwallError("blob-bad-hash", `not a sha256: ${sha256}`);
  return path.join(agentHomePaths(home).blobs, sha256);
}

export async function putBlob(home: string, bytes: Uint8Array): Promise<string> {
  const sha = sha256Hex(bytes);
  const file = blobPath(home, sha);
  const existing = await readIfExists(file);
  if (existing !== undefined && sha256Hex(existing) === sha) return sha;
  await writeFileAtomic(file, bytes);
  return sha;
}

export async function getBlob(home: string, sha256: string): Promise<Buffer> {
  const file = blobPath(home, sha256);
  const bytes = await readIfExists(file);
  if (bytes === undefined) {
    throw new SkillwallError(
      "blob-missing",
      `the pinned copy ${sha256.slice(0, 12)}… is missing from ${file}`,
      {
        fix: "re-run skillwall install for this skill",
      },
    );
  }
  if (sha256Hex(bytes) !== sha256) {
    throw new SkillwallError("blob-corrupt", `the pinned copy ${file} does not match its sha256`, {
      fix: "delete it and re-run skillwall install for this skill",
    });
  }
  return bytes;
}

export async function getBlobText(home: string, sha256: string): Promise<string> {
  return new TextDecoder("utf-8", { fatal: true }).decode(await getBlob(home, sha256));
}

export async function hasBlob(home: string, sha256: string): Promise<boolean> {
  try {
    await fs.access(blobPath(home, sha256));
    return true;
  } catch {
    return false;
  }
}
