// The fix for a program named by a workspace path: a rule for `./run.sh` runs whatever the file
// holds at run time, and common-tools lets a step rewrite it (echo > run.sh) and make it
// executable (chmod +x), so the fix must say when such a rule is safe instead of plainly
// suggesting it.
import { beforeAll, describe, expect, it } from "vitest";
import { loadPolicy } from "../../src/policy/index.js";
import type { Policy } from "../../src/policy/types.js";
import { judge, shellReady } from "./policy-helpers.js";

beforeAll(shellReady);

let policy: Policy;
beforeAll(async () => {
  policy = await loadPolicy("common-tools");
});

describe("fix for a program no rule names", () => {
  it("qualifies a rule for a script named by a path", () => {
    expect(judge("echo 'id' > run.sh", policy).verdict).toBe("allow");
    expect(judge("chmod +x run.sh", policy).verdict).toBe("allow");
    const j = judge("./run.sh --fast", policy);
    expect(j.verdict).toBe("deny");
    expect(j.rule).toBe("default-deny");
    expect(j.fix).toContain("only for a script that no allowed rule can rewrite");
    expect(j.fix).toContain("runs whatever ./run.sh holds");
  });
  it("keeps the plain fix for a program found on PATH or in a system directory", () => {
    for (const text of ["memo notes -a x", "/usr/bin/memo notes"]) {
      const j = judge(text, policy);
      expect(j.rule).toBe("default-deny");
      expect(j.fix).toMatch(
        /^add a commands rule for program \S+ \(with the options and arguments it needs\)$/,
      );
    }
  });
});
