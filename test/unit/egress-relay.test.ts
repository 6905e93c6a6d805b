// UpstreamReads: reads that come before the relay attaches are kept (as copies, since the read
// buffer is reused), delivered first and in order; a chunk still held by a write gets a new buffer.

import { describe, expect, it } from "vitest";
import { UpstreamReads, upstreamReadBytes } from "../../src/egress/relay.js";

function read(reads: UpstreamReads, text: string): Buffer {
  const buf = reads.onread.buffer();
  const n = buf.write(text);
  reads.onread.callback(n, buf);
  return buf;
}

describe("UpstreamReads", () => {
  it("reads one MiB at a time into a reused buffer", () => {
    const reads = new UpstreamReads();
    expect(reads.onread.buffer().length).toBe(upstreamReadBytes);
    reads.attach(() => true);
    const first = read(reads, "a");
    expect(reads.onread.buffer()).toBe(first);
  });

  it("keeps early reads as copies and delivers them first, in order", () => {
    const reads = new UpstreamReads();
    read(reads, "one ");
    read(reads, "two "); // overwrites the shared buffer: the first copy must survive
    const seen: string[] = [];
    reads.attach((c) => (seen.push(c.toString()), true));
    read(reads, "three");
    expect(seen).toEqual(["one ", "two ", "three"]);
  });

  it("gives the next read a fresh buffer while the last chunk is still queued", () => {
    const reads = new UpstreamReads();
    const held: Buffer[] = [];
    reads.attach((c) => (held.push(c), false));
    const first = read(reads, "held");
    expect(reads.onread.buffer()).not.toBe(first);
    read(reads, "next");
    expect(held.map(String)).toEqual(["held", "next"]);
  });
});
