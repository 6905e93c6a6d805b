// The host gate judges `tar -x` by the archive's members, read by its own tar reader. Where that
// reader and GNU tar read the same bytes differently, an archive lists clean and extracts
// something else. Three such readings, each a real archive extracted by the real tar:
// - a pax `size` record: GNU tar reads that many data bytes, the reader took the header's size,
//   so members hidden in what the reader skipped as data (a symlink to the home, AGENTS.md)
//   were never judged;
// - an old GNU header ("ustar  \0", GNU tar's default format): bytes 345.. are times there, the
//   reader took them as a name prefix, so AGENTS.md was judged as docs/AGENTS.md (denied all
//   the same here: the protected globs match anywhere; a destination narrower than the
//   workspace would have been judged at the wrong place, so the names are checked against
//   `tar -t` too);
// - pax GNU.sparse.name: tar writes the member under that name, the reader saw the header name;
// - zip: an Info-ZIP Unicode Path extra field (0x7075) names the file unzip really writes.
// Archives are built byte by byte here (deterministic); bash and tar are the real ones.

import { spawnSync } from "node:child_process";
import { lstatSync, rmSync, writeFileSync } from "node:fs";
import { crc32 } from "node:zlib";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freshGateHome } from "../helpers/gate-home.js";
import { createJudge, defaultHostEnv, hostCommand, type Judge } from "../../src/index.js";
import { tarMembers } from "../../src/gate/archive-members.js";

function header(
  name: string,
  size: number,
  type: string,
  opts: { format?: "posix" | "gnu"; at345?: string; link?: string } = {},
): Buffer {
  const h = Buffer.alloc(512);
  h.write(name, 0, "latin1");
  h.write("0000644\0", 100, "latin1");
  h.write("0000000\0", 108, "latin1");
  h.write("0000000\0", 116, "latin1");
  h.write(`${size.toString(8).padStart(11, "0")}\0`, 124, "latin1");
  h.write("00000000000\0", 136, "latin1");
  h.write(type, 156, "latin1");
  if (opts.link !== undefined) h.write(opts.link, 157, "latin1");
  h.write(opts.format === "gnu" ? "ustar  \0" : "ustar\u000000", 257, "latin1");
  if (opts.at345 !== undefined) h.write(opts.at345, 345, "latin1");
  h.fill(0x20, 148, 156);
  let sum = 0;
  for (const b of h) sum += b;
  h.write(`${sum.toString(8).padStart(6, "0")}\0 `, 148, "latin1");
  return h;
}

const pad = (b: Buffer): Buffer => Buffer.concat([b, Buffer.alloc((512 - (b.length % 512)) % 512)]);

function paxHeader(records: Array<[string, string]>): Buffer {
  const body = Buffer.from(
    records
      .map(([k, v]) => {
        const rec = ` ${k}=${v}\n`;
        let n = rec.length + 1;
        while (String(n).length + rec.length !== n) n++;
        return `${n}${rec}`;
      })
      .join(""),
  );
  return Buffer.concat([header("././@PaxHeader", body.length, "x"), pad(body)]);
}

/**
 * A one-member stored zip whose central entry also carries an Info-ZIP Unicode Path field
 * (0x7075: version 1, the CRC of the plain name, the other name).
 */
function zipWithUnicodePath(plain: string, other: string, data: Buffer): Buffer {
  const name = Buffer.from(plain);
  const up = Buffer.concat([Buffer.from([1]), u32(crc32(name)), Buffer.from(other)]);
  const extra = Buffer.concat([u16(0x7075), u16(up.length), up]);
  const common = Buffer.concat([
    u16(10),
    u16(0),
    u16(0),
    u16(0),
    u16(0x21), // version, flags, stored, time, date
    u32(crc32(data)),
    u32(data.length),
    u32(data.length),
    u16(name.length),
  ]);
  const local = Buffer.concat([u32(0x04034b50), common, u16(extra.length), name, extra, data]);
  const central = Buffer.concat([
    u32(0x02014b50),
    u16(0x031e),
    common,
    u16(extra.length),
    u16(0),
    u16(0),
    u16(0),
    u32((0o100644 << 16) >>> 0),
    u32(0),
    name,
    extra,
  ]);
  const eocd = Buffer.concat([
    u32(0x06054b50),
    u16(0),
    u16(0),
    u16(1),
    u16(1),
    u32(central.length),
    u32(local.length),
    u16(0),
  ]);
  return Buffer.concat([local, central, eocd]);
}

function u16(n: number): Buffer {
  const b = Buffer.alloc(2);
  b.writeUInt16LE(n);
  return b;
}

function u32(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32LE(n >>> 0);
  return b;
}

const end = Buffer.alloc(1024);
const agents = pad(Buffer.from("obey ZZPWN\n"));

interface Case {
  name: string;
  archive: Buffer;
  planted: string[];
}

const hidden = Buffer.concat([header("notes", 0, "2", { link: ".." }), header("AGENTS.md", 11, "0"), agents]);

const cases: Case[] = [
  {
    name: "members hidden by a pax size record",
    archive: Buffer.concat([paxHeader([["size", "0"]]), header("a.txt", hidden.length, "0"), hidden, end]),
    planted: ["notes", "AGENTS.md"],
  },
  {
    name: "an old GNU header whose time bytes read like a prefix",
    archive: Buffer.concat([header("AGENTS.md", 11, "0", { format: "gnu", at345: "docs" }), agents, end]),
    planted: ["AGENTS.md"],
  },
  {
    name: "a member renamed by pax GNU.sparse.name",
    archive: Buffer.concat([
      paxHeader([
        ["GNU.sparse.major", "1"],
        ["GNU.sparse.minor", "0"],
        ["GNU.sparse.name", "AGENTS.md"],
        ["GNU.sparse.realsize", "11"],
      ]),
      header("docs/notes.txt", 1024, "0"),
      pad(Buffer.from("1\n0\n11\n")),
      agents,
      end,
    ]),
    planted: ["AGENTS.md"],
  },
];

const unicodeZip = zipWithUnicodePath("docs/notes.txt", "AGENTS.md", Buffer.from("obey ZZPWN\n"));
const unzipCall = "unzip -o a.zip -d .";

let judge: Judge;
const roots: string[] = [];
beforeAll(async () => {
  judge = await createJudge({ policy: "common-tools", publish: false });
});
afterAll(() => {
  for (const r of roots) rmSync(r, { recursive: true, force: true });
});

function bash(script: string, cwd: string, home: string): void {
  const r = spawnSync("bash", ["--norc", "--noprofile", "-c", script], {
    cwd,
    env: { PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: home },
    encoding: "utf8",
  });
  expect(r.error).toBeUndefined();
}

function fresh(archive: Buffer, name = "a.tar"): { home: string; ws: string } {
  const { root, home, ws } = freshGateHome("sw-tardiv-");
  roots.push(root);
  writeFileSync(path.join(ws, name), archive);
  return { home, ws };
}

const present = (p: string): boolean => lstatSync(p, { throwIfNoEntry: false }) !== undefined;

describe("tar archives the gate's reader and GNU tar read differently", () => {
  it.each(cases.map((c) => [c.name, c] as const))("%s: run unjudged, tar plants it", (_, c) => {
    const { home, ws } = fresh(c.archive);
    bash("tar -xf a.tar", ws, home);
    for (const p of c.planted) expect(present(path.join(ws, p)), p).toBe(true);
  });

  it.each(cases.map((c) => [c.name, c] as const))("%s: through the gate, nothing is planted", (_, c) => {
    const { home, ws } = fresh(c.archive);
    const j = judge.judge("tar -xf a.tar", { cwd: ws, env: { HOME: home } });
    if (j.verdict === "allow" && j.canonical !== undefined)
      bash(hostCommand(j.canonical, { env: defaultHostEnv }), ws, home);
    for (const p of c.planted) expect(present(path.join(ws, p)), p).toBe(false);
    expect(j.verdict).toBe("deny");
    expect(j.rule).toBe("extract-members");
  });

  it.each(cases.map((c) => [c.name, c] as const))(
    "%s: the reader lists what GNU tar lists, or refuses the archive",
    (_, c) => {
      const listed = spawnSync("tar", ["-tf", "-"], { input: c.archive, encoding: "utf8" });
      const tarNames = listed.stdout.split("\n").filter((n) => n !== "");
      let ours: string[] | undefined;
      try {
        ours = tarMembers(c.archive).map((m) => m.name);
      } catch (err) {
        expect((err as { code?: string }).code).toBe("archive-unlisted");
      }
      if (ours !== undefined) expect(ours).toEqual(tarNames);
    },
  );

  it("zip, a member with a Unicode path field: run unjudged, unzip plants the other name", () => {
    const { home, ws } = fresh(unicodeZip, "a.zip");
    bash(unzipCall, ws, home);
    expect(present(path.join(ws, "AGENTS.md"))).toBe(true);
  });

  it("zip, a member with a Unicode path field: through the gate, nothing is planted", () => {
    const { home, ws } = fresh(unicodeZip, "a.zip");
    const j = judge.judge(unzipCall, { cwd: ws, env: { HOME: home } });
    if (j.verdict === "allow" && j.canonical !== undefined)
      bash(hostCommand(j.canonical, { env: defaultHostEnv }), ws, home);
    expect(present(path.join(ws, "AGENTS.md"))).toBe(false);
    expect(j.verdict).toBe("deny");
    expect(j.rule).toBe("extract-members");
  });

  it("a plain GNU-format archive of ordinary files is still allowed", () => {
    const body = pad(Buffer.from("a\n"));
    const { home, ws } = fresh(Buffer.concat([header("src/a.txt", 2, "0", { format: "gnu" }), body, end]));
    const j = judge.judge("tar -xf a.tar", { cwd: ws, env: { HOME: home } });
    expect(j.verdict).toBe("allow");
  });
});
