// Docker multiplexes stdout and stderr of a non-TTY attach into frames: an 8-byte header
// (stream type, 3 zero bytes, big-endian payload length) then the payload. Frames may be split
// across chunks in any way, so the parser keeps a buffer between calls.

import type { OutputStream } from "./container-client.js";

export class FrameDemuxer {
  private pending: Buffer = Buffer.alloc(0);

  constructor(private readonly onFrame: (stream: OutputStream, data: Buffer) => void) {}

  push(chunk: Buffer): void {
    this.pending = this.pending.length === 0 ? chunk : Buffer.concat([this.pending, chunk]);
    while (this.pending.length >= 8) {
      const type = this.pending[0];
      const size = this.pending.readUInt32BE(4);
      if (this.pending.length < 8 + size) return;
      const payload = this.pending.subarray(8, 8 + size);
      this.pending = this.pending.subarray(8 + size);
      // Type 0 (stdin echo) never happens without a TTY; anything unknown counts as stderr so
      // it is still capped and stripped rather than dropped silently.
      if (size > 0) this.onFrame(type === 1 ? "stdout" : "stderr", payload);
    }
  }
}

/** Encode one frame (tests and the fake client produce attach streams with it). */
export function encodeFrame(stream: OutputStream, data: Buffer | string): Buffer {
  const payload = typeof data === "string" ? Buffer.from(data) : data;
  const header = Buffer.alloc(8);
  header[0] = stream === "stdout" ? 1 : 2;
  header.writeUInt32BE(payload.length, 4);
  return Buffer.concat([header, payload]);
}
