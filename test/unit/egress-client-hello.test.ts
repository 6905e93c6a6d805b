// The ClientHello reader on hostile bytes: it never throws and never reads past a length;
// truncated hellos ask for more; a hello split over records reads the same; mutated hellos give
// either a verdict or "malformed", and an "ok" name is always printable ASCII. Fixed seeds.

import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { readClientHello } from "../../src/egress/client-hello.js";
import { clientHello } from "../fixtures/egress/client-hello.js";

const seed = 1010;
const hostname = fc
  .array(fc.stringMatching(/^[a-z0-9-]{1,20}$/), { minLength: 1, maxLength: 5 })
  .map((labels) => labels.join("."));

describe("readClientHello", () => {
  it("reads the SNI of a well-formed hello, whole or split over records", () => {
    fc.assert(
      fc.property(hostname, fc.integer({ min: 1, max: 300 }), fc.boolean(), (name, recordBytes, ech) => {
        const r = readClientHello(clientHello({ sni: name, recordBytes, ech }));
        expect(r).toEqual({ status: "ok", sni: name, ech });
      }),
      { seed, numRuns: 500 },
    );
  });

  it("asks for more on every strict prefix of a hello", () => {
    const whole = clientHello({ sni: "granted.test", recordBytes: 40 });
    for (let n = 1; n < whole.length; n++) {
      expect(readClientHello(whole.subarray(0, n)).status).toBe("need-more");
    }
  });

  it("never throws on random bytes, nor on hellos with random bytes overwritten", () => {
    const statuses = new Set(["need-more", "not-tls", "malformed", "ok"]);
    const check = (buf: Buffer): void => {
      const r = readClientHello(buf);
      expect(statuses.has(r.status)).toBe(true);
      if (r.status === "ok" && r.sni !== undefined) expect(r.sni).toMatch(/^[\x21-\x7e]+$/);
    };
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 600 }), (bytes) => check(Buffer.from(bytes))),
      { seed, numRuns: 2000 },
    );
    fc.assert(
      fc.property(
        hostname,
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 6 }),
        (name, edits) => {
          const buf = Buffer.from(clientHello({ sni: name, recordBytes: 64 }));
          for (const [at, v] of edits) buf[at % buf.length] = v;
          check(buf);
        },
      ),
      { seed, numRuns: 3000 },
    );
  });

  it("refuses two host names, a repeated extension and lengths that overrun", () => {
    const twoNames = Buffer.from([0, 13, 0, 0, 4, 0x61, 0x2e, 0x74, 0x74, 0, 0, 3, 0x62, 0x2e, 0x74]);
    expect(readClientHello(clientHello({ extensions: [[0, twoNames]] })).status).toBe("malformed");
    expect(
      readClientHello(clientHello({ sni: "a.test", extensions: [[0, Buffer.from([0, 0])]] })).status,
    ).toBe("malformed");
    const overrun = Buffer.from([0, 9, 0, 0, 200, 0x61]);
    expect(readClientHello(clientHello({ extensions: [[0, overrun]] })).status).toBe("malformed");
    expect(readClientHello(Buffer.from("CONNECT x")).status).toBe("not-tls");
  });
});
