import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { encodeFrame, FrameDemuxer } from "../../src/run/demux.js";
import { CappedOutput, stripControl } from "../../src/run/output.js";

describe("stripControl", () => {
  it("removes terminal escapes whole, not just their ESC byte", () => {
    expect(stripControl("a\u001b[31mred\u001b[0m b")).toBe("ared b");
    expect(stripControl("x\u001b]0;set title\u0007y")).toBe("xy");
    expect(stripControl("x\u001b]8;;http://evil\u001b\\link\u001b]8;;\u001b\\y")).toBe("xlinky");
    expect(stripControl("\u009b2Jcls")).toBe("cls");
  });

  it("keeps newlines and tabs, drops carriage returns, NUL, bell, DEL, C1 and bidi overrides", () => {
    expect(stripControl("a\tb\r\nc\rd\u0000\u0007\u007f\u0085\u202eevil\u2066x\n")).toBe("a\tb\ncdevilx\n");
  });

  it("never leaves a control character behind, whatever the input", () => {
    fc.assert(
      fc.property(fc.string({ unit: "binary", maxLength: 200 }), (s) => {
        expect(stripControl(s)).not.toMatch(
          /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/,
        );
      }),
      { seed: 20261207 },
    );
  });
});

describe("CappedOutput", () => {
  it("keeps the first cap bytes and counts the rest", () => {
    const out = new CappedOutput(10);
    out.push(Buffer.from("12345"));
    out.push(Buffer.from("67890abc"));
    out.push(Buffer.from("def"));
    expect(out.raw().toString()).toBe("1234567890");
    expect(out.total).toBe(16);
    expect(out.dropped).toBe(6);
    expect(out.capped).toBe(true);
  });

  it("is not capped at exactly the cap", () => {
    const out = new CappedOutput(4);
    out.push(Buffer.from("abcd"));
    expect(out.capped).toBe(false);
  });
});

describe("FrameDemuxer", () => {
  it("splits Docker's multiplexed frames however the chunks are cut", () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.tuple(
            fc.constantFrom("stdout" as const, "stderr" as const),
            fc.string({ minLength: 1, maxLength: 40 }),
          ),
          {
            maxLength: 10,
          },
        ),
        fc.array(fc.integer({ min: 1, max: 17 }), { minLength: 1, maxLength: 10 }),
        (frames, cuts) => {
          const wire = Buffer.concat(frames.map(([s, d]) => encodeFrame(s, d)));
          const got: Record<string, string> = { stdout: "", stderr: "" };
          const demux = new FrameDemuxer((s, d) => (got[s] += d.toString()));
          let pos = 0;
          let i = 0;
          while (pos < wire.length) {
            const n = cuts[i++ % cuts.length] as number;
            demux.push(wire.subarray(pos, pos + n));
            pos += n;
          }
          expect(got.stdout).toBe(
            frames
              .filter(([s]) => s === "stdout")
              .map(([, d]) => d)
              .join(""),
          );
          expect(got.stderr).toBe(
            frames
              .filter(([s]) => s === "stderr")
              .map(([, d]) => d)
              .join(""),
          );
        },
      ),
      { seed: 20261207 },
    );
  });
});
