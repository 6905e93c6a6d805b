/**
 * Reading an opened file with a byte cap. The cap is counted while reading, not only taken from
 * fstat: a file an attacker can still write may grow after its size was checked, and a device
 * or FIFO has no meaningful size at all.
 */
import type { FileHandle } from "node:fs/promises";

const chunkBytes = 64 * 1024;

/** The handle's bytes from its position to the end, as chunks; tooLarge(bytesSoFar) once past maxBytes. */
export async function* cappedChunks(
  handle: FileHandle,
  maxBytes: number,
  tooLarge: (bytes: number) => Error,
): AsyncGenerator<Buffer, void, undefined> {
  const buf = Buffer.alloc(chunkBytes);
  let total = 0;
  for (;;) {
    const { bytesRead } = await handle.read(buf, 0, buf.length, null);
    if (bytesRead === 0) return;
    total += bytesRead;
    if (total > maxBytes) throw tooLarge(total);
    yield Buffer.from(buf.subarray(0, bytesRead));
  }
}

/** The handle's bytes from its position to the end, whole; tooLarge(bytesSoFar) once past maxBytes. */
export async function readCapped(
  handle: FileHandle,
  maxBytes: number,
  tooLarge: (bytes: number) => Error,
): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const c of cappedChunks(handle, maxBytes, tooLarge)) parts.push(c);
  return Buffer.concat(parts);
}
