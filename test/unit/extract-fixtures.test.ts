// Fixture folders: test/fixtures/extract/<case>/input.md → expected.json (the extracted
// model minus the echoed text). Re-record with UPDATE_FIXTURES=1.

import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { extractSkill } from "../../src/extract/index.js";

const dir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../fixtures/extract");
const update = process.env.UPDATE_FIXTURES === "1";

function snapshot(text: string) {
  const model = extractSkill({ source: "input.md", file: "input.md", text });
  const { text: _text, sha256: _sha, source: _source, ...rest } = model;
  return JSON.parse(JSON.stringify(rest)) as unknown;
}

describe("extract fixtures", () => {
  const cases = readdirSync(dir).filter((c) => existsSync(path.join(dir, c, "input.md")));
  it("has fixture cases", () => {
    expect(cases.length).toBeGreaterThanOrEqual(8);
  });
  for (const name of cases) {
    it(name, () => {
      const text = readFileSync(path.join(dir, name, "input.md"), "utf8");
      const actual = snapshot(text);
      const file = path.join(dir, name, "expected.json");
      if (update || !existsSync(file)) writeFileSync(file, `${JSON.stringify(actual, null, 2)}\n`);
      expect(actual).toEqual(JSON.parse(readFileSync(file, "utf8")));
    });
  }
});
