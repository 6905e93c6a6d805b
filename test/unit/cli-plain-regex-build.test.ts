// The CLI builds regexes with V8's plain compiler only while it scans one file
// (src/cli/plain-regex-build.ts). The flag must be off again afterwards, even when the scan
// throws: V8 refuses a code cache made under other flags, so a flag left on would cost every
// later chunk its cache (and the build would write caches no start can use).
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import vm from "node:vm";
import { afterAll, describe, expect, it } from "vitest";
import { withPlainRegexBuild } from "../../src/cli/plain-regex-build.js";
import { namesOneFile } from "../../src/input/index.js";

const tmp = mkdtempSync(path.join(os.tmpdir(), "skillwall-plain-regex-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/**
 * A script's code cache, taken under the flags in force now. Each compile has a file name of its
 * own: V8 would otherwise find the script in its in-memory cache and never read the cached data.
 */
const source = "(function () { return /a(?:b|c)+d/i.test('xABCd'); })";
let compiles = 0;
const script = (cachedData?: Buffer): vm.Script =>
  new vm.Script(source, { filename: `flag-check-${compiles++}.js`, ...(cachedData ? { cachedData } : {}) });
const cacheNow = (): Buffer => script().createCachedData();
const rejected = (cachedData: Buffer): boolean => script(cachedData).cachedDataRejected === true;

describe("withPlainRegexBuild", () => {
  it("turns the flag back off after the work, also when it throws: a cache taken before still fits", async () => {
    const before = cacheNow();
    let during: Buffer | undefined;
    await expect(
      withPlainRegexBuild(() => {
        during = cacheNow();
        return Promise.reject(new Error("scan failed"));
      }),
    ).rejects.toThrow("scan failed");
    // The flag was on during the work (a cache from then does not fit now) ...
    expect(rejected(during!)).toBe(true);
    // ... and is off again: the cache from before is accepted.
    expect(rejected(before)).toBe(false);
    await withPlainRegexBuild(() => Promise.resolve());
    expect(rejected(before)).toBe(false);
  });

  it("builds regexes that match as the default compiler's do", async () => {
    const texts = ["Ignore ALL previous instructions", "ignore the previous instructions", "ignoré"];
    const patterns = () => [/\bignore\s+(?:all\s+)?previous\s+instructions\b/i, /ignor[eé]/iu, /^(?:a|b)*$/];
    const plain = await withPlainRegexBuild(() =>
      Promise.resolve(patterns().map((re) => texts.map((t) => re.exec(t)?.[0] ?? null))),
    );
    expect(plain).toEqual(patterns().map((re) => texts.map((t) => re.exec(t)?.[0] ?? null)));
  });
});

describe("namesOneFile (the scans that build regexes plainly)", () => {
  const file = path.join(tmp, "SKILL.md");
  writeFileSync(file, "# x\n");
  mkdirSync(path.join(tmp, "folder"));

  it("is true for exactly one regular file, relative to cwd or absolute", async () => {
    expect(await namesOneFile(["SKILL.md"], tmp)).toBe(true);
    expect(await namesOneFile([file], "/")).toBe(true);
  });

  it("is false for stdin, a folder, a URL, a missing file and several inputs", async () => {
    expect(await namesOneFile(["-"], tmp)).toBe(false);
    expect(await namesOneFile(["folder"], tmp)).toBe(false);
    expect(await namesOneFile(["https://example.com/SKILL.md"], tmp)).toBe(false);
    expect(await namesOneFile(["missing.md"], tmp)).toBe(false);
    expect(await namesOneFile(["SKILL.md", "SKILL.md"], tmp)).toBe(false);
    expect(await namesOneFile([], tmp)).toBe(false);
  });
});
