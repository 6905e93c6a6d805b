// Reads skillwall's own package files (the CLI bundle's chunks and code caches, the shell
// parser's WebAssembly) into one buffer that is reused from one read to the next. A fresh buffer
// costs a page fault for every 4 KiB the first time it is written, and in a VM a fault is dear
// (measured here: 12.6 µs each): a one-file scan read ~4.3 MB into fresh buffers, ~1,000 faults,
// for bytes it copies at once and never reads again (V8 copies a chunk into a string, a code
// cache while deserializing it, WebAssembly.compile its bytes when called).
//
// The bytes returned are valid until the same reader's next read only: a caller copies what it
// keeps. Never for skill input (src/hostfs/ reads that).
import { closeSync, fstatSync, openSync, readSync } from "node:fs";

/** Reads a whole file into the reader's buffer; the result is overwritten by the next read. */
export type PackageFileReader = (file: string) => Buffer;

/** A buffer grows in steps of this many bytes (a chunk a little larger needs no new buffer). */
const growStep = 64 * 1024;

export function packageFileReader(): PackageFileReader {
  let buffer = Buffer.alloc(0);
  const grow = (atLeast: number, keep: number): void => {
    const next = Buffer.allocUnsafeSlow(Math.ceil(atLeast / growStep) * growStep);
    buffer.copy(next, 0, 0, keep);
    buffer = next;
  };
  return (file) => {
    const fd = openSync(file, "r");
    try {
      // One byte more than the size, so the read that finds the end needs no larger buffer.
      const size = fstatSync(fd).size;
      if (buffer.length < size + 1) grow(size + 1, 0);
      let n = 0;
      for (;;) {
        // A file that grew since fstat is read whole all the same.
        if (n === buffer.length) grow(n + growStep, n);
        const got = readSync(fd, buffer, n, buffer.length - n, null);
        if (got === 0) break;
        n += got;
      }
      return buffer.subarray(0, n);
    } finally {
      closeSync(fd);
    }
  };
}
